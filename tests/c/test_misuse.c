/* Misuse: calls outside a task, deadlocks, NULL arguments, double release,
 * closing loops, freeing a loop from inside, and every error string. */
#include <stdint.h>

#include "harness.h"

static void outside_task(void) {
  weft_loop *loop = new_vloop();
  weft_future *f = weft_future_new(loop);
  intptr_t v = 0;
  CHECK_EQ(weft_sleep(1), WEFT_ENOTTASK);
  CHECK_EQ(weft_sleep(0), WEFT_ENOTTASK);
  CHECK_EQ(weft_yield(), WEFT_ENOTTASK);
  CHECK_EQ(weft_await(f, &v), WEFT_ENOTTASK);
  CHECK_EQ(weft_await(NULL, &v), WEFT_ENOTTASK);
  CHECK_EQ(weft_gather(&f, 1, 0, NULL, NULL), WEFT_ENOTTASK);
  CHECK_EQ(weft_gather(NULL, 0, 0, NULL, NULL), WEFT_ENOTTASK);
  CHECK_EQ(weft_wait_for(f, 10, &v), WEFT_ENOTTASK);
  CHECK_EQ(weft_wait(&f, 1, WEFT_ALL_COMPLETED, 10), WEFT_ENOTTASK);
  weft_as_completed it;
  CHECK_EQ(weft_as_completed_init(&it, &f, 1, -1), 0);
  weft_future *out;
  CHECK_EQ(weft_as_completed_next(&it, &out), WEFT_ENOTTASK);
  weft_as_completed_close(&it);
  CHECK(weft_current() == NULL);
  CHECK(weft_spawn(NULL, NULL, NULL, NULL) == NULL);
  CHECK_EQ(weft_future_state_of(f), WEFT_PENDING); /* nothing touched it */
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_release(f), 0);
  FREE_LOOP(loop);
}

/* --- deadlocks ----------------------------------------------------------- */

static intptr_t self_await(void *arg) {
  (void)arg;
  CHECK_EQ(weft_await(weft_current(), NULL), WEFT_EDEADLK);
  CHECK_EQ(weft_wait_for(weft_current(), 10, NULL), WEFT_EDEADLK);
  return 1;
}

static weft_task *cyc_a, *cyc_b;

static intptr_t cycle_b(void *arg) {
  (void)arg;
  CHECK_EQ(weft_sleep(1), 0); /* let A start awaiting B */
  int rc = weft_await(cyc_a, NULL); /* B -> A while A -> B */
  LOG("b-rc=%d", rc);
  return 20;
}

static intptr_t cycle_a(void *arg) {
  (void)arg;
  cyc_b = weft_spawn(NULL, cycle_b, NULL, NULL);
  intptr_t v = 0;
  int rc = weft_await(cyc_b, &v);
  LOG("a-rc=%d v=%d", rc, (int)v);
  return 0;
}

static void deadlocks(void) {
  weft_loop *loop = new_vloop();
  weft_task *s = weft_spawn(loop, self_await, NULL, NULL);
  cyc_a = weft_spawn(loop, cycle_a, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("b-rc=-6 a-rc=0 v=20");
  intptr_t v = 0;
  CHECK_EQ(weft_future_result(s, &v), 0);
  CHECK_EQ(v, 1);
  CHECK_EQ(weft_release(s), 0);
  CHECK_EQ(weft_release(cyc_a), 0);
  CHECK_EQ(weft_release(cyc_b), 0);
  FREE_LOOP(loop);
}

/* --- NULL arguments ------------------------------------------------------ */

static intptr_t nop_task(void *arg) {
  (void)arg;
  return 0;
}

static intptr_t null_args_in_task(void *arg) {
  weft_loop *loop = arg;
  weft_future *f = weft_future_new(loop);
  weft_future *two[2] = {f, NULL};
  CHECK_EQ(weft_await(NULL, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_gather(NULL, 1, 0, NULL, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_gather(two, 2, 0, NULL, NULL), WEFT_EINVAL);
  CHECK(weft_gather_future(loop, NULL, 1, 0) == NULL);
  CHECK(weft_gather_future(loop, two, 2, 0) == NULL);
  CHECK_EQ(weft_wait_for(NULL, 1, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_wait(NULL, 1, 0, -1), WEFT_EINVAL);
  CHECK_EQ(weft_wait(two, 2, 0, -1), WEFT_EINVAL);
  CHECK(weft_shield(NULL) == NULL);
  CHECK_EQ(weft_as_completed_init(NULL, &f, 1, -1), WEFT_EINVAL);
  weft_as_completed it;
  CHECK_EQ(weft_as_completed_init(&it, two, 2, -1), WEFT_EINVAL);
  CHECK_EQ(weft_future_state_of(f), WEFT_PENDING);
  CHECK_EQ(weft_release(f), 0);
  return 0;
}

static void null_arguments(void) {
  weft_loop *loop = new_vloop();
  weft_task_options o = {0};
  CHECK(weft_spawn(loop, NULL, NULL, NULL) == NULL);
  CHECK(weft_spawn(loop, NULL, NULL, &o) == NULL);
  CHECK(weft_spawn(NULL, nop_task, NULL, NULL) == NULL); /* no running loop */
  CHECK_EQ(weft_spawn_detached(loop, NULL, NULL, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_spawn_detached(NULL, nop_task, NULL, NULL), WEFT_EINVAL);
  CHECK(weft_future_new(NULL) == NULL);
  CHECK_EQ(weft_future_resolve(NULL, 1), WEFT_EINVAL);
  CHECK_EQ(weft_future_fail(NULL, WEFT_EFAILED), WEFT_EINVAL);
  CHECK_EQ(weft_cancel(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_future_state_of(NULL), WEFT_PENDING);
  CHECK_EQ(weft_future_done(NULL), 0);
  CHECK_EQ(weft_future_result(NULL, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_future_on_done(NULL, NULL, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_future_remove_done(NULL, NULL, NULL), 0);
  CHECK(weft_retain(NULL) == NULL);
  CHECK_EQ(weft_release(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_cancelling(NULL), 0);
  CHECK_STR(weft_task_name(NULL), "");
  CHECK_EQ(weft_is_task(NULL), 0);
  CHECK_EQ(weft_run(NULL, NULL, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_loop_free(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_loop_run(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_loop_run_once(NULL), WEFT_EINVAL);
  CHECK(weft_loop_run_ready(NULL) == -1.0);
  CHECK_EQ(weft_loop_now(NULL), 0);
  CHECK_EQ(weft_loop_alive_tasks(NULL), 0);
  weft_loop_ref(NULL, 1);
  CHECK_EQ(weft_handle_cancel(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_handle_active(NULL), 0);
  CHECK(weft_shield(NULL) == NULL);
  weft_as_completed_close(NULL);
  CHECK_EQ(weft_as_completed_next(NULL, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_spawn_detached(loop, null_args_in_task, loop, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  FREE_LOOP(loop);
}

/* --- double release ------------------------------------------------------ */

static void double_release(void) {
  weft_loop *loop = new_vloop();
  weft_future *f = weft_future_new(loop);
  CHECK_EQ(weft_release(f), 0);
  CHECK_EQ(weft_release(f), WEFT_EBADHANDLE);

  weft_task *t = weft_spawn(loop, nop_task, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_release(t), 0);
  CHECK_EQ(weft_release(t), WEFT_EBADHANDLE);
  CHECK_EQ(weft_future_result(t, NULL), WEFT_EBADHANDLE);

  weft_future *kid = weft_future_new(loop);
  weft_future *g = weft_gather_future(loop, &kid, 1, 0);
  CHECK(g != NULL);
  CHECK_EQ(weft_future_resolve(kid, 1), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_future_state_of(g), WEFT_RESOLVED);
  CHECK_EQ(weft_release(g), 0);
  CHECK_EQ(weft_release(g), WEFT_EBADHANDLE); /* gather futures too */
  CHECK_EQ(weft_release(kid), 0);

  weft_future *s = weft_shield(kid = weft_future_new(loop));
  CHECK_EQ(weft_release(s), 0);
  CHECK_EQ(weft_future_resolve(kid, 2), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_release(s), WEFT_EBADHANDLE);
  CHECK_EQ(weft_release(kid), 0);
  FREE_LOOP(loop);
}

/* --- closing loop, freeing from inside ----------------------------------- */

static weft_loop *inner_loop;

static intptr_t free_from_inside(void *arg) {
  (void)arg;
  CHECK_EQ(weft_loop_free(inner_loop), WEFT_EBUSY);
  CHECK_EQ(weft_loop_run(inner_loop), WEFT_EBUSY);
  CHECK_EQ(weft_loop_run_once(inner_loop), WEFT_EBUSY);
  CHECK_EQ(weft_sleep(2), 0); /* the loop is still usable */
  LOG("still-alive@%lld", (long long)weft_loop_now(inner_loop));
  return 0;
}

static void loop_free_inside(void) {
  inner_loop = new_vloop();
  CHECK_EQ(weft_spawn_detached(inner_loop, free_from_inside, NULL, NULL), 0);
  CHECK_EQ(weft_loop_run(inner_loop), 0);
  CHECK_LOG("still-alive@2000");
  FREE_LOOP(inner_loop);
}

static void closing_loop(void) {
  weft_loop *loop = new_vloop();
  weft_future *held = weft_future_new(loop);
  CHECK_EQ(weft_loop_free(loop), 1); /* closed, kept for `held` */
  CHECK(weft_spawn(loop, nop_task, NULL, NULL) == NULL);
  CHECK_EQ(weft_spawn_detached(loop, nop_task, NULL, NULL), WEFT_ECLOSED);
  CHECK(weft_future_new(loop) == NULL);
  CHECK(weft_gather_future(loop, NULL, 0, 0) == NULL);
  CHECK(weft_shield(held) == NULL);
  CHECK_EQ(weft_release(held), 0);
  FREE_LOOP(loop);
}

/* --- tasks are completed by returning ------------------------------------ */

static intptr_t sleeper(void *arg) {
  (void)arg;
  CHECK_EQ(weft_sleep(5), 0);
  return 3;
}

static void resolve_a_task(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, sleeper, NULL, NULL);
  CHECK_EQ(weft_future_resolve(t, 1), WEFT_EINVAL);
  CHECK_EQ(weft_future_fail(t, WEFT_EFAILED), WEFT_EINVAL);
  weft_future *kid = weft_future_new(loop);
  weft_future *g = weft_gather_future(loop, &kid, 1, 0);
  CHECK_EQ(weft_future_resolve(g, 1), WEFT_EINVAL); /* a gather completes by its children */
  CHECK_EQ(weft_future_fail(g, WEFT_EFAILED), WEFT_EINVAL);
  CHECK_EQ(weft_loop_run(loop), 0);
  intptr_t v = 0;
  CHECK_EQ(weft_future_result(t, &v), 0);
  CHECK_EQ(v, 3);
  CHECK_EQ(weft_future_resolve(t, 1), WEFT_EINVAL);
  CHECK_EQ(weft_cancel(kid), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_future_result(g, NULL), WEFT_ECANCELED);
  CHECK_EQ(weft_release(g), 0);
  CHECK_EQ(weft_release(kid), 0);
  CHECK_EQ(weft_release(t), 0);
  FREE_LOOP(loop);
}

/* --- error strings ------------------------------------------------------- */

static void error_strings(void) {
  const char *names[1 - WEFT_ERROR_MIN_] = {0};
  for (int code = 0; code >= WEFT_ERROR_MIN_; code--) {
    const char *text = weft_strerror(code), *name = weft_strerror_name(code);
    CHECK(text != NULL && name != NULL);
    if (!text || !name) continue;
    CHECK(strstr(text, "unknown") == NULL);
    CHECK(strcmp(name, "WEFT_E?") != 0);
    CHECK(strncmp(name, "WEFT_", 5) == 0);
    names[-code] = name;
    for (int other = 0; other < -code; other++) CHECK(strcmp(names[other], name) != 0);
    printf("  %d %s: %s\n", code, name, text);
  }
  CHECK_STR(weft_strerror_name(WEFT_ECANCELED), "WEFT_ECANCELED");
  CHECK_STR(weft_strerror_name(WEFT_EDONE), "WEFT_EDONE");
  CHECK_STR(weft_strerror_name(WEFT_OK), "WEFT_OK");
  CHECK_STR(weft_strerror(1), "unknown weft error");
  CHECK_STR(weft_strerror(WEFT_ERROR_MIN_ - 1), "unknown weft error");
  CHECK_STR(weft_strerror_name(WEFT_ERROR_MIN_ - 1), "WEFT_E?");
  CHECK_STR(weft_strerror_name(12345), "WEFT_E?");
}

int main(void) {
  RUN(outside_task);
  RUN(deadlocks);
  RUN(null_arguments);
  RUN(double_release);
  RUN(loop_free_inside);
  RUN(closing_loop);
  RUN(resolve_a_task);
  RUN(error_strings);
  return DONE();
}
