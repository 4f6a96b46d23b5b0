/* Event, Lock, Semaphore / BoundedSemaphore, Condition and Waiter(n):
 * exact orders on the virtual clock, FIFO fairness, error codes, the
 * cancellation races of each (a permit or notification handed to a waiter
 * that is cancelled before it runs goes on), freeing with waiters, misuse.
 * Queues are in test_sync_queue.c. */
#include <stdint.h>

#include "harness.h"

/* --- Event --------------------------------------------------------------- */

static weft_event *ev;

static intptr_t event_waiter(void *arg) {
  (void)arg;
  int rc = weft_event_wait(ev);
  LOG("%s:%d@%lld", current_name(), rc, now_ms());
  return 0;
}

static intptr_t event_setter(void *arg) {
  (void)arg;
  CHECK_EQ(weft_sleep(5), 0);
  LOG("set@%lld", now_ms());
  CHECK_EQ(weft_event_set(ev), 0);
  CHECK_EQ(weft_event_set(ev), 0); /* idempotent */
  CHECK(weft_event_is_set(ev));
  /* Set: a wait returns at once, without letting the woken tasks run first. */
  CHECK_EQ(weft_event_wait(ev), 0);
  LOG("setter-waited@%lld", now_ms());
  CHECK_EQ(weft_event_clear(ev), 0);
  CHECK(!weft_event_is_set(ev));
  return 0;
}

static void event_order(void) {
  weft_loop *loop = new_vloop();
  ev = weft_event_new(loop);
  CHECK(ev && !weft_event_is_set(ev));
  spawn_detached_named(loop, "w1", event_waiter, NULL);
  spawn_detached_named(loop, "w2", event_waiter, NULL);
  spawn_detached_named(loop, "setter", event_setter, NULL);
  spawn_detached_named(loop, "w3", event_waiter, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  /* Woken in the order they started waiting; cleared again afterwards, yet
   * the wake-ups already handed out stand. */
  CHECK_LOG("set@5 setter-waited@5 w1:0@5 w2:0@5 w3:0@5");
  CHECK_EQ(weft_event_free(ev), 0);
  FREE_LOOP(loop);
}

/* A cancelled event waiter returns WEFT_ECANCELED and the others still wake. */
static weft_task *victim;

static intptr_t cancel_victim_after(void *arg) {
  CHECK_EQ(weft_sleep((int64_t)(intptr_t)arg), 0);
  LOG("cancel@%lld", now_ms());
  CHECK_EQ(weft_cancel(victim), 0);
  return 0;
}

static void event_cancel(void) {
  weft_loop *loop = new_vloop();
  ev = weft_event_new(loop);
  spawn_detached_named(loop, "w1", event_waiter, NULL);
  victim = spawn_named(loop, "w2", event_waiter, NULL);
  spawn_detached_named(loop, "w3", event_waiter, NULL);
  CHECK_EQ(weft_spawn_detached(loop, cancel_victim_after, (void *)(intptr_t)3, NULL), 0);
  CHECK_EQ(weft_spawn_detached(loop, event_setter, NULL, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("cancel@3 w2:-1@3 set@5 setter-waited@5 w1:0@5 w3:0@5");
  CHECK_EQ(weft_release(victim), 0);
  CHECK_EQ(weft_event_free(ev), 0);
  FREE_LOOP(loop);
}

/* --- Lock ---------------------------------------------------------------- */

static weft_lock *lk;

typedef struct hold_args {
  int64_t delay_ms, hold_ms;
} hold_args;

static intptr_t lock_holder(void *arg) {
  hold_args *a = arg;
  if (a->delay_ms) CHECK_EQ(weft_sleep(a->delay_ms), 0);
  int rc = weft_lock_acquire(lk);
  LOG("%s+%d@%lld", current_name(), rc, now_ms());
  if (rc) return 0;
  CHECK(weft_lock_locked(lk));
  CHECK_EQ(weft_sleep(a->hold_ms), 0);
  LOG("%s-@%lld", current_name(), now_ms());
  CHECK_EQ(weft_lock_release(lk), 0);
  return 0;
}

/* The lock goes to waiters in arrival order; a task that releases and
 * acquires again at once queues behind them (no barging). */
static intptr_t lock_greedy(void *arg) {
  (void)arg;
  CHECK_EQ(weft_lock_acquire(lk), 0);
  LOG("g+@%lld", now_ms());
  CHECK_EQ(weft_sleep(10), 0);
  CHECK_EQ(weft_lock_release(lk), 0);
  CHECK(weft_lock_locked(lk)); /* handed to the first waiter, not unlocked */
  CHECK_EQ(weft_lock_acquire(lk), 0);
  LOG("g+again@%lld", now_ms());
  CHECK_EQ(weft_lock_release(lk), 0);
  return 0;
}

static void lock_fifo(void) {
  weft_loop *loop = new_vloop();
  lk = weft_lock_new(loop);
  CHECK(lk && !weft_lock_locked(lk));
  hold_args a = {1, 5};
  spawn_detached_named(loop, "g", lock_greedy, NULL);
  spawn_detached_named(loop, "a", lock_holder, &a);
  spawn_detached_named(loop, "b", lock_holder, &a);
  spawn_detached_named(loop, "c", lock_holder, &a);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("g+@0 a+0@10 a-@15 b+0@15 b-@20 c+0@20 c-@25 g+again@25");
  CHECK(!weft_lock_locked(lk));
  CHECK_EQ(weft_lock_release(lk), WEFT_ENOTACQUIRED);
  CHECK_EQ(weft_lock_free(lk), 0);
  FREE_LOOP(loop);
}

/* The race: the holder releases (handing the lock to b) and cancels b in
 * the same step, before b runs. b must not end up owning the lock: its
 * acquire returns WEFT_ECANCELED and the lock goes on to c. */
static weft_task *b_task;

static intptr_t release_then_cancel(void *arg) {
  (void)arg;
  CHECK_EQ(weft_lock_acquire(lk), 0);
  CHECK_EQ(weft_sleep(10), 0);
  CHECK_EQ(weft_lock_release(lk), 0);
  CHECK_EQ(weft_cancel(b_task), 0);
  LOG("released+cancelled-b@%lld", now_ms());
  return 0;
}

static void lock_handoff_cancelled(void) {
  weft_loop *loop = new_vloop();
  lk = weft_lock_new(loop);
  hold_args a = {1, 5};
  spawn_detached_named(loop, "h", release_then_cancel, NULL);
  b_task = spawn_named(loop, "b", lock_holder, &a);
  spawn_detached_named(loop, "c", lock_holder, &a);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("released+cancelled-b@10 b+-1@10 c+0@10 c-@15");
  CHECK(!weft_lock_locked(lk));
  CHECK_EQ(weft_future_state_of(b_task), WEFT_CANCELLED);
  CHECK_EQ(weft_release(b_task), 0);
  CHECK_EQ(weft_lock_free(lk), 0);
  FREE_LOOP(loop);
}

/* Cancelled while waiting (nothing handed yet): it leaves the queue and the
 * next waiter is served in its place. Same with nobody behind: the lock
 * ends unlocked. */
static void lock_cancel_waiting(void) {
  weft_loop *loop = new_vloop();
  lk = weft_lock_new(loop);
  hold_args h = {0, 10}, w = {1, 5};
  spawn_detached_named(loop, "h", lock_holder, &h);
  victim = spawn_named(loop, "b", lock_holder, &w);
  spawn_detached_named(loop, "c", lock_holder, &w);
  CHECK_EQ(weft_spawn_detached(loop, cancel_victim_after, (void *)(intptr_t)3, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("h+0@0 cancel@3 b+-1@3 h-@10 c+0@10 c-@15");
  CHECK(!weft_lock_locked(lk));
  CHECK_EQ(weft_release(victim), 0);
  CHECK_EQ(weft_lock_free(lk), 0);
  FREE_LOOP(loop);
}

/* --- Semaphore ----------------------------------------------------------- */

static weft_semaphore *sem;

static intptr_t sem_user(void *arg) {
  hold_args *a = arg;
  if (a->delay_ms) CHECK_EQ(weft_sleep(a->delay_ms), 0);
  int rc = weft_semaphore_acquire(sem);
  LOG("%s+%d@%lld", current_name(), rc, now_ms());
  if (rc) return 0;
  CHECK_EQ(weft_sleep(a->hold_ms), 0);
  LOG("%s-@%lld", current_name(), now_ms());
  CHECK_EQ(weft_semaphore_release(sem), 0);
  return 0;
}

static void semaphore_fifo(void) {
  weft_loop *loop = new_vloop();
  sem = weft_semaphore_new(loop, 2);
  CHECK_EQ(weft_semaphore_value(sem), 2);
  CHECK(!weft_semaphore_locked(sem));
  hold_args a = {0, 10}, b = {0, 15}, late = {1, 1};
  spawn_detached_named(loop, "a", sem_user, &a);
  spawn_detached_named(loop, "b", sem_user, &b);
  spawn_detached_named(loop, "c", sem_user, &late);
  spawn_detached_named(loop, "d", sem_user, &late);
  spawn_detached_named(loop, "e", sem_user, &late);
  CHECK_EQ(weft_loop_run(loop), 0);
  /* c, d, e wait from 1 ms, and get permits in that order as they come
   * back: a's at 10 (c), c's at 11 (d), d's at 12 (e), b's at 15. */
  CHECK_LOG("a+0@0 b+0@0 a-@10 c+0@10 c-@11 d+0@11 d-@12 e+0@12 e-@13 b-@15");
  CHECK_EQ(weft_semaphore_value(sem), 2);
  /* Unbounded: releasing more than acquired grows the count (asyncio). */
  CHECK_EQ(weft_semaphore_release(sem), 0);
  CHECK_EQ(weft_semaphore_value(sem), 3);
  CHECK_EQ(weft_semaphore_free(sem), 0);
  FREE_LOOP(loop);
}

static intptr_t bounded_body(void *arg) {
  (void)arg;
  CHECK_EQ(weft_semaphore_release(sem), WEFT_ENOTACQUIRED); /* already at its initial value */
  CHECK_EQ(weft_semaphore_value(sem), 1);
  CHECK_EQ(weft_semaphore_acquire(sem), 0);
  CHECK(weft_semaphore_locked(sem));
  CHECK_EQ(weft_semaphore_value(sem), 0);
  CHECK_EQ(weft_semaphore_release(sem), 0);
  CHECK_EQ(weft_semaphore_release(sem), WEFT_ENOTACQUIRED);
  CHECK_EQ(weft_semaphore_value(sem), 1);
  LOG("bounded-ok");
  return 0;
}

static void bounded_semaphore(void) {
  weft_loop *loop = new_vloop();
  CHECK(weft_semaphore_new(loop, -1) == NULL);
  CHECK(weft_bounded_semaphore_new(loop, -1) == NULL);
  sem = weft_bounded_semaphore_new(loop, 1);
  CHECK_EQ(weft_spawn_detached(loop, bounded_body, NULL, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("bounded-ok");
  CHECK_EQ(weft_semaphore_free(sem), 0);
  FREE_LOOP(loop);
}

/* The asyncio subtlety: a permit released to a waiter that is cancelled
 * before it runs must not be lost: it goes to the next waiter, and with no
 * one left it returns to the count. */
static weft_task *sem_victim;

static intptr_t sem_release_then_cancel(void *arg) {
  (void)arg;
  CHECK_EQ(weft_semaphore_acquire(sem), 0);
  CHECK_EQ(weft_sleep(10), 0);
  CHECK_EQ(weft_semaphore_release(sem), 0);
  CHECK_EQ(weft_semaphore_value(sem), 0); /* handed to the victim */
  CHECK_EQ(weft_cancel(sem_victim), 0);
  LOG("released+cancelled@%lld", now_ms());
  return 0;
}

static void semaphore_handoff_cancelled(void) {
  weft_loop *loop = new_vloop();
  sem = weft_bounded_semaphore_new(loop, 1);
  hold_args w = {1, 5};
  spawn_detached_named(loop, "h", sem_release_then_cancel, NULL);
  sem_victim = spawn_named(loop, "v", sem_user, &w);
  spawn_detached_named(loop, "n", sem_user, &w);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("released+cancelled@10 v+-1@10 n+0@10 n-@15");
  CHECK_EQ(weft_semaphore_value(sem), 1); /* bounded: nothing leaked, nothing created */
  CHECK_EQ(weft_release(sem_victim), 0);
  CHECK_EQ(weft_semaphore_free(sem), 0);
  FREE_LOOP(loop);

  /* Alone: the permit comes back to the count. */
  loop = new_vloop();
  sem = weft_bounded_semaphore_new(loop, 1);
  spawn_detached_named(loop, "h", sem_release_then_cancel, NULL);
  sem_victim = spawn_named(loop, "v", sem_user, &w);
  log_reset();
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("released+cancelled@10 v+-1@10");
  CHECK_EQ(weft_semaphore_value(sem), 1);
  CHECK_EQ(weft_release(sem_victim), 0);
  CHECK_EQ(weft_semaphore_free(sem), 0);
  FREE_LOOP(loop);
}

/* --- Condition ----------------------------------------------------------- */

static weft_condition *cond;
static int ready_count;

static intptr_t cond_waiter(void *arg) {
  (void)arg;
  CHECK_EQ(weft_condition_acquire(cond), 0);
  int rc = weft_condition_wait(cond);
  LOG("%s:%d@%lld", current_name(), rc, now_ms());
  if (rc == WEFT_EFREED) return 0; /* the condition is gone: touch nothing */
  CHECK(weft_condition_locked(cond)); /* held again, cancelled or not */
  CHECK_EQ(weft_sleep(1), 0);        /* holding it: the next woken waits for it */
  CHECK_EQ(weft_condition_release(cond), 0);
  return 0;
}

static intptr_t cond_notifier(void *arg) {
  (void)arg;
  CHECK_EQ(weft_sleep(5), 0);
  CHECK_EQ(weft_condition_notify(cond, 1), WEFT_ENOTACQUIRED); /* lock not held */
  CHECK_EQ(weft_condition_acquire(cond), 0);
  CHECK_EQ(weft_condition_notify(cond, 1), 1);
  LOG("notify1@%lld", now_ms());
  CHECK_EQ(weft_condition_release(cond), 0);
  CHECK_EQ(weft_sleep(5), 0);
  CHECK_EQ(weft_condition_acquire(cond), 0);
  CHECK_EQ(weft_condition_notify_all(cond), 2);
  LOG("notify_all@%lld", now_ms());
  CHECK_EQ(weft_condition_notify_all(cond), 0);
  CHECK_EQ(weft_condition_release(cond), 0);
  return 0;
}

static void condition_notify(void) {
  weft_loop *loop = new_vloop();
  cond = weft_condition_new(loop, NULL);
  CHECK(cond && weft_condition_lock(cond));
  spawn_detached_named(loop, "w1", cond_waiter, NULL);
  spawn_detached_named(loop, "w2", cond_waiter, NULL);
  spawn_detached_named(loop, "w3", cond_waiter, NULL);
  spawn_detached_named(loop, "n", cond_notifier, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  /* w1 alone at 5; w2 and w3 at 10, one after the other for the lock. */
  CHECK_LOG("notify1@5 w1:0@5 notify_all@10 w2:0@10 w3:0@11");
  CHECK(!weft_condition_locked(cond));
  CHECK_EQ(weft_condition_free(cond), 0);
  FREE_LOOP(loop);
}

static int is_ready(void *arg) { return ready_count >= (int)(intptr_t)arg; }

static intptr_t cond_wait_for(void *arg) {
  CHECK_EQ(weft_condition_acquire(cond), 0);
  int rc = weft_condition_wait_for(cond, is_ready, arg);
  LOG("%s:%d/%d@%lld", current_name(), rc, ready_count, now_ms());
  CHECK_EQ(weft_condition_release(cond), 0);
  return 0;
}

static intptr_t cond_producer(void *arg) {
  (void)arg;
  for (int i = 0; i < 3; i++) {
    CHECK_EQ(weft_sleep(10), 0);
    CHECK_EQ(weft_condition_acquire(cond), 0);
    ready_count++;
    CHECK_EQ(weft_condition_notify_all(cond), 2 - (i >= 1) - (i >= 2));
    CHECK_EQ(weft_condition_release(cond), 0);
  }
  return 0;
}

static void condition_wait_for(void) {
  weft_loop *loop = new_vloop();
  weft_lock *own = weft_lock_new(loop);
  cond = weft_condition_new(loop, own);
  CHECK(weft_condition_lock(cond) == own);
  ready_count = 0;
  spawn_detached_named(loop, "two", cond_wait_for, (void *)(intptr_t)2);
  spawn_detached_named(loop, "one", cond_wait_for, (void *)(intptr_t)1);
  spawn_detached_named(loop, "zero", cond_wait_for, (void *)(intptr_t)0);
  CHECK_EQ(weft_spawn_detached(loop, cond_producer, NULL, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("zero:0/0@0 one:0/1@10 two:0/2@20");
  CHECK_EQ(weft_condition_free(cond), 0);
  CHECK_EQ(weft_lock_free(own), 0); /* the caller's lock outlives the condition */
  FREE_LOOP(loop);
}

/* The race: notify(1) hands the notification to w1, which is cancelled
 * before it runs. w1 returns WEFT_ECANCELED holding the lock, and passes
 * the notification on: w2 wakes, although only one notify was made. */
static weft_task *cw1;

static intptr_t notify_then_cancel(void *arg) {
  (void)arg;
  CHECK_EQ(weft_sleep(5), 0);
  CHECK_EQ(weft_condition_acquire(cond), 0);
  CHECK_EQ(weft_condition_notify(cond, 1), 1);
  CHECK_EQ(weft_cancel(cw1), 0);
  LOG("notified+cancelled@%lld", now_ms());
  CHECK_EQ(weft_condition_release(cond), 0);
  return 0;
}

static void condition_notified_then_cancelled(void) {
  weft_loop *loop = new_vloop();
  cond = weft_condition_new(loop, NULL);
  cw1 = spawn_named(loop, "w1", cond_waiter, NULL);
  spawn_detached_named(loop, "w2", cond_waiter, NULL);
  spawn_detached_named(loop, "w3", cond_waiter, NULL);
  spawn_detached_named(loop, "n", notify_then_cancel, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("notified+cancelled@5 w1:-1@5 w2:0@6");
  /* w3 is still waiting: one notification, one wake-up. */
  CHECK_EQ(weft_loop_alive_tasks(loop), 1);
  CHECK_EQ(weft_future_state_of(cw1), WEFT_CANCELLED);
  CHECK_EQ(weft_release(cw1), 0);
  CHECK(!weft_condition_locked(cond));
  CHECK_EQ(weft_condition_free(cond), 1); /* w3 fails with WEFT_EFREED */
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("notified+cancelled@5 w1:-1@5 w2:0@6 w3:-24@7");
  FREE_LOOP(loop);
}

/* Cancelled while taking the lock back: wait still returns holding it, with
 * WEFT_ECANCELED, once the lock comes free. */
static intptr_t notify_and_hold(void *arg) {
  (void)arg;
  CHECK_EQ(weft_sleep(5), 0);
  CHECK_EQ(weft_condition_acquire(cond), 0);
  CHECK_EQ(weft_condition_notify(cond, 1), 1);
  CHECK_EQ(weft_sleep(10), 0); /* w1 is woken but waits for the lock */
  LOG("release@%lld", now_ms());
  CHECK_EQ(weft_condition_release(cond), 0);
  return 0;
}

static void condition_cancelled_reacquiring(void) {
  weft_loop *loop = new_vloop();
  cond = weft_condition_new(loop, NULL);
  victim = spawn_named(loop, "w1", cond_waiter, NULL);
  spawn_detached_named(loop, "n", notify_and_hold, NULL);
  CHECK_EQ(weft_spawn_detached(loop, cancel_victim_after, (void *)(intptr_t)8, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("cancel@8 release@15 w1:-1@15");
  CHECK_EQ(weft_future_state_of(victim), WEFT_CANCELLED);
  CHECK_EQ(weft_release(victim), 0);
  CHECK(!weft_condition_locked(cond));
  CHECK_EQ(weft_condition_free(cond), 0);
  FREE_LOOP(loop);
}

static intptr_t cond_misuse(void *arg) {
  (void)arg;
  CHECK_EQ(weft_condition_wait(cond), WEFT_ENOTACQUIRED);
  CHECK_EQ(weft_condition_notify_all(cond), WEFT_ENOTACQUIRED);
  CHECK_EQ(weft_condition_wait_for(cond, NULL, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_condition_release(cond), WEFT_ENOTACQUIRED);
  LOG("misuse-ok");
  return 0;
}

static void condition_misuse(void) {
  weft_loop *loop = new_vloop();
  cond = weft_condition_new(loop, NULL);
  CHECK_EQ(weft_spawn_detached(loop, cond_misuse, NULL, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("misuse-ok");
  CHECK_EQ(weft_condition_free(cond), 0);
  FREE_LOOP(loop);
}

/* Cancelled while simply waiting (nothing handed yet): a semaphore waiter
 * takes no permit; a condition waiter returns holding the lock and passes
 * no notification on (it consumed none), so the next notify(1) wakes w2. */
static intptr_t sem_then_notify(void *arg) {
  (void)arg;
  CHECK_EQ(weft_sleep(5), 0);
  CHECK_EQ(weft_semaphore_release(sem), 0);
  CHECK_EQ(weft_condition_acquire(cond), 0);
  CHECK_EQ(weft_condition_notify(cond, 1), 1);
  LOG("release+notify1@%lld", now_ms());
  CHECK_EQ(weft_condition_release(cond), 0);
  return 0;
}

static void cancel_while_waiting(void) {
  weft_loop *loop = new_vloop();
  sem = weft_semaphore_new(loop, 0);
  cond = weft_condition_new(loop, NULL);
  hold_args w = {0, 1};
  victim = spawn_named(loop, "s1", sem_user, &w);
  spawn_detached_named(loop, "s2", sem_user, &w);
  CHECK_EQ(weft_spawn_detached(loop, cancel_victim_after, (void *)(intptr_t)2, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0); /* s2 keeps waiting: no permit yet */
  CHECK_EQ(weft_release(victim), 0);
  victim = spawn_named(loop, "w1", cond_waiter, NULL);
  spawn_detached_named(loop, "w2", cond_waiter, NULL);
  CHECK_EQ(weft_spawn_detached(loop, cancel_victim_after, (void *)(intptr_t)1, NULL), 0);
  CHECK_EQ(weft_spawn_detached(loop, sem_then_notify, NULL, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("cancel@2 s1+-1@2 cancel@3 w1:-1@3 release+notify1@7 s2+0@7 w2:0@7 s2-@8");
  CHECK_EQ(weft_semaphore_value(sem), 1);
  CHECK_EQ(weft_release(victim), 0);
  CHECK_EQ(weft_semaphore_free(sem), 0);
  CHECK_EQ(weft_condition_free(cond), 0);
  FREE_LOOP(loop);
}

/* --- Waiter(n) ----------------------------------------------------------- */

static weft_waiter *wt;

static intptr_t waiter_wait(void *arg) {
  (void)arg;
  int rc = weft_waiter_wait(wt);
  LOG("%s:%d@%lld", current_name(), rc, now_ms());
  return 0;
}

static intptr_t waiter_notifier(void *arg) {
  int64_t every = (int64_t)(intptr_t)arg;
  for (int i = 0; i < 3; i++) {
    CHECK_EQ(weft_sleep(every), 0);
    LOG("notify->%lld", (long long)weft_waiter_notify(wt));
  }
  CHECK_EQ(weft_waiter_notify(wt), 0); /* complete already: nothing changes */
  return 0;
}

static void waiter_countdown(void) {
  weft_loop *loop = new_vloop();
  wt = weft_waiter_new(loop, 3);
  CHECK(!weft_waiter_done(wt));
  weft_future *f = weft_waiter_future(wt);
  weft_future *g = weft_waiter_future(wt);
  CHECK(f && g);
  CHECK_EQ(weft_cancel(g), 0); /* cancelling one future affects no one else */
  spawn_detached_named(loop, "w1", waiter_wait, NULL);
  victim = spawn_named(loop, "w2", waiter_wait, NULL);
  spawn_detached_named(loop, "w3", waiter_wait, NULL);
  CHECK_EQ(weft_spawn_detached(loop, waiter_notifier, (void *)(intptr_t)10, NULL), 0);
  CHECK_EQ(weft_spawn_detached(loop, cancel_victim_after, (void *)(intptr_t)15, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("notify->2 cancel@15 w2:-1@15 notify->1 notify->0 w1:0@30 w3:0@30");
  CHECK(weft_waiter_done(wt));
  CHECK_EQ(weft_future_state_of(f), WEFT_RESOLVED);
  CHECK_EQ(weft_future_state_of(g), WEFT_CANCELLED);
  weft_future *h = weft_waiter_future(wt); /* complete: resolved at once */
  CHECK_EQ(weft_future_state_of(h), WEFT_RESOLVED);
  CHECK_EQ(weft_release(f), 0);
  CHECK_EQ(weft_release(g), 0);
  CHECK_EQ(weft_release(h), 0);
  CHECK_EQ(weft_release(victim), 0);
  CHECK_EQ(weft_waiter_free(wt), 0);
  FREE_LOOP(loop);
}

/* A waiter's future composes with the combinators: wait_for times out on
 * it without disturbing the waiter. */
static intptr_t waiter_with_timeout(void *arg) {
  (void)arg;
  weft_future *f = weft_waiter_future(wt);
  int rc = weft_wait_for(f, 15, NULL);
  LOG("wait_for:%d@%lld", rc, now_ms());
  weft_release(f);
  f = weft_waiter_future(wt);
  rc = weft_wait_for(f, 100, NULL);
  LOG("wait_for:%d@%lld", rc, now_ms());
  weft_release(f);
  return 0;
}

static void waiter_future_timeout(void) {
  weft_loop *loop = new_vloop();
  wt = weft_waiter_new(loop, 3);
  CHECK_EQ(weft_spawn_detached(loop, waiter_with_timeout, NULL, NULL), 0);
  CHECK_EQ(weft_spawn_detached(loop, waiter_notifier, (void *)(intptr_t)10, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("notify->2 wait_for:-2@15 notify->1 notify->0 wait_for:0@30");
  CHECK_EQ(weft_waiter_free(wt), 0);
  FREE_LOOP(loop);

  loop = new_vloop();
  wt = weft_waiter_new(loop, 0);
  CHECK(weft_waiter_done(wt));
  CHECK_EQ(weft_waiter_notify(wt), 0);
  CHECK_EQ(weft_waiter_free(wt), 0);
  FREE_LOOP(loop);
}

/* --- freeing with waiters ------------------------------------------------ */

static intptr_t lock_waiter_rc(void *arg) {
  (void)arg;
  int rc = weft_lock_acquire(lk);
  LOG("%s:%d@%lld", current_name(), rc, now_ms());
  return 0;
}

static intptr_t sem_waiter_rc(void *arg) {
  (void)arg;
  int rc = weft_semaphore_acquire(sem);
  LOG("%s:%d@%lld", current_name(), rc, now_ms());
  return 0;
}

static intptr_t free_all_later(void *arg) {
  (void)arg;
  CHECK_EQ(weft_lock_acquire(lk), 0);
  CHECK_EQ(weft_sleep(5), 0);
  /* l1 gets the lock handed over but has not run yet when the lock is
   * freed: it too reports WEFT_EFREED rather than owning a freed lock. */
  CHECK_EQ(weft_lock_release(lk), 0);
  LOG("free@%lld", now_ms());
  CHECK_EQ(weft_lock_free(lk), 2);
  CHECK_EQ(weft_event_free(ev), 1);
  CHECK_EQ(weft_semaphore_free(sem), 1);
  CHECK_EQ(weft_waiter_free(wt), 2); /* a waiting task and a pending future */
  return 0;
}

static void free_with_waiters(void) {
  weft_loop *loop = new_vloop();
  lk = weft_lock_new(loop);
  ev = weft_event_new(loop);
  sem = weft_semaphore_new(loop, 0);
  wt = weft_waiter_new(loop, 2);
  weft_future *wf = weft_waiter_future(wt);
  CHECK_EQ(weft_spawn_detached(loop, free_all_later, NULL, NULL), 0);
  spawn_detached_named(loop, "l1", lock_waiter_rc, NULL);
  spawn_detached_named(loop, "l2", lock_waiter_rc, NULL);
  spawn_detached_named(loop, "e", event_waiter, NULL);
  spawn_detached_named(loop, "s", sem_waiter_rc, NULL);
  spawn_detached_named(loop, "w", waiter_wait, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  /* free_all_later took the lock first (it ran first), so l1 and l2 waited. */
  CHECK_LOG("free@5 l1:-24@5 l2:-24@5 e:-24@5 s:-24@5 w:-24@5");
  CHECK_EQ(weft_future_result(wf, NULL), WEFT_EFREED);
  CHECK_EQ(weft_release(wf), 0);
  FREE_LOOP(loop);
}

/* --- misuse -------------------------------------------------------------- */

static void misuse_outside_task(void) {
  weft_loop *loop = new_vloop();
  weft_lock *l = weft_lock_new(loop);
  weft_event *e = weft_event_new(loop);
  weft_semaphore *s = weft_semaphore_new(loop, 1);
  weft_condition *c = weft_condition_new(loop, NULL);
  weft_waiter *w = weft_waiter_new(loop, 1);
  CHECK_EQ(weft_lock_acquire(l), WEFT_ENOTTASK);
  CHECK_EQ(weft_event_wait(e), WEFT_ENOTTASK);
  CHECK_EQ(weft_semaphore_acquire(s), WEFT_ENOTTASK);
  CHECK_EQ(weft_condition_wait(c), WEFT_ENOTTASK);
  CHECK_EQ(weft_waiter_wait(w), WEFT_ENOTTASK);
  /* Non-suspending calls work outside a task. */
  CHECK_EQ(weft_event_set(e), 0);
  CHECK_EQ(weft_semaphore_release(s), 0);
  CHECK_EQ(weft_waiter_notify(w), 0);
  /* NULLs. */
  CHECK(weft_lock_new(NULL) == NULL); /* no running loop */
  CHECK_EQ(weft_lock_acquire(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_lock_release(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_lock_free(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_lock_locked(NULL), 0);
  CHECK_EQ(weft_event_wait(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_event_set(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_event_clear(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_event_free(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_semaphore_acquire(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_semaphore_release(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_semaphore_free(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_condition_wait(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_condition_notify(NULL, 1), WEFT_EINVAL);
  CHECK_EQ(weft_condition_acquire(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_condition_free(NULL), WEFT_EINVAL);
  CHECK(weft_condition_lock(NULL) == NULL);
  CHECK_EQ(weft_waiter_wait(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_waiter_notify(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_waiter_free(NULL), WEFT_EINVAL);
  CHECK(weft_waiter_future(NULL) == NULL);
  CHECK_STR(weft_strerror_name(WEFT_EFREED), "WEFT_EFREED");
  CHECK_STR(weft_strerror_name(WEFT_ENOTACQUIRED), "WEFT_ENOTACQUIRED");
  CHECK_EQ(weft_lock_free(l), 0);
  CHECK_EQ(weft_event_free(e), 0);
  CHECK_EQ(weft_semaphore_free(s), 0);
  CHECK_EQ(weft_condition_free(c), 0);
  CHECK_EQ(weft_waiter_free(w), 0);
  FREE_LOOP(loop);
}

/* A primitive belongs to its loop: waiting on it from a task of another
 * loop is refused rather than mixing the loops' futures. */
static weft_lock *foreign;

static intptr_t use_foreign(void *arg) {
  (void)arg;
  CHECK_EQ(weft_lock_acquire(foreign), WEFT_EINVAL);
  LOG("foreign-refused");
  return 0;
}

static void misuse_other_loop(void) {
  weft_loop *a = new_vloop(), *b = new_vloop();
  foreign = weft_lock_new(a);
  CHECK_EQ(weft_spawn_detached(b, use_foreign, NULL, NULL), 0);
  CHECK_EQ(weft_loop_run(b), 0);
  CHECK_LOG("foreign-refused");
  /* A condition cannot be bound to another loop's lock. */
  CHECK(weft_condition_new(b, foreign) == NULL);
  CHECK_EQ(weft_lock_free(foreign), 0);
  FREE_LOOP(b);
  FREE_LOOP(a);
}

int main(void) {
  RUN(event_order);
  RUN(event_cancel);
  RUN(lock_fifo);
  RUN(lock_handoff_cancelled);
  RUN(lock_cancel_waiting);
  RUN(semaphore_fifo);
  RUN(bounded_semaphore);
  RUN(semaphore_handoff_cancelled);
  RUN(condition_notify);
  RUN(condition_wait_for);
  RUN(condition_notified_then_cancelled);
  RUN(condition_cancelled_reacquiring);
  RUN(condition_misuse);
  RUN(cancel_while_waiting);
  RUN(waiter_countdown);
  RUN(waiter_future_timeout);
  RUN(free_with_waiters);
  RUN(misuse_outside_task);
  RUN(misuse_other_loop);
  return DONE();
}
