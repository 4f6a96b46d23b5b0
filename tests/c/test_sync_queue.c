/* Queues: FIFO, LIFO and priority order, back-pressure, the nowait codes,
 * FIFO fairness on both sides (hand-off), task_done/join, shutdown (3.13)
 * with waiters on both sides, the cancellation races (a cancelled getter
 * never loses an item, a cancelled putter never duplicates one), freeing
 * with waiters, misuse. All on the virtual clock. */
#include <stdint.h>

#include "harness.h"

static weft_queue *q;

/* Drains the queue without waiting, logging "get:<v>" per item. */
static void drain_log(void) {
  intptr_t v;
  while (weft_queue_get_nowait(q, &v) == 0) LOG("get:%ld", (long)v);
}

/* --- order --------------------------------------------------------------- */

static void fifo_lifo_order(void) {
  weft_loop *loop = new_vloop();
  q = weft_queue_new(loop, WEFT_QUEUE_FIFO, 0);
  for (intptr_t i = 1; i <= 4; i++) CHECK_EQ(weft_queue_put_nowait(q, i), 0);
  CHECK_EQ(weft_queue_qsize(q), 4);
  CHECK(!weft_queue_full(q)); /* unbounded */
  drain_log();
  CHECK(weft_queue_empty(q));
  CHECK_EQ(weft_queue_free(q), 0);
  q = weft_queue_new(loop, WEFT_QUEUE_LIFO, 0);
  for (intptr_t i = 1; i <= 4; i++) CHECK_EQ(weft_queue_put_nowait(q, i), 0);
  LOG("|");
  drain_log();
  CHECK_EQ(weft_queue_free(q), 0);
  CHECK_LOG("get:1 get:2 get:3 get:4 | get:4 get:3 get:2 get:1");
  FREE_LOOP(loop);
}

static void priority_order(void) {
  weft_loop *loop = new_vloop();
  q = weft_queue_new(loop, WEFT_QUEUE_PRIORITY, 0);
  /* (priority, value): equal priorities come out in insertion order. */
  int64_t pr[] = {5, 1, 5, 3, 1, 5, -2, 3};
  for (int i = 0; i < 8; i++) CHECK_EQ(weft_queue_put_priority_nowait(q, pr[i], 10 + i), 0);
  intptr_t v;
  int64_t p;
  while (weft_queue_get_priority_nowait(q, &p, &v) == 0) LOG("%lld:%ld", (long long)p, (long)v);
  CHECK_LOG("-2:16 1:11 1:14 3:13 3:17 5:10 5:12 5:15");
  /* Many equal priorities keep FIFO through heap reshuffles. */
  log_reset();
  for (int i = 0; i < 100; i++) CHECK_EQ(weft_queue_put_priority_nowait(q, i % 2, i), 0);
  int last_even = -2, last_odd = -1, ok = 1, n = 0;
  while (weft_queue_get_priority_nowait(q, &p, &v) == 0) {
    n++;
    if (p == 0) {
      ok &= v == last_even + 2 && last_odd == -1;
      last_even = (int)v;
    } else {
      ok &= v == last_odd + 2 && last_even == 98;
      last_odd = (int)v;
    }
  }
  CHECK(ok);
  CHECK_EQ(n, 100);
  CHECK_EQ(weft_queue_free(q), 0);
  FREE_LOOP(loop);
}

/* --- back-pressure and fairness ------------------------------------------ */

static intptr_t producer(void *arg) {
  int count = (int)(intptr_t)arg;
  for (int i = 0; i < count; i++) {
    int rc = weft_queue_put(q, i);
    LOG("%s:put%d=%d@%lld", current_name(), i, rc, now_ms());
    if (rc) return 0;
  }
  return 0;
}

static intptr_t slow_consumer(void *arg) {
  int count = (int)(intptr_t)arg;
  for (int i = 0; i < count; i++) {
    CHECK_EQ(weft_sleep(10), 0);
    intptr_t v = -1;
    int rc = weft_queue_get(q, &v);
    LOG("got%ld=%d@%lld", (long)v, rc, now_ms());
    CHECK_EQ(weft_queue_task_done(q), 0);
  }
  return 0;
}

static void back_pressure(void) {
  weft_loop *loop = new_vloop();
  q = weft_queue_new(loop, WEFT_QUEUE_FIFO, 2);
  CHECK_EQ(weft_queue_maxsize(q), 2);
  spawn_detached_named(loop, "p", producer, (void *)(intptr_t)5);
  spawn_detached_named(loop, "c", slow_consumer, (void *)(intptr_t)5);
  CHECK_EQ(weft_loop_run(loop), 0);
  /* Two go in at once, then one per freed slot. */
  CHECK_LOG("p:put0=0@0 p:put1=0@0 got0=0@10 p:put2=0@10 got1=0@20 p:put3=0@20 got2=0@30 p:put4=0@30 "
            "got3=0@40 got4=0@50");
  CHECK(weft_queue_empty(q));
  CHECK_EQ(weft_queue_free(q), 0);
  FREE_LOOP(loop);
}

/* Putters are served in arrival order, and a slot freed for a waiting
 * putter is its own: put_nowait cannot take it. */
static intptr_t nowait_thief(void *arg) {
  (void)arg;
  CHECK_EQ(weft_sleep(5), 0);
  intptr_t v;
  CHECK_EQ(weft_queue_get_nowait(q, &v), 0);
  LOG("took%ld", (long)v);
  CHECK(weft_queue_full(q)); /* the slot is reserved for p1 */
  CHECK_EQ(weft_queue_qsize(q), 0);
  CHECK_EQ(weft_queue_put_nowait(q, 99), WEFT_EQUEUEFULL);
  CHECK_EQ(weft_queue_get_nowait(q, &v), WEFT_EQUEUEEMPTY);
  return 0;
}

static intptr_t put_one(void *arg) {
  int rc = weft_queue_put(q, (intptr_t)arg);
  LOG("%s=%d@%lld", current_name(), rc, now_ms());
  return 0;
}

static void putters_fifo(void) {
  weft_loop *loop = new_vloop();
  q = weft_queue_new(loop, WEFT_QUEUE_FIFO, 1);
  CHECK_EQ(weft_queue_put_nowait(q, 0), 0);
  CHECK_EQ(weft_queue_put_nowait(q, 1), WEFT_EQUEUEFULL);
  spawn_detached_named(loop, "p1", put_one, (void *)(intptr_t)1);
  spawn_detached_named(loop, "p2", put_one, (void *)(intptr_t)2);
  spawn_detached_named(loop, "p3", put_one, (void *)(intptr_t)3);
  spawn_detached_named(loop, "thief", nowait_thief, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("took0 p1=0@5");
  log_reset();
  drain_log(); /* frees a slot for p2, whose item arrives on its next run */
  CHECK_EQ(weft_loop_run(loop), 0);
  drain_log();
  CHECK_EQ(weft_loop_run(loop), 0);
  drain_log();
  CHECK_LOG("get:1 p2=0@5 get:2 p3=0@5 get:3");
  CHECK_EQ(weft_queue_free(q), 0);
  FREE_LOOP(loop);
}

/* Getters are served in arrival order; an item put while getters wait is
 * the first getter's, even before it runs: get_nowait finds nothing. */
static intptr_t get_one(void *arg) {
  (void)arg;
  intptr_t v = -1;
  int rc = weft_queue_get(q, &v);
  LOG("%s:%ld=%d@%lld", current_name(), (long)v, rc, now_ms());
  return 0;
}

static intptr_t put_then_steal(void *arg) {
  (void)arg;
  CHECK_EQ(weft_sleep(5), 0);
  CHECK_EQ(weft_queue_put_nowait(q, 7), 0);
  CHECK_EQ(weft_queue_qsize(q), 1); /* counted, as asyncio does, until g1 runs */
  CHECK(!weft_queue_empty(q));
  intptr_t v;
  CHECK_EQ(weft_queue_get_nowait(q, &v), WEFT_EQUEUEEMPTY);
  CHECK_EQ(weft_queue_put_nowait(q, 8), 0);
  LOG("put7+8@%lld", now_ms());
  return 0;
}

static void getters_fifo(void) {
  weft_loop *loop = new_vloop();
  q = weft_queue_new(loop, WEFT_QUEUE_FIFO, 0);
  spawn_detached_named(loop, "g1", get_one, NULL);
  spawn_detached_named(loop, "g2", get_one, NULL);
  spawn_detached_named(loop, "g3", get_one, NULL);
  spawn_detached_named(loop, "p", put_then_steal, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("put7+8@5 g1:7=0@5 g2:8=0@5");
  CHECK_EQ(weft_queue_put_nowait(q, 9), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("put7+8@5 g1:7=0@5 g2:8=0@5 g3:9=0@5");
  CHECK_EQ(weft_queue_free(q), 0);
  FREE_LOOP(loop);
}

/* --- task_done / join ---------------------------------------------------- */

static intptr_t joiner(void *arg) {
  (void)arg;
  int rc = weft_queue_join(q);
  LOG("%s:%d@%lld", current_name(), rc, now_ms());
  return 0;
}

static void join_waits_for_task_done(void) {
  weft_loop *loop = new_vloop();
  q = weft_queue_new(loop, WEFT_QUEUE_FIFO, 0);
  spawn_detached_named(loop, "j0", joiner, NULL); /* nothing put yet: returns at once */
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_queue_task_done(q), WEFT_ENOTACQUIRED);
  for (intptr_t i = 0; i < 3; i++) CHECK_EQ(weft_queue_put_nowait(q, i), 0);
  spawn_detached_named(loop, "j1", joiner, NULL);
  spawn_detached_named(loop, "c", slow_consumer, (void *)(intptr_t)3);
  spawn_detached_named(loop, "j2", joiner, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("j0:0@0 got0=0@10 got1=0@20 got2=0@30 j1:0@30 j2:0@30");
  CHECK_EQ(weft_queue_task_done(q), WEFT_ENOTACQUIRED); /* one more than items */
  CHECK_EQ(weft_queue_free(q), 0);
  FREE_LOOP(loop);
}

/* --- shutdown ------------------------------------------------------------ */

static intptr_t shutdown_later(void *arg) {
  CHECK_EQ(weft_sleep(5), 0);
  LOG("shutdown%d@%lld", (int)(intptr_t)arg, now_ms());
  CHECK_EQ(weft_queue_shutdown(q, (int)(intptr_t)arg), 0);
  CHECK(weft_queue_is_shutdown(q));
  CHECK_EQ(weft_queue_put_nowait(q, 1), WEFT_ESHUTDOWN);
  return 0;
}

/* Getters waiting on an empty queue all fail with WEFT_ESHUTDOWN. */
static void shutdown_with_getters(void) {
  weft_loop *loop = new_vloop();
  q = weft_queue_new(loop, WEFT_QUEUE_FIFO, 0);
  spawn_detached_named(loop, "g1", get_one, NULL);
  spawn_detached_named(loop, "g2", get_one, NULL);
  spawn_detached_named(loop, "s", shutdown_later, (void *)(intptr_t)0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("shutdown0@5 g1:-1=-23@5 g2:-1=-23@5");
  CHECK_EQ(weft_queue_shutdown(q, 0), 0); /* idempotent */
  CHECK_EQ(weft_queue_free(q), 0);
  FREE_LOOP(loop);
}

/* Putters waiting on a full queue fail with WEFT_ESHUTDOWN (their items are
 * not put); the items already in can still be taken, then get fails. */
static intptr_t get_all_after(void *arg) {
  CHECK_EQ(weft_sleep((int64_t)(intptr_t)arg), 0);
  for (;;) {
    intptr_t v = -1;
    int rc = weft_queue_get(q, &v);
    LOG("get%ld=%d", (long)v, rc);
    if (rc) return 0;
    CHECK_EQ(weft_queue_task_done(q), 0);
  }
}

static void shutdown_with_putters(void) {
  weft_loop *loop = new_vloop();
  q = weft_queue_new(loop, WEFT_QUEUE_FIFO, 2);
  spawn_detached_named(loop, "p", producer, (void *)(intptr_t)4);
  spawn_detached_named(loop, "p2", put_one, (void *)(intptr_t)42);
  spawn_detached_named(loop, "s", shutdown_later, (void *)(intptr_t)0);
  spawn_detached_named(loop, "c", get_all_after, (void *)(intptr_t)6);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("p:put0=0@0 p:put1=0@0 shutdown0@5 p:put2=-23@5 p2=-23@5 get0=0 get1=0 get-1=-23");
  CHECK_EQ(weft_queue_free(q), 0);
  FREE_LOOP(loop);
}

/* Immediate: the items are discarded (each counting as task_done, so join
 * returns), including one already handed to a getter that has not run. */
static intptr_t put_two_then_shutdown_now(void *arg) {
  (void)arg;
  CHECK_EQ(weft_sleep(5), 0);
  CHECK_EQ(weft_queue_put_nowait(q, 1), 0); /* handed to g1 */
  CHECK_EQ(weft_queue_put_nowait(q, 2), 0); /* stored */
  CHECK_EQ(weft_queue_put_nowait(q, 3), 0);
  CHECK_EQ(weft_queue_qsize(q), 3);
  LOG("shutdown1@%lld", now_ms());
  CHECK_EQ(weft_queue_shutdown(q, 1), 0);
  CHECK_EQ(weft_queue_qsize(q), 0);
  intptr_t v;
  CHECK_EQ(weft_queue_get_nowait(q, &v), WEFT_ESHUTDOWN);
  return 0;
}

static void shutdown_immediate(void) {
  weft_loop *loop = new_vloop();
  q = weft_queue_new(loop, WEFT_QUEUE_FIFO, 0);
  CHECK_EQ(weft_queue_put_nowait(q, 0), 0);
  CHECK_EQ(weft_queue_get_nowait(q, NULL), 0); /* taken, not yet task_done */
  spawn_detached_named(loop, "j", joiner, NULL);
  spawn_detached_named(loop, "g1", get_one, NULL);
  spawn_detached_named(loop, "p", put_two_then_shutdown_now, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  /* j still waits: item 0 was taken and never marked done. */
  CHECK_LOG("shutdown1@5 g1:-1=-23@5");
  CHECK_EQ(weft_loop_alive_tasks(loop), 1);
  CHECK_EQ(weft_queue_task_done(q), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("shutdown1@5 g1:-1=-23@5 j:0@5");
  CHECK_EQ(weft_queue_free(q), 0);
  FREE_LOOP(loop);
}

/* --- cancellation races -------------------------------------------------- */

static weft_task *victim;

/* An item handed to g1 as it is cancelled goes back where it was: before an
 * item put after it (FIFO), below it (LIFO). With g2 waiting, g2 gets it. */
static intptr_t put_cancel_put(void *arg) {
  (void)arg;
  CHECK_EQ(weft_sleep(5), 0);
  CHECK_EQ(weft_queue_put_nowait(q, 1), 0); /* handed to g1 */
  CHECK_EQ(weft_cancel(victim), 0);
  CHECK_EQ(weft_queue_put_nowait(q, 2), 0); /* no getter waits now: stored */
  LOG("put1,cancel,put2@%lld", now_ms());
  return 0;
}

static void getter_cancelled_with_item(weft_queue_kind kind, const char *expected) {
  weft_loop *loop = new_vloop();
  q = weft_queue_new(loop, kind, 0);
  log_reset();
  victim = spawn_named(loop, "g1", get_one, NULL);
  spawn_detached_named(loop, "p", put_cancel_put, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_queue_qsize(q), 2);
  drain_log();
  CHECK_STR(h_log, expected);
  CHECK_EQ(weft_future_state_of(victim), WEFT_CANCELLED);
  CHECK_EQ(weft_release(victim), 0);
  CHECK_EQ(weft_queue_free(q), 0);
  FREE_LOOP(loop);
}

static void getter_cancelled_fifo(void) {
  getter_cancelled_with_item(WEFT_QUEUE_FIFO, "put1,cancel,put2@5 g1:-1=-1@5 get:1 get:2");
}

static void getter_cancelled_lifo(void) {
  getter_cancelled_with_item(WEFT_QUEUE_LIFO, "put1,cancel,put2@5 g1:-1=-1@5 get:2 get:1");
}

static intptr_t put_then_cancel(void *arg) {
  (void)arg;
  CHECK_EQ(weft_sleep(5), 0);
  CHECK_EQ(weft_queue_put_priority_nowait(q, 1, 1), 0); /* handed to g1 */
  CHECK_EQ(weft_cancel(victim), 0);
  CHECK_EQ(weft_queue_put_priority_nowait(q, 1, 2), 0); /* to g2 */
  LOG("put,cancel,put@%lld", now_ms());
  return 0;
}

static void getter_cancelled_passes_on(void) {
  weft_loop *loop = new_vloop();
  q = weft_queue_new(loop, WEFT_QUEUE_PRIORITY, 0);
  victim = spawn_named(loop, "g1", get_one, NULL);
  spawn_detached_named(loop, "g2", get_one, NULL);
  spawn_detached_named(loop, "g3", get_one, NULL);
  spawn_detached_named(loop, "p", put_then_cancel, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  /* g1 gives item 1 back; it goes to g3, the next waiting getter. */
  CHECK_LOG("put,cancel,put@5 g1:-1=-1@5 g2:2=0@5 g3:1=0@5");
  CHECK(weft_queue_empty(q));
  CHECK_EQ(weft_release(victim), 0);
  CHECK_EQ(weft_queue_free(q), 0);
  FREE_LOOP(loop);
}

/* A slot freed for p1 as it is cancelled goes to p2; p1's item is not put
 * (no duplicate when the caller retries after WEFT_ECANCELED). */
static intptr_t get_then_cancel(void *arg) {
  (void)arg;
  CHECK_EQ(weft_sleep(5), 0);
  intptr_t v;
  CHECK_EQ(weft_queue_get_nowait(q, &v), 0); /* slot reserved for p1 */
  CHECK_EQ(weft_cancel(victim), 0);
  LOG("got%ld,cancel@%lld", (long)v, now_ms());
  return 0;
}

static void putter_cancelled_with_slot(void) {
  weft_loop *loop = new_vloop();
  q = weft_queue_new(loop, WEFT_QUEUE_FIFO, 1);
  CHECK_EQ(weft_queue_put_nowait(q, 0), 0);
  victim = spawn_named(loop, "p1", put_one, (void *)(intptr_t)1);
  spawn_detached_named(loop, "p2", put_one, (void *)(intptr_t)2);
  spawn_detached_named(loop, "c", get_then_cancel, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("got0,cancel@5 p1=-1@5 p2=0@5");
  drain_log();
  CHECK_LOG("got0,cancel@5 p1=-1@5 p2=0@5 get:2");
  CHECK_EQ(weft_release(victim), 0);
  /* Counting: items 0 and 2 were put, so two task_done calls and no more. */
  CHECK_EQ(weft_queue_task_done(q), 0);
  CHECK_EQ(weft_queue_task_done(q), 0);
  CHECK_EQ(weft_queue_task_done(q), WEFT_ENOTACQUIRED);
  CHECK_EQ(weft_queue_free(q), 0);
  FREE_LOOP(loop);
}

/* Cancelled while simply waiting, on either side: nothing happens to the
 * queue, and a cancelled joiner leaves the others waiting. */
static intptr_t cancel_victim_after(void *arg) {
  CHECK_EQ(weft_sleep((int64_t)(intptr_t)arg), 0);
  LOG("cancel@%lld", now_ms());
  CHECK_EQ(weft_cancel(victim), 0);
  return 0;
}

static void cancel_while_waiting(void) {
  weft_loop *loop = new_vloop();
  q = weft_queue_new(loop, WEFT_QUEUE_FIFO, 1);
  victim = spawn_named(loop, "g", get_one, NULL);
  CHECK_EQ(weft_spawn_detached(loop, cancel_victim_after, (void *)(intptr_t)3, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_release(victim), 0);
  CHECK_EQ(weft_queue_put_nowait(q, 5), 0);
  victim = spawn_named(loop, "p", put_one, (void *)(intptr_t)6);
  CHECK_EQ(weft_spawn_detached(loop, cancel_victim_after, (void *)(intptr_t)3, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_release(victim), 0);
  victim = spawn_named(loop, "j", joiner, NULL);
  spawn_detached_named(loop, "j2", joiner, NULL);
  CHECK_EQ(weft_spawn_detached(loop, cancel_victim_after, (void *)(intptr_t)3, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_release(victim), 0);
  CHECK_EQ(weft_loop_alive_tasks(loop), 1); /* j2 */
  drain_log();
  CHECK_EQ(weft_queue_task_done(q), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("cancel@3 g:-1=-1@3 cancel@6 p=-1@6 cancel@9 j:-1@9 get:5 j2:0@9");
  CHECK_EQ(weft_queue_free(q), 0);
  FREE_LOOP(loop);
}

/* --- free, misuse -------------------------------------------------------- */

static void free_with_waiters(void) {
  weft_loop *loop = new_vloop();
  weft_queue *full = weft_queue_new(loop, WEFT_QUEUE_LIFO, 1);
  q = full;
  CHECK_EQ(weft_queue_put_nowait(q, 0), 0);
  spawn_detached_named(loop, "p", put_one, (void *)(intptr_t)1);
  spawn_detached_named(loop, "j", joiner, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  weft_queue *empty = weft_queue_new(loop, WEFT_QUEUE_FIFO, 0);
  q = empty;
  spawn_detached_named(loop, "g", get_one, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_queue_free(full), 2);
  CHECK_EQ(weft_queue_free(empty), 1);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("p=-24@0 j:-24@0 g:-1=-24@0");
  FREE_LOOP(loop);
}

static intptr_t in_task_misuse(void *arg) {
  weft_loop *other = arg;
  weft_queue *foreign = weft_queue_new(other, WEFT_QUEUE_FIFO, 0);
  CHECK_EQ(weft_queue_get(foreign, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_queue_put(foreign, 1), WEFT_EINVAL);
  CHECK_EQ(weft_queue_join(foreign), WEFT_EINVAL);
  CHECK_EQ(weft_queue_free(foreign), 0);
  LOG("misuse-ok");
  return 0;
}

static void misuse(void) {
  weft_loop *loop = new_vloop(), *other = new_vloop();
  CHECK(weft_queue_new(loop, (weft_queue_kind)7, 0) == NULL);
  CHECK(weft_queue_new(NULL, WEFT_QUEUE_FIFO, 0) == NULL);
  q = weft_queue_new(loop, WEFT_QUEUE_FIFO, 0);
  CHECK_EQ(weft_queue_get(q, NULL), WEFT_ENOTTASK);
  CHECK_EQ(weft_queue_put(q, 1), WEFT_ENOTTASK);
  CHECK_EQ(weft_queue_join(q), WEFT_ENOTTASK);
  CHECK_EQ(weft_queue_get_nowait(q, NULL), WEFT_EQUEUEEMPTY);
  CHECK_EQ(weft_queue_put(NULL, 1), WEFT_EINVAL);
  CHECK_EQ(weft_queue_put_nowait(NULL, 1), WEFT_EINVAL);
  CHECK_EQ(weft_queue_get(NULL, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_queue_get_nowait(NULL, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_queue_task_done(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_queue_join(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_queue_shutdown(NULL, 0), WEFT_EINVAL);
  CHECK_EQ(weft_queue_free(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_queue_qsize(NULL), 0);
  CHECK_STR(weft_strerror_name(WEFT_EQUEUEFULL), "WEFT_EQUEUEFULL");
  CHECK_STR(weft_strerror_name(WEFT_EQUEUEEMPTY), "WEFT_EQUEUEEMPTY");
  CHECK_STR(weft_strerror_name(WEFT_ESHUTDOWN), "WEFT_ESHUTDOWN");
  CHECK_EQ(weft_spawn_detached(loop, in_task_misuse, other, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("misuse-ok");
  CHECK_EQ(weft_queue_free(q), 0);
  FREE_LOOP(other);
  FREE_LOOP(loop);
}

/* Many producers and consumers through a small bounded queue: every item
 * arrives exactly once and the per-producer order is kept. */
enum { NPROD = 8, NCONS = 5, PER = 200 };
static int seen[NPROD][PER];
static int next_of[NPROD];
static int order_ok;

static intptr_t stress_producer(void *arg) {
  int id = (int)(intptr_t)arg;
  for (int i = 0; i < PER; i++) {
    CHECK_EQ(weft_queue_put(q, id * PER + i), 0);
    if (i % 7 == id % 7) CHECK_EQ(weft_yield(), 0);
  }
  return 0;
}

static intptr_t stress_consumer(void *arg) {
  (void)arg;
  for (;;) {
    intptr_t v;
    int rc = weft_queue_get(q, &v);
    if (rc) {
      CHECK_EQ(rc, WEFT_ESHUTDOWN);
      return 0;
    }
    int id = (int)(v / PER), i = (int)(v % PER);
    seen[id][i]++;
    if (next_of[id] != i) order_ok = 0;
    next_of[id] = i + 1;
    CHECK_EQ(weft_queue_task_done(q), 0);
    if (v % 3 == 0) CHECK_EQ(weft_sleep(1), 0);
  }
}

static intptr_t stress_main(void *arg) {
  (void)arg;
  weft_task *t[NPROD];
  for (int i = 0; i < NPROD; i++) t[i] = weft_spawn(NULL, stress_producer, (void *)(intptr_t)i, NULL);
  for (int i = 0; i < NCONS; i++) CHECK_EQ(weft_spawn_detached(NULL, stress_consumer, NULL, NULL), 0);
  CHECK_EQ(weft_gather(t, NPROD, WEFT_GATHER_FAIL_FAST, NULL, NULL), 0);
  for (int i = 0; i < NPROD; i++) weft_release(t[i]);
  CHECK_EQ(weft_queue_join(q), 0);
  CHECK_EQ(weft_queue_shutdown(q, 0), 0);
  return 0;
}

static void stress_many(void) {
  weft_loop *loop = new_vloop();
  q = weft_queue_new(loop, WEFT_QUEUE_FIFO, 3);
  memset(seen, 0, sizeof seen);
  memset(next_of, 0, sizeof next_of);
  order_ok = 1;
  CHECK_EQ(weft_spawn_detached(loop, stress_main, NULL, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  int once = 1;
  for (int i = 0; i < NPROD; i++)
    for (int j = 0; j < PER; j++) once &= seen[i][j] == 1;
  CHECK(once);
  CHECK(order_ok);
  CHECK_EQ(weft_loop_alive_tasks(loop), 0);
  CHECK_EQ(weft_queue_free(q), 0);
  FREE_LOOP(loop);
}

int main(void) {
  RUN(fifo_lifo_order);
  RUN(priority_order);
  RUN(back_pressure);
  RUN(putters_fifo);
  RUN(getters_fifo);
  RUN(join_waits_for_task_done);
  RUN(shutdown_with_getters);
  RUN(shutdown_with_putters);
  RUN(shutdown_immediate);
  RUN(getter_cancelled_fifo);
  RUN(getter_cancelled_lifo);
  RUN(getter_cancelled_passes_on);
  RUN(putter_cancelled_with_slot);
  RUN(cancel_while_waiting);
  RUN(free_with_waiters);
  RUN(misuse);
  RUN(stress_many);
  return DONE();
}
