/* A deadline past setTimeout's limit (2^31-1 ms, about 24.8 days), wasm
 * only: the main task sleeps 2^31 ms + 5 s while another sleeps 30 ms.
 * tests/host/spy.mjs fast-forwards the host clock when a long host timer
 * fires, so the run takes milliseconds; the tests check the host saw
 * setTimeout(…, 30), setTimeout(…, 2147483647) and then the remainder
 * (about 5 s), and this program checks nothing woke early. */
#include <stdio.h>
#include <weft.h>

#include "harness.h"

#define FAR_MS ((INT64_C(1) << 31) + 5000)

static intptr_t short_sleeper(void *arg) {
  (void)arg;
  CHECK_EQ(weft_sleep(30), 0);
  printf("short sleeper woke\n");
  return 0;
}

static void far(void) {
  weft_loop *loop = weft_running_loop();
  weft_task *s = weft_spawn(NULL, short_sleeper, NULL, NULL);
  weft_time_t t0 = weft_loop_now(loop);
  CHECK_EQ(weft_sleep(FAR_MS), 0);
  weft_time_t slept = weft_loop_now(loop) - t0;
  printf("far sleeper woke after=%lld ms\n", (long long)(slept / 1000));
  CHECK(slept >= FAR_MS * 1000); /* never early */
  CHECK(weft_future_done(s));
  weft_release(s);
}

static intptr_t amain(void *arg) {
  (void)arg;
  RUN(far);
  return DONE() ? weft_fail(WEFT_EFAILED) : 0;
}

int main(void) { return weft_run(amain, NULL, NULL) ? 1 : 0; }
