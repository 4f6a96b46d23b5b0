/* Cancellation at every kind of await, cleanup that awaits, uncancel, and
 * cancellation counts. */
#include <stdint.h>

#include "harness.h"

typedef struct canceller_args {
  int64_t after_ms;
  weft_task **victim;
} canceller_args;

static intptr_t canceller(void *arg) {
  canceller_args *a = arg;
  CHECK_EQ(weft_sleep(a->after_ms), 0);
  LOG("cancel@%lld", now_ms());
  CHECK_EQ(weft_cancel(*a->victim), 0);
  return 0;
}

/* --- while sleeping ------------------------------------------------------ */

static intptr_t long_sleeper(void *arg) {
  (void)arg;
  int rc = weft_sleep(1000);
  LOG("sleep-rc=%d@%lld", rc, now_ms());
  return 1;
}

static void while_sleeping(void) {
  weft_loop *loop = new_vloop();
  static weft_task *victim;
  victim = weft_spawn(loop, long_sleeper, NULL, NULL);
  canceller_args a = {10, &victim};
  CHECK_EQ(weft_spawn_detached(loop, canceller, &a, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("cancel@10 sleep-rc=-1@10");
  /* The 1000 ms timer is gone: the virtual clock never went there. */
  CHECK_EQ(weft_loop_now(loop), 10000);
  CHECK_EQ(weft_future_state_of(victim), WEFT_CANCELLED);
  CHECK_EQ(weft_future_result(victim, NULL), WEFT_ECANCELED);
  CHECK_EQ(weft_cancelling(victim), 1);
  CHECK_EQ(weft_cancel(victim), WEFT_ESTATE);
  CHECK_EQ(weft_release(victim), 0);
  FREE_LOOP(loop);
}

/* Cancelled from outside the loop between iterations: nothing is left
 * pending afterwards (run_once finds no work and the clock stays). */
static void while_sleeping_from_outside(void) {
  weft_loop *loop = new_vloop();
  weft_task *victim = weft_spawn(loop, long_sleeper, NULL, NULL);
  CHECK_EQ(weft_loop_run_once(loop), 1); /* started, now sleeping */
  CHECK_EQ(weft_cancel(victim), 0);
  CHECK_EQ(weft_loop_run_once(loop), 1); /* wakes with ECANCELED, finishes */
  CHECK_EQ(weft_future_state_of(victim), WEFT_CANCELLED);
  CHECK_EQ(weft_loop_run_once(loop), 0);
  CHECK_EQ(weft_loop_now(loop), 0);
  CHECK_LOG("sleep-rc=-1@0");
  CHECK_EQ(weft_release(victim), 0);
  FREE_LOOP(loop);
}

/* --- while awaiting a future --------------------------------------------- */

static weft_future *plain;

static intptr_t await_plain(void *arg) {
  (void)arg;
  intptr_t v = 0;
  int rc = weft_await(plain, &v);
  LOG("await-rc=%d@%lld", rc, now_ms());
  return 0;
}

static void while_awaiting_future(void) {
  weft_loop *loop = new_vloop();
  static weft_task *victim;
  plain = weft_future_new(loop);
  victim = weft_spawn(loop, await_plain, NULL, NULL);
  canceller_args a = {7, &victim};
  CHECK_EQ(weft_spawn_detached(loop, canceller, &a, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("cancel@7 await-rc=-1@7");
  /* As asyncio: what the task awaited is cancelled too. */
  CHECK_EQ(weft_future_state_of(plain), WEFT_CANCELLED);
  CHECK_EQ(weft_future_state_of(victim), WEFT_CANCELLED);
  CHECK_EQ(weft_release(plain), 0);
  CHECK_EQ(weft_release(victim), 0);
  FREE_LOOP(loop);
}

/* --- while awaiting a task ----------------------------------------------- */

static intptr_t child_with_cleanup(void *arg) {
  int uncancel = (int)(intptr_t)arg;
  int rc = weft_sleep(100);
  LOG("child-rc=%d@%lld", rc, now_ms());
  CHECK_EQ(rc, WEFT_ECANCELED);
  CHECK_EQ(weft_sleep(5), 0); /* cleanup that awaits */
  LOG("child-cleaned@%lld", now_ms());
  if (uncancel) {
    CHECK_EQ(weft_uncancel(), 0);
    return 77;
  }
  return 0;
}

static weft_task *the_child;

static intptr_t parent_of(void *arg) {
  the_child = weft_spawn(NULL, child_with_cleanup, arg, NULL);
  intptr_t v = 0;
  int rc = weft_await(the_child, &v);
  LOG("parent-rc=%d@%lld", rc, now_ms());
  return 0;
}

static void while_awaiting_task(void) {
  weft_loop *loop = new_vloop();
  static weft_task *victim;
  victim = weft_spawn(loop, parent_of, (void *)0, NULL);
  canceller_args a = {10, &victim};
  CHECK_EQ(weft_spawn_detached(loop, canceller, &a, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  /* The parent wakes only once the child has finished its cleanup. */
  CHECK_LOG("cancel@10 child-rc=-1@10 child-cleaned@15 parent-rc=-1@15");
  CHECK_EQ(weft_future_state_of(the_child), WEFT_CANCELLED);
  CHECK_EQ(weft_future_state_of(victim), WEFT_CANCELLED);
  CHECK_EQ(weft_cancelling(victim), 1);
  CHECK_EQ(weft_cancelling(the_child), 1);
  CHECK_EQ(weft_release(the_child), 0);
  CHECK_EQ(weft_release(victim), 0);
  FREE_LOOP(loop);
}

/* The child swallows its cancellation (uncancel) and returns a value; the
 * parent was cancelled at its await all the same, so that await returns
 * WEFT_ECANCELED, not the child's value. */
static void while_awaiting_task_that_uncancels(void) {
  weft_loop *loop = new_vloop();
  static weft_task *victim;
  victim = weft_spawn(loop, parent_of, (void *)1, NULL);
  canceller_args a = {10, &victim};
  CHECK_EQ(weft_spawn_detached(loop, canceller, &a, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("cancel@10 child-rc=-1@10 child-cleaned@15 parent-rc=-1@15");
  intptr_t v = 0;
  CHECK_EQ(weft_future_result(the_child, &v), 0);
  CHECK_EQ(v, 77);
  CHECK_EQ(weft_future_state_of(victim), WEFT_CANCELLED);
  CHECK_EQ(weft_release(the_child), 0);
  CHECK_EQ(weft_release(victim), 0);
  FREE_LOOP(loop);
}

/* --- while ready --------------------------------------------------------- */

static weft_task *ready_victim;

static intptr_t resolve_then_cancel(void *arg) {
  (void)arg;
  CHECK_EQ(weft_sleep(5), 0);
  CHECK_EQ(weft_future_resolve(plain, 11), 0); /* wakes the victim... */
  CHECK_EQ(weft_cancel(ready_victim), 0);      /* ...which is cancelled before it runs */
  LOG("resolved+cancelled@%lld", now_ms());
  return 0;
}

static void while_ready(void) {
  weft_loop *loop = new_vloop();
  plain = weft_future_new(loop);
  ready_victim = weft_spawn(loop, await_plain, NULL, NULL);
  CHECK_EQ(weft_spawn_detached(loop, resolve_then_cancel, NULL, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("resolved+cancelled@5 await-rc=-1@5");
  CHECK_EQ(weft_future_state_of(plain), WEFT_RESOLVED); /* it completed first */
  CHECK_EQ(weft_future_state_of(ready_victim), WEFT_CANCELLED);
  CHECK_EQ(weft_release(plain), 0);
  CHECK_EQ(weft_release(ready_victim), 0);
  FREE_LOOP(loop);
}

static intptr_t self_cancel(void *arg) {
  (void)arg;
  CHECK_EQ(weft_cancel(weft_current()), 0);
  CHECK_EQ(weft_cancelling(weft_current()), 1);
  LOG("after-cancel");
  int rc = weft_sleep(50); /* the next await reports it, without sleeping */
  LOG("sleep-rc=%d@%lld", rc, now_ms());
  rc = weft_sleep(5); /* cleanup may await */
  LOG("cleanup-rc=%d@%lld", rc, now_ms());
  rc = weft_yield();
  LOG("yield-rc=%d", rc);
  return 3;
}

static void must_cancel_self(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, self_cancel, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("after-cancel sleep-rc=-1@0 cleanup-rc=0@5 yield-rc=0");
  CHECK_EQ(weft_future_state_of(t), WEFT_CANCELLED); /* no uncancel: ends cancelled */
  CHECK_EQ(weft_release(t), 0);
  FREE_LOOP(loop);
}

static intptr_t yield_loop(void *arg) {
  (void)arg;
  for (int i = 0; i < 3; i++) {
    int rc = weft_yield();
    LOG("y%d=%d", i, rc);
    if (rc) break;
  }
  return 0;
}

/* Cancelled while in the ready queue after a yield: the yield reports it. */
static void while_yielding(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, yield_loop, NULL, NULL);
  CHECK_EQ(weft_loop_run_once(loop), 1);
  CHECK_EQ(weft_loop_run_once(loop), 1);
  CHECK_EQ(weft_cancel(t), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("y0=0 y1=-1");
  CHECK_EQ(weft_future_state_of(t), WEFT_CANCELLED);
  CHECK_EQ(weft_release(t), 0);
  FREE_LOOP(loop);
}

/* --- before start -------------------------------------------------------- */

static intptr_t must_not_run(void *arg) {
  (void)arg;
  LOG("body-ran");
  return 0;
}

static void before_start(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, must_not_run, NULL, NULL);
  CHECK_EQ(weft_cancel(t), 0);
  CHECK_EQ(weft_cancel(t), 0); /* requests add up while pending */
  CHECK_EQ(weft_cancelling(t), 2);
  CHECK_EQ(weft_future_state_of(t), WEFT_PENDING);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("");
  CHECK_EQ(weft_future_state_of(t), WEFT_CANCELLED);
  CHECK_EQ(weft_future_result(t, NULL), WEFT_ECANCELED);
  CHECK_EQ(weft_loop_alive_tasks(loop), 0);
  CHECK_EQ(weft_release(t), 0);
  FREE_LOOP(loop);
}

/* --- cleanup, uncancel, counts ------------------------------------------- */

static intptr_t helper(void *arg) {
  CHECK_EQ(weft_sleep(3), 0);
  return (intptr_t)arg;
}

static intptr_t awaiting_cleanup(void *arg) {
  int uncancels = (int)(intptr_t)arg;
  int rc = weft_sleep(1000);
  LOG("rc=%d@%lld n=%d", rc, now_ms(), weft_cancelling(weft_current()));
  /* Cleanup: sleeping and awaiting a new task both work after ECANCELED. */
  CHECK_EQ(weft_sleep(20), 0);
  weft_task *h = weft_spawn(NULL, helper, (void *)(intptr_t)4, NULL);
  intptr_t v = 0;
  CHECK_EQ(weft_await(h, &v), 0);
  CHECK_EQ(v, 4);
  CHECK_EQ(weft_release(h), 0);
  LOG("cleaned@%lld", now_ms());
  for (int i = 0; i < uncancels; i++) LOG("uncancel=%d", weft_uncancel());
  return 5;
}

static void cleanup_and_uncancel(void) {
  for (int uncancels = 0; uncancels <= 2; uncancels++) {
    log_reset();
    weft_loop *loop = new_vloop();
    weft_task *t = weft_spawn(loop, awaiting_cleanup, (void *)(intptr_t)uncancels, NULL);
    CHECK_EQ(weft_loop_run_once(loop), 1); /* sleeping */
    CHECK_EQ(weft_cancel(t), 0);
    CHECK_EQ(weft_cancel(t), 0);
    CHECK_EQ(weft_cancelling(t), 2);
    CHECK_EQ(weft_loop_run(loop), 0);
    intptr_t v = 0;
    if (uncancels == 0) {
      CHECK_LOG("rc=-1@0 n=2 cleaned@23");
      CHECK_EQ(weft_future_result(t, &v), WEFT_ECANCELED);
    } else if (uncancels == 1) {
      CHECK_LOG("rc=-1@0 n=2 cleaned@23 uncancel=1");
      CHECK_EQ(weft_future_result(t, &v), WEFT_ECANCELED); /* one request left */
    } else {
      CHECK_LOG("rc=-1@0 n=2 cleaned@23 uncancel=1 uncancel=0");
      CHECK_EQ(weft_future_result(t, &v), 0); /* every request undone: finishes normally */
      CHECK_EQ(v, 5);
    }
    CHECK_EQ(weft_release(t), 0);
    FREE_LOOP(loop);
  }
  CHECK_EQ(weft_uncancel(), 0); /* outside a task */
  CHECK_EQ(weft_cancelling(NULL), 0);
}

static void cancelling_plain_future(void) {
  weft_loop *loop = new_vloop();
  weft_future *f = weft_future_new(loop);
  CHECK_EQ(weft_cancelling(f), 0); /* not a task */
  CHECK_EQ(weft_release(f), 0);
  FREE_LOOP(loop);
}

/* --- loop shutdown ------------------------------------------------------- */

static intptr_t forever(void *arg) {
  (void)arg;
  int rc = weft_sleep(INT64_C(1) << 40);
  LOG("forever-rc=%d", rc);
  rc = weft_sleep(5);
  LOG("cleanup-rc=%d", rc);
  return 0;
}

static void free_cancels_alive_tasks(void) {
  weft_loop *loop = new_vloop();
  CHECK_EQ(weft_spawn_detached(loop, forever, NULL, NULL), 0);
  CHECK_EQ(weft_spawn_detached(loop, must_not_run, NULL, NULL), 0);
  CHECK_EQ(weft_loop_run_once(loop), 2);
  LOG("|");
  /* One task sleeping forever (its cleanup awaits) and one never started. */
  CHECK_EQ(weft_spawn_detached(loop, must_not_run, NULL, NULL), 0);
  CHECK_EQ(weft_loop_alive_tasks(loop), 2);
  FREE_LOOP(loop);
  CHECK_LOG("body-ran | forever-rc=-1 cleanup-rc=0");
}

/* --- a failure raised while handling the cancellation --------------------- */

/* asyncio: a task that catches CancelledError and raises another exception
 * ends failed with it (Task.__step: set_exception), not cancelled. */
static intptr_t fails_in_cleanup(void *arg) {
  (void)arg;
  int rc = weft_sleep(1000);
  LOG("sleep-rc=%d@%lld", rc, now_ms());
  CHECK_EQ(weft_sleep(5), 0); /* the cleanup awaits: not cancelled again */
  LOG("cleanup-fails@%lld", now_ms());
  return weft_fail(WEFT_EBUSY);
}

/* The same with WEFT_ECANCELED given back without any cancellation
 * (raise CancelledError): the task ends cancelled, not failed. */
static intptr_t raises_cancelled(void *arg) {
  (void)arg;
  return weft_fail(WEFT_ECANCELED);
}

static void failure_in_cleanup_is_the_outcome(void) {
  weft_loop *loop = new_vloop();
  static weft_task *victim;
  victim = weft_spawn(loop, fails_in_cleanup, NULL, NULL);
  weft_task *r = weft_spawn(loop, raises_cancelled, NULL, NULL);
  canceller_args a = {10, &victim};
  CHECK_EQ(weft_spawn_detached(loop, canceller, &a, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("cancel@10 sleep-rc=-1@10 cleanup-fails@15");
  CHECK_EQ(weft_future_state_of(victim), WEFT_FAILED);
  CHECK_EQ(weft_future_result(victim, NULL), WEFT_EBUSY);
  CHECK_EQ(weft_cancelling(victim), 1);
  CHECK_EQ(weft_future_state_of(r), WEFT_CANCELLED);
  CHECK_EQ(weft_future_result(r, NULL), WEFT_ECANCELED);
  CHECK_EQ(weft_release(victim), 0);
  CHECK_EQ(weft_release(r), 0);
  FREE_LOOP(loop);
}

/* --- a pending cancellation and a done future ------------------------------ */

/* asyncio: awaiting a done future returns its result without yielding to
 * the task, so a cancellation requested while the task runs is delivered at
 * the next await that suspends, not at this one. */
static intptr_t awaits_done_future(void *arg) {
  weft_future *f = arg;
  CHECK_EQ(weft_cancel(weft_current()), 0);
  intptr_t v = 0;
  int rc = weft_await(f, &v);
  LOG("await=%d v=%d", rc, (int)v);
  rc = weft_wait_for(f, 10, &v);
  LOG("wait_for=%d", rc);
  LOG("yield=%d", weft_yield());
  return 0;
}

static void pending_cancel_skips_done_future(void) {
  weft_loop *loop = new_vloop();
  weft_future *f = weft_future_new(loop);
  CHECK_EQ(weft_future_resolve(f, 5), 0);
  weft_task *t = weft_spawn(loop, awaits_done_future, f, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("await=0 v=5 wait_for=0 yield=-1");
  CHECK_EQ(weft_future_state_of(t), WEFT_CANCELLED);
  CHECK_EQ(weft_release(t), 0);
  CHECK_EQ(weft_release(f), 0);
  FREE_LOOP(loop);
}

int main(void) {
  RUN(while_sleeping);
  RUN(failure_in_cleanup_is_the_outcome);
  RUN(pending_cancel_skips_done_future);
  RUN(while_sleeping_from_outside);
  RUN(while_awaiting_future);
  RUN(while_awaiting_task);
  RUN(while_awaiting_task_that_uncancels);
  RUN(while_ready);
  RUN(must_cancel_self);
  RUN(while_yielding);
  RUN(before_start);
  RUN(cleanup_and_uncancel);
  RUN(cancelling_plain_future);
  RUN(free_cancels_alive_tasks);
  return DONE();
}
