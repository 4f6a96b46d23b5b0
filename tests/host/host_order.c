/* Timer order on the real clock is the virtual clock's: (deadline, arming
 * order). Run with either clock (WEFT_CLOCK=virtual); the tests compare the
 * lines of both runs, and the program checks each order against the one
 * computed here.
 *   sleeps     300 tasks started in one iteration sleep 0..19 ms (15 tasks
 *              per delay): wake order by delay, then spawn order
 *   call_at    400 callbacks at absolute deadlines, armed in a shuffled
 *              order with many equal deadlines, 40 of them cancelled, and
 *              each of the first 20 to run arms one more at a deadline equal
 *              to pending ones (it must run after those)
 *   soon       weft_call_soon handles and zero-delay timers interleaved:
 *              FIFO, each timer after the handles queued before it ran
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <weft.h>

#include "harness.h"

/* --- sleeps ---------------------------------------------------------------- */

#define NS 300
static int sorder[NS], ns;
static int sdelay(int i) { return (i * 7) % 20; }

static intptr_t sleeper(void *arg) {
  int i = (int)(intptr_t)arg;
  CHECK_EQ(weft_sleep(sdelay(i)), 0);
  sorder[ns++] = i;
  return 0;
}

static void print_order(const char *name, const int *v, int n) {
  printf("%s", name);
  for (int i = 0; i < n; i++) printf(" %d", v[i]);
  printf("\n");
}

static void sleeps(void) {
  weft_task *t[NS];
  ns = 0;
  for (int i = 0; i < NS; i++) t[i] = weft_spawn(NULL, sleeper, (void *)(intptr_t)i, NULL);
  CHECK_EQ(weft_gather(t, NS, WEFT_GATHER_FAIL_FAST, NULL, NULL), 0);
  for (int i = 0; i < NS; i++) weft_release(t[i]);
  CHECK_EQ(ns, NS);
  int k = 0, expect[NS];
  for (int d = 0; d < 20; d++)
    for (int i = 0; i < NS; i++)
      if (sdelay(i) == d) expect[k++] = i;
  CHECK_EQ(memcmp(sorder, expect, sizeof expect), 0);
  print_order("sleeps", sorder, ns);
}

/* --- call_at --------------------------------------------------------------- */

#define NA 400
#define NEXTRA 20
static weft_handle ah[NA + NEXTRA];
static int aorder[NA + NEXTRA], na, nextra;
static weft_time_t origin;
static weft_time_t when_of(int i) {
  /* 25 distinct deadlines 1 ms apart, 16 handles each; extras land on 30 ms. */
  return origin + (i < NA ? ((i * 13) % 25) * 1000 : 30 * 1000);
}
static int armed_seq[NA + NEXTRA], seq_next;

static void on_at(weft_loop *loop, void *arg);

static void arm(weft_loop *loop, int i) {
  armed_seq[i] = seq_next++;
  CHECK_EQ(weft_call_at(loop, &ah[i], when_of(i), on_at, (void *)(intptr_t)i), 0);
}

static void on_at(weft_loop *loop, void *arg) {
  int i = (int)(intptr_t)arg;
  if (weft_loop_now(loop) < when_of(i)) CHECK(!"early");
  aorder[na++] = i;
  if (nextra < NEXTRA) arm(loop, NA + nextra++);
}

static int by_deadline_then_seq(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  if (when_of(x) != when_of(y)) return when_of(x) < when_of(y) ? -1 : 1;
  return armed_seq[x] - armed_seq[y];
}

static void call_at(void) {
  weft_loop *loop = weft_running_loop();
  memset(ah, 0, sizeof ah);
  na = nextra = seq_next = 0;
  origin = weft_loop_now(loop) + 20 * 1000; /* a margin: nothing is due while arming */
  /* Armed in a shuffled order: i = (k * 151) % NA visits every handle. */
  for (int k = 0; k < NA; k++) arm(loop, (k * 151) % NA);
  int cancelled[NA] = {0};
  for (int k = 0; k < 40; k++) {
    int i = (k * 97 + 3) % NA;
    CHECK_EQ(weft_handle_cancel(&ah[i]), 0);
    cancelled[i] = 1;
  }
  while (na < NA - 40 + NEXTRA) CHECK_EQ(weft_sleep(5), 0);
  int expect[NA + NEXTRA], k = 0;
  for (int i = 0; i < NA + NEXTRA; i++)
    if (i >= NA || !cancelled[i]) expect[k++] = i;
  qsort(expect, (size_t)k, sizeof expect[0], by_deadline_then_seq);
  CHECK_EQ(k, na);
  CHECK_EQ(memcmp(aorder, expect, sizeof expect[0] * (size_t)k), 0);
  print_order("call_at", aorder, na);
}

/* --- soon ------------------------------------------------------------------ */

static weft_handle sh[40];
static int sorder2[40], ns2;
static void on_soon(weft_loop *loop, void *arg) { (void)loop; sorder2[ns2++] = (int)(intptr_t)arg; }

static void soon(void) {
  weft_loop *loop = weft_running_loop();
  memset(sh, 0, sizeof sh);
  ns2 = 0;
  /* Even: call_soon; odd: call_later(0). A zero-delay timer is due on the
   * next iteration, after the handles already queued for that iteration. */
  for (int i = 0; i < 40; i++) {
    if (i % 2 == 0) CHECK_EQ(weft_call_soon(loop, &sh[i], on_soon, (void *)(intptr_t)i), 0);
    else CHECK_EQ(weft_call_later(loop, &sh[i], 0, on_soon, (void *)(intptr_t)i), 0);
  }
  while (ns2 < 40) CHECK_EQ(weft_sleep(1), 0);
  print_order("soon", sorder2, ns2);
}

static intptr_t amain(void *arg) {
  (void)arg;
  RUN(sleeps);
  RUN(call_at);
  RUN(soon);
  return DONE() ? weft_fail(WEFT_EFAILED) : 0;
}

int main(void) { return weft_run(amain, NULL, NULL) ? 1 : 0; }
