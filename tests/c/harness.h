/* A tiny test harness shared by the C test programs.
 *
 * Each program defines `static void name(void)` test cases and runs them with
 * RUN(name) from main, then returns DONE(). Output is one line per case
 * ("ok name" / "FAIL name"), failure details (file:line, expression, values)
 * before the FAIL line, and a last line exactly "N passed, M failed"; the
 * exit status is 1 when anything failed. Everything goes to stdout so the
 * order of details and results is the order of events, and stdout stays
 * deterministic when the tests pass (the wasm runner compares it).
 *
 * An event log (LOG / CHECK_LOG) records what happened in which order as one
 * string, so a test asserts an exact sequence in one comparison.
 */
#ifndef WEFT_TEST_HARNESS_H
#define WEFT_TEST_HARNESS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int h_passed, h_failed, h_case_failures;

static void h_fail_at(const char *file, int line) {
  h_case_failures++;
  printf("  %s:%d: ", file, line);
}

#define CHECK(cond)                            \
  do {                                         \
    if (!(cond)) {                             \
      h_fail_at(__FILE__, __LINE__);           \
      printf("CHECK(%s) failed\n", #cond);     \
    }                                          \
  } while (0)

#define CHECK_EQ(a, b)                                                                  \
  do {                                                                                  \
    long long h_a_ = (long long)(a), h_b_ = (long long)(b);                             \
    if (h_a_ != h_b_) {                                                                 \
      h_fail_at(__FILE__, __LINE__);                                                    \
      printf("CHECK_EQ(%s, %s) failed: %lld != %lld\n", #a, #b, h_a_, h_b_);            \
    }                                                                                   \
  } while (0)

#define CHECK_STR(a, b)                                                                 \
  do {                                                                                  \
    const char *h_a_ = (a), *h_b_ = (b);                                                \
    if (!h_a_ || !h_b_ || strcmp(h_a_, h_b_) != 0) {                                    \
      h_fail_at(__FILE__, __LINE__);                                                    \
      printf("CHECK_STR(%s, %s) failed:\n    got      \"%s\"\n    expected \"%s\"\n", \
             #a, #b, h_a_ ? h_a_ : "(null)", h_b_ ? h_b_ : "(null)");                   \
    }                                                                                   \
  } while (0)

/* The event log. */
static char h_log[8192];
static size_t h_log_len;

static void log_reset(void) {
  h_log[0] = 0;
  h_log_len = 0;
}

/* Appends one space-separated event. */
static void LOG(const char *fmt, ...) {
  if (h_log_len && h_log_len < sizeof h_log - 1) h_log[h_log_len++] = ' ';
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(h_log + h_log_len, sizeof h_log - h_log_len, fmt, ap);
  va_end(ap);
  if (n > 0) h_log_len += (size_t)n;
  if (h_log_len >= sizeof h_log) h_log_len = sizeof h_log - 1;
}

#define CHECK_LOG(expected) CHECK_STR(h_log, expected)

#define RUN(name)                                              \
  do {                                                         \
    h_case_failures = 0;                                       \
    log_reset();                                               \
    name();                                                    \
    if (h_case_failures) {                                     \
      h_failed++;                                              \
      printf("FAIL %s\n", #name);                              \
    } else {                                                   \
      h_passed++;                                              \
      printf("ok %s\n", #name);                                \
    }                                                          \
    fflush(stdout);                                            \
  } while (0)

/* weft helpers: every scenario runs on its own virtual-clock loop, and
 * freeing it must report nothing leaked. */
#include "weft.h"

static inline weft_loop *new_vloop(void) {
  weft_loop_options o = {0};
  o.clock = WEFT_CLOCK_VIRTUAL;
  return weft_loop_new(&o);
}

#define FREE_LOOP(loop) CHECK_EQ(weft_loop_free(loop), 0)

/* Shared by the test programs (static inline: a program that does not use
 * one gets no unused-function warning). */

/* The running loop's time in ms (the virtual clock's, in these tests). */
static inline long long now_ms(void) { return (long long)(weft_loop_now(weft_running_loop()) / 1000); }

/* The current task's name. */
static inline const char *current_name(void) { return weft_task_name(weft_current()); }

static inline weft_task *spawn_named(weft_loop *loop, const char *n, weft_task_fn fn, void *arg) {
  weft_task_options o = {.name = n};
  return weft_spawn(loop, fn, arg, &o);
}

static inline void spawn_detached_named(weft_loop *loop, const char *n, weft_task_fn fn, void *arg) {
  weft_task_options o = {.name = n};
  CHECK_EQ(weft_spawn_detached(loop, fn, arg, &o), 0);
}

/* A configurable child task: sleeps `ms`, then returns `value` or fails
 * with `fail`; when cancelled it logs "<name>-cancelled@t", sleeps
 * `cleanup_ms` (if any) and logs "<name>-cleaned@t". */
typedef struct job {
  const char *name;
  int64_t ms;
  intptr_t value;
  int fail;
  int64_t cleanup_ms;
} job;

static inline intptr_t run_job(void *arg) {
  job *j = arg;
  int rc = weft_sleep(j->ms);
  if (rc == WEFT_ECANCELED) {
    LOG("%s-cancelled@%lld", j->name, now_ms());
    if (j->cleanup_ms) {
      CHECK_EQ(weft_sleep(j->cleanup_ms), 0);
      LOG("%s-cleaned@%lld", j->name, now_ms());
    }
    return 0;
  }
  LOG("%s-done@%lld", j->name, now_ms());
  if (j->fail) return weft_fail(j->fail);
  return j->value;
}

/* Runs `body(arg)` as the only task of a fresh virtual loop, optionally
 * cancelled by another task after `cancel_ms` (< 0: never), then checks the
 * task's final state, the loop's final time (no timer outlived the body)
 * and that the loop frees clean. */
typedef struct h_canceller {
  weft_task *target;
  int64_t ms;
} h_canceller;

static inline intptr_t h_cancel_after(void *arg) {
  h_canceller *c = arg;
  CHECK_EQ(weft_sleep(c->ms), 0);
  LOG("cancel@%lld", now_ms());
  CHECK_EQ(weft_cancel(c->target), 0);
  return 0;
}

static inline void run_task(weft_task_fn body, void *arg, int64_t cancel_ms, int state, long long end_ms) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, body, arg, NULL);
  h_canceller c = {t, cancel_ms};
  if (cancel_ms >= 0) CHECK_EQ(weft_spawn_detached(loop, h_cancel_after, &c, NULL), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_future_state_of(t), state);
  CHECK_EQ(weft_loop_now(loop) / 1000, end_ms);
  CHECK_EQ(weft_release(t), 0);
  FREE_LOOP(loop);
}

static int DONE(void) {
  printf("%d passed, %d failed\n", h_passed, h_failed);
  fflush(stdout);
  return h_failed ? 1 : 0;
}

#endif
