/* The constants C and JS share, as the compiler sees them.
 *
 * Checks that weft_strerror / weft_strerror_name and the trace's name
 * functions know every entry of the headers' X-macro lists and nothing else,
 * then prints each entry as a "  const ..." line, which
 * tests/node/constants.test.mjs compares with src/js/constants.mjs (on wasm32
 * and natively: the record offsets are the ones of the target). */
#include <stddef.h>
#include <stdint.h>

#include "harness.h"

/* Every listed error code has its name and message, and no other code in a
 * wide range has one. */
static void error_codes(void) {
  int listed = 0;
#define CHECK_CODE(name, value, message)                      \
  CHECK_EQ(WEFT_##name, value);                               \
  CHECK_STR(weft_strerror_name(value), "WEFT_" #name);        \
  CHECK_STR(weft_strerror(value), message);                   \
  listed++;
  WEFT_ERRORS(CHECK_CODE)
#undef CHECK_CODE
  CHECK_EQ(listed, 1 - WEFT_ERROR_MIN_);
  int named = 0;
  for (int code = -1000; code <= 1000; code++) {
    int known = strcmp(weft_strerror_name(code), "WEFT_E?") != 0;
    CHECK_EQ(known, strcmp(weft_strerror(code), "unknown weft error") != 0);
    CHECK_EQ(known, code <= 0 && code >= WEFT_ERROR_MIN_);
    named += known;
  }
  CHECK_EQ(named, listed);
}

/* The trace's name functions give each listed name, and "" elsewhere. */
static void trace_names(void) {
#define CHECK_NAME(fn, name, value, str) CHECK_STR(fn(value), str);
#define KIND(name, value, str) CHECK_NAME(weft_trace_kind_name, name, value, str) CHECK_EQ(WEFT_TRACE_##name, value);
#define REASON(name, value, str) CHECK_NAME(weft_trace_reason_name, name, value, str) CHECK_EQ(WEFT_REASON_##name, value);
#define WARNING(name, value, str) CHECK_NAME(weft_trace_warning_name, name, value, str) CHECK_EQ(WEFT_WARN_##name, value);
  WEFT_TRACE_KINDS(KIND)
  WEFT_TRACE_REASONS(REASON)
  WEFT_TRACE_WARNINGS(WARNING)
#undef KIND
#undef REASON
#undef WARNING
#undef CHECK_NAME
  int kinds = 0, reasons = 0, warnings = 0;
#define COUNT(name, value, str) +1
  int want_kinds = 0 WEFT_TRACE_KINDS(COUNT), want_reasons = 0 WEFT_TRACE_REASONS(COUNT),
      want_warnings = 0 WEFT_TRACE_WARNINGS(COUNT);
#undef COUNT
  for (int v = -5; v < 300; v++) {
    kinds += weft_trace_kind_name(v)[0] != 0;
    reasons += weft_trace_reason_name(v)[0] != 0;
    warnings += weft_trace_warning_name(v)[0] != 0;
  }
  CHECK_EQ(kinds, want_kinds);
  CHECK_EQ(reasons, want_reasons - 1); /* WEFT_REASON_NONE's name is "" */
  CHECK_EQ(warnings, want_warnings);
  CHECK_STR(weft_trace_reason_name(WEFT_REASON_NONE), "");
}

/* Each record field sits at its listed offset (trace.c also asserts it at
 * compile time) and a record has its listed size. */
static void record_layout(void) {
  CHECK_EQ(sizeof(weft_trace_record), WEFT_TRACE_RECORD_SIZE);
#define FIELD(offset, type, name) CHECK_EQ(offsetof(weft_trace_record, name), offset);
  WEFT_TRACE_RECORD_FIELDS(FIELD)
#undef FIELD
}

/* The dump tests/node/constants.test.mjs reads. */
static void dump(void) {
#define ERR(name, value, message) printf("  const error %d WEFT_%s %s\n", value, #name, message);
  WEFT_ERRORS(ERR)
#undef ERR
#define LIST(what, name, value, str) printf("  const " what " %d %s %s\n", value, #name, str);
#define KIND(name, value, str) LIST("kind", name, value, str)
#define REASON(name, value, str) LIST("reason", name, value, str)
#define WARNING(name, value, str) LIST("warning", name, value, str)
#define STATE(name, value, str) LIST("state", name, value, str)
  WEFT_TRACE_KINDS(KIND)
  WEFT_TRACE_REASONS(REASON)
  WEFT_TRACE_WARNINGS(WARNING)
  WEFT_FUTURE_STATES(STATE)
#undef KIND
#undef REASON
#undef WARNING
#undef STATE
#undef LIST
#define FIELD(offset, type, name)                                                                   \
  printf("  const field %s %zu %zu %s\n", #name, offsetof(weft_trace_record, name),                 \
         (size_t)(sizeof(((weft_trace_record *)0)->name)), #type);
  WEFT_TRACE_RECORD_FIELDS(FIELD)
#undef FIELD
#define JSKIND(name, value) printf("  const js_kind %d %s\n", value, #name);
  WEFT_JS_KINDS(JSKIND)
#undef JSKIND
  printf("  const record_size %zu\n", sizeof(weft_trace_record));
  printf("  const record_text %d\n", WEFT_TRACE_TEXT);
}

int main(void) {
  RUN(error_codes);
  RUN(trace_names);
  RUN(record_layout);
  dump();
  return DONE();
}
