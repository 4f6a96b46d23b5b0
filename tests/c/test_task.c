/* Tasks: spawn order, results, weft_fail, awaiting tasks, yield
 * interleaving, sleeping on the virtual clock. */
#include <stdint.h>

#include "harness.h"

static intptr_t named(void *arg) {
  LOG("%s", weft_task_name(weft_current()));
  return (intptr_t)arg * 10;
}

static void spawn_order_and_results(void) {
  weft_loop *loop = new_vloop();
  weft_task *t[5];
  char name[8];
  for (int i = 0; i < 5; i++) {
    snprintf(name, sizeof name, "t%d", i);
    weft_task_options o = {0};
    o.name = name; /* copied */
    t[i] = weft_spawn(loop, named, (void *)(intptr_t)i, &o);
    CHECK(t[i] != NULL);
  }
  CHECK_EQ(weft_loop_alive_tasks(loop), 5);
  CHECK_LOG(""); /* nothing runs before the loop does */
  CHECK_EQ(weft_future_result(t[0], NULL), WEFT_EPENDING);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("t0 t1 t2 t3 t4");
  CHECK_EQ(weft_loop_alive_tasks(loop), 0);
  for (int i = 0; i < 5; i++) {
    intptr_t v = -1;
    CHECK(weft_is_task(t[i]));
    CHECK_EQ(weft_future_state_of(t[i]), WEFT_RESOLVED);
    CHECK_EQ(weft_future_result(t[i], &v), 0);
    CHECK_EQ(v, i * 10);
    snprintf(name, sizeof name, "t%d", i);
    CHECK_STR(weft_task_name(t[i]), name);
    CHECK_EQ(weft_release(t[i]), 0);
  }
  /* Default names are task-<id>. */
  weft_task *d = weft_spawn(loop, named, NULL, NULL);
  CHECK_STR(weft_task_name(d), "task-6");
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_release(d), 0);
  FREE_LOOP(loop);
}

static intptr_t failing(void *arg) {
  (void)arg;
  CHECK_EQ(weft_yield(), 0);
  return weft_fail(WEFT_ETIMEDOUT);
}

static intptr_t failing_positive(void *arg) {
  (void)arg;
  return weft_fail(17); /* non-negative: WEFT_EFAILED */
}

static void fail(void) {
  weft_loop *loop = new_vloop();
  weft_task *a = weft_spawn(loop, failing, NULL, NULL);
  weft_task *b = weft_spawn(loop, failing_positive, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_future_state_of(a), WEFT_FAILED);
  CHECK_EQ(weft_future_result(a, NULL), WEFT_ETIMEDOUT);
  CHECK_EQ(weft_future_result(b, NULL), WEFT_EFAILED);
  CHECK_EQ(weft_fail(WEFT_EINVAL), 0); /* outside a task: nothing */
  CHECK_EQ(weft_release(a), 0);
  CHECK_EQ(weft_release(b), 0);
  FREE_LOOP(loop);
}

/* --- awaiting tasks ------------------------------------------------------ */

static intptr_t child(void *arg) {
  LOG("child-start@%lld", now_ms());
  CHECK_EQ(weft_sleep((int64_t)(intptr_t)arg), 0);
  LOG("child-end@%lld", now_ms());
  return (intptr_t)arg + 1;
}

static intptr_t failing_child(void *arg) {
  (void)arg;
  CHECK_EQ(weft_sleep(1), 0);
  return weft_fail(WEFT_EBUSY);
}

static intptr_t parent(void *arg) {
  (void)arg;
  /* NULL loop: the running one. */
  weft_task *c = weft_spawn(NULL, child, (void *)(intptr_t)30, NULL);
  CHECK(c != NULL);
  LOG("parent-await@%lld", now_ms());
  intptr_t v = 0;
  CHECK_EQ(weft_await(c, &v), 0);
  CHECK_EQ(v, 31);
  LOG("parent-got-%d@%lld", (int)v, now_ms());
  /* A task already done: no suspension, same result. */
  v = 0;
  CHECK_EQ(weft_await(c, &v), 0);
  CHECK_EQ(v, 31);
  CHECK_EQ(weft_release(c), 0);
  weft_task *f = weft_spawn(NULL, failing_child, NULL, NULL);
  CHECK_EQ(weft_await(f, &v), WEFT_EBUSY);
  CHECK_EQ(weft_release(f), 0);
  LOG("parent-end@%lld", now_ms());
  return 7;
}

static void await_task(void) {
  weft_loop *loop = new_vloop();
  weft_task *p = weft_spawn(loop, parent, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("parent-await@0 child-start@0 child-end@30 parent-got-31@30 parent-end@31");
  intptr_t v = 0;
  CHECK_EQ(weft_future_result(p, &v), 0);
  CHECK_EQ(v, 7);
  CHECK_EQ(weft_release(p), 0);
  FREE_LOOP(loop);
}

/* --- yield and sleep ----------------------------------------------------- */

static intptr_t alternate(void *arg) {
  const char *name = arg;
  for (int i = 0; i < 4; i++) {
    LOG("%s%d", name, i);
    CHECK_EQ(weft_yield(), 0);
  }
  return 0;
}

static void yield_interleaving(void) {
  weft_loop *loop = new_vloop();
  CHECK_EQ(weft_spawn_detached(loop, alternate, "A", NULL), 0);
  CHECK_EQ(weft_spawn_detached(loop, alternate, "B", NULL), 0);
  CHECK_EQ(weft_spawn_detached(loop, alternate, "C", NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("A0 B0 C0 A1 B1 C1 A2 B2 C2 A3 B3 C3");
  CHECK_EQ(weft_loop_now(loop), 0); /* yielding never moves the virtual clock */
  FREE_LOOP(loop);
}

/* One iteration runs each ready task once: run_once counts them. */
static void yield_one_step_per_iteration(void) {
  weft_loop *loop = new_vloop();
  CHECK_EQ(weft_spawn_detached(loop, alternate, "A", NULL), 0);
  CHECK_EQ(weft_spawn_detached(loop, alternate, "B", NULL), 0);
  CHECK_EQ(weft_loop_run_once(loop), 2);
  CHECK_LOG("A0 B0");
  CHECK_EQ(weft_loop_run_once(loop), 2);
  CHECK_LOG("A0 B0 A1 B1");
  CHECK_EQ(weft_loop_alive_tasks(loop), 2);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_loop_alive_tasks(loop), 0);
  FREE_LOOP(loop);
}

static intptr_t sleeper(void *arg) {
  int64_t ms = (int64_t)(intptr_t)arg;
  weft_time_t start = weft_loop_now(weft_running_loop());
  CHECK_EQ(weft_sleep(ms), 0);
  weft_time_t end = weft_loop_now(weft_running_loop());
  LOG("s%lld@%lld", (long long)ms, (long long)(end / 1000));
  CHECK_EQ(end - start, (ms < 0 ? 0 : ms) * 1000);
  return 0;
}

static void sleep_durations(void) {
  weft_loop *loop = new_vloop();
  int64_t ms[] = {30, 10, 20, 10, 0, -4, 1000};
  for (unsigned i = 0; i < sizeof ms / sizeof ms[0]; i++)
    CHECK_EQ(weft_spawn_detached(loop, sleeper, (void *)(intptr_t)ms[i], NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  /* Equal deadlines wake in the order the tasks went to sleep. */
  CHECK_LOG("s0@0 s-4@0 s10@10 s10@10 s20@20 s30@30 s1000@1000");
  CHECK_EQ(weft_loop_now(loop), 1000000);
  FREE_LOOP(loop);
}

static intptr_t sequential_sleeps(void *arg) {
  (void)arg;
  for (int i = 1; i <= 4; i++) {
    CHECK_EQ(weft_sleep(i * 5), 0);
    LOG("%lld", now_ms());
  }
  return 0;
}

static void sleep_accumulates(void) {
  weft_loop *loop = new_vloop();
  CHECK_EQ(weft_spawn_detached(loop, sequential_sleeps, NULL, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("5 15 30 50");
  FREE_LOOP(loop);
}

static intptr_t current_check(void *arg) {
  weft_task *self = arg ? *(weft_task **)arg : NULL;
  CHECK(weft_current() != NULL);
  if (self) CHECK(weft_current() == self);
  CHECK(weft_running_loop() != NULL);
  return 0;
}

static void current(void) {
  weft_loop *loop = new_vloop();
  static weft_task *self;
  CHECK(weft_current() == NULL);
  self = weft_spawn(loop, current_check, &self, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK(weft_current() == NULL);
  CHECK_EQ(weft_release(self), 0);
  FREE_LOOP(loop);
}

/* A task released by its creator before it finishes keeps running. */
static void fire_and_forget(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, child, (void *)(intptr_t)3, NULL);
  CHECK_EQ(weft_release(t), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("child-start@0 child-end@3");
  FREE_LOOP(loop);
}

static intptr_t main_task(void *arg) {
  (void)arg;
  CHECK_EQ(weft_sleep(1), 0);
  return 99;
}

static intptr_t main_task_fails(void *arg) {
  (void)arg;
  return weft_fail(WEFT_ENOMEM);
}

static intptr_t run_inside(void *arg) {
  (void)arg;
  CHECK_EQ(weft_run(main_task, NULL, NULL), WEFT_EBUSY);
  return 0;
}

static void run_entry(void) {
  CHECK_EQ(weft_run(NULL, NULL, NULL), WEFT_EINVAL);
  weft_loop *loop = new_vloop();
  CHECK_EQ(weft_spawn_detached(loop, run_inside, NULL, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  FREE_LOOP(loop);
#if !defined(__EMSCRIPTEN__) /* on wasm weft_run hands the program to the host and never returns */
  intptr_t v = 0;
  CHECK_EQ(weft_run(main_task, NULL, &v), 0);
  CHECK_EQ(v, 99);
  CHECK_EQ(weft_run(main_task_fails, NULL, NULL), WEFT_ENOMEM);
#else
  (void)main_task_fails;
#endif
}

int main(void) {
  RUN(spawn_order_and_results);
  RUN(fail);
  RUN(await_task);
  RUN(yield_interleaving);
  RUN(yield_one_step_per_iteration);
  RUN(sleep_durations);
  RUN(sleep_accumulates);
  RUN(current);
  RUN(fire_and_forget);
  RUN(run_entry);
  return DONE();
}
