/* The time budget keeps the host responsive (wasm only): three tasks spin on
 * weft_yield() for SPIN_MS while JS callbacks scheduled when the spin starts
 * (setTimeout 0, setImmediate on Node, requestAnimationFrame in browsers)
 * wait for their turn. Each must run during the spin, and how long it waited
 * is printed:
 *   timeout_ms=… immediate_ms=… raf_ms=… spin_ms=… yields=…
 * (-1: not available on this host). The spin is marked for the spy
 * ('spin', 'spin_done'), whose counts say how many host turns it let happen.
 * The waits are printed, not asserted: how long a host turn waits is wall
 * time, which a loaded machine stretches; the tests assert that the callbacks
 * ran during the spin and that the host got turns. */
#include <emscripten.h>
#include <stdio.h>
#include <weft.h>

#include "harness.h"

#define SPIN_MS 300

static long yields_total;

static intptr_t spinner(void *arg) {
  (void)arg;
  weft_time_t end = weft_loop_now(weft_running_loop()) + SPIN_MS * 1000;
  while (weft_loop_now(weft_running_loop()) < end) {
    if (weft_yield()) return weft_fail(WEFT_ECANCELED);
    yields_total++;
  }
  return 0;
}

/* Records the spy's counts at this point (tests/host/spy.js), if installed. */
static void mark(const char *name) {
  EM_ASM({ if (typeof weftSpyMark === 'function') weftSpyMark(UTF8ToString($0)); }, name);
}

static double waited(const char *which) {
  return EM_ASM_DOUBLE({
    var p = Module.weftTestProbe;
    var at = p[UTF8ToString($0)];
    return at === undefined ? -1 : at === null ? -2 : at - p.start;
  }, which);
}

static void spin(void) {
  /* (No top-level commas in EM_ASM's code: the macro would split it.) */
  EM_ASM({
    var p = Module.weftTestProbe = {};
    p.start = performance.now();
    p.timeout = null;
    setTimeout(function() { p.timeout = performance.now(); }, 0);
    if (typeof setImmediate === 'function') { p.immediate = null; setImmediate(function() { p.immediate = performance.now(); }); }
    if (typeof requestAnimationFrame === 'function') { p.raf = null; requestAnimationFrame(function() { p.raf = performance.now(); }); }
  });
  double t0 = emscripten_get_now();
  mark("spin");
  weft_task *t[3];
  for (int i = 0; i < 3; i++) t[i] = weft_spawn(NULL, spinner, NULL, NULL);
  CHECK_EQ(weft_gather(t, 3, WEFT_GATHER_FAIL_FAST, NULL, NULL), 0);
  mark("spin_done");
  for (int i = 0; i < 3; i++) weft_release(t[i]);
  double spin_ms = emscripten_get_now() - t0;
  double timeout_ms = waited("timeout"), immediate_ms = waited("immediate"), raf_ms = waited("raf");
  printf("timeout_ms=%.1f immediate_ms=%.1f raf_ms=%.1f spin_ms=%.1f yields=%ld\n", timeout_ms, immediate_ms, raf_ms,
         spin_ms, yields_total);
  /* -2: scheduled but never ran during the spin. */
  CHECK(timeout_ms != -2);
  CHECK(immediate_ms != -2);
  CHECK(raf_ms != -2);
  CHECK(yields_total > 1000);
}

static intptr_t amain(void *arg) {
  (void)arg;
  RUN(spin);
  return DONE() ? weft_fail(WEFT_EFAILED) : 0;
}

int main(void) { return weft_run(amain, NULL, NULL) ? 1 : 0; }
