/* weft_strerror and weft_strerror_name, expanded from WEFT_ERRORS
 * (include/weft/errors.h). A switch per function: a value listed twice does
 * not compile (duplicate case), and every code is checked to lie between
 * WEFT_ERROR_MIN_ and 0, so the list has no gaps either. */
#include "weft/errors.h"

#define CHECK_RANGE(name, value, message) \
  _Static_assert((value) <= 0 && (value) >= WEFT_ERROR_MIN_, "WEFT_" #name ": codes run from 0 down, without gaps");
WEFT_ERRORS(CHECK_RANGE)
#undef CHECK_RANGE

const char *weft_strerror(int code) {
  switch (code) {
#define TEXT(name, value, message) \
  case value: return message;
    WEFT_ERRORS(TEXT)
#undef TEXT
    default: return "unknown weft error";
  }
}

const char *weft_strerror_name(int code) {
  switch (code) {
#define NAME(name, value, message) \
  case value: return "WEFT_" #name;
    WEFT_ERRORS(NAME)
#undef NAME
    default: return "WEFT_E?";
  }
}
