/* wasm-only entry points called by the JS host (src/js/library_weft.js). */
#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#include <stdio.h>

#include "../core/internal.h"

/* Called after the loop trapped (a wasm `unreachable`), to name the cause.
 * `asyncify_state` is Asyncify's state at the trap: 1 means an unwind was in
 * progress, and the only trap Asyncify raises then is a full save buffer.
 * Returns a static message, or NULL when weft cannot tell. */
EMSCRIPTEN_KEEPALIVE const char *weft__diagnose(weft_loop *loop, int asyncify_state) {
  static char msg[256];
  if (!loop || loop->magic != WEFT_MAGIC_LOOP || !loop->current) return NULL;
  weft__task *t = loop->current;
  if (asyncify_state == 1)
    snprintf(msg, sizeof msg,
             "weft: task '%s' overflowed its %zu-byte Asyncify save buffer (WEFT_ESTACK); "
             "raise weft_task_options.asyncify_size",
             t->name, t->async_size);
  else
    snprintf(msg, sizeof msg, "weft: task '%s' trapped (wasm unreachable) while running", t->name);
  return msg;
}
#endif
