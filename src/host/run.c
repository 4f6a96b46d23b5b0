/* weft_run and the loops weft creates for itself (weft_run, the JS bridge):
 * configured from the environment, the process's part of the host. Above
 * the tasks and the trace: it spawns the main task and enables tracing on
 * request (WEFT_TRACE).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/internal.h"

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
extern void weft_js_main_done(int status);
#endif

weft_loop *weft__loop_new_from_env(void) {
  weft_loop_options opts = {0};
  const char *clock = getenv("WEFT_CLOCK");
  opts.clock = clock && strcmp(clock, "virtual") == 0 ? WEFT_CLOCK_VIRTUAL : WEFT_CLOCK_REAL;
  const char *budget = getenv("WEFT_BUDGET_US");
  if (budget) opts.budget_us = strtoll(budget, NULL, 10);
  weft_loop *loop = weft_loop_new(&opts);
  /* WEFT_TRACE=<capacity in records> (0 or "on": the default capacity). */
  const char *trace = getenv("WEFT_TRACE");
  if (loop && trace && *trace && strcmp(trace, "off") != 0) {
    long long cap = strtoll(trace, NULL, 10);
    weft_trace_enable(loop, cap > 0 ? (size_t)cap : 0);
  }
  return loop;
}

#if defined(__EMSCRIPTEN__)
static void on_main_done(weft_future *f, void *arg) {
  weft_loop *loop = arg;
  loop->main = NULL;
  int rc = weft_future_result(f, NULL);
  if (rc < 0) fprintf(stderr, "weft: main task ended: %s\n", weft_strerror(rc));
  fflush(stdout);
  fflush(stderr);
  weft_release(f);
  /* As asyncio.run (and weft_run natively, through weft_loop_free): tasks
   * still alive are cancelled; their cleanup runs on the next iterations. */
  weft__loop_cancel_all(loop);
  weft_js_main_done(rc == 0 ? 0 : 1);
}

/* The loop's main_stuck hook: the main task waits on something nothing can
 * complete (loop.c, weft_loop_run_ready). */
static void main_deadlock(weft_loop *loop) {
  fprintf(stderr, "weft: deadlock (WEFT_EDEADLK): the main task waits on something nothing can complete\n");
  fflush(stdout);
  fflush(stderr);
  weft_future_remove_done(loop->main, on_main_done, loop);
  loop->main = NULL;
  weft__loop_cancel_all(loop);
  weft_js_main_done(1);
}
#endif

int weft_run(weft_task_fn fn, void *arg, intptr_t *result) {
  if (!fn) return WEFT_EINVAL;
  if (weft_running_loop()) return WEFT_EBUSY;
  weft_loop *loop = weft__loop_new_from_env();
  if (!loop) return WEFT_ENOMEM;
  weft_task_options opts = {
      .name = "main", .stack_size = WEFT_DEFAULT_MAIN_STACK_SIZE, .asyncify_size = WEFT_DEFAULT_MAIN_ASYNCIFY_SIZE};
  weft_task *t = weft_spawn(loop, fn, arg, &opts);
  if (!t) {
    weft_loop_free(loop);
    return WEFT_ENOMEM;
  }
#if defined(__EMSCRIPTEN__)
  (void)result;
  weft_future_on_done(t, on_main_done, loop);
  loop->main = t;
  loop->main_stuck = main_deadlock;
  emscripten_exit_with_live_runtime();
  return 0;
#else
  int rc = weft_loop_run_until(loop, t);
  if (rc == 0) rc = weft_future_result(t, result);
  weft_release(t);
  weft_loop_free(loop); /* cancels what is still alive and lets it clean up */
  return rc;
#endif
}
