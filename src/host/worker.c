/* CPU-bound C in a pool of workers (include/weft/worker.h). On wasm each
 * job is a host future: src/js/library_worker.js copies the input out of
 * this instance's memory and hands the job to the pool the JS loader made
 * (src/js/workers.mjs), whose worker runs weft__worker_call in its own
 * instance of this program; the result is copied into `out` when the job
 * ends. Natively the function runs inline, blocking the loop. */
#include "../core/internal.h"
#include "weft/host.h"
#include "weft/worker.h"

/* Runs fn with the out_len check every backend shares. Exported on wasm: it
 * is what a worker instance calls for each job. */
int weft__worker_call(weft_worker_fn fn, const void *in, size_t in_len, void *out, size_t out_cap, size_t *out_len);
int weft__worker_call(weft_worker_fn fn, const void *in, size_t in_len, void *out, size_t out_cap, size_t *out_len) {
  size_t n = 0;
  int rc = fn(in, in_len, out, out_cap, &n);
  if (rc > 0) rc = WEFT_EFAILED; /* a positive status is not a weft code */
  if (rc == 0 && n > out_cap) rc = WEFT_EINVAL;
  *out_len = rc == 0 ? n : 0;
  return rc;
}

#if defined(__EMSCRIPTEN__)
extern void weft_js_worker_submit(weft_future *f, weft_worker_fn fn, const void *in, size_t in_len, void *out,
                                  size_t out_cap);
extern void weft_js_worker_cancel(weft_future *f);

static void on_cancel(weft_future *f, void *arg) {
  (void)arg;
  weft_js_worker_cancel(f);
}
#endif

weft_future *weft_worker_submit(weft_loop *loop, weft_worker_fn fn, const void *in, size_t in_len, void *out,
                                size_t out_cap) {
  if (!fn || (!in && in_len) || (!out && out_cap)) return NULL;
#if defined(__EMSCRIPTEN__)
  weft_future *f = weft_host_future(loop, on_cancel, NULL);
  if (f) weft_js_worker_submit(f, fn, in, in_len, out, out_cap);
#else
  weft_future *f = weft_host_future(loop, NULL, NULL);
  if (f) {
    size_t n;
    int rc = weft__worker_call(fn, in, in_len, out, out_cap, &n);
    if (rc) weft_host_fail(f, rc);
    else weft_host_resolve(f, (intptr_t)n);
  }
#endif
  return f;
}

int weft_to_worker(weft_worker_fn fn, const void *in, size_t in_len, void *out, size_t out_cap, size_t *out_len) {
  if (out_len) *out_len = 0;
  if (!fn || (!in && in_len) || (!out && out_cap)) return WEFT_EINVAL;
  if (!weft_current()) return WEFT_ENOTTASK;
  weft_future *f = weft_worker_submit(NULL, fn, in, in_len, out, out_cap);
  if (!f) return WEFT_ENOMEM;
  if (!weft_future_done(f)) weft__trace_reason(WEFT_REASON_WORKER);
  intptr_t n = 0;
  int rc = weft_await(f, &n);
  weft_release(f);
  if (rc == 0 && out_len) *out_len = (size_t)n;
  return rc;
}
