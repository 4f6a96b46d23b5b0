/* Scale: 100 000 tasks spawned and finished, in batches, each sleeping a
 * little on the virtual clock; freeing the loop must report no leak (and
 * under ASan, LeakSanitizer checks the process too). */
#include <stdint.h>

#include "harness.h"

#define TOTAL 100000
#define BATCH 2000

static long finished;
static long long checksum;

static intptr_t small_task(void *arg) {
  intptr_t i = (intptr_t)arg;
  if (weft_sleep(1 + i % 7) != 0) return weft_fail(WEFT_EFAILED);
  finished++;
  return i;
}

static void hundred_thousand_tasks(void) {
  weft_loop *loop = new_vloop();
  static weft_task *batch[BATCH];
  finished = 0;
  checksum = 0;
  long long expect = 0;
  int bad = 0;
  weft_time_t t0 = 0;
  for (int b = 0; b < TOTAL / BATCH; b++) {
    for (int k = 0; k < BATCH; k++) {
      intptr_t i = (intptr_t)b * BATCH + k;
      expect += i;
      if (k % 2) { /* half detached, half awaited through their handle */
        if (weft_spawn_detached(loop, small_task, (void *)i, NULL) != 0) bad++;
        batch[k] = NULL;
        checksum += i; /* counted here: its handle is gone */
      } else {
        batch[k] = weft_spawn(loop, small_task, (void *)i, NULL);
        if (!batch[k]) bad++;
      }
    }
    t0 = weft_loop_now(loop);
    CHECK_EQ(weft_loop_run(loop), 0);
    CHECK_EQ(weft_loop_now(loop) - t0, 7000); /* the longest sleep of the batch */
    for (int k = 0; k < BATCH; k++) {
      if (!batch[k]) continue;
      intptr_t v = 0;
      if (weft_future_result(batch[k], &v) != 0) bad++;
      checksum += v;
      if (weft_release(batch[k]) != 0) bad++;
    }
    if (weft_loop_alive_tasks(loop) != 0) bad++;
  }
  CHECK_EQ(bad, 0);
  CHECK_EQ(finished, TOTAL);
  CHECK_EQ(checksum, expect);
  CHECK_EQ(weft_loop_now(loop), (TOTAL / BATCH) * 7000);
  FREE_LOOP(loop);
}

/* Many timers and futures alive at once, all on one loop. */
static intptr_t waiter(void *arg) {
  weft_future *f = arg;
  intptr_t v = 0;
  return weft_await(f, &v) == 0 ? v : -1;
}

static void ten_thousand_awaiting(void) {
  enum { N = 10000 };
  weft_loop *loop = new_vloop();
  static weft_task *ts[N];
  weft_future *f = weft_future_new(loop);
  for (int i = 0; i < N; i++) ts[i] = weft_spawn(loop, waiter, f, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_loop_alive_tasks(loop), N);
  CHECK_EQ(weft_future_resolve(f, 5), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  long long sum = 0;
  for (int i = 0; i < N; i++) {
    intptr_t v = 0;
    CHECK_EQ(weft_future_result(ts[i], &v), 0);
    sum += v;
    CHECK_EQ(weft_release(ts[i]), 0);
  }
  CHECK_EQ(sum, 5LL * N);
  CHECK_EQ(weft_release(f), 0);
  FREE_LOOP(loop);
}

int main(void) {
  RUN(hundred_thousand_tasks);
  RUN(ten_thousand_awaiting);
  return DONE();
}
