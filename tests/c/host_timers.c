/* The loop on the host's real clock (run by weft_run, so on wasm every wait
 * goes through the JS host's single timer):
 *   yield   1000 weft_sleep(0) in a row: the mean per yield, in µs, printed
 *           for tests/node/host_loop.test.mjs (zero delays must not be
 *           clamped like nested setTimeout(0));
 *   spread  200 tasks sleeping 1..200 ms in a shuffled order wake in deadline
 *           order and never before their deadline;
 *   clamp   a task sleeping 2^31 + 5 s (past setTimeout's limit) is not woken
 *           early; when main ends it is cancelled.
 * With the argument `far`, main itself sleeps 2^31 + 5 s, so that deadline
 * is the only one the host arms: host_loop.test.mjs checks it is clamped to
 * 2^31-1 ms and that nothing wakes early (it ends the process itself). */
#include <stdio.h>
#include <string.h>
#include <weft.h>

#include "harness.h"

static weft_time_t now_us(void) { return weft_loop_now(weft_running_loop()); }

static void yield_mean(void) {
  weft_time_t t0 = now_us();
  for (int i = 0; i < 1000; i++) CHECK_EQ(weft_sleep(0), 0);
  printf("yield mean_us=%.1f\n", (double)(now_us() - t0) / 1000.0);
}

#define NSPREAD 200
static int woke[NSPREAD], nwoke;

static intptr_t sleeper(void *arg) {
  int64_t ms = (int64_t)(intptr_t)arg;
  weft_time_t t0 = now_us();
  CHECK_EQ(weft_sleep(ms), 0);
  CHECK(now_us() - t0 >= ms * 1000); /* never early */
  woke[nwoke++] = (int)ms;
  return 0;
}

static void spread(void) {
  weft_task *t[NSPREAD];
  for (int i = 0; i < NSPREAD; i++) t[i] = weft_spawn(NULL, sleeper, (void *)(intptr_t)(1 + (i * 37) % NSPREAD), NULL);
  CHECK_EQ(weft_gather(t, NSPREAD, WEFT_GATHER_FAIL_FAST, NULL, NULL), 0);
  for (int i = 0; i < NSPREAD; i++) weft_release(t[i]);
  CHECK_EQ(nwoke, NSPREAD);
  for (int i = 1; i < nwoke; i++) CHECK(woke[i - 1] < woke[i]);
}

static intptr_t far_sleeper(void *arg) {
  (void)arg;
  int rc = weft_sleep((INT64_C(1) << 31) + 5000);
  /* Only a wrong wake-up speaks, after the summary line: the runners read
   * the last line, so it fails the run. */
  if (rc != WEFT_ECANCELED) printf("FAIL far sleeper woke early: %s\n1 failed\n", weft_strerror_name(rc));
  return 0;
}

static void clamp(void) {
  weft_spawn_detached(NULL, far_sleeper, NULL, &(weft_task_options){.name = "far"});
  CHECK_EQ(weft_sleep(50), 0); /* the far timer is armed (clamped) meanwhile */
}

static intptr_t amain(void *arg) {
  (void)arg;
  RUN(yield_mean);
  RUN(spread);
  RUN(clamp);
  return DONE() ? weft_fail(WEFT_EFAILED) : 0;
}

static intptr_t amain_far(void *arg) {
  (void)arg;
  printf("sleeping 2^31 + 5 s\n");
  fflush(stdout);
  int rc = weft_sleep((INT64_C(1) << 31) + 5000);
  printf("FAIL woke: %s\n", weft_strerror_name(rc));
  return 0;
}

int main(int argc, char **argv) {
  int far = argc > 1 && strcmp(argv[1], "far") == 0;
  return weft_run(far ? amain_far : amain, NULL, NULL) ? 1 : 0;
}
