/* Host futures: futures completed from JS (see include/weft/host.h). */
#include <stdlib.h>

#include "../core/internal.h"
#include "weft/host.h"

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#define WEFT_EXPORT EMSCRIPTEN_KEEPALIVE
#else
#define WEFT_EXPORT
#endif

typedef struct host_op {
  weft_host_cancel_cb on_cancel;
  void *arg;
} host_op;

static void on_host_done(weft_future *f, void *arg) {
  host_op *op = arg;
  if (f->state == WEFT_CANCELLED && op->on_cancel) op->on_cancel(f, op->arg);
  weft__free(op);
}

weft_future *weft_host_future(weft_loop *loop, weft_host_cancel_cb on_cancel, void *arg) {
  if (!loop) loop = weft_running_loop();
  weft_future *f = weft_future_new(loop);
  if (!f) return NULL;
  host_op *op = weft__malloc(sizeof *op);
  if (!op || weft_future_on_done(f, on_host_done, op) != 0) {
    weft__free(op);
    weft_release(f);
    return NULL;
  }
  op->on_cancel = on_cancel;
  op->arg = arg;
  weft_retain(f); /* the host's reference */
  weft_loop_ref(loop, +1);
  return f;
}

static int host_complete(weft_future *f, int state, intptr_t value, int err) {
  int rc = weft__check(f);
  if (rc) return rc;
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
