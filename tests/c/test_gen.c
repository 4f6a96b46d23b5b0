/* Async generators: laziness, exact orders on the virtual clock, aclose at
 * every point of a generator's life, errors, cancellation of the consumer,
 * concurrent anext, closing at loop shutdown, misuse, no leaks. */
#include <stdint.h>

#include "harness.h"

/* A generator of `n` values 0..n-1, sleeping `ms` before each; logs its
 * start, its end and its cleanup (which awaits 10 ms). */
typedef struct counter {
  int n;
  int64_t ms;
  int ignore_close; /* yields again after WEFT_ECLOSING */
  int fail_after;   /* > 0: returns WEFT_ETIMEDOUT after this many values */
} counter;

static int counting(void *arg) {
  counter *c = arg;
  LOG("g:start@%lld", now_ms());
  for (int i = 0; i < c->n; i++) {
    if (c->fail_after && i == c->fail_after) {
      LOG("g:fail");
      return WEFT_ETIMEDOUT;
    }
    int rc = weft_sleep(c->ms);
    if (rc) {
      LOG("g:sleep-rc=%d@%lld", rc, now_ms());
      return rc;
    }
    LOG("g:yield%d@%lld", i, now_ms());
    rc = weft_gen_yield(i);
    if (rc == WEFT_ECLOSING) {
      LOG("g:closing@%lld", now_ms());
      if (c->ignore_close) {
        LOG("g:yield-again=%d", weft_gen_yield(99));
      }
      int src = weft_sleep(10); /* cleanup may await */
      LOG("g:cleaned=%d@%lld", src, now_ms());
      return rc;
    }
    if (rc) return rc;
  }
  LOG("g:end@%lld", now_ms());
  return 0;
}

/* --- lazy, in order ------------------------------------------------------------- */

static intptr_t lazy_main(void *arg) {
  counter c = {3, 100, 0, 0};
  weft_aiter *g = weft_gen_new(NULL, counting, &c, NULL);
  CHECK(weft_is_gen(g));
  CHECK(weft_gen_task(g) == NULL); /* nothing runs yet */
  weft_sleep(50);
  LOG("c:first@%lld", now_ms());
  intptr_t v;
  int rc;
  while ((rc = weft_anext(g, &v)) == 0) LOG("c:got%d@%lld", (int)v, now_ms());
  LOG("c:rc=%s", weft_strerror_name(rc));
  CHECK_EQ(weft_anext(g, &v), WEFT_EDONE); /* and from then on */
  CHECK_EQ(weft_aclose(g), 0);
  CHECK_EQ(weft_aiter_free(g), 0);
  return 0;
}

static void lazy_in_order(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, lazy_main, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("c:first@50 g:start@50 g:yield0@150 c:got0@150 g:yield1@250 c:got1@250 g:yield2@350 c:got2@350 "
            "g:end@350 c:rc=WEFT_EDONE");
  weft_release(t);
  FREE_LOOP(loop);
}

/* The generator runs only when asked: between two anext it stays parked at
 * its yield even while the consumer sleeps. */
static intptr_t paced_main(void *arg) {
  counter c = {2, 0, 0, 0};
  weft_aiter *g = weft_gen_new(NULL, counting, &c, NULL);
  intptr_t v;
  CHECK_EQ(weft_anext(g, &v), 0);
  LOG("c:got%d@%lld", (int)v, now_ms());
  weft_sleep(500);
  CHECK_EQ(weft_anext(g, &v), 0);
  LOG("c:got%d@%lld", (int)v, now_ms());
  CHECK_EQ(weft_anext(g, &v), WEFT_EDONE);
  weft_aiter_free(g);
  return 0;
}

static void lazy_between_values(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, paced_main, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("g:start@0 g:yield0@0 c:got0@0 g:yield1@500 c:got1@500 g:end@500");
  weft_release(t);
  FREE_LOOP(loop);
}

/* --- WEFT_AFOR ----------------------------------------------------------------------- */

static int afor_body(int stop_at, int *status) {
  counter c = {5, 100, 0, 0};
  WEFT_AFOR(int, i, weft_gen_new(NULL, counting, &c, NULL), status) {
    LOG("c:%d", i);
    if (i == stop_at) {
      LOG("c:return@%lld", now_ms());
      return i; /* the cleanup closes the generator before the return completes */
    }
  }
  return -1;
}

static intptr_t afor_main(void *arg) {
  int status = 123;
  int r = afor_body(1, &status);
  LOG("c:after-return=%d status=%d@%lld", r, status, now_ms());
  counter c = {5, 100, 0, 0};
  status = 123;
  WEFT_AFOR(int, i, weft_gen_new(NULL, counting, &c, NULL), &status) {
    if (i == 0) continue;
    LOG("c:%d", i);
    if (i == 2) break;
  }
  LOG("c:after-break status=%d@%lld", status, now_ms());
  c = (counter){2, 0, 0, 0};
  WEFT_AFOR(int, i, weft_gen_new(NULL, counting, &c, NULL), &status) LOG("c:%d", i);
  LOG("c:after-end status=%d", status);
  c = (counter){3, 0, 0, 1};
  WEFT_AFOR(int, i, weft_gen_new(NULL, counting, &c, NULL), &status) LOG("c:%d", i);
  LOG("c:after-error status=%s", weft_strerror_name(status));
  WEFT_AFOR(int, i, NULL, &status) LOG("never %d", i);
  LOG("c:null status=%s", weft_strerror_name(status));
  return 0;
}

static void afor_closes_on_every_exit(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, afor_main, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("g:start@0 g:yield0@100 c:0 g:yield1@200 c:1 c:return@200 g:closing@200 g:cleaned=0@210 "
            "c:after-return=1 status=0@210 "
            "g:start@210 g:yield0@310 g:yield1@410 c:1 g:yield2@510 c:2 g:closing@510 g:cleaned=0@520 "
            "c:after-break status=0@520 "
            "g:start@520 g:yield0@520 c:0 g:yield1@520 c:1 g:end@520 c:after-end status=0 "
            "g:start@520 g:yield0@520 c:0 g:fail c:after-error status=WEFT_ETIMEDOUT "
            "c:null status=WEFT_EINVAL");
  weft_release(t);
  FREE_LOOP(loop);
}

/* --- aclose at every point ------------------------------------------------------------ */

static intptr_t close_points_main(void *arg) {
  counter c = {3, 100, 0, 0};
  intptr_t v;
  /* Before it started: the body never runs. */
  weft_aiter *g = weft_gen_new(NULL, counting, &c, NULL);
  CHECK_EQ(weft_aclose(g), 0);
  CHECK_EQ(weft_anext(g, &v), WEFT_EDONE);
  CHECK_EQ(weft_aclose(g), 0); /* idempotent */
  CHECK_EQ(weft_aiter_free(g), 0);
  LOG("c:closed-new");
  /* Suspended on a yield. */
  g = weft_gen_new(NULL, counting, &c, NULL);
  CHECK_EQ(weft_anext(g, &v), 0);
  LOG("c:close@%lld", now_ms());
  CHECK_EQ(weft_aclose(g), 0);
  LOG("c:closed@%lld", now_ms());
  CHECK_EQ(weft_anext(g, &v), WEFT_EDONE);
  CHECK_EQ(weft_aiter_free(g), 0);
  /* Finished. */
  counter c1 = {1, 0, 0, 0};
  g = weft_gen_new(NULL, counting, &c1, NULL);
  CHECK_EQ(weft_anext(g, &v), 0);
  CHECK_EQ(weft_anext(g, &v), WEFT_EDONE);
  CHECK_EQ(weft_aclose(g), 0);
  CHECK_EQ(weft_aiter_free(g), 0);
  LOG("c:closed-finished");
  return 0;
}

static void aclose_before_start_on_yield_and_finished(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, close_points_main, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("c:closed-new g:start@0 g:yield0@100 c:close@100 g:closing@100 g:cleaned=0@110 c:closed@110 "
            "g:start@110 g:yield0@110 g:end@110 c:closed-finished");
  weft_release(t);
  FREE_LOOP(loop);
}

/* Suspended on an await: the consumer's anext is cancelled mid-sleep. The
 * generator's sleep returns WEFT_ECANCELED; this one carries on and yields,
 * and the value is kept for the next anext. Then aclose while the body is
 * awaiting again (after another cancelled anext) waits for its next stop. */
static int stubborn(void *arg) {
  (void)arg;
  for (int i = 0;; i++) {
    int rc = weft_sleep(100);
    LOG("g:sleep%d=%d@%lld", i, rc, now_ms());
    rc = weft_gen_yield(i);
    if (rc) {
      LOG("g:yield-rc=%s@%lld", weft_strerror_name(rc), now_ms());
      return rc;
    }
  }
}

static weft_aiter *shared_gen;

static intptr_t anext_once(void *arg) {
  intptr_t v = -1;
  int rc = weft_anext(shared_gen, &v);
  LOG("t%d:anext=%s@%lld", (int)(intptr_t)arg, weft_strerror_name(rc), now_ms());
  return rc;
}

static intptr_t cancel_consumer_main(void *arg) {
  shared_gen = weft_gen_new(NULL, stubborn, NULL, NULL);
  weft_task *t = weft_spawn(NULL, anext_once, (void *)1, NULL);
  weft_sleep(30);
  weft_cancel(t);
  CHECK_EQ(weft_await(t, NULL), WEFT_ECANCELED);
  LOG("c:cancelled@%lld", now_ms());
  intptr_t v = -1;
  CHECK_EQ(weft_anext(shared_gen, &v), 0); /* the value yielded after the cancel */
  LOG("c:got%d@%lld", (int)v, now_ms());
  weft_release(t);
  /* Again, then aclose while the body is still in its sleep. */
  t = weft_spawn(NULL, anext_once, (void *)2, NULL);
  weft_sleep(30);
  weft_cancel(t);
  weft_await(t, NULL);
  weft_release(t);
  LOG("c:close@%lld", now_ms());
  CHECK_EQ(weft_aclose(shared_gen), 0);
  LOG("c:closed@%lld", now_ms());
  CHECK_EQ(weft_aiter_free(shared_gen), 0);
  return 0;
}

static void cancel_consumer_during_await(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, cancel_consumer_main, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("t1:anext=WEFT_ECANCELED@30 g:sleep0=-1@30 c:cancelled@30 c:got0@30 "
            "t2:anext=WEFT_ECANCELED@60 g:sleep1=-1@60 c:close@60 g:yield-rc=WEFT_ECLOSING@60 c:closed@60");
  CHECK_EQ(weft_future_state_of(t), WEFT_RESOLVED);
  weft_release(t);
  FREE_LOOP(loop);
}

/* A generator awaiting a host operation (a fetch, say: here a plain future
 * nothing completes) whose consumer is cancelled: the awaited future is
 * cancelled, as a fetch is aborted. */
static weft_future *pending_op;

static int awaits_op(void *arg) {
  (void)arg;
  int rc = weft_await(pending_op, NULL);
  LOG("g:await=%s@%lld", weft_strerror_name(rc), now_ms());
  return rc;
}

static intptr_t cancel_op_main(void *arg) {
  pending_op = weft_future_new(weft_running_loop());
  shared_gen = weft_gen_new(NULL, awaits_op, NULL, NULL);
  weft_task *t = weft_spawn(NULL, anext_once, (void *)1, NULL);
  weft_sleep(20);
  weft_cancel(t);
  weft_await(t, NULL);
  weft_release(t);
  CHECK_EQ(weft_future_state_of(pending_op), WEFT_CANCELLED);
  CHECK_EQ(weft_aclose(shared_gen), 0); /* waits for the body's end: it returned ECANCELED */
  intptr_t v;
  CHECK_EQ(weft_anext(shared_gen, &v), WEFT_EDONE);
  CHECK_EQ(weft_aiter_free(shared_gen), 0);
  weft_release(pending_op);
  LOG("c:done@%lld", now_ms());
  return 0;
}

static void cancel_aborts_awaited_operation(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, cancel_op_main, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("t1:anext=WEFT_ECANCELED@20 g:await=WEFT_ECANCELED@20 c:done@20");
  weft_release(t);
  FREE_LOOP(loop);
}

/* The consumer is cancelled while the generator runs its first step: the
 * body's await returns WEFT_ECANCELED, the body returns it, and since the
 * consumer already got WEFT_ECANCELED the generator is simply over. */
static intptr_t cancel_first_step_main(void *arg) {
  counter c = {3, 10, 0, 0};
  shared_gen = weft_gen_new(NULL, counting, &c, NULL);
  weft_task *t = weft_spawn(NULL, anext_once, (void *)1, NULL);
  weft_sleep(0); /* t starts, spawns the generator's coroutine and waits */
  weft_cancel(t);
  weft_await(t, NULL);
  weft_release(t);
  intptr_t v;
  CHECK_EQ(weft_anext(shared_gen, &v), WEFT_EDONE);
  CHECK_EQ(weft_aiter_free(shared_gen), 0);
  LOG("c:done");
  return 0;
}

static void cancel_during_first_step(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, cancel_first_step_main, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("g:start@0 t1:anext=WEFT_ECANCELED@0 g:sleep-rc=-1@0 c:done");
  weft_release(t);
  FREE_LOOP(loop);
}

/* A consumer with a cancellation pending when it calls anext: the
 * generator's coroutine is cancelled before its first step, so the body
 * never runs (asyncio closes an unstarted generator the same way). */
static intptr_t self_cancelled_consumer(void *arg) {
  weft_cancel(weft_current());
  intptr_t v;
  LOG("t:anext=%s", weft_strerror_name(weft_anext(shared_gen, &v)));
  weft_uncancel();
  LOG("t:anext=%s", weft_strerror_name(weft_anext(shared_gen, &v)));
  return 0;
}

static void cancel_before_first_step(void) {
  weft_loop *loop = new_vloop();
  counter c = {3, 0, 0, 0};
  shared_gen = weft_gen_new(loop, counting, &c, NULL);
  weft_task *t = weft_spawn(loop, self_cancelled_consumer, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("t:anext=WEFT_ECANCELED t:anext=WEFT_EDONE");
  CHECK_EQ(weft_future_state_of(t), WEFT_RESOLVED);
  CHECK_EQ(weft_aiter_free(shared_gen), 0);
  weft_release(t);
  FREE_LOOP(loop);
}

/* --- errors, misuse ------------------------------------------------------------------ */

static intptr_t error_main(void *arg) {
  counter c = {5, 10, 0, 2};
  weft_aiter *g = weft_gen_new(NULL, counting, &c, NULL);
  intptr_t v;
  CHECK_EQ(weft_anext(g, &v), 0);
  CHECK_EQ(v, 0);
  CHECK_EQ(weft_anext(g, &v), 0);
  CHECK_EQ(v, 1);
  CHECK_EQ(weft_anext(g, &v), WEFT_ETIMEDOUT); /* the body's error, once */
  CHECK_EQ(weft_anext(g, &v), WEFT_EDONE);
  CHECK_EQ(weft_aclose(g), 0);
  CHECK_EQ(weft_aiter_free(g), 0);
  /* Yielding again after the close. */
  c = (counter){5, 10, 1, 0};
  g = weft_gen_new(NULL, counting, &c, NULL);
  CHECK_EQ(weft_anext(g, &v), 0);
  CHECK_EQ(weft_aclose(g), WEFT_EYIELD);
  CHECK_EQ(weft_aiter_free(g), 0);
  /* weft_gen_yield outside a generator's own coroutine. */
  CHECK_EQ(weft_gen_yield(1), WEFT_EINVAL);
  return 0;
}

static void errors_reach_anext(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, error_main, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("g:start@0 g:yield0@10 g:yield1@20 g:fail "
            "g:start@20 g:yield0@30 g:closing@30 g:yield-again=-26 g:cleaned=0@40");
  CHECK_EQ(weft_future_state_of(t), WEFT_RESOLVED);
  weft_release(t);
  FREE_LOOP(loop);
}

static intptr_t concurrent_main(void *arg) {
  counter c = {3, 100, 0, 0};
  shared_gen = weft_gen_new(NULL, counting, &c, NULL);
  weft_task *a = weft_spawn(NULL, anext_once, (void *)1, NULL);
  weft_task *b = weft_spawn(NULL, anext_once, (void *)2, NULL);
  weft_sleep(0);
  CHECK_EQ(weft_aclose(shared_gen), WEFT_EINPROGRESS);
  CHECK_EQ(weft_aiter_free(shared_gen), WEFT_EINPROGRESS);
  weft_await(a, NULL);
  weft_await(b, NULL);
  intptr_t brc = 0;
  CHECK_EQ(weft_future_result(b, &brc), 0);
  CHECK_EQ(brc, WEFT_EINPROGRESS);
  weft_release(a);
  weft_release(b);
  CHECK_EQ(weft_aiter_free(shared_gen), 0);
  return 0;
}

static void concurrent_anext_is_an_error(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, concurrent_main, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("t2:anext=WEFT_EINPROGRESS@0 g:start@0 g:yield0@100 t1:anext=WEFT_OK@100 g:closing@100 g:cleaned=0@110");
  weft_release(t);
  FREE_LOOP(loop);
}

static int yields_one(void *arg) {
  (void)arg;
  return weft_gen_yield(1);
}

static void misuse(void) {
  intptr_t v;
  CHECK_EQ(weft_anext(NULL, &v), WEFT_EINVAL);
  CHECK_EQ(weft_aclose(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_aiter_free(NULL), WEFT_EINVAL);
  int junk[16] = {0};
  CHECK_EQ(weft_anext((weft_aiter *)junk, &v), WEFT_EINVAL);
  CHECK(weft_gen_new(NULL, yields_one, NULL, NULL) == NULL); /* no running loop */
  CHECK_EQ(weft_gen_yield(1), WEFT_ENOTTASK);
  weft_loop *loop = new_vloop();
  CHECK(weft_gen_new(loop, NULL, NULL, NULL) == NULL);
  weft_aiter *g = weft_gen_new(loop, yields_one, NULL, NULL);
  CHECK_EQ(weft_anext(g, &v), WEFT_ENOTTASK); /* outside a task */
  CHECK_EQ(weft_aclose(g), 0);                /* never started: nothing to wait for */
  CHECK_EQ(weft_aiter_free(g), 0);
  CHECK(!weft_is_gen(NULL));
  FREE_LOOP(loop);
}

/* --- shutdown ---------------------------------------------------------------------------- */

/* A generator left suspended when the loop shuts down is closed: its yield
 * returns WEFT_ECLOSING and its cleanup (which awaits) runs. */
static intptr_t leave_suspended(void *arg) {
  weft_aiter **out = arg;
  static counter c = {3, 100, 0, 0};
  *out = weft_gen_new(NULL, counting, &c, NULL);
  intptr_t v;
  CHECK_EQ(weft_anext(*out, &v), 0);
  LOG("c:return@%lld", now_ms());
  return 0;
}

static void shutdown_closes_suspended(void) {
  weft_loop *loop = new_vloop();
  weft_aiter *g = NULL;
  weft_task *t = weft_spawn(loop, leave_suspended, &g, NULL);
  CHECK_EQ(weft_loop_run_until(loop, t), 0);
  weft_release(t);
  LOG("free-loop");
  FREE_LOOP(loop);
  CHECK_LOG("g:start@0 g:yield0@100 c:return@100 free-loop g:closing@100 g:cleaned=0@110");
  CHECK_EQ(weft_aiter_free(g), 0); /* the memory stays the caller's to free */
}

/* Freed outside a task while suspended: it closes in the background and
 * frees itself at the end. */
static void free_suspended_outside_task(void) {
  weft_loop *loop = new_vloop();
  weft_aiter *g = NULL;
  weft_task *t = weft_spawn(loop, leave_suspended, &g, NULL);
  CHECK_EQ(weft_loop_run_until(loop, t), 0);
  weft_release(t);
  CHECK_EQ(weft_aiter_free(g), 0);
  LOG("freed");
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("g:start@0 g:yield0@100 c:return@100 freed g:closing@100 g:cleaned=0@110");
  FREE_LOOP(loop);
}

int main(void) {
  RUN(lazy_in_order);
  RUN(lazy_between_values);
  RUN(afor_closes_on_every_exit);
  RUN(aclose_before_start_on_yield_and_finished);
  RUN(cancel_consumer_during_await);
  RUN(cancel_aborts_awaited_operation);
  RUN(cancel_during_first_step);
  RUN(cancel_before_first_step);
  RUN(errors_reach_anext);
  RUN(concurrent_anext_is_an_error);
  RUN(misuse);
  RUN(shutdown_closes_suspended);
  RUN(free_suspended_outside_task);
  return DONE();
}
