/* Limits and bad input, each with a named outcome: timers 2^40 ms away and
 * past the clamp, negative and extreme delays, a million tasks spawned and
 * finished with flat memory, and a catalogue of bad arguments that must
 * each return their error code (counted for docs/reliability.md). Stack and
 * Asyncify overflows are tests/c/stack_overflow*.c; bad input from JS is
 * tests/node/faults.test.mjs. */
#include <stdint.h>

#include "harness.h"
#include "../../src/core/internal.h"

static int fired;
static void on_timer(weft_loop *loop, void *arg) {
  (void)loop;
  (void)arg;
  fired++;
}

/* 2^40 ms (~35 years) is kept exactly; anything past 2^43 ms is clamped
 * there, so the microsecond deadline never overflows. */
static void far_timers(void) {
  weft_loop *loop = new_vloop();
  weft_handle h1 = {0}, h2 = {0}, h3 = {0};
  const int64_t far = INT64_C(1) << 40;
  CHECK_EQ(weft_call_later(loop, &h1, far, on_timer, NULL), 0);
  CHECK_EQ(h1.when_, far * 1000);
  CHECK_EQ(weft_call_later(loop, &h2, INT64_MAX, on_timer, NULL), 0);
  CHECK_EQ(h2.when_, (INT64_C(1) << 43) * 1000);
  CHECK_EQ(weft_call_later(loop, &h3, 5, on_timer, NULL), 0);
  fired = 0;
  CHECK_EQ(weft_loop_run_once(loop), 1); /* the virtual clock jumps to 5 ms only */
  CHECK_EQ(weft_loop_now(loop), 5000);
  CHECK_EQ(weft_loop_run_once(loop), 1); /* then to 2^40 ms, exactly */
  CHECK_EQ(weft_loop_now(loop), far * 1000);
  CHECK_EQ(fired, 2);
  CHECK_EQ(weft_handle_cancel(&h2), 0);
  FREE_LOOP(loop);
}

static intptr_t far_sleeper(void *arg) {
  (void)arg;
  return weft_sleep(INT64_C(1) << 40);
}

static void far_sleep_cancelled(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, far_sleeper, NULL, NULL);
  CHECK_EQ(weft_loop_run_once(loop), 1);
  CHECK_EQ(weft_cancel(t), 0);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_future_result(t, NULL), WEFT_ECANCELED);
  CHECK_EQ(weft_loop_now(loop), 0); /* cancelled before any time passed */
  CHECK_EQ(weft_release(t), 0);
  FREE_LOOP(loop);
}

/* Negative delays count as 0: no time passes, nothing fails. */
static intptr_t negative_body(void *arg) {
  weft_loop *loop = arg;
  weft_time_t t0 = weft_loop_now(loop);
  CHECK_EQ(weft_sleep(-5), 0);
  CHECK_EQ(weft_sleep(INT64_MIN), 0);
  weft_future *f = weft_future_new(loop);
  weft_future_resolve(f, 3);
  intptr_t v = 0;
  CHECK_EQ(weft_wait_for(f, -1, &v), 0); /* negative timeout: no limit */
  CHECK_EQ(v, 3);
  CHECK_EQ(weft_wait_for(f, INT64_MIN, &v), 0);
  CHECK_EQ(weft_wait(&f, 1, WEFT_ALL_COMPLETED, -7), 1);
  weft_release(f);
  CHECK_EQ(weft_loop_now(loop) - t0, 0);
  return 0;
}

static void negative_delays(void) {
  weft_loop *loop = new_vloop();
  weft_handle h = {0};
  CHECK_EQ(weft_call_later(loop, &h, -1000, on_timer, NULL), 0);
  CHECK_EQ(h.when_, 0);
  CHECK_EQ(weft_handle_cancel(&h), 0);
  CHECK_EQ(weft_call_later(loop, &h, INT64_MIN, on_timer, NULL), 0);
  fired = 0;
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(fired, 1);
  weft_task *t = weft_spawn(loop, negative_body, loop, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_future_result(t, NULL), 0);
  CHECK_EQ(weft_release(t), 0);
  FREE_LOOP(loop);
}

/* A million tasks (100 000 on wasm; WEFT_LIMITS_TASKS overrides, for
 * ctest under ASan and valgrind), spawned and finished in batches of
 * 10 000: the runtime's live blocks after each batch stay what they were
 * after the second (freed tasks wait in the loop's pool for reuse, which
 * holds the peak number alive at once plus its quarantine of 64; stacks go
 * back at once), and the process's resident memory natively grows by less
 * than 8 MB. */
#if defined(__EMSCRIPTEN__)
#define MILLION 100000
#else
#define MILLION 1000000
#endif
#define MBATCH 10000

static long tasks_done, live_growth, ntasks = MILLION;
static intptr_t tiny(void *arg) {
  (void)arg;
  tasks_done++;
  return weft_yield();
}

#if !defined(__EMSCRIPTEN__)
#include <stdio.h>
static long rss_kb(void) {
  long pages = 0, resident = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (!f) return 0;
  if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
  fclose(f);
  return resident * 4;
}
#else
static long rss_kb(void) { return 0; }
#endif

static void million_tasks(void) {
  weft_loop_options o = {0};
  o.clock = WEFT_CLOCK_VIRTUAL;
  o.stack_size = 16 * 1024;
  weft_loop *loop = weft_loop_new(&o);
  long live_after_first = -1, rss_after_first = 0, worst = 0, rss_worst = 0;
  int bad = 0;
  tasks_done = 0;
  for (int b = 0; b < ntasks / MBATCH; b++) {
    for (int k = 0; k < MBATCH; k++)
      if (weft_spawn_detached(loop, tiny, NULL, NULL) != 0) bad++;
    CHECK_EQ(weft_loop_run(loop), 0);
    long live = weft__alloc_live(), rss = rss_kb();
    if (b <= 1) {
      live_after_first = live;
      rss_after_first = rss;
    }
    if (live - live_after_first > worst) worst = live - live_after_first;
    if (rss - rss_after_first > rss_worst) rss_worst = rss - rss_after_first;
  }
  CHECK_EQ(bad, 0);
  CHECK_EQ(tasks_done, ntasks / MBATCH * MBATCH);
  CHECK_EQ(worst, 0);
  /* Resident memory grows by less than 8 MB. Not under an emulator
   * (qemu-user's own bookkeeping of the guest's mappings grows with every
   * stack mapped, whatever weft does): tests/CMakeLists.txt says so. */
  if (!getenv("WEFT_LIMITS_EMULATED")) CHECK(rss_worst < 8 * 1024);
  live_growth = worst;
  FREE_LOOP(loop);
}

/* Bad arguments, each with its error code. */
static int bad_inputs;
#define BAD(call, code)       \
  do {                        \
    CHECK_EQ((call), (code)); \
    bad_inputs++;             \
  } while (0)

static intptr_t bad_in_task(void *arg) {
  weft_loop *loop = arg;
  weft_future *f = weft_future_new(loop);
  weft_future *futs[2] = {f, NULL};
  BAD(weft_await(NULL, NULL), WEFT_EINVAL);
  BAD(weft_gather(NULL, 2, 0, NULL, NULL), WEFT_EINVAL);
  BAD(weft_gather(futs, 2, 0, NULL, NULL), WEFT_EINVAL);
  BAD(weft_wait(futs, 0, WEFT_ALL_COMPLETED, -1), WEFT_EINVAL);
  BAD(weft_wait(futs, 1, 99, -1), WEFT_EINVAL);
  BAD(weft_wait(futs, 1, -1, -1), WEFT_EINVAL);
  BAD(weft_wait_for(NULL, 5, NULL), WEFT_EINVAL);
  BAD(weft_await(weft_current(), NULL), WEFT_EDEADLK);
  BAD(weft_as_completed_next(NULL, NULL), WEFT_EINVAL);
  weft_release(f);
  BAD(weft_await(f, NULL), WEFT_EBADHANDLE); /* released: detected while the slot is quarantined */
  return 0;
}

static void bad_arguments(void) {
  bad_inputs = 0;
  weft_loop *loop = new_vloop();
  weft_handle h = {0};
  BAD(weft_call_soon(NULL, &h, on_timer, NULL), WEFT_EINVAL);
  BAD(weft_call_soon(loop, NULL, on_timer, NULL), WEFT_EINVAL);
  BAD(weft_call_soon(loop, &h, NULL, NULL), WEFT_EINVAL);
  BAD(weft_call_later(NULL, &h, 1, on_timer, NULL), WEFT_EINVAL);
  BAD(weft_call_at(loop, &h, 0, NULL, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_call_soon(loop, &h, on_timer, NULL), 0);
  BAD(weft_call_soon(loop, &h, on_timer, NULL), WEFT_EINVAL); /* already active */
  CHECK_EQ(weft_handle_cancel(&h), 0);
  BAD(weft_handle_cancel(&h), WEFT_ESTATE);
  BAD(weft_handle_cancel(NULL), WEFT_EINVAL);
  BAD(weft_loop_run(NULL), WEFT_EINVAL);
  BAD(weft_loop_run_once(NULL), WEFT_EINVAL);
  BAD(weft_loop_run_until(loop, NULL), WEFT_EINVAL);
  BAD(weft_loop_free(NULL), WEFT_EINVAL);
  BAD(weft_future_new(NULL) == NULL, 1);
  BAD(weft_spawn(loop, NULL, NULL, NULL) == NULL, 1);
  BAD(weft_spawn(NULL, bad_in_task, NULL, NULL) == NULL, 1); /* no running loop */
  BAD(weft_spawn_detached(loop, NULL, NULL, NULL), WEFT_EINVAL);
  /* Sizes whose rounding would wrap (on wasm32 0xFFFFF000 plus the canary
   * made a block smaller than the stack, which a user malloc could then
   * overlap): refused at spawn and at weft_loop_new. */
  {
    const size_t huge[] = {SIZE_MAX, SIZE_MAX - 4095, SIZE_MAX / 4 + 1};
    for (int i = 0; i < 3; i++) {
      weft_task_options so = {.stack_size = huge[i]};
      BAD(weft_spawn_detached(loop, bad_in_task, loop, &so), WEFT_EINVAL);
      BAD(weft_spawn(loop, bad_in_task, loop, &so) == NULL, 1);
      weft_task_options ao = {.asyncify_size = huge[i]};
      BAD(weft_spawn_detached(loop, bad_in_task, loop, &ao), WEFT_EINVAL);
      weft_loop_options lo = {.clock = WEFT_CLOCK_VIRTUAL, .stack_size = huge[i]};
      BAD(weft_loop_new(&lo) == NULL, 1);
      weft_loop_options la = {.clock = WEFT_CLOCK_VIRTUAL, .asyncify_size = huge[i]};
      BAD(weft_loop_new(&la) == NULL, 1);
    }
  }
  BAD(weft_future_resolve(NULL, 0), WEFT_EINVAL);
  BAD(weft_future_fail(NULL, -1), WEFT_EINVAL);
  BAD(weft_cancel(NULL), WEFT_EINVAL);
  BAD(weft_release(NULL), WEFT_EINVAL);
  BAD(weft_future_on_done(NULL, NULL, NULL), WEFT_EINVAL);
  BAD(weft_future_result(NULL, NULL), WEFT_EINVAL);
  BAD(weft_shield(NULL) == NULL, 1);
  BAD(weft_gather_future(loop, NULL, 2, 0) == NULL, 1);
  BAD(weft_as_completed_init(NULL, NULL, 0, -1), WEFT_EINVAL);
  /* A pointer that is not a weft object (zeroed memory). */
  static uint64_t junk[16];
  BAD(weft_release((weft_future *)junk), WEFT_EBADHANDLE);
  BAD(weft_cancel((weft_future *)junk), WEFT_EBADHANDLE);
  BAD(weft_future_resolve((weft_future *)junk, 1), WEFT_EBADHANDLE);
  weft_future *f = weft_future_new(loop);
  BAD(weft_future_fail(f, 7), 0); /* a positive code becomes WEFT_EFAILED */
  BAD(weft_future_result(f, NULL), WEFT_EFAILED);
  BAD(weft_future_resolve(f, 1), WEFT_ESTATE);
  BAD(weft_cancel(f), WEFT_ESTATE);
  CHECK_EQ(weft_release(f), 0);
  BAD(weft_release(f), WEFT_EBADHANDLE);
  /* Outside a task. */
  BAD(weft_sleep(1), WEFT_ENOTTASK);
  BAD(weft_yield(), WEFT_ENOTTASK);
  BAD(weft_await(f, NULL), WEFT_ENOTTASK);
  BAD(weft_gather(NULL, 0, 0, NULL, NULL), WEFT_ENOTTASK);
  BAD(weft_wait_for(NULL, 0, NULL), WEFT_ENOTTASK);
  BAD(weft_uncancel(), 0);
  BAD(weft_fail(-3), 0);
  CHECK_STR(weft_strerror(12345), "unknown weft error");
  CHECK_STR(weft_strerror_name(-12345), "WEFT_E?");
  bad_inputs += 2;
  weft_task *t = weft_spawn(loop, bad_in_task, loop, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_future_result(t, NULL), 0);
  CHECK_EQ(weft_release(t), 0);
  FREE_LOOP(loop);
}

int main(void) {
  const char *n = getenv("WEFT_LIMITS_TASKS");
  if (n && atol(n) >= 2 * MBATCH) ntasks = atol(n);
  RUN(far_timers);
  RUN(far_sleep_cancelled);
  RUN(negative_delays);
  RUN(million_tasks);
  RUN(bad_arguments);
  printf("FIGURE limits.tasks = %ld\n", ntasks);
  printf("FIGURE limits.live_growth = %ld\n", live_growth);
  printf("FIGURE limits.bad_inputs = %d\n", bad_inputs);
  return DONE();
}
