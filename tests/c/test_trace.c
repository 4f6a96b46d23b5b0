/* Tracing: exact record sequences under the virtual clock, await sites,
 * the ring's dropped count, warnings, the task table, and stepping. */
#include <stdint.h>
#include <time.h>

#include "harness.h"

/* Drains every record of `loop` into the log, one formatted event each. */
static void log_trace(weft_loop *loop) {
  weft_trace_record rs[64];
  int n;
  while ((n = weft_trace_drain(loop, rs, 64)) > 0) {
    for (int i = 0; i < n; i++) {
      char line[160];
      weft_trace_format(&rs[i], line, sizeof line);
      LOG("[%s]", line);
    }
    if (n < 64) break;
  }
}

static weft_loop *traced_loop(size_t cap) {
  weft_loop *loop = new_vloop();
  CHECK_EQ(weft_trace_enable(loop, cap), 0);
  return loop;
}

/* --- a small program, record by record ------------------------------------- */

static int sleep_line, await_line;

static intptr_t sleeper(void *arg) {
  sleep_line = __LINE__ + 1;
  int rc = weft_sleep((int64_t)(intptr_t)arg);
  return rc ? weft_fail(rc) : 7;
}

static intptr_t parent(void *arg) {
  (void)arg;
  weft_task_options o = {.name = "kid"};
  weft_task *k = weft_spawn(NULL, sleeper, (void *)(intptr_t)10, &o);
  intptr_t v = 0;
  await_line = __LINE__ + 1;
  int rc = weft_await(k, &v);
  weft_release(k);
  return rc ? weft_fail(rc) : v + 1;
}

static void sequence(void) {
  weft_loop *loop = traced_loop(0);
  weft_task_options o = {.name = "main"};
  CHECK_EQ(weft_spawn_detached(loop, parent, NULL, &o), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  log_trace(loop);
  char expect[1024];
  snprintf(expect, sizeof expect,
           "[0.000 spawn #1 <#0 main] [0.000 resume #1] [0.000 spawn #2 <#1 kid] "
           "[0.000 suspend #1 task #2 test_trace.c:%d] [0.000 resume #2] [0.000 timer_arm #2 @10] "
           "[0.000 suspend #2 timer test_trace.c:%d] [10.000 timer_fire #2] [10.000 wake #2 by #0] "
           "[10.000 resume #2] [10.000 wake #1 by #2] [10.000 finish #2 done 7] [10.000 resume #1] "
           "[10.000 finish #1 done 8]",
           await_line, sleep_line);
  CHECK_LOG(expect);
  FREE_LOOP(loop);
}

/* --- cancellation, wait_for, gather --------------------------------------- */

static int slow_line;

static intptr_t slow(void *arg) {
  slow_line = __LINE__ + 1;
  int rc = weft_sleep((int64_t)(intptr_t)arg);
  return rc ? weft_fail(rc) : 1;
}

static intptr_t timeout_main(void *arg) {
  (void)arg;
  weft_task_options o = {.name = "slow"};
  weft_task *s = weft_spawn(NULL, slow, (void *)(intptr_t)100, &o);
  int rc = (weft_wait_for)(s, 5, NULL); /* the function form: no site */
  weft_release(s);
  return rc == WEFT_ETIMEDOUT ? 0 : weft_fail(WEFT_EFAILED);
}

static void cancel_and_timeout(void) {
  weft_loop *loop = traced_loop(0);
  weft_task *m = weft_spawn(loop, timeout_main, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_future_result(m, NULL), 0);
  log_trace(loop);
  char expect[1024];
  snprintf(expect, sizeof expect,
           "[0.000 spawn #1 <#0 task-1] [0.000 resume #1] [0.000 spawn #2 <#1 slow] [0.000 timer_arm #1 @5] "
           "[0.000 suspend #1 task #2] [0.000 resume #2] [0.000 timer_arm #2 @100] "
           "[0.000 suspend #2 timer test_trace.c:%d] [5.000 timer_fire #1] [5.000 cancel #2 by #0] "
           "[5.000 timer_cancel #2] [5.000 wake #2 by #0] [5.000 resume #2] [5.000 wake #1 by #2] "
           "[5.000 finish #2 cancelled WEFT_ECANCELED] [5.000 resume #1] [5.000 finish #1 done 0]",
           slow_line);
  CHECK_LOG(expect);
  CHECK_EQ(weft_release(m), 0);
  FREE_LOOP(loop);
}

static intptr_t gatherer(void *arg) {
  (void)arg;
  weft_task *t[2];
  t[0] = weft_spawn(NULL, slow, (void *)(intptr_t)2, NULL);
  t[1] = weft_spawn(NULL, slow, (void *)(intptr_t)1, NULL);
  int rc = weft_gather(t, 2, WEFT_GATHER_FAIL_FAST, NULL, NULL);
  weft_release(t[0]);
  weft_release(t[1]);
  weft_task *self = weft_current();
  CHECK_EQ(weft_cancel(self), 0); /* cancel record by itself; the yield returns WEFT_ECANCELED */
  CHECK_EQ(weft_yield(), WEFT_ECANCELED);
  return rc;
}

static void gather_reason(void) {
  weft_loop *loop = traced_loop(0);
  CHECK_EQ(weft_spawn_detached(loop, gatherer, NULL, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  log_trace(loop);
  /* Only the kinds and reasons, the sites are checked above. */
  CHECK(strstr(h_log, "suspend #1 gather test_trace.c:") != NULL);
  CHECK(strstr(h_log, "[1.000 wake #3 by #0] [1.000 resume #3] [1.000 finish #3 done 1]") != NULL);
  CHECK(strstr(h_log, "[2.000 finish #2 done 1] [2.000 wake #1 by #0] [2.000 resume #1] [2.000 cancel #1 by #1]") !=
        NULL);
  CHECK(strstr(h_log, "[2.000 finish #1 cancelled WEFT_ECANCELED]") != NULL);
  FREE_LOOP(loop);
}

/* --- the ring ------------------------------------------------------------- */

static intptr_t yielder(void *arg) {
  for (intptr_t i = 0; i < (intptr_t)arg; i++) weft_yield();
  return 0;
}

static void dropped(void) {
  weft_loop *loop = traced_loop(4);
  CHECK_EQ(weft_spawn_detached(loop, yielder, (void *)(intptr_t)3, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  /* spawn, resume, suspend, wake, then 8 more (3 yields: resume, suspend,
   * wake... and the finish) are lost. */
  weft_trace_record rs[8];
  CHECK_EQ(weft_trace_dropped(loop), 8);
  CHECK_EQ(weft_trace_drain(loop, rs, 2), 2);
  CHECK_EQ(rs[0].kind, WEFT_TRACE_SPAWN);
  CHECK_EQ(rs[1].kind, WEFT_TRACE_RESUME);
  CHECK_EQ(weft_trace_drain(loop, rs, 8), 3); /* the last two and the dropped count */
  CHECK_EQ(rs[0].kind, WEFT_TRACE_SUSPEND);
  CHECK_EQ(rs[0].reason, WEFT_REASON_YIELD);
  CHECK_EQ(rs[1].kind, WEFT_TRACE_WAKE);
  CHECK_EQ(rs[2].kind, WEFT_TRACE_DROPPED);
  CHECK_EQ(rs[2].value, 8);
  CHECK_EQ(rs[2].seq, 12); /* seq counts the lost ones too */
  CHECK_EQ(weft_trace_dropped(loop), 0);
  CHECK_EQ(weft_trace_drain(loop, rs, 8), 0);
  /* Misuse. */
  CHECK_EQ(weft_trace_drain(NULL, rs, 8), WEFT_EINVAL);
  CHECK_EQ(weft_trace_drain(loop, NULL, 8), WEFT_EINVAL);
  CHECK_EQ(weft_trace_enable(NULL, 0), WEFT_EINVAL);
  CHECK_EQ(weft_trace_set_long_running_ms(NULL, 1), WEFT_EINVAL);
  CHECK_EQ(weft_trace_disable(loop), 0);
  CHECK_EQ(weft_trace_enabled(loop), 0);
  CHECK_EQ(weft_trace_drain(loop, rs, 8), 0);
  CHECK_EQ(weft_trace_set_long_running_ms(loop, 1), WEFT_EINVAL); /* not tracing */
  FREE_LOOP(loop);
}

/* A generator's hand-off (the generators branch calls this), and resizing
 * the ring: undrained records are kept when they fit, counted when not. */
static void yield_value_and_resize(void) {
  weft_loop *loop = traced_loop(8);
  weft__trace_yield_value(loop, 3, 1, 42, "quarante-deux");
  weft__trace_yield_value(loop, 3, 1, -1, NULL);
  weft__trace_yield_value(NULL, 3, 1, 0, NULL); /* no loop: nothing */
  CHECK_EQ(weft_trace_enable(loop, 1), 0);      /* one of the two fits */
  CHECK_EQ(weft_trace_dropped(loop), 1);
  log_trace(loop);
  CHECK_LOG("[0.000 yield_value #3 to #1 42 quarante-deux] [0.000 dropped 1]");
  log_reset();
  CHECK_EQ(weft_trace_enable(loop, 4), 0);
  weft__trace_yield_value(loop, 3, 1, 7, NULL);
  log_trace(loop);
  CHECK_LOG("[0.000 yield_value #3 to #1 7]");
  FREE_LOOP(loop);
}

static void off_records_nothing(void) {
  weft_loop *loop = new_vloop();
  CHECK_EQ(weft_spawn_detached(loop, yielder, (void *)(intptr_t)3, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  weft_trace_record r;
  CHECK_EQ(weft_trace_drain(loop, &r, 1), 0);
  CHECK_EQ(weft_trace_enabled(loop), 0);
  FREE_LOOP(loop);
}

/* --- warnings ------------------------------------------------------------- */

static void spin_ms(double ms) {
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  do clock_gettime(CLOCK_MONOTONIC, &b);
  while ((double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6 < ms);
}

static intptr_t hog(void *arg) {
  (void)arg;
  spin_ms(30); /* blocks the loop */
  weft_yield();
  spin_ms(1);
  return 0;
}

static void long_running(void) {
  weft_loop *loop = traced_loop(0);
  CHECK_EQ(weft_trace_set_long_running_ms(loop, 20), 0);
  CHECK_EQ(weft_spawn_detached(loop, hog, NULL, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  weft_trace_record rs[32];
  int n = weft_trace_drain(loop, rs, 32), warns = 0;
  for (int i = 0; i < n; i++) {
    if (rs[i].kind != WEFT_TRACE_WARN) continue;
    warns++;
    CHECK_EQ(rs[i].status, WEFT_WARN_LONG_RUNNING);
    CHECK(rs[i].value >= 30);
    CHECK_EQ(rs[i + 1].kind, WEFT_TRACE_SUSPEND); /* reported when the slice ends */
  }
  CHECK_EQ(warns, 1); /* the 1 ms slice is under the threshold */
  FREE_LOOP(loop);
}

static weft_future *orphan;

static intptr_t await_orphan(void *arg) {
  (void)arg;
  return weft_await(orphan, NULL) == WEFT_ECANCELED ? 0 : weft_fail(WEFT_EFAILED);
}

static intptr_t dropper(void *arg) {
  (void)arg;
  weft_yield();         /* let the awaiter suspend */
  weft_release(orphan); /* the last reference that could complete it */
  return 0;
}

static void dropped_future(void) {
  weft_loop *loop = traced_loop(0);
  orphan = weft_future_new(loop);
  CHECK_EQ(weft_spawn_detached(loop, await_orphan, NULL, NULL), 0);
  CHECK_EQ(weft_spawn_detached(loop, dropper, NULL, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0); /* the awaiter is stuck */
  log_trace(loop);
  CHECK(strstr(h_log, "[0.000 warn #1 dropped_future 1]") != NULL);
  FREE_LOOP(loop); /* cancels the awaiter, which releases the future */
}

static weft_task *cyc_a, *cyc_b;

static intptr_t cyc_first(void *arg) {
  (void)arg;
  return weft_await(cyc_b, NULL);
}

static intptr_t cyc_second(void *arg) {
  (void)arg;
  return weft_await(cyc_a, NULL) == WEFT_EDEADLK ? 5 : 0;
}

static void await_cycle(void) {
  weft_loop *loop = traced_loop(0);
  cyc_a = weft_spawn(loop, cyc_first, NULL, NULL);
  cyc_b = weft_spawn(loop, cyc_second, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  log_trace(loop);
  CHECK(strstr(h_log, "[0.000 warn #2 await_cycle 0]") != NULL);
  CHECK(strstr(h_log, "[0.000 finish #2 done 5]") != NULL);
  weft_trace_record r = {0};
  r.kind = WEFT_TRACE_WARN;
  r.status = WEFT_WARN_AWAIT_CYCLE;
  CHECK_STR(weft_trace_warning_name(r.status), "await_cycle");
  CHECK_STR(weft_trace_kind_name(99), "");
  CHECK_STR(weft_trace_reason_name(WEFT_REASON_GENERATOR), "generator");
  weft_release(cyc_a);
  weft_release(cyc_b);
  FREE_LOOP(loop);
}

/* --- the task table ------------------------------------------------------- */

static int table_line;
static weft_future *gate;

static intptr_t gate_waiter(void *arg) {
  (void)arg;
  intptr_t v = 0;
  table_line = __LINE__ + 1;
  int rc = weft_await(gate, &v);
  return rc ? weft_fail(rc) : v;
}

static intptr_t task_waiter(void *arg) {
  intptr_t v = 0;
  int rc = weft_await((weft_task *)arg, &v);
  return rc ? weft_fail(rc) : v;
}

static void task_table(void) {
  weft_loop *loop = traced_loop(0);
  gate = weft_future_new(loop);
  weft_task_options o = {.name = "gate"};
  weft_task *g = weft_spawn(loop, gate_waiter, NULL, &o);
  weft_task *w1 = weft_spawn(loop, task_waiter, g, NULL);
  weft_task *w2 = weft_spawn(loop, task_waiter, g, NULL);
  weft_task_info info[4];
  CHECK_EQ(weft_loop_tasks(loop, info, 4), 3);
  CHECK_EQ(info[0].state, WEFT_TASK_READY);
  CHECK_EQ(weft_loop_run_once(loop), 3);
  CHECK_EQ(weft_loop_tasks(loop, info, 1), 3); /* the count, one row filled */
  CHECK_EQ(weft_loop_tasks(loop, info, 4), 3);
  CHECK_EQ(info[0].id, 1);
  CHECK_STR(info[0].name, "gate");
  CHECK_EQ(info[0].state, WEFT_TASK_WAITING);
  CHECK_EQ(info[0].reason, WEFT_REASON_FUTURE);
  CHECK(info[0].site_file && strstr(info[0].site_file, "test_trace.c"));
  CHECK_EQ(info[0].site_line, table_line);
  CHECK_EQ(info[0].waiting_on, 0);
  CHECK_EQ(info[0].n_awaited_by, 2);
  CHECK_EQ(info[0].awaited_by[0], 2);
  CHECK_EQ(info[0].awaited_by[1], 3);
  CHECK_EQ(info[1].waiting_on, 1);
  CHECK_EQ(info[1].reason, WEFT_REASON_TASK);
  CHECK(info[1].site_file != NULL);
  CHECK_EQ(info[1].resumes, 1);
  CHECK_EQ(weft_future_resolve(gate, 9), 0);
  CHECK_EQ(weft_loop_tasks(loop, info, 4), 3);
  CHECK_EQ(info[0].state, WEFT_TASK_READY); /* woken, not yet resumed */
  CHECK_EQ(info[0].wakes, 1);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_loop_tasks(loop, info, 4), 0);
  intptr_t v = 0;
  CHECK_EQ(weft_future_result(w2, &v), 0);
  CHECK_EQ(v, 9);
  CHECK_EQ(weft_loop_tasks(NULL, info, 4), WEFT_EINVAL);
  weft_release(g);
  weft_release(w1);
  weft_release(w2);
  weft_release(gate);
  FREE_LOOP(loop);
}

/* --- stepping --------------------------------------------------------------- */

static intptr_t stepper(void *arg) {
  LOG("%s", (const char *)arg);
  weft_yield();
  LOG("%s'", (const char *)arg);
  weft_sleep(5);
  LOG("%s\"@%lld", (const char *)arg, (long long)(weft_loop_now(weft_running_loop()) / 1000));
  return 0;
}

static void stepping(void) {
  weft_loop *loop = traced_loop(0);
  weft_spawn_detached(loop, stepper, "a", NULL);
  weft_spawn_detached(loop, stepper, "b", NULL);
  int steps = 0, rc;
  while ((rc = weft_loop_step(loop)) == 1) {
    steps++;
    LOG("|");
  }
  CHECK_EQ(rc, 0);
  /* One handle per step: a, b, a', b', then the clock jumps to 5, where
   * the two sleep timers each wake their task (as asyncio.sleep's futures
   * schedule theirs), and the two resumes follow. */
  CHECK_LOG("a | b | a' | b' | | | a\"@5 | b\"@5");
  CHECK_EQ(steps, 7);
  CHECK_EQ(weft_loop_step(loop), 0); /* nothing left */
  CHECK_EQ(weft_loop_step(NULL), WEFT_EINVAL);
  FREE_LOOP(loop);
}

/* A gather's bookkeeping is a unit of work that resumes no task:
 * weft_loop_step runs it alone, weft_loop_step_task runs on to a resume. */
static intptr_t gather_two(void *arg) {
  (void)arg;
  weft_task *t[2];
  t[0] = weft_spawn(NULL, stepper, "x", NULL);
  t[1] = weft_spawn(NULL, stepper, "y", NULL);
  int rc = weft_gather(t, 2, WEFT_GATHER_FAIL_FAST, NULL, NULL);
  weft_release(t[0]);
  weft_release(t[1]);
  LOG("main");
  return rc;
}

static size_t count_resumes(weft_loop *loop) {
  weft_trace_record rs[64];
  int n = weft_trace_drain(loop, rs, 64);
  size_t k = 0;
  for (int i = 0; i < n; i++) k += rs[i].kind == WEFT_TRACE_RESUME;
  return k;
}

static void stepping_tasks(void) {
  weft_loop *loop = traced_loop(0);
  weft_spawn_detached(loop, gather_two, NULL, NULL);
  int plain = 0, without = 0;
  while (weft_loop_step(loop) == 1) {
    plain++;
    if (count_resumes(loop) == 0) without++;
  }
  CHECK(without >= 2); /* the gather's two child callbacks */
  CHECK_LOG("x y x' y' x\"@5 y\"@5 main");
  FREE_LOOP(loop);
  log_reset();
  loop = traced_loop(0);
  weft_spawn_detached(loop, gather_two, NULL, NULL);
  int steps = 0, rc;
  while ((rc = weft_loop_step_task(loop)) == 1) {
    steps++;
    CHECK_EQ(count_resumes(loop), 1);
  }
  CHECK_EQ(rc, 0);
  CHECK_EQ(count_resumes(loop), 1); /* the last: main's */
  CHECK_EQ(steps + 1, 8);            /* main, x, y, x, y, x, y, main */
  CHECK_EQ(plain, steps + without);
  CHECK_LOG("x y x' y' x\"@5 y\"@5 main");
  CHECK_EQ(weft_loop_step_task(NULL), WEFT_EINVAL);
  FREE_LOOP(loop);
}

static intptr_t steps_inside(void *arg) {
  return weft_loop_step(arg);
}

static void step_misuse(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, steps_inside, loop, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  intptr_t v = 0;
  CHECK_EQ(weft_future_result(t, &v), 0);
  CHECK_EQ(v, WEFT_EBUSY);
  weft_release(t);
  FREE_LOOP(loop);
}

/* --- await sites -------------------------------------------------------- */

static int (*sleep_fn)(int64_t) = weft_sleep; /* the function form */

static intptr_t site_user(void *arg) {
  (void)arg;
  sleep_fn(1);
  weft__site_begin("outer.c", 1); /* as a user's wrapping macro would */
  weft_sleep(1);                  /* nested: the outer site wins */
  weft__site_end(0);
  return 0;
}

static void sites(void) {
  weft_loop *loop = traced_loop(0);
  weft_spawn_detached(loop, site_user, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  log_trace(loop);
  CHECK(strstr(h_log, "[0.000 suspend #1 timer]") != NULL);
  CHECK(strstr(h_log, "[1.000 suspend #1 timer outer.c:1]") != NULL);
  weft__site_begin("x.c", 1); /* outside a task: nothing */
  CHECK_EQ(weft__site_end(-3), -3);
  FREE_LOOP(loop);
}

int main(void) {
  RUN(sequence);
  RUN(cancel_and_timeout);
  RUN(gather_reason);
  RUN(dropped);
  RUN(yield_value_and_resize);
  RUN(off_records_nothing);
  RUN(long_running);
  RUN(dropped_future);
  RUN(await_cycle);
  RUN(task_table);
  RUN(stepping);
  RUN(stepping_tasks);
  RUN(step_misuse);
  RUN(sites);
  return DONE();
}
