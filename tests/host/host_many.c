/* 1000 tasks sleeping at spread delays on the real clock: on wasm the host
 * keeps ONE timer for the whole loop, not one per task (tests/host/spy.mjs
 * counts the host's timers; tests/node/host_timers.test.mjs and the browser
 * tests assert on it). Here, from inside: every task wakes in deadline order,
 * equal deadlines in arming order, and never before its deadline.
 *
 *   host_many         one loop
 *   host_many two     (wasm) plus a second loop, driven by the host on its
 *                     own, with 300 weft_call_later callbacks: two loops, so
 *                     at most two host timers at once
 */
#include <stdio.h>
#include <string.h>
#include <weft.h>

#include "harness.h"

#define NTASKS 1000
#define NDELAYS 250 /* delays 1..250 ms, four tasks each */

static int woke[NTASKS], nwoke;
static weft_time_t t0;

static int64_t delay_of(int i) { return 1 + (i * 37) % NDELAYS; }

static intptr_t sleeper(void *arg) {
  int i = (int)(intptr_t)arg;
  int64_t ms = delay_of(i);
  CHECK_EQ(weft_sleep(ms), 0);
  weft_time_t late = weft_loop_now(weft_running_loop()) - t0 - ms * 1000;
  if (late < 0) printf("  task %d (%lld ms) woke %lld us early\n", i, (long long)ms, (long long)-late);
  CHECK(late >= 0);
  woke[nwoke++] = i;
  return 0;
}

static void thousand_sleepers(void) {
  static weft_task *t[NTASKS];
  nwoke = 0;
  /* The tasks start together on the next iteration: one clock reading, so
   * equal delays make equal deadlines, armed in spawn order. */
  for (int i = 0; i < NTASKS; i++) t[i] = weft_spawn(NULL, sleeper, (void *)(intptr_t)i, NULL);
  CHECK_EQ(weft_yield(), 0); /* the sleepers arm their timers in this iteration */
  t0 = weft_loop_now(weft_running_loop());
  CHECK_EQ(weft_gather(t, NTASKS, WEFT_GATHER_FAIL_FAST, NULL, NULL), 0);
  for (int i = 0; i < NTASKS; i++) weft_release(t[i]);
  CHECK_EQ(nwoke, NTASKS);
  int bad = 0;
  for (int k = 1; k < nwoke; k++) {
    int a = woke[k - 1], b = woke[k];
    if (delay_of(a) > delay_of(b) || (delay_of(a) == delay_of(b) && a > b)) bad++;
  }
  CHECK_EQ(bad, 0);
  printf("distinct_deadlines=%d\n", NDELAYS);
}

#if defined(__EMSCRIPTEN__)
#define NCB 300
static weft_handle cbh[NCB];
static int cb_done, cb_bad, cb_last;
static weft_time_t cb_t0;

static void on_timer(weft_loop *loop, void *arg) {
  int i = (int)(intptr_t)arg;
  int64_t ms = 1 + (i * 7) % 150;
  if (weft_loop_now(loop) - cb_t0 < ms * 1000) cb_bad++;             /* early */
  if (cb_done && (1 + (cb_last * 7) % 150) > ms) cb_bad++;           /* out of order */
  cb_last = i;
  cb_done++;
}

static void two_loops(void) {
  weft_loop *other = weft_loop_new(NULL);
  CHECK(other != NULL);
  cb_t0 = weft_loop_now(other);
  for (int i = 0; i < NCB; i++) CHECK_EQ(weft_call_later(other, &cbh[i], 1 + (i * 7) % 150, on_timer, (void *)(intptr_t)i), 0);
  /* Meanwhile this loop has its own sleepers. */
  thousand_sleepers();
  while (cb_done < NCB) CHECK_EQ(weft_sleep(10), 0);
  CHECK_EQ(cb_bad, 0);
  CHECK_EQ(weft_loop_free(other), 0);
}
#endif

static intptr_t amain(void *arg) {
  const char *mode = arg;
  if (mode && strcmp(mode, "two") == 0) {
#if defined(__EMSCRIPTEN__)
    RUN(two_loops);
#endif
  } else {
    RUN(thousand_sleepers);
  }
  return DONE() ? weft_fail(WEFT_EFAILED) : 0;
}

int main(int argc, char **argv) { return weft_run(amain, argc > 1 ? argv[1] : NULL, NULL) ? 1 : 0; }
