/* Host futures: futures completed from JS (see include/weft/host.h). */
#include "../core/internal.h"
#include "weft/host.h"

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#define WEFT_EXPORT EMSCRIPTEN_KEEPALIVE
#else
#define WEFT_EXPORT
#endif

weft_future *weft_host_future(weft_loop *loop, weft_host_cancel_cb on_cancel, void *arg) {
  if (!loop) loop = weft_running_loop();
  weft_future *f = weft__host_future_new(loop, on_cancel, arg);
  if (!f) return NULL;
  weft_retain(f); /* the host's reference */
  weft_loop_ref(loop, +1);
  return f;
}

/* The host's end of the operation: completes `f` unless it was cancelled
 * meanwhile, and drops the host's reference either way, once: a second call
 * changes nothing. */
static int host_complete(weft_future *f, int state, intptr_t value, int err) {
  int rc = weft__check(f);
  if (rc || (rc = weft__host_take(f))) return rc;
  weft_loop_ref(f->loop, -1);
  rc = weft__future_complete(f, state, value, err);
  weft_release(f);
  return rc;
}

WEFT_EXPORT int weft_host_resolve(weft_future *f, intptr_t value) {
  return host_complete(f, WEFT_RESOLVED, value, 0);
}

WEFT_EXPORT int weft_host_fail(weft_future *f, int err) {
  return host_complete(f, WEFT_FAILED, 0, err < 0 ? err : WEFT_EFAILED);
}
