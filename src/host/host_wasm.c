/* wasm-only entry points called by the JS host (src/js/library_weft.js). */
#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#include <stdio.h>

#include "../core/internal.h"

/* Called by the JS host after the loop trapped, to name the cause. Returns a
 * static message, or NULL when weft cannot tell.
 *
 * Binaryen 108's Asyncify writes an unwind past the end of a full save buffer
 * and only traps in stop_unwind, after resetting its state; so the sign of
 * that overflow is the task's buffer pointer beyond its end, not the state.
 * The buffer lies below the task's stack, so the spill reaches only the
 * task's own canary and stack, never another object. */
EMSCRIPTEN_KEEPALIVE const char *weft__diagnose(weft_loop *loop) {
  static char msg[256];
  if (!loop || loop->magic != WEFT_MAGIC_LOOP || !loop->current) return NULL;
  weft__task *t = loop->current;
  if (!t->has_ctx)
    snprintf(msg, sizeof msg, "weft: task '%s' trapped (wasm unreachable) while running", t->name);
  else if ((char *)t->ctx.adata.cur > (char *)t->ctx.adata.end)
    snprintf(msg, sizeof msg,
             "weft: task '%s' overflowed its %zu-byte Asyncify save buffer (WEFT_ESTACK); "
             "raise weft_task_options.asyncify_size",
             weft__ctx_label(&t->ctx), t->ctx.abuf_size);
  else if (!weft__ctx_stack_ok(&t->ctx))
    snprintf(msg, sizeof msg, "weft: task '%s' overflowed its %zu-byte C stack (WEFT_ESTACK)",
             weft__ctx_label(&t->ctx), weft__ctx_stack_size(&t->ctx));
  else
    snprintf(msg, sizeof msg, "weft: task '%s' trapped while running", weft__ctx_label(&t->ctx));
  return msg;
}

/* For the stack-overflow handler (library_weft.js): leaf functions with no
 * stack frame, so they run safely when the task's stack is exhausted. */
EMSCRIPTEN_KEEPALIVE const char *weft__current_task_name(void) {
  weft_loop *loop = weft_running_loop();
  return loop && loop->current ? loop->current->name : NULL;
}

EMSCRIPTEN_KEEPALIVE size_t weft__current_task_stack_size(void) {
  weft_loop *loop = weft_running_loop();
  return loop && loop->current ? loop->current->stack_size : 0;
}
#endif
