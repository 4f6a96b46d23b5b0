/* The event loop: timer heap order, cancellation, starvation, handle return
 * codes and the virtual clock. */
#include <stdint.h>

#include "harness.h"

/* --- helpers ------------------------------------------------------------- */

static uint32_t rng_state;
static uint32_t rng(void) { /* deterministic LCG: same run natively and on wasm */
  rng_state = rng_state * 1664525u + 1013904223u;
  return rng_state >> 8;
}

typedef struct fired {
  int id;
  weft_time_t at;
} fired;

static fired fires[4096];
static int nfires;

static void record(weft_loop *loop, void *arg) {
  fires[nfires].id = (int)(intptr_t)arg;
  fires[nfires].at = weft_loop_now(loop);
  nfires++;
}

static void log_cb(weft_loop *loop, void *arg) {
  LOG("%s@%lld", (const char *)arg, (long long)weft_loop_now(loop));
}

/* --- timer heap ---------------------------------------------------------- */

#define NT 2000
static weft_handle th[NT];
static int64_t tdeadline[NT];

static void heap_random_deadlines(void) {
  weft_loop *loop = new_vloop();
  rng_state = 12345;
  nfires = 0;
  memset(th, 0, sizeof th);
  /* Deadlines in 0..99 ms: many ties, so arming order matters. */
  for (int i = 0; i < NT; i++) {
    tdeadline[i] = rng() % 100;
    int rc = (i % 2) ? weft_call_later(loop, &th[i], tdeadline[i], record, (void *)(intptr_t)i)
                     : weft_call_at(loop, &th[i], tdeadline[i] * 1000, record, (void *)(intptr_t)i);
    CHECK_EQ(rc, 0);
  }
  /* Cancel every 7th from wherever it sits in the heap. */
  int cancelled = 0;
  for (int i = 3; i < NT; i += 7) {
    CHECK_EQ(weft_handle_cancel(&th[i]), 0);
    CHECK_EQ(weft_handle_active(&th[i]), 0);
    cancelled++;
  }
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(nfires, NT - cancelled);
  int order_ok = 1, time_ok = 1, cancelled_ran = 0;
  for (int k = 0; k < nfires; k++) {
    int id = fires[k].id;
    if ((id - 3) % 7 == 0 && id >= 3) cancelled_ran++;
    if (fires[k].at != tdeadline[id] * 1000) time_ok = 0;
    if (k > 0) {
      int prev = fires[k - 1].id;
      if (tdeadline[prev] > tdeadline[id] || (tdeadline[prev] == tdeadline[id] && prev > id)) order_ok = 0;
    }
  }
  CHECK(order_ok);
  CHECK(time_ok);
  CHECK_EQ(cancelled_ran, 0);
  CHECK_EQ(weft_loop_now(loop), 99000);
  FREE_LOOP(loop);
}

static void heap_equal_deadlines_fifo(void) {
  weft_loop *loop = new_vloop();
  weft_handle h[8] = {{0}};
  static const char *names[] = {"a", "b", "c", "d", "e", "f", "g", "h"};
  /* a..e at 5 ms, then f..h at 3 ms armed later: 3 ms ones first, each
   * group in arming order. */
  for (int i = 0; i < 5; i++) CHECK_EQ(weft_call_later(loop, &h[i], 5, log_cb, (void *)names[i]), 0);
  for (int i = 5; i < 8; i++) CHECK_EQ(weft_call_at(loop, &h[i], 3000, log_cb, (void *)names[i]), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("f@3000 g@3000 h@3000 a@5000 b@5000 c@5000 d@5000 e@5000");
  FREE_LOOP(loop);
}

static void heap_cancel_middle(void) {
  weft_loop *loop = new_vloop();
  weft_handle h[64];
  memset(h, 0, sizeof h);
  nfires = 0;
  /* Armed in a shuffled order so the cancelled ones sit at inner nodes. */
  for (int k = 0; k < 64; k++) {
    int i = (k * 37) % 64;
    CHECK_EQ(weft_call_later(loop, &h[i], i + 1, record, (void *)(intptr_t)i), 0);
  }
  int cancel_ids[] = {31, 0, 63, 17, 40, 41, 2};
  for (unsigned k = 0; k < sizeof cancel_ids / sizeof cancel_ids[0]; k++)
    CHECK_EQ(weft_handle_cancel(&h[cancel_ids[k]]), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(nfires, 64 - 7);
  int expect = 0, ok = 1;
  for (int k = 0; k < nfires; k++) {
    while (expect == 31 || expect == 0 || expect == 63 || expect == 17 || expect == 40 || expect == 41 || expect == 2)
      expect++;
    if (fires[k].id != expect || fires[k].at != (expect + 1) * 1000) ok = 0;
    expect++;
  }
  CHECK(ok);
  CHECK_EQ(weft_loop_now(loop), 63000); /* the cancelled 64 ms timer did not move the clock */
  FREE_LOOP(loop);
}

/* --- starvation ---------------------------------------------------------- */

static weft_handle rearm_h;
static int rearm_left;

static void rearm_soon(weft_loop *loop, void *arg) {
  LOG("s");
  if (rearm_left-- > 0) CHECK_EQ(weft_call_soon(loop, &rearm_h, rearm_soon, arg), 0);
}

static void rearm_timer0(weft_loop *loop, void *arg) {
  LOG("t");
  if (rearm_left-- > 0) CHECK_EQ(weft_call_later(loop, &rearm_h, 0, rearm_timer0, arg), 0);
}

static void starvation_call_soon(void) {
  weft_loop *loop = new_vloop();
  weft_handle b = {0}, c = {0};
  rearm_left = 3;
  CHECK_EQ(weft_call_soon(loop, &rearm_h, rearm_soon, NULL), 0);
  CHECK_EQ(weft_call_soon(loop, &b, log_cb, "b"), 0);
  CHECK_EQ(weft_loop_run_once(loop), 2); /* s, b; the re-armed s waits */
  CHECK_EQ(weft_call_soon(loop, &c, log_cb, "c"), 0);
  CHECK_EQ(weft_loop_run_once(loop), 2); /* s (armed first), c */
  CHECK_EQ(weft_loop_run_once(loop), 1);
  CHECK_EQ(weft_loop_run_once(loop), 1);
  CHECK_EQ(weft_loop_run_once(loop), 0);
  CHECK_LOG("s b@0 s c@0 s s");
  FREE_LOOP(loop);
}

static void starvation_timer0(void) {
  weft_loop *loop = new_vloop();
  weft_handle b = {0}, c = {0};
  rearm_left = 3;
  CHECK_EQ(weft_call_later(loop, &rearm_h, 0, rearm_timer0, NULL), 0);
  CHECK_EQ(weft_call_soon(loop, &b, log_cb, "b"), 0);
  CHECK_EQ(weft_call_later(loop, &c, 1, log_cb, "c"), 0);
  /* The due timer joins the ready queue behind b. */
  CHECK_EQ(weft_loop_run_once(loop), 2);
  CHECK_EQ(weft_loop_run_once(loop), 1);
  CHECK_EQ(weft_loop_run_once(loop), 1);
  CHECK_EQ(weft_loop_run_once(loop), 1);
  CHECK_EQ(weft_loop_now(loop), 0); /* a due 0 ms timer counts as work: no jump */
  CHECK_EQ(weft_loop_run_once(loop), 1);
  CHECK_EQ(weft_loop_now(loop), 1000);
  CHECK_EQ(weft_loop_run_once(loop), 0);
  CHECK_LOG("b@0 t t t t c@1000");
  FREE_LOOP(loop);
}

/* A callback that cancels a handle later in the same batch and schedules a
 * new one: the new one must wait for the next iteration, and run_once counts
 * only the callbacks that ran. */
static weft_handle bd_a, bd_b, bd_c, bd_d;

static void bd_first(weft_loop *loop, void *arg) {
  LOG("a");
  CHECK_EQ(weft_handle_cancel(&bd_b), 0);
  CHECK_EQ(weft_call_soon(loop, &bd_d, log_cb, "d"), 0);
}

static void batch_boundary(void) {
  weft_loop *loop = new_vloop();
  memset(&bd_a, 0, sizeof bd_a);
  memset(&bd_b, 0, sizeof bd_b);
  memset(&bd_c, 0, sizeof bd_c);
  memset(&bd_d, 0, sizeof bd_d);
  CHECK_EQ(weft_call_soon(loop, &bd_a, bd_first, NULL), 0);
  CHECK_EQ(weft_call_soon(loop, &bd_b, log_cb, "b"), 0);
  CHECK_EQ(weft_call_soon(loop, &bd_c, log_cb, "c"), 0);
  CHECK_EQ(weft_loop_run_once(loop), 2); /* a, c */
  CHECK_LOG("a c@0");
  CHECK_EQ(weft_loop_run_once(loop), 1); /* d */
  CHECK_LOG("a c@0 d@0");
  FREE_LOOP(loop);
}

/* --- handle return codes ------------------------------------------------- */

static void nop(weft_loop *loop, void *arg) { (void)loop, (void)arg; }

static void handle_codes(void) {
  weft_loop *loop = new_vloop();
  weft_handle h = {0}, t = {0};
  CHECK_EQ(weft_handle_active(&h), 0);
  CHECK_EQ(weft_handle_cancel(&h), WEFT_ESTATE); /* never scheduled */
  CHECK_EQ(weft_handle_cancel(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_handle_active(NULL), 0);

  CHECK_EQ(weft_call_soon(loop, &h, nop, NULL), 0);
  CHECK(weft_handle_active(&h));
  CHECK_EQ(weft_call_soon(loop, &h, nop, NULL), WEFT_EINVAL);      /* already active */
  CHECK_EQ(weft_call_later(loop, &h, 5, nop, NULL), WEFT_EINVAL);  /* already active */
  CHECK_EQ(weft_call_at(loop, &h, 5000, nop, NULL), WEFT_EINVAL);  /* already active */
  CHECK_EQ(weft_handle_cancel(&h), 0);
  CHECK_EQ(weft_handle_cancel(&h), WEFT_ESTATE); /* cancelled twice */

  CHECK_EQ(weft_call_later(loop, &t, 5, nop, NULL), 0);
  CHECK(weft_handle_active(&t));
  CHECK_EQ(weft_call_soon(loop, &t, nop, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_handle_active(&t), 0);
  CHECK_EQ(weft_handle_cancel(&t), WEFT_ESTATE); /* already ran */
  CHECK_EQ(weft_call_soon(loop, &t, nop, NULL), 0); /* reusable once inactive */
  CHECK_EQ(weft_loop_run(loop), 0);

  CHECK_EQ(weft_call_soon(NULL, &h, nop, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_call_soon(loop, NULL, nop, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_call_soon(loop, &h, NULL, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_call_later(NULL, &h, 1, nop, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_call_later(loop, NULL, 1, nop, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_call_later(loop, &h, 1, NULL, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_call_at(NULL, &h, 1, nop, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_call_at(loop, NULL, 1, nop, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_call_at(loop, &h, 1, NULL, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_handle_active(&h), 0);
  FREE_LOOP(loop);
}

static void negative_delay(void) {
  weft_loop *loop = new_vloop();
  weft_handle a = {0}, b = {0}, c = {0}, d = {0};
  CHECK_EQ(weft_call_later(loop, &a, 2, log_cb, "a"), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  /* At 2 ms: -5 counts as 0, so it fires now, before a 0 ms timer armed
   * after it, and both before a 1 ms one. A deadline in the past fires now
   * too, first, since its deadline is the earliest. */
  CHECK_EQ(weft_call_later(loop, &d, 1, log_cb, "d"), 0);
  CHECK_EQ(weft_call_later(loop, &b, -5, log_cb, "b"), 0);
  CHECK_EQ(weft_call_at(loop, &c, -1000000, log_cb, "c"), 0);
  weft_handle e = {0};
  CHECK_EQ(weft_call_later(loop, &e, 0, log_cb, "e"), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("a@2000 c@2000 b@2000 e@2000 d@3000");
  FREE_LOOP(loop);
}

/* --- virtual clock ------------------------------------------------------- */

static weft_handle chain_h[3];
static const char *chain_names[] = {"c0", "c1", "c2"};

static void chain(weft_loop *loop, void *arg) {
  int i = (int)(intptr_t)arg;
  LOG("%s@%lld", chain_names[i], (long long)weft_loop_now(loop));
  if (i + 1 < 3) CHECK_EQ(weft_call_soon(loop, &chain_h[i + 1], chain, (void *)(intptr_t)(i + 1)), 0);
}

static void virtual_clock_jumps(void) {
  weft_loop *loop = new_vloop();
  memset(chain_h, 0, sizeof chain_h);
  weft_handle t1 = {0}, t2 = {0}, t0 = {0};
  CHECK_EQ(weft_loop_now(loop), 0);
  CHECK_EQ(weft_call_later(loop, &t2, 250, log_cb, "t250"), 0);
  CHECK_EQ(weft_call_later(loop, &t1, 1, log_cb, "t1"), 0);
  CHECK_EQ(weft_call_later(loop, &t0, 0, log_cb, "t0"), 0);
  CHECK_EQ(weft_call_soon(loop, &chain_h[0], chain, (void *)0), 0);
  /* Ready work holds the clock at 0 until the chain ends; then it jumps to
   * 1 ms, then 250 ms, and never past the last deadline. */
  CHECK_EQ(weft_loop_run_once(loop), 2); /* c0, t0 */
  CHECK_EQ(weft_loop_now(loop), 0);
  CHECK_EQ(weft_loop_run_once(loop), 1); /* c1 */
  CHECK_EQ(weft_loop_run_once(loop), 1); /* c2 */
  CHECK_EQ(weft_loop_now(loop), 0);
  CHECK_EQ(weft_loop_run_once(loop), 1); /* t1 */
  CHECK_EQ(weft_loop_now(loop), 1000);
  CHECK_EQ(weft_loop_run_once(loop), 1); /* t250 */
  CHECK_EQ(weft_loop_now(loop), 250000);
  CHECK_EQ(weft_loop_run_once(loop), 0);
  CHECK_EQ(weft_loop_now(loop), 250000);
  CHECK_LOG("c0@0 t0@0 c1@0 c2@0 t1@1000 t250@250000");
  FREE_LOOP(loop);
}

static weft_loop *nested_loop;
static void nested_run(weft_loop *loop, void *arg) {
  (void)arg;
  CHECK(weft_running_loop() == loop);
  CHECK_EQ(weft_loop_run(loop), WEFT_EBUSY);
  CHECK_EQ(weft_loop_run_once(loop), WEFT_EBUSY);
  CHECK_EQ(weft_loop_free(loop), WEFT_EBUSY);
  /* Another loop cannot run inside this one either. */
  CHECK_EQ(weft_loop_run(nested_loop), WEFT_EBUSY);
  LOG("nested");
}

static void loop_reentry(void) {
  weft_loop *loop = new_vloop();
  nested_loop = new_vloop();
  weft_handle h = {0};
  CHECK(weft_running_loop() == NULL);
  CHECK_EQ(weft_loop_run(loop), 0); /* nothing to do */
  CHECK_EQ(weft_loop_run_once(loop), 0);
  CHECK_EQ(weft_call_soon(loop, &h, nested_run, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK(weft_running_loop() == NULL);
  CHECK_LOG("nested");
  CHECK_EQ(weft_loop_alive_tasks(loop), 0);
  CHECK_EQ(weft_loop_run(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_loop_run_once(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_loop_free(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_loop_now(NULL), 0);
  CHECK_EQ(weft_loop_alive_tasks(NULL), 0);
  weft_loop_ref(NULL, 1); /* no-op, no crash */
  FREE_LOOP(nested_loop);
  FREE_LOOP(loop);
}

/* Pending handles are dropped, not run, when the loop is freed; and a
 * periodic timer (re-arming itself forever) cannot keep weft_loop_free from
 * returning. */
static weft_handle periodic_h;
static int periodic_runs;

static void periodic(weft_loop *loop, void *arg) {
  periodic_runs++;
  weft_call_later(loop, &periodic_h, 10, periodic, arg);
}

static void free_drops_handles(void) {
  weft_loop *loop = new_vloop();
  weft_handle a = {0}, b = {0};
  memset(&periodic_h, 0, sizeof periodic_h);
  periodic_runs = 0;
  CHECK_EQ(weft_call_soon(loop, &a, log_cb, "a"), 0);
  CHECK_EQ(weft_call_later(loop, &b, 10, log_cb, "b"), 0);
  CHECK_EQ(weft_call_later(loop, &periodic_h, 10, periodic, NULL), 0);
  for (int i = 0; i < 3; i++) weft_loop_run_once(loop); /* a, b+periodic at 10, periodic at 20 */
  CHECK_EQ(periodic_runs, 2);
  CHECK_EQ(weft_call_soon(loop, &a, log_cb, "late"), 0);
  FREE_LOOP(loop);
  CHECK_LOG("a@0 b@10000");
  CHECK_EQ(periodic_runs, 2);
  CHECK_EQ(weft_handle_active(&a), 0);
  CHECK_EQ(weft_handle_active(&periodic_h), 0);
}

int main(void) {
  RUN(heap_random_deadlines);
  RUN(heap_equal_deadlines_fifo);
  RUN(heap_cancel_middle);
  RUN(starvation_call_soon);
  RUN(starvation_timer0);
  RUN(batch_boundary);
  RUN(handle_codes);
  RUN(negative_delay);
  RUN(virtual_clock_jumps);
  RUN(loop_reentry);
  RUN(free_drops_handles);
  return DONE();
}
