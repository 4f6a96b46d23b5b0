/* Zero-delay wake-ups on the JS host (wasm only), run with a 1 µs budget so
 * that every wake-up is a host round trip:
 *   yields    1000 weft_sleep(0): mean µs per yield
 *   resolves  200 host futures resolved from JS (from a setTimeout callback,
 *             i.e. nested timers): mean µs from _weft_host_resolve to the
 *             awaiting task running again
 * Both must go through setImmediate (Node) or a MessageChannel message
 * (browsers): a setTimeout(0) would cost >= 1 ms (4 ms once nested).
 * Prints "yield_mean_us=…" and "resolve_mean_us=…". A browser's coarse clock
 * (100 µs) lets several yields share one host turn even with a 1 µs budget,
 * so the tests also divide the time between the marks "yields" and
 * "yields_done" by the host turns the spy counted in between. */
#include <emscripten.h>
#include <stdio.h>
#include <weft.h>

#include "harness.h"

/* Marks for tests/host/spy.js, which counts the host round trips between
 * them. */
static void mark(const char *name) {
  EM_ASM({ if (typeof weftSpyMark === 'function') weftSpyMark(UTF8ToString($0)); }, name);
}

static void yields(void) {
  double t0 = emscripten_get_now();
  mark("yields");
  for (int i = 0; i < 1000; i++) CHECK_EQ(weft_sleep(0), 0);
  mark("yields_done");
  printf("yield_mean_us=%.1f\n", (emscripten_get_now() - t0) * 1000.0 / 1000.0);
}

static void resolves(void) {
  weft_loop *loop = weft_running_loop();
  double total_ms = 0;
  for (int i = 0; i < 200; i++) {
    weft_future *f = weft_host_future(loop, NULL, NULL);
    CHECK(f != NULL);
    /* JS resolves it from a timer callback, long after this task suspended. */
    EM_ASM({
      setTimeout(function() {
        Module.weftTestResolvedAt = performance.now();
        Module._weft_host_resolve($0, $1);
      }, 0);
    }, f, i);
    intptr_t v = -1;
    CHECK_EQ(weft_await(f, &v), 0);
    CHECK_EQ(v, i);
    total_ms += EM_ASM_DOUBLE({ return performance.now() - Module.weftTestResolvedAt; });
    weft_release(f);
  }
  printf("resolve_mean_us=%.1f\n", total_ms * 1000.0 / 200);
}

static intptr_t amain(void *arg) {
  (void)arg;
  RUN(yields);
  RUN(resolves);
  return DONE() ? weft_fail(WEFT_EFAILED) : 0;
}

int main(void) { return weft_run(amain, NULL, NULL) ? 1 : 0; }
