/* gather, wait_for, wait, shield and as_completed on the virtual clock. */
#include <stdint.h>

#include "harness.h"

static weft_task *spawn_job(job *j) {
  weft_task_options o = {0};
  o.name = j->name;
  return weft_spawn(NULL, run_job, j, &o);
}

static void release_all(weft_future **fs, size_t n) {
  for (size_t i = 0; i < n; i++) CHECK_EQ(weft_release(fs[i]), 0);
}

/* Runs `body` as the only task of a fresh virtual loop and frees the loop. */
static void in_task(weft_task_fn body, void *arg) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, body, arg, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_future_state_of(t), WEFT_RESOLVED);
  CHECK_EQ(weft_release(t), 0);
  FREE_LOOP(loop);
}

/* --- gather -------------------------------------------------------------- */

static intptr_t gather_order_body(void *arg) {
  (void)arg;
  job j[4] = {{"a", 40, 100, 0, 0}, {"b", 10, 101, 0, 0}, {"c", 30, 102, 0, 0}, {"d", 20, 103, 0, 0}};
  weft_future *f[4];
  for (int i = 0; i < 4; i++) f[i] = spawn_job(&j[i]);
  intptr_t r[4] = {0};
  int st[4] = {9, 9, 9, 9};
  CHECK_EQ(weft_gather(f, 4, WEFT_GATHER_FAIL_FAST, r, st), 0);
  LOG("gathered@%lld", now_ms());
  for (int i = 0; i < 4; i++) {
    CHECK_EQ(r[i], 100 + i);
    CHECK_EQ(st[i], 0);
  }
  release_all(f, 4);
  return 0;
}

static void gather_argument_order(void) {
  in_task(gather_order_body, NULL);
  CHECK_LOG("b-done@10 d-done@20 c-done@30 a-done@40 gathered@40");
}

static intptr_t gather_fail_fast_body(void *arg) {
  (void)arg;
  job j[3] = {{"a", 50, 1, 0, 0}, {"b", 10, 0, WEFT_EBUSY, 0}, {"c", 100, 3, 0, 5}};
  weft_future *f[3];
  for (int i = 0; i < 3; i++) f[i] = spawn_job(&j[i]);
  intptr_t r[3] = {7, 7, 7};
  int st[3] = {9, 9, 9};
  int rc = weft_gather(f, 3, WEFT_GATHER_FAIL_FAST, r, st);
  LOG("gather-rc=%d@%lld", rc, now_ms());
  CHECK_EQ(st[0], WEFT_ECANCELED);
  CHECK_EQ(st[1], WEFT_EBUSY);
  CHECK_EQ(st[2], WEFT_ECANCELED);
  CHECK_EQ(r[0], 0);
  CHECK_EQ(r[1], 0);
  CHECK_EQ(r[2], 0);
  for (int i = 0; i < 3; i++) CHECK(weft_future_done(f[i])); /* no child outlives the call */
  release_all(f, 3);
  return 0;
}

static void gather_fail_fast(void) {
  in_task(gather_fail_fast_body, NULL);
  /* b fails at 10: a and c are cancelled; gather waits for c's cleanup. */
  CHECK_LOG("b-done@10 a-cancelled@10 c-cancelled@10 c-cleaned@15 gather-rc=-11@15");
}

static weft_future *to_cancel;

static intptr_t cancel_later(void *arg) {
  CHECK_EQ(weft_sleep((int64_t)(intptr_t)arg), 0);
  LOG("cancel@%lld", now_ms());
  CHECK_EQ(weft_cancel(to_cancel), 0);
  return 0;
}

static intptr_t gather_each_body(void *arg) {
  (void)arg;
  job j[2] = {{"a", 10, 1, 0, 0}, {"b", 5, 0, WEFT_EINVAL, 0}};
  weft_future *f[3];
  f[0] = spawn_job(&j[0]);
  f[1] = spawn_job(&j[1]);
  f[2] = to_cancel = weft_future_new(weft_running_loop());
  CHECK_EQ(weft_spawn_detached(NULL, cancel_later, (void *)(intptr_t)7, NULL), 0);
  intptr_t r[3] = {7, 7, 7};
  int st[3] = {9, 9, 9};
  int rc = weft_gather(f, 3, WEFT_GATHER_EACH, r, st);
  LOG("gather-rc=%d@%lld", rc, now_ms());
  CHECK_EQ(st[0], 0);
  CHECK_EQ(st[1], WEFT_EINVAL);
  CHECK_EQ(st[2], WEFT_ECANCELED);
  CHECK_EQ(r[0], 1);
  CHECK_EQ(r[1], 0);
  CHECK_EQ(r[2], 0);
  /* NULL results/statuses are allowed. */
  CHECK_EQ(weft_gather(f, 3, WEFT_GATHER_EACH, NULL, NULL), 0);
  /* FAIL_FAST over children already done returns the failure (b's). */
  CHECK_EQ(weft_gather(f, 3, WEFT_GATHER_FAIL_FAST, NULL, NULL), WEFT_EINVAL);
  release_all(f, 3);
  return 0;
}

static void gather_each(void) {
  in_task(gather_each_body, NULL);
  CHECK_LOG("b-done@5 cancel@7 a-done@10 gather-rc=0@10");
}

static job cancel_kids[3] = {{"a", 100, 0, 0, 0}, {"b", 100, 0, 0, 5}, {"c", 100, 0, 0, 0}};
static weft_future *cancel_kid_f[3];

static intptr_t gathering_parent(void *arg) {
  (void)arg;
  for (int i = 0; i < 3; i++) cancel_kid_f[i] = spawn_job(&cancel_kids[i]);
  int st[3] = {9, 9, 9};
  int rc = weft_gather(cancel_kid_f, 3, WEFT_GATHER_EACH, NULL, st);
  LOG("gather-rc=%d@%lld", rc, now_ms());
  for (int i = 0; i < 3; i++) CHECK_EQ(st[i], WEFT_ECANCELED);
  release_all(cancel_kid_f, 3);
  return 0;
}

static void gather_cancel_parent(void) {
  weft_loop *loop = new_vloop();
  weft_task *p = weft_spawn(loop, gathering_parent, NULL, NULL);
  to_cancel = p;
  CHECK_EQ(weft_spawn_detached(loop, cancel_later, (void *)(intptr_t)10, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("cancel@10 a-cancelled@10 b-cancelled@10 c-cancelled@10 b-cleaned@15 gather-rc=-1@15");
  CHECK_EQ(weft_future_state_of(p), WEFT_CANCELLED);
  CHECK_EQ(weft_loop_now(loop), 15000); /* the children's 100 ms timers are gone */
  CHECK_EQ(weft_release(p), 0);
  FREE_LOOP(loop);
}

static intptr_t inner_gatherer(void *arg) {
  job *j = arg;
  weft_future *f[2] = {spawn_job(&j[0]), spawn_job(&j[1])};
  intptr_t r[2];
  CHECK_EQ(weft_gather(f, 2, 0, r, NULL), 0);
  release_all(f, 2);
  return r[0] + r[1];
}

static intptr_t nested_body(void *arg) {
  (void)arg;
  job inner[2] = {{"i1", 5, 1, 0, 0}, {"i2", 15, 2, 0, 0}};
  job lone[3] = {{"x", 20, 10, 0, 0}, {"y1", 3, 20, 0, 0}, {"y2", 8, 30, 0, 0}};
  weft_future *x = spawn_job(&lone[0]);
  weft_future *y[2] = {spawn_job(&lone[1]), spawn_job(&lone[2])};
  weft_future *fs[3];
  fs[0] = weft_spawn(NULL, inner_gatherer, inner, NULL); /* a task that gathers */
  fs[1] = x;
  fs[2] = weft_gather_future(NULL, y, 2, WEFT_GATHER_FAIL_FAST); /* a gather future */
  CHECK(fs[2] != NULL);
  intptr_t r[3] = {0};
  int st[3] = {9, 9, 9};
  CHECK_EQ(weft_gather(fs, 3, 0, r, st), 0);
  LOG("outer@%lld", now_ms());
  CHECK_EQ(r[0], 3);
  CHECK_EQ(r[1], 10);
  CHECK_EQ(r[2], 0); /* a gather future resolves to 0 */
  CHECK_EQ(st[0] | st[1] | st[2], 0);
  intptr_t v = 0;
  CHECK_EQ(weft_future_result(y[1], &v), 0);
  CHECK_EQ(v, 30);
  release_all(fs, 3);
  release_all(y, 2);
  return 0;
}

static void gather_nested(void) {
  in_task(nested_body, NULL);
  CHECK_LOG("y1-done@3 i1-done@5 y2-done@8 i2-done@15 x-done@20 outer@20");
}

static intptr_t other(void *arg) {
  (void)arg;
  LOG("other");
  return 0;
}

static intptr_t gather_zero_body(void *arg) {
  (void)arg;
  CHECK_EQ(weft_spawn_detached(NULL, other, NULL, NULL), 0);
  CHECK_EQ(weft_gather(NULL, 0, 0, NULL, NULL), 0);
  LOG("gathered-0"); /* did not suspend: "other" has not run yet */
  weft_future *g = weft_gather_future(NULL, NULL, 0, WEFT_GATHER_EACH);
  CHECK(g != NULL);
  CHECK_EQ(weft_future_state_of(g), WEFT_RESOLVED);
  CHECK_EQ(weft_release(g), 0);
  return 0;
}

static void gather_zero(void) {
  in_task(gather_zero_body, NULL);
  CHECK_LOG("gathered-0 other");
}

/* Cancelling a gather future directly cancels the children; it completes
 * (cancelled) once they have all finished. */
static intptr_t cancel_gather_future_body(void *arg) {
  (void)arg;
  job j[2] = {{"a", 100, 0, 0, 4}, {"b", 100, 0, 0, 0}};
  weft_future *f[2] = {spawn_job(&j[0]), spawn_job(&j[1])};
  weft_future *g = weft_gather_future(NULL, f, 2, 0);
  CHECK_EQ(weft_sleep(1), 0);
  CHECK_EQ(weft_cancel(g), 0);
  CHECK_EQ(weft_future_state_of(g), WEFT_PENDING); /* children still cleaning up */
  CHECK_EQ(weft_await(g, NULL), WEFT_ECANCELED);
  LOG("g-done@%lld", now_ms());
  CHECK_EQ(weft_future_state_of(g), WEFT_CANCELLED);
  CHECK_EQ(weft_release(g), 0);
  release_all(f, 2);
  return 0;
}

static void gather_future_cancel(void) {
  in_task(cancel_gather_future_body, NULL);
  CHECK_LOG("a-cancelled@1 b-cancelled@1 a-cleaned@5 g-done@5");
}

/* --- wait_for ------------------------------------------------------------ */

static intptr_t wait_for_timeout_body(void *arg) {
  int64_t cleanup = (int64_t)(intptr_t)arg;
  job j = {"slow", 100, 1, 0, cleanup};
  weft_task *t = spawn_job(&j);
  intptr_t v = 55;
  int rc = weft_wait_for(t, 20, &v);
  LOG("wait_for-rc=%d@%lld", rc, now_ms());
  CHECK_EQ(v, 55); /* untouched */
  CHECK_EQ(weft_future_state_of(t), WEFT_CANCELLED);
  CHECK_EQ(weft_release(t), 0);
  return 0;
}

static void wait_for_timeout(void) {
  in_task(wait_for_timeout_body, (void *)0);
  /* The cancelled task finished (its cleanup ran) before wait_for returned,
   * exactly at the timeout. */
  CHECK_LOG("slow-cancelled@20 wait_for-rc=-2@20");
  log_reset();
  in_task(wait_for_timeout_body, (void *)(intptr_t)6);
  CHECK_LOG("slow-cancelled@20 slow-cleaned@26 wait_for-rc=-2@26");
}

static intptr_t wait_for_ok_body(void *arg) {
  (void)arg;
  job j = {"quick", 10, 5, 0, 0};
  weft_task *t = spawn_job(&j);
  intptr_t v = 0;
  CHECK_EQ(weft_wait_for(t, 20, &v), 0);
  CHECK_EQ(v, 5);
  LOG("ok@%lld", now_ms());
  CHECK_EQ(weft_release(t), 0);

  job jf = {"failing", 10, 0, WEFT_EBUSY, 0};
  t = spawn_job(&jf);
  CHECK_EQ(weft_wait_for(t, 20, &v), WEFT_EBUSY);
  CHECK_EQ(weft_release(t), 0);

  /* Negative timeout: no limit. */
  job jl = {"long", 500, 8, 0, 0};
  t = spawn_job(&jl);
  CHECK_EQ(weft_wait_for(t, -1, &v), 0);
  CHECK_EQ(v, 8);
  CHECK_EQ(weft_release(t), 0);

  /* A plain future times out and is cancelled. */
  weft_future *f = weft_future_new(weft_running_loop());
  CHECK_EQ(weft_wait_for(f, 3, &v), WEFT_ETIMEDOUT);
  CHECK_EQ(weft_future_state_of(f), WEFT_CANCELLED);
  CHECK_EQ(weft_release(f), 0);
  /* Already done: returns at once. */
  f = weft_future_new(weft_running_loop());
  CHECK_EQ(weft_future_resolve(f, 4), 0);
  CHECK_EQ(weft_wait_for(f, 0, &v), 0);
  CHECK_EQ(v, 4);
  CHECK_EQ(weft_release(f), 0);
  LOG("end@%lld", now_ms());
  return 0;
}

static void wait_for_no_timeout(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, wait_for_ok_body, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("quick-done@10 ok@10 failing-done@20 long-done@520 end@523");
  /* No timeout timer was left behind: the clock stopped at the last event. */
  CHECK_EQ(weft_loop_now(loop), 523000);
  CHECK_EQ(weft_release(t), 0);
  FREE_LOOP(loop);
}

/* The task calling wait_for is itself cancelled: WEFT_ECANCELED, not a
 * timeout. */
static intptr_t wait_for_cancelled_body(void *arg) {
  (void)arg;
  job j = {"inner", 100, 1, 0, 0};
  weft_task *t = spawn_job(&j);
  int rc = weft_wait_for(t, 50, NULL);
  LOG("wait_for-rc=%d@%lld", rc, now_ms());
  CHECK_EQ(weft_release(t), 0);
  return 0;
}

static void wait_for_outer_cancelled(void) {
  weft_loop *loop = new_vloop();
  weft_task *p = weft_spawn(loop, wait_for_cancelled_body, NULL, NULL);
  to_cancel = p;
  CHECK_EQ(weft_spawn_detached(loop, cancel_later, (void *)(intptr_t)10, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("cancel@10 inner-cancelled@10 wait_for-rc=-1@10");
  CHECK_EQ(weft_loop_now(loop), 10000);
  CHECK_EQ(weft_release(p), 0);
  FREE_LOOP(loop);
}

/* --- wait ---------------------------------------------------------------- */

static intptr_t wait_modes_body(void *arg) {
  int mode = (int)(intptr_t)arg;
  job j[3] = {{"a", 10, 1, 0, 0}, {"b", 20, 0, WEFT_EBUSY, 0}, {"c", 30, 3, 0, 0}};
  weft_future *f[3];
  for (int i = 0; i < 3; i++) f[i] = spawn_job(&j[i]);
  int rc = weft_wait(f, 3, mode, -1);
  LOG("wait-rc=%d@%lld", rc, now_ms());
  /* wait cancels nothing: the rest finish normally. */
  CHECK_EQ(weft_gather(f, 3, WEFT_GATHER_EACH, NULL, NULL), 0);
  CHECK_EQ(weft_future_state_of(f[2]), WEFT_RESOLVED);
  release_all(f, 3);
  return 0;
}

static void wait_modes(void) {
  in_task(wait_modes_body, (void *)WEFT_FIRST_COMPLETED);
  CHECK_LOG("a-done@10 wait-rc=1@10 b-done@20 c-done@30");
  log_reset();
  in_task(wait_modes_body, (void *)WEFT_FIRST_EXCEPTION);
  CHECK_LOG("a-done@10 b-done@20 wait-rc=2@20 c-done@30");
  log_reset();
  in_task(wait_modes_body, (void *)WEFT_ALL_COMPLETED);
  CHECK_LOG("a-done@10 b-done@20 c-done@30 wait-rc=3@30");
}

static intptr_t wait_timeout_body(void *arg) {
  (void)arg;
  job j[2] = {{"a", 10, 1, 0, 0}, {"b", 40, 2, 0, 0}};
  weft_future *f[2] = {spawn_job(&j[0]), spawn_job(&j[1])};
  CHECK_EQ(weft_wait(f, 2, WEFT_ALL_COMPLETED, 15), 1);
  LOG("timeout1@%lld", now_ms());
  CHECK_EQ(weft_future_state_of(f[1]), WEFT_PENDING); /* not cancelled */
  weft_future *g = weft_future_new(weft_running_loop());
  CHECK_EQ(weft_wait(&g, 1, WEFT_FIRST_COMPLETED, 5), 0); /* none done */
  LOG("timeout2@%lld", now_ms());
  CHECK_EQ(weft_future_state_of(g), WEFT_PENDING);
  /* Already satisfied: returns at once. */
  CHECK_EQ(weft_wait(f, 2, WEFT_FIRST_COMPLETED, 0), 1);
  CHECK_EQ(weft_wait(f, 2, WEFT_ALL_COMPLETED, -1), 2);
  LOG("all@%lld", now_ms());
  CHECK_EQ(weft_wait(f, 0, WEFT_ALL_COMPLETED, -1), WEFT_EINVAL);
  CHECK_EQ(weft_wait(NULL, 1, WEFT_ALL_COMPLETED, -1), WEFT_EINVAL);
  CHECK_EQ(weft_wait(f, 2, 3, -1), WEFT_EINVAL);
  CHECK_EQ(weft_release(g), 0);
  release_all(f, 2);
  return 0;
}

static void wait_timeout(void) {
  in_task(wait_timeout_body, NULL);
  CHECK_LOG("a-done@10 timeout1@15 timeout2@20 b-done@40 all@40");
}

static weft_future *wait_cancel_f[2];

static intptr_t wait_cancelled_body(void *arg) {
  (void)arg;
  int rc = weft_wait(wait_cancel_f, 2, WEFT_ALL_COMPLETED, -1);
  LOG("wait-rc=%d@%lld", rc, now_ms());
  return 0;
}

static void wait_cancelled(void) {
  weft_loop *loop = new_vloop();
  wait_cancel_f[0] = weft_future_new(loop);
  wait_cancel_f[1] = weft_future_new(loop);
  weft_task *p = weft_spawn(loop, wait_cancelled_body, NULL, NULL);
  to_cancel = p;
  CHECK_EQ(weft_spawn_detached(loop, cancel_later, (void *)(intptr_t)4, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("cancel@4 wait-rc=-1@4");
  CHECK_EQ(weft_future_state_of(wait_cancel_f[0]), WEFT_PENDING); /* wait cancels nothing */
  CHECK_EQ(weft_future_state_of(wait_cancel_f[1]), WEFT_PENDING);
  release_all(wait_cancel_f, 2);
  CHECK_EQ(weft_release(p), 0);
  FREE_LOOP(loop);
}

/* --- shield -------------------------------------------------------------- */

static weft_task *shielded_inner;

static intptr_t shield_body(void *arg) {
  (void)arg;
  static job j = {"inner", 50, 9, 0, 0};
  shielded_inner = spawn_job(&j);
  weft_future *s = weft_shield(shielded_inner);
  CHECK(s != NULL);
  intptr_t v = 0;
  int rc = weft_await(s, &v);
  LOG("await-rc=%d@%lld", rc, now_ms());
  CHECK_EQ(weft_future_state_of(s), WEFT_CANCELLED);
  CHECK_EQ(weft_release(s), 0);
  return 0;
}

static void shield(void) {
  weft_loop *loop = new_vloop();
  weft_task *p = weft_spawn(loop, shield_body, NULL, NULL);
  to_cancel = p;
  CHECK_EQ(weft_spawn_detached(loop, cancel_later, (void *)(intptr_t)10, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("cancel@10 await-rc=-1@10 inner-done@50");
  intptr_t v = 0;
  CHECK_EQ(weft_future_result(shielded_inner, &v), 0);
  CHECK_EQ(v, 9);
  CHECK_EQ(weft_cancelling(shielded_inner), 0);
  CHECK_EQ(weft_release(shielded_inner), 0);
  CHECK_EQ(weft_release(p), 0);
  FREE_LOOP(loop);
}

/* A shield whose inner task is still running when the loop is freed: the
 * shutdown cancels the inner task, whose done callback (the copy to the
 * outer future) is then dropped unrun. It held a reference to the outer
 * future: dropping it must release that, or the outer future and the loop
 * leak (weft_loop_free returned 1). */
static intptr_t shield_left_body(void *arg) {
  (void)arg;
  static job j = {"inner", 50, 9, 0, 0};
  weft_task *inner = spawn_job(&j);
  weft_future *s = weft_shield(inner);
  CHECK(s != NULL);
  CHECK_EQ(weft_release(s), 0);
  CHECK_EQ(weft_release(inner), 0);
  CHECK_EQ(weft_sleep(10), 0);
  LOG("main-done@%lld", now_ms());
  return 0;
}

static void shield_at_loop_free(void) {
  weft_loop *loop = new_vloop();
  weft_task *p = weft_spawn(loop, shield_left_body, NULL, NULL);
  CHECK_EQ(weft_loop_run_until(loop, p), 0);
  CHECK_EQ(weft_release(p), 0);
  FREE_LOOP(loop);
  CHECK_LOG("main-done@10 inner-cancelled@10");
}

/* A shield of a plain future nobody completes, both released: nothing can
 * see either complete, so both go (the outer future's registration held the
 * inner one, and itself, forever). */
static void shield_never_completed(void) {
  weft_loop *loop = new_vloop();
  weft_future *f = weft_future_new(loop);
  weft_future *s = weft_shield(f);
  CHECK(s != NULL);
  CHECK_EQ(weft_release(f), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_future_state_of(s), WEFT_PENDING);
  CHECK_EQ(weft_release(s), 0);
  FREE_LOOP(loop);
}

/* asyncio.shield of a done future returns that future: weft's shield of a
 * done future is done at once, so awaiting it takes no loop iteration and a
 * cancellation pending on the task waits for the next await that suspends. */
static intptr_t shield_done_body(void *arg) {
  weft_future *f = arg;
  CHECK_EQ(weft_cancel(weft_current()), 0);
  weft_future *s = weft_shield(f);
  CHECK_EQ(weft_future_state_of(s), WEFT_RESOLVED);
  intptr_t v = 0;
  int rc = weft_await(s, &v);
  LOG("await=%d v=%d", rc, (int)v);
  LOG("yield=%d", weft_yield());
  CHECK_EQ(weft_release(s), 0);
  return 0;
}

static void shield_of_done_future(void) {
  weft_loop *loop = new_vloop();
  weft_future *f = weft_future_new(loop);
  CHECK_EQ(weft_future_resolve(f, 4), 0);
  weft_task *t = weft_spawn(loop, shield_done_body, f, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("await=0 v=4 yield=-1");
  CHECK_EQ(weft_release(t), 0);
  CHECK_EQ(weft_release(f), 0);
  FREE_LOOP(loop);
}

static intptr_t shield_pass_body(void *arg) {
  (void)arg;
  job j = {"inner", 5, 6, 0, 0};
  weft_task *t = spawn_job(&j);
  weft_future *s = weft_shield(t);
  intptr_t v = 0;
  CHECK_EQ(weft_await(s, &v), 0); /* not cancelled: passes the result through */
  CHECK_EQ(v, 6);
  CHECK_EQ(weft_release(s), 0);
  job jf = {"failing", 5, 0, WEFT_ENOMEM, 0};
  weft_task *tf = spawn_job(&jf);
  s = weft_shield(tf);
  CHECK_EQ(weft_await(s, &v), WEFT_ENOMEM);
  CHECK_EQ(weft_release(s), 0);
  CHECK(weft_shield(NULL) == NULL);
  CHECK_EQ(weft_release(t), 0);
  CHECK_EQ(weft_release(tf), 0);
  return 0;
}

static void shield_passthrough(void) {
  in_task(shield_pass_body, NULL);
  CHECK_LOG("inner-done@5 failing-done@10");
}

/* --- as_completed -------------------------------------------------------- */

static intptr_t as_completed_body(void *arg) {
  int64_t timeout = (int64_t)(intptr_t)arg;
  job j[3] = {{"a", 30, 1, 0, 0}, {"b", 10, 2, 0, 0}, {"c", 20, 3, 0, 0}};
  weft_future *f[4];
  for (int i = 0; i < 3; i++) f[i] = spawn_job(&j[i]);
  f[3] = weft_future_new(weft_running_loop());
  CHECK_EQ(weft_future_resolve(f[3], 4), 0); /* already done: comes first */
  weft_as_completed it;
  CHECK_EQ(weft_as_completed_init(&it, f, 4, timeout), 0);
  weft_future *out;
  int rc;
  while ((rc = weft_as_completed_next(&it, &out)) == 0) {
    intptr_t v = 0;
    CHECK_EQ(weft_future_result(out, &v), 0);
    LOG("next=%d@%lld", (int)v, now_ms());
  }
  LOG("end=%s@%lld", weft_strerror_name(rc), now_ms());
  CHECK_EQ(weft_as_completed_next(&it, &out), rc); /* stays exhausted / timed out */
  weft_as_completed_close(&it);
  weft_as_completed_close(&it); /* idempotent */
  /* Let the rest finish before releasing. */
  CHECK_EQ(weft_gather(f, 4, WEFT_GATHER_EACH, NULL, NULL), 0);
  release_all(f, 4);
  return 0;
}

static void as_completed(void) {
  in_task(as_completed_body, (void *)(intptr_t)-1);
  CHECK_LOG("next=4@0 b-done@10 next=2@10 c-done@20 next=3@20 a-done@30 next=1@30 end=WEFT_EDONE@30");
  log_reset();
  in_task(as_completed_body, (void *)(intptr_t)15);
  CHECK_LOG("next=4@0 b-done@10 next=2@10 end=WEFT_ETIMEDOUT@15 c-done@20 a-done@30");
}

static intptr_t as_completed_misuse_body(void *arg) {
  (void)arg;
  weft_as_completed it;
  weft_future *out = NULL;
  CHECK_EQ(weft_as_completed_init(NULL, NULL, 0, -1), WEFT_EINVAL);
  CHECK_EQ(weft_as_completed_init(&it, NULL, 2, -1), WEFT_EINVAL);
  CHECK_EQ(weft_as_completed_init(&it, NULL, 0, -1), 0);
  CHECK_EQ(weft_as_completed_next(&it, &out), WEFT_EDONE);
  CHECK_EQ(weft_as_completed_next(&it, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_as_completed_next(NULL, &out), WEFT_EINVAL);
  weft_as_completed_close(&it);
  weft_as_completed_close(NULL);
  return 0;
}

static void as_completed_misuse(void) { in_task(as_completed_misuse_body, NULL); }

int main(void) {
  RUN(gather_argument_order);
  RUN(gather_fail_fast);
  RUN(gather_each);
  RUN(gather_cancel_parent);
  RUN(gather_nested);
  RUN(gather_zero);
  RUN(gather_future_cancel);
  RUN(wait_for_timeout);
  RUN(wait_for_no_timeout);
  RUN(wait_for_outer_cancelled);
  RUN(wait_modes);
  RUN(wait_timeout);
  RUN(wait_cancelled);
  RUN(shield);
  RUN(shield_passthrough);
  RUN(shield_at_loop_free);
  RUN(shield_never_completed);
  RUN(shield_of_done_future);
  RUN(as_completed);
  RUN(as_completed_misuse);
  return DONE();
}
