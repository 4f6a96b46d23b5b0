/* Futures: state transitions, results, done callbacks, references, and many
 * tasks awaiting one future. */
#include <stdint.h>

#include "harness.h"

static void transitions(void) {
  weft_loop *loop = new_vloop();
  intptr_t v = -1;

  weft_future *f = weft_future_new(loop);
  CHECK(f != NULL);
  CHECK_EQ(weft_future_state_of(f), WEFT_PENDING);
  CHECK_EQ(weft_future_done(f), 0);
  CHECK_EQ(weft_future_result(f, &v), WEFT_EPENDING);
  CHECK_EQ(v, -1);
  CHECK_EQ(weft_is_task(f), 0);
  CHECK_STR(weft_task_name(f), "");
  CHECK_EQ(weft_future_resolve(f, 42), 0);
  CHECK_EQ(weft_future_state_of(f), WEFT_RESOLVED);
  CHECK_EQ(weft_future_done(f), 1);
  CHECK_EQ(weft_future_result(f, &v), 0);
  CHECK_EQ(v, 42);
  CHECK_EQ(weft_future_result(f, NULL), 0);
  CHECK_EQ(weft_future_resolve(f, 7), WEFT_ESTATE);
  CHECK_EQ(weft_future_fail(f, WEFT_EFAILED), WEFT_ESTATE);
  CHECK_EQ(weft_cancel(f), WEFT_ESTATE);
  CHECK_EQ(weft_future_result(f, &v), 0);
  CHECK_EQ(v, 42); /* unchanged by the refused completions */
  CHECK_EQ(weft_release(f), 0);

  f = weft_future_new(loop);
  CHECK_EQ(weft_future_fail(f, WEFT_ETIMEDOUT), 0);
  CHECK_EQ(weft_future_state_of(f), WEFT_FAILED);
  CHECK_EQ(weft_future_result(f, &v), WEFT_ETIMEDOUT);
  CHECK_EQ(weft_future_resolve(f, 1), WEFT_ESTATE);
  CHECK_EQ(weft_future_fail(f, WEFT_EINVAL), WEFT_ESTATE);
  CHECK_EQ(weft_cancel(f), WEFT_ESTATE);
  CHECK_EQ(weft_future_result(f, NULL), WEFT_ETIMEDOUT);
  CHECK_EQ(weft_release(f), 0);

  /* 0 and positive codes become WEFT_EFAILED. */
  f = weft_future_new(loop);
  CHECK_EQ(weft_future_fail(f, 0), 0);
  CHECK_EQ(weft_future_result(f, NULL), WEFT_EFAILED);
  CHECK_EQ(weft_release(f), 0);
  f = weft_future_new(loop);
  CHECK_EQ(weft_future_fail(f, 5), 0);
  CHECK_EQ(weft_future_result(f, NULL), WEFT_EFAILED);
  CHECK_EQ(weft_release(f), 0);

  f = weft_future_new(loop);
  CHECK_EQ(weft_cancel(f), 0);
  CHECK_EQ(weft_future_state_of(f), WEFT_CANCELLED);
  CHECK_EQ(weft_future_done(f), 1);
  CHECK_EQ(weft_future_result(f, &v), WEFT_ECANCELED);
  CHECK_EQ(weft_cancel(f), WEFT_ESTATE);
  CHECK_EQ(weft_future_resolve(f, 1), WEFT_ESTATE);
  CHECK_EQ(weft_future_fail(f, WEFT_EFAILED), WEFT_ESTATE);
  CHECK_EQ(weft_release(f), 0);

  CHECK_EQ(weft_loop_run(loop), 0);
  FREE_LOOP(loop);
}

static void log_done(weft_future *f, void *arg) {
  intptr_t v = 0;
  int rc = weft_future_result(f, &v);
  LOG("%s:%d:%d", (const char *)arg, rc, (int)v);
}

static void done_callbacks_order(void) {
  weft_loop *loop = new_vloop();
  weft_future *f = weft_future_new(loop);
  CHECK_EQ(weft_future_on_done(f, log_done, "a"), 0);
  CHECK_EQ(weft_future_on_done(f, log_done, "b"), 0);
  CHECK_EQ(weft_future_on_done(f, log_done, "c"), 0);
  CHECK_EQ(weft_future_resolve(f, 9), 0);
  CHECK_LOG(""); /* never synchronously inside resolve */
  /* Registered after completion: scheduled, still not synchronous, and after
   * the ones already scheduled. */
  CHECK_EQ(weft_future_on_done(f, log_done, "d"), 0);
  CHECK_LOG("");
  CHECK_EQ(weft_release(f), 0); /* the callbacks keep it alive until they ran */
  CHECK_EQ(weft_loop_run_once(loop), 4);
  CHECK_LOG("a:0:9 b:0:9 c:0:9 d:0:9");
  CHECK_EQ(weft_loop_run_once(loop), 0);
  FREE_LOOP(loop);
}

static void log_cancel(weft_future *f, void *arg) {
  LOG("cancel-%s:%d", (const char *)arg, weft_future_state_of(f) == WEFT_CANCELLED);
}

/* Host futures (the bridges' mechanism), completed here as JS would. */
static void host_futures(void) {
  weft_loop *loop = new_vloop();
  /* Resolved by the host: the waiters see the value; the host's reference
   * and the loop's count of pending operations are dropped. */
  weft_future *f = weft_host_future(loop, log_cancel, "a");
  CHECK(f != NULL);
  CHECK_EQ(weft_future_on_done(f, log_done, "a"), 0);
  CHECK_EQ(weft_future_resolve(f, 1), WEFT_EINVAL); /* only the host completes it */
  CHECK_EQ(weft_future_fail(f, WEFT_EFAILED), WEFT_EINVAL);
  CHECK_EQ(weft_host_resolve(f, 5), 0);
  CHECK_EQ(weft_host_resolve(f, 6), WEFT_ESTATE); /* a second completion changes nothing */
  CHECK_EQ(weft_host_fail(f, WEFT_EFAILED), WEFT_ESTATE);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("a:0:5");
  CHECK_EQ(weft_release(f), 0);
  log_reset();

  /* Cancelled: on_cancel runs on the loop, once, before the waiters; the
   * host's late completion then only drops its reference. */
  f = weft_host_future(loop, log_cancel, "b");
  CHECK_EQ(weft_future_on_done(f, log_done, "b"), 0);
  CHECK_EQ(weft_cancel(f), 0);
  CHECK_LOG("");
  CHECK_EQ(weft_cancel(f), WEFT_ESTATE);
  CHECK_EQ(weft_loop_run_once(loop), 2);
  CHECK_LOG("cancel-b:1 b:-1:0");
  CHECK_EQ(weft_host_fail(f, WEFT_ECONNREFUSED), WEFT_ESTATE);
  CHECK_EQ(weft_release(f), 0);
  log_reset();

  /* No hook: cancelling just completes it. */
  f = weft_host_future(loop, NULL, NULL);
  CHECK_EQ(weft_cancel(f), 0);
  CHECK_EQ(weft_host_resolve(f, 1), WEFT_ESTATE);
  CHECK_EQ(weft_release(f), 0);

  /* Only host futures: a plain future or NULL is refused. */
  weft_future *plain = weft_future_new(loop);
  CHECK_EQ(weft_host_resolve(plain, 1), WEFT_EINVAL);
  CHECK_EQ(weft_host_fail(NULL, WEFT_EFAILED), WEFT_EINVAL);
  CHECK_EQ(weft_future_state_of(plain), WEFT_PENDING);
  CHECK_EQ(weft_release(plain), 0);

  /* Cancelled, and the loop freed before its hook ran: nothing leaks (ASan). */
  f = weft_host_future(loop, log_cancel, "c");
  CHECK_EQ(weft_cancel(f), 0);
  CHECK_EQ(weft_host_fail(f, WEFT_EFAILED), WEFT_ESTATE);
  CHECK_EQ(weft_release(f), 0);
  FREE_LOOP(loop);
  CHECK_LOG("");
}

#if !defined(__EMSCRIPTEN__) /* on wasm, weft_loop_run_ready also arms the host's timer */
#include <time.h>

static long long mono_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Cancels host future `arg` after overrunning a 1 µs budget. */
static void cancel_slowly(weft_loop *loop, void *arg) {
  (void)loop;
  long long t0 = mono_us();
  while (mono_us() - t0 < 200) {
  }
  CHECK_EQ(weft_cancel(arg), 0);
  LOG("cancelled");
}

/* weft_loop_run_ready returns to the host once past its budget, but not
 * while a host future's cancel hook is queued: the host hears of the
 * cancellation before it runs again (a fetch cancelled as it starts is
 * never sent). */
static void run_ready_delivers_host_cancels(void) {
  weft_loop_options o = {0};
  o.clock = WEFT_CLOCK_VIRTUAL;
  o.budget_us = 1;
  weft_loop *loop = weft_loop_new(&o);
  weft_future *f = weft_host_future(loop, log_cancel, "h");
  weft_handle h = {0};
  CHECK_EQ(weft_call_soon(loop, &h, cancel_slowly, f), 0);
  CHECK(weft_loop_run_ready(loop) == -1); /* nothing left to run */
  CHECK_LOG("cancelled cancel-h:1");
  CHECK_EQ(weft_host_fail(f, WEFT_ECANCELED), WEFT_ESTATE); /* the host's late answer drops its reference */
  CHECK_EQ(weft_release(f), 0);
  FREE_LOOP(loop);
}
#endif

static void done_callbacks_fail_cancel(void) {
  weft_loop *loop = new_vloop();
  weft_future *f = weft_future_new(loop), *g = weft_future_new(loop);
  CHECK_EQ(weft_future_on_done(f, log_done, "f"), 0);
  CHECK_EQ(weft_future_on_done(g, log_done, "g"), 0);
  CHECK_EQ(weft_cancel(g), 0);
  CHECK_EQ(weft_future_fail(f, WEFT_EBUSY), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("g:-1:0 f:-11:0"); /* in completion order */
  CHECK_EQ(weft_release(f), 0);
  CHECK_EQ(weft_release(g), 0);
  FREE_LOOP(loop);
}

static void remove_done(void) {
  weft_loop *loop = new_vloop();
  weft_future *f = weft_future_new(loop);
  CHECK_EQ(weft_future_on_done(f, log_done, "x"), 0);
  CHECK_EQ(weft_future_on_done(f, log_done, "y"), 0);
  CHECK_EQ(weft_future_on_done(f, log_done, "x"), 0);
  CHECK_EQ(weft_future_remove_done(f, log_done, "x"), 2);
  CHECK_EQ(weft_future_remove_done(f, log_done, "x"), 0);
  CHECK_EQ(weft_future_remove_done(f, log_done, "zz"), 0);
  CHECK_EQ(weft_future_remove_done(NULL, log_done, "x"), 0);
  CHECK_EQ(weft_future_resolve(f, 1), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("y:0:1");
  CHECK_EQ(weft_future_on_done(f, NULL, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_future_on_done(NULL, log_done, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_release(f), 0);
  FREE_LOOP(loop);
}

static void references(void) {
  weft_loop *loop = new_vloop();
  weft_future *f = weft_future_new(loop);
  CHECK(weft_retain(f) == f);
  CHECK_EQ(weft_release(f), 0);
  CHECK_EQ(weft_future_resolve(f, 3), 0); /* still alive: one reference left */
  CHECK_EQ(weft_release(f), 0);
  CHECK_EQ(weft_release(f), WEFT_EBADHANDLE);
  CHECK_EQ(weft_future_result(f, NULL), WEFT_EBADHANDLE);
  CHECK_EQ(weft_future_resolve(f, 1), WEFT_EBADHANDLE);
  CHECK_EQ(weft_future_fail(f, WEFT_EFAILED), WEFT_EBADHANDLE);
  CHECK_EQ(weft_cancel(f), WEFT_EBADHANDLE);
  CHECK_EQ(weft_future_done(f), 0);
  CHECK_EQ(weft_future_on_done(f, log_done, NULL), WEFT_EBADHANDLE);
  CHECK(weft_retain(NULL) == NULL);
  CHECK_EQ(weft_release(NULL), WEFT_EINVAL);
  CHECK(weft_future_new(NULL) == NULL);
  FREE_LOOP(loop);
}

static void nop(weft_loop *loop, void *arg) { (void)loop, (void)arg; }
static intptr_t nop_task(void *arg) { (void)arg; LOG("nop_task ran"); return 0; }

/* A future the caller still holds makes weft_loop_free report it (and keep
 * the loop closed, not freed); once released, freeing again succeeds. */
static void leak_reported(void) {
  weft_loop *loop = new_vloop();
  weft_future *f = weft_future_new(loop);
  weft_future *g = weft_future_new(loop);
  CHECK_EQ(weft_loop_free(loop), 2);
  CHECK(weft_future_new(loop) == NULL); /* closed */
  weft_handle h = {0};
  CHECK_EQ(weft_call_soon(loop, &h, nop, NULL), WEFT_ECLOSED);
  CHECK(weft_spawn(loop, nop_task, NULL, NULL) == NULL);
  CHECK_EQ(weft_spawn_detached(loop, nop_task, NULL, NULL), WEFT_ECLOSED);
  CHECK_EQ(weft_release(f), 0);
  CHECK_EQ(weft_loop_free(loop), 1);
  CHECK_EQ(weft_release(g), 0);
  FREE_LOOP(loop);
}

/* --- many awaiters ------------------------------------------------------- */

static weft_future *shared;

static intptr_t awaiter(void *arg) {
  intptr_t v = 0;
  int rc = weft_await(shared, &v);
  LOG("%d:%d:%d@%lld", (int)(intptr_t)arg, rc, (int)v, (long long)weft_loop_now(weft_running_loop()));
  return v + (intptr_t)arg;
}

static intptr_t resolver(void *arg) {
  (void)arg;
  CHECK_EQ(weft_sleep(5), 0);
  LOG("resolve");
  CHECK_EQ(weft_future_resolve(shared, 100), 0);
  return 0;
}

static void many_awaiters(void) {
  weft_loop *loop = new_vloop();
  shared = weft_future_new(loop);
  weft_task *ts[20];
  CHECK_EQ(weft_future_on_done(shared, log_done, "cb"), 0); /* registered first: runs first */
  for (int i = 0; i < 20; i++) ts[i] = weft_spawn(loop, awaiter, (void *)(intptr_t)i, NULL);
  CHECK_EQ(weft_spawn_detached(loop, resolver, NULL, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  char expect[2048] = "resolve cb:0:100";
  for (int i = 0; i < 20; i++) {
    size_t len = strlen(expect);
    snprintf(expect + len, sizeof expect - len, " %d:0:100@5000", i);
  }
  CHECK_LOG(expect);
  for (int i = 0; i < 20; i++) {
    intptr_t v = 0;
    CHECK_EQ(weft_future_result(ts[i], &v), 0);
    CHECK_EQ(v, 100 + i);
    CHECK_EQ(weft_release(ts[i]), 0);
  }
  CHECK_EQ(weft_loop_alive_tasks(loop), 0);
  CHECK_EQ(weft_release(shared), 0);
  FREE_LOOP(loop);
}

/* weft_loop_run_until stops once the future is done, leaving later work
 * scheduled, and reports WEFT_EDEADLK instead of hanging when nothing left
 * can complete the future. */
static void resolve_cb(weft_loop *loop, void *arg) {
  (void)loop;
  CHECK_EQ(weft_future_resolve(arg, 5), 0);
}

static void run_until(void) {
  weft_loop *loop = new_vloop();
  weft_future *f = weft_future_new(loop);
  weft_handle resolve = {0}, later = {0};
  CHECK_EQ(weft_call_later(loop, &resolve, 100, resolve_cb, f), 0);
  CHECK_EQ(weft_call_later(loop, &later, 5000, resolve_cb, NULL), 0);
  CHECK_EQ(weft_loop_run_until(loop, f), 0);
  CHECK_EQ(weft_loop_now(loop), 100000);
  CHECK_EQ(weft_future_done(f), 1);
  CHECK_EQ(weft_handle_active(&later), 1); /* not run: the loop stopped at f */
  CHECK_EQ(weft_handle_cancel(&later), 0);
  weft_future *never = weft_future_new(loop);
  CHECK_EQ(weft_loop_run_until(loop, never), WEFT_EDEADLK);
  CHECK_EQ(weft_loop_run_until(loop, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_release(never), 0);
  CHECK_EQ(weft_loop_run_until(loop, never), WEFT_EBADHANDLE);
  CHECK_EQ(weft_release(f), 0);
  FREE_LOOP(loop);
}

/* --- sleep futures -------------------------------------------------------- */

/* Sleep futures fire in (deadline, creation) order on the loop's clock,
 * resolve with 0, and refuse outside completion. */
static void sleep_future_order(void) {
  weft_loop *loop = new_vloop();
  static const int64_t ms[] = {30, 10, 20, 10, 0, -5};
  static const char *names[] = {"a30", "b10", "c20", "d10", "e0", "f-5"};
  weft_future *fs[6];
  for (int i = 0; i < 6; i++) {
    fs[i] = weft_sleep_future(loop, ms[i]);
    CHECK(fs[i] != NULL);
    CHECK_EQ(weft_future_on_done(fs[i], log_done, (void *)names[i]), 0);
  }
  CHECK_EQ(weft_future_resolve(fs[0], 1), WEFT_EINVAL);
  CHECK_EQ(weft_future_fail(fs[0], WEFT_EFAILED), WEFT_EINVAL);
  CHECK_EQ(weft_future_state_of(fs[0]), WEFT_PENDING);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("e0:0:0 f-5:0:0 b10:0:0 d10:0:0 c20:0:0 a30:0:0");
  CHECK_EQ(weft_loop_now(loop), 30000);
  for (int i = 0; i < 6; i++) CHECK_EQ(weft_release(fs[i]), 0);
  FREE_LOOP(loop);
}

/* Cancelling one, or dropping the last reference, disarms its timer: the
 * virtual clock never reaches those deadlines. */
static void sleep_future_cancel(void) {
  weft_loop *loop = new_vloop();
  weft_future *kept = weft_sleep_future(loop, 5);
  weft_future *cancelled = weft_sleep_future(loop, 1000);
  weft_future *dropped = weft_sleep_future(loop, 2000);
  CHECK_EQ(weft_future_on_done(cancelled, log_done, "cancelled"), 0);
  CHECK_EQ(weft_cancel(cancelled), 0);
  CHECK_EQ(weft_cancel(cancelled), WEFT_ESTATE);
  CHECK_EQ(weft_release(dropped), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("cancelled:-1:0");
  CHECK_EQ(weft_loop_now(loop), 5000);
  CHECK_EQ(weft_future_state_of(kept), WEFT_RESOLVED);
  CHECK_EQ(weft_release(kept), 0);
  CHECK_EQ(weft_release(cancelled), 0);
  CHECK(weft_sleep_future(NULL, 1) == NULL); /* no running loop */
  FREE_LOOP(loop);
}

/* From a task: gather many, and wait_for one with a shorter timeout (which
 * cancels it, as asyncio.wait_for does). */
static intptr_t sleep_future_user(void *arg) {
  (void)arg;
  weft_future *fs[3] = {weft_sleep_future(NULL, 30), weft_sleep_future(NULL, 10), weft_sleep_future(NULL, 20)};
  int statuses[3];
  CHECK_EQ(weft_gather(fs, 3, 0, NULL, statuses), 0);
  LOG("gathered@%lld", (long long)weft_loop_now(weft_running_loop()));
  for (int i = 0; i < 3; i++) CHECK_EQ(weft_release(fs[i]), 0);
  weft_future *slow = weft_sleep_future(NULL, 100);
  CHECK_EQ(weft_wait_for(slow, 40, NULL), WEFT_ETIMEDOUT);
  CHECK_EQ(weft_future_state_of(slow), WEFT_CANCELLED);
  LOG("timed out@%lld", (long long)weft_loop_now(weft_running_loop()));
  CHECK_EQ(weft_release(slow), 0);
  return 0;
}

static void sleep_future_in_task(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, sleep_future_user, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_future_result(t, NULL), 0);
  CHECK_LOG("gathered@30000 timed out@70000");
  CHECK_EQ(weft_release(t), 0);
  FREE_LOOP(loop);
}

int main(void) {
  RUN(transitions);
  RUN(sleep_future_order);
  RUN(sleep_future_cancel);
  RUN(sleep_future_in_task);
  RUN(run_until);
  RUN(done_callbacks_order);
  RUN(done_callbacks_fail_cancel);
  RUN(host_futures);
#if !defined(__EMSCRIPTEN__)
  RUN(run_ready_delivers_host_cancels);
#endif
  RUN(remove_done);
  RUN(references);
  RUN(leak_reported);
  RUN(many_awaiters);
  return DONE();
}
