/* Task memory is reused: a finished task's stack block goes to a pool
 * (src/task/ctx_asyncify.c, ctx_ucontext.c; none under ASan) and the next
 * task of the same sizes takes it. These cases run many tasks of more sizes
 * than the pool has classes, each filling half of its stack and checking it
 * after a switch: a block handed to a task of another size would overflow
 * into a neighbour, which the canary check at every switch turns into an
 * abort. Also: default and given names, which spawn now formats by hand. */
#include <stdint.h>
#include <stdio.h>

#include "harness.h"

#if defined(__EMSCRIPTEN__)
#define KIB 1024
#else
#define KIB (16 * 1024) /* native frames are larger; sizes are page-rounded */
#endif

static const size_t sizes[] = {8 * KIB, 12 * KIB, 16 * KIB, 24 * KIB, 32 * KIB, 48 * KIB};
#define NSIZES (sizeof sizes / sizeof sizes[0])

static long good, bad;

/* Fills half of its stack (a VLA), yields so the other tasks run and
 * recycle blocks meanwhile, then checks every byte. */
static intptr_t filler(void *arg) {
  size_t n = (size_t)(uintptr_t)arg / 2;
  unsigned char buf[n];
  unsigned char pat = (unsigned char)(n / KIB);
  memset(buf, pat, n);
  if (weft_yield() != 0) return weft_fail(WEFT_EFAILED);
  for (size_t i = 0; i < n; i++)
    if (buf[i] != pat) {
      bad++;
      return weft_fail(WEFT_EFAILED);
    }
  good++;
  return (intptr_t)n;
}

static void mixed_sizes_reuse_blocks(void) {
  weft_loop *loop = new_vloop();
  good = bad = 0;
  int rounds = 40, failed_spawns = 0;
  for (int r = 0; r < rounds; r++) {
    weft_task *t[2 * NSIZES];
    /* Sizes in a different order each round, two tasks of each. */
    for (size_t k = 0; k < 2 * NSIZES; k++) {
      size_t s = sizes[(k + (size_t)r) % NSIZES];
      weft_task_options o = {.stack_size = s};
      t[k] = weft_spawn(loop, filler, (void *)(uintptr_t)s, &o);
      if (!t[k]) failed_spawns++;
    }
    CHECK_EQ(weft_loop_run(loop), 0);
    for (size_t k = 0; k < 2 * NSIZES; k++) {
      intptr_t v = 0;
      if (!t[k]) continue;
      CHECK_EQ(weft_future_result(t[k], &v), 0);
      CHECK_EQ(v, (intptr_t)(sizes[(k + (size_t)r) % NSIZES] / 2));
      weft_release(t[k]);
    }
  }
  CHECK_EQ(failed_spawns, 0);
  CHECK_EQ(bad, 0);
  CHECK_EQ(good, rounds * 2 * (long)NSIZES);
  FREE_LOOP(loop);
}

static intptr_t noop(void *arg) { return (intptr_t)arg; }

/* Many short tasks in sequence, each on the block the previous one left. */
static void short_tasks_in_sequence(void) {
  weft_loop *loop = new_vloop();
  long long sum = 0;
  for (intptr_t i = 1; i <= 5000; i++) {
    weft_task *t = weft_spawn(loop, noop, (void *)i, NULL);
    CHECK(t != NULL);
    if (!t) break;
    CHECK_EQ(weft_loop_run_until(loop, t), 0);
    intptr_t v = 0;
    CHECK_EQ(weft_future_result(t, &v), 0);
    sum += v;
    weft_release(t);
  }
  CHECK_EQ(sum, 5000LL * 5001 / 2);
  FREE_LOOP(loop);
}

static void names(void) {
  weft_loop *loop = new_vloop();
  weft_task *a = weft_spawn(loop, noop, NULL, NULL);
  weft_task *b = weft_spawn(loop, noop, NULL, NULL);
  weft_task_options o = {.name = "a name that is longer than the forty-seven bytes kept for it"};
  weft_task *c = weft_spawn(loop, noop, NULL, &o);
  weft_task_options e = {.name = ""};
  weft_task *d = weft_spawn(loop, noop, NULL, &e);
  CHECK_STR(weft_task_name(a), "task-1");
  CHECK_STR(weft_task_name(b), "task-2");
  CHECK_STR(weft_task_name(c), "a name that is longer than the forty-seven byte");
  CHECK_EQ(strlen(weft_task_name(c)), 47);
  CHECK_STR(weft_task_name(d), "");
  for (int i = 0; i < 1000; i++) weft_release(weft_spawn(loop, noop, NULL, NULL));
  weft_task *z = weft_spawn(loop, noop, NULL, NULL);
  CHECK_STR(weft_task_name(z), "task-1005");
  CHECK_EQ(weft_loop_run(loop), 0);
  weft_release(a);
  weft_release(b);
  weft_release(c);
  weft_release(d);
  weft_release(z);
  FREE_LOOP(loop);
}

int main(void) {
  RUN(mixed_sizes_reuse_blocks);
  RUN(short_tasks_in_sequence);
  RUN(names);
  return DONE();
}
