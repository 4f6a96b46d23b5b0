/* weft switch benchmark: the cost of one task switch, and the memory a
 * suspended task holds. Driven by scripts/bench.mjs (npm run bench -- switch),
 * which parses the JSON lines this program prints on stdout.
 *
 *   switch switch <N> <K> [reps] [warmups]
 *       N tasks, each calling weft_yield() K times, on a virtual-clock loop
 *       run by weft_loop_run(). One switch = one yield resumption, so a run
 *       makes N*K switches. The time runs from the first spawn to the loop
 *       being freed (so task creation, each task's first start with its
 *       stack allocation, and its finish are included), divided by N*K.
 *       Prints one line per workload with every repetition, the best and the
 *       median.
 *
 *   switch switch-traced <N> <K> [reps] [warmups]
 *       The same with tracing on (include/weft/trace.h): every switch writes
 *       its records into the loop's ring, which the first task drains into
 *       a local buffer once per round, as a host would after each batch.
 *
 *   switch callback <N> <K> [reps] [warmups]
 *       The loop alone, as a baseline: N callbacks that re-arm themselves
 *       with weft_call_soon K times (no task, no Asyncify), timed the same
 *       way. The difference from `switch` is what the task switch costs.
 *
 *   switch mem <M>
 *       Spawns M tasks that start, then sleep far in the future, and reports
 *       the heap growth per suspended task (malloc'd bytes from mallinfo(),
 *       and the sbrk break on wasm).
 *
 *   switch max <cap> <batch>
 *       Spawns batches of tasks that start and sleep far in the future, with
 *       the loop's default stack and Asyncify sizes, until weft_spawn returns
 *       NULL, a task cannot get its stack (it then finishes with
 *       WEFT_ENOMEM), its timer cannot be armed, or `cap` tasks sleep.
 *
 *   switch calls <N> [reps]
 *       A call-heavy loop inside one task (default stack): N calls of a
 *       recursive function with a 32-byte frame (fib), best ns per call of
 *       `reps` runs. With bench_switch_nocheck (the same program linked
 *       without -sSTACK_OVERFLOW_CHECK) it gives the check's cost on calls.
 *
 * Timing uses emscripten_get_now() on wasm and CLOCK_MONOTONIC natively.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <weft.h>

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#define IMPL "wasm"
static double now_ms(void) { return emscripten_get_now(); }
#else
#define IMPL "native"
static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
#endif

#define FAR_MS ((int64_t)1000 * 1000 * 1000 * 1000) /* ~31 years */

/* --- switch -------------------------------------------------------------- */

static long yields_per_task;
static long total_yields;
static int traced;                       /* switch-traced */
static weft_trace_record drained[4096]; /* where the first task drains the ring */

static intptr_t yielder(void *arg) {
  (void)arg;
  for (long i = 0; i < yields_per_task; i++) {
    if (weft_yield() != 0) return weft_fail(WEFT_EFAILED);
    total_yields++;
  }
  return 0;
}

/* The first task of switch-traced: yields like the others, and drains the
 * ring once per round (the others are plain yielders, so both modes time
 * the same task code). */
static intptr_t draining_yielder(void *arg) {
  weft_loop *loop = arg;
  for (long i = 0; i < yields_per_task; i++) {
    if (weft_yield() != 0) return weft_fail(WEFT_EFAILED);
    total_yields++;
    while (weft_trace_drain(loop, drained, 4096) == 4096) {
    }
  }
  return 0;
}

/* One run: returns elapsed ms for N*K switches, or -1 on error. */
static double run_switch(long n, long k) {
  weft_loop_options opts = {.clock = WEFT_CLOCK_VIRTUAL};
  weft_loop *loop = weft_loop_new(&opts);
  if (!loop) return -1;
  if (traced && weft_trace_enable(loop, (size_t)n * 4 + 64) != 0) return -1;
  yields_per_task = k;
  total_yields = 0;
  double t0 = now_ms();
  for (long i = 0; i < n; i++) {
    if (weft_spawn_detached(loop, traced && i == 0 ? draining_yielder : yielder, loop, NULL) != 0) {
      weft_loop_free(loop);
      return -1;
    }
  }
  int rc = weft_loop_run(loop);
  if (rc != 0 || total_yields != n * k || weft_loop_alive_tasks(loop) != 0) {
    fprintf(stderr, "switch: run failed (rc=%d, %ld of %ld yields)\n", rc, total_yields, n * k);
    weft_loop_free(loop);
    return -1;
  }
  if (traced && weft_trace_dropped(loop) != 0) {
    fprintf(stderr, "switch: the ring dropped records\n");
    weft_loop_free(loop);
    return -1;
  }
  if (weft_loop_free(loop) != 0) return -1;
  return now_ms() - t0;
}

typedef struct rearm {
  weft_handle h;
  long left;
} rearm;

static long total_callbacks;

static void rearm_cb(weft_loop *loop, void *arg) {
  rearm *r = arg;
  total_callbacks++;
  if (--r->left > 0) weft_call_soon(loop, &r->h, rearm_cb, r);
}

/* The loop-only baseline: N self-re-arming callbacks, K runs each. */
static double run_callback(long n, long k) {
  weft_loop_options opts = {.clock = WEFT_CLOCK_VIRTUAL};
  double t0 = now_ms();
  weft_loop *loop = weft_loop_new(&opts);
  rearm *rs = calloc((size_t)n, sizeof *rs);
  if (!loop || !rs) return -1;
  total_callbacks = 0;
  for (long i = 0; i < n; i++) {
    rs[i].left = k;
    if (weft_call_soon(loop, &rs[i].h, rearm_cb, &rs[i]) != 0) return -1;
  }
  int rc = weft_loop_run(loop);
  if (rc != 0 || total_callbacks != n * k) {
    fprintf(stderr, "callback: run failed (rc=%d, %ld of %ld callbacks)\n", rc, total_callbacks, n * k);
    return -1;
  }
  if (weft_loop_free(loop) != 0) return -1;
  free(rs);
  return now_ms() - t0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int bench_switch(const char *what, double (*run)(long, long), long n, long k, int reps, int warmups) {
  if (n <= 0 || k <= 0 || reps <= 0 || reps > 100) return 2;
  for (int i = 0; i < warmups; i++)
    if (run(n, k) < 0) return 1;
  double ns[100], sorted[100];
  double switches = (double)n * (double)k;
  for (int i = 0; i < reps; i++) {
    double ms = run(n, k);
    if (ms < 0) return 1;
    ns[i] = sorted[i] = ms * 1e6 / switches;
  }
  qsort(sorted, (size_t)reps, sizeof sorted[0], cmp_double);
  double median = reps % 2 ? sorted[reps / 2] : (sorted[reps / 2 - 1] + sorted[reps / 2]) / 2;
  printf("{\"bench\":\"%s\",\"impl\":\"" IMPL "\",\"n\":%ld,\"k\":%ld,\"switches\":%.0f,"
         "\"warmups\":%d,\"reps\":%d,\"best_ns\":%.2f,\"median_ns\":%.2f,\"runs_ns\":[",
         what, n, k, switches, warmups, reps, sorted[0], median);
  for (int i = 0; i < reps; i++) printf("%s%.2f", i ? "," : "", ns[i]);
  printf("]}\n");
  fflush(stdout);
  return 0;
}

/* --- calls --------------------------------------------------------------- */

static long calls_made;

__attribute__((noinline)) static long fib(int n) {
  volatile long frame[4]; /* a frame in linear memory: the stack pointer moves */
  calls_made++;
  frame[0] = n;
  if (n < 2) return frame[0];
  return fib(n - 1) + fib(n - 2) + frame[0] * 0;
}

static long calls_target;
static double calls_ms;

static intptr_t calls_task(void *arg) {
  (void)arg;
  calls_made = 0;
  double t0 = now_ms();
  long sum = 0;
  while (calls_made < calls_target) sum += fib(20);
  calls_ms = now_ms() - t0;
  return sum;
}

static int bench_calls(long n, int reps) {
  if (n <= 0 || reps <= 0) return 2;
  double best = 1e300;
  long made = 0;
  for (int r = 0; r < reps; r++) {
    weft_loop_options opts = {.clock = WEFT_CLOCK_VIRTUAL};
    weft_loop *loop = weft_loop_new(&opts);
    calls_target = n;
    if (!loop || weft_spawn_detached(loop, calls_task, NULL, NULL) != 0 || weft_loop_run(loop) != 0) return 1;
    weft_loop_free(loop);
    double ns = calls_ms * 1e6 / (double)calls_made;
    if (ns < best) best = ns;
    made = calls_made;
  }
  printf("{\"bench\":\"calls\",\"impl\":\"" IMPL "\",\"calls\":%ld,\"reps\":%d,\"best_ns\":%.3f,\"median_ns\":%.3f}\n", made, reps,
         best, best);
  fflush(stdout);
  return 0;
}

/* --- memory -------------------------------------------------------------- */

static long started, sleep_failed;

static intptr_t sleeper(void *arg) {
  (void)arg;
  started++;
  int rc = weft_sleep(FAR_MS);
  if (rc != 0 && rc != WEFT_ECANCELED) sleep_failed++;
  return 0;
}

static size_t heap_used(void) {
#if defined(__EMSCRIPTEN__)
  return (size_t)mallinfo().uordblks;
#else
  return mallinfo2().uordblks;
#endif
}

static size_t heap_break(void) {
#if defined(__EMSCRIPTEN__)
  return (size_t)(uintptr_t)sbrk(0);
#else
  return 0; /* glibc serves large blocks from mmap: the break says little */
#endif
}

/* Starts every task spawned so far: they are all in the ready queue, so one
 * iteration runs them up to their sleep (it does not advance the virtual
 * clock while work is ready). */
static void start_spawned(weft_loop *loop) { weft_loop_run_once(loop); }

static int bench_mem(long m) {
  if (m <= 0) return 2;
  weft_loop_options opts = {.clock = WEFT_CLOCK_VIRTUAL};
  weft_loop *loop = weft_loop_new(&opts);
  if (!loop) return 1;
  /* Warm the allocator and the loop's internal arrays with one task. */
  started = sleep_failed = 0;
  if (weft_spawn_detached(loop, sleeper, NULL, NULL) != 0) return 1;
  start_spawned(loop);
  size_t used0 = heap_used(), brk0 = heap_break();
  for (long i = 0; i < m; i++)
    if (weft_spawn_detached(loop, sleeper, NULL, NULL) != 0) return 1;
  start_spawned(loop);
  size_t used1 = heap_used(), brk1 = heap_break();
  if (started != m + 1 || sleep_failed) {
    fprintf(stderr, "mem: only %ld of %ld tasks started\n", started, m + 1);
    return 1;
  }
  printf("{\"bench\":\"mem\",\"impl\":\"" IMPL "\",\"tasks\":%ld,\"stack_size\":%d,\"asyncify_size\":%d,"
         "\"malloc_bytes_per_task\":%.1f,\"brk_bytes_per_task\":%.1f,\"heap_end\":%zu}\n",
         m, WEFT_DEFAULT_STACK_SIZE, WEFT_DEFAULT_ASYNCIFY_SIZE, (double)(used1 - used0) / (double)m,
         (double)(brk1 - brk0) / (double)m, brk1);
  fflush(stdout);
  double t0 = now_ms();
  int rc = weft_loop_free(loop); /* cancels them all: each wakes once and returns */
  fprintf(stderr, "mem: freeing %ld sleeping tasks took %.1f ms (rc=%d)\n", m + 1, now_ms() - t0, rc);
  return rc == 0 ? 0 : 1;
}

static int bench_max(long cap, long batch) {
  if (cap <= 0 || batch <= 0) return 2;
  weft_loop_options opts = {.clock = WEFT_CLOCK_VIRTUAL};
  weft_loop *loop = weft_loop_new(&opts);
  if (!loop) return 1;
  started = sleep_failed = 0;
  long spawned = 0;
  const char *stop = "cap";
  double t0 = now_ms();
  while (spawned < cap) {
    long b = batch < cap - spawned ? batch : cap - spawned, i;
    for (i = 0; i < b; i++) {
      if (weft_spawn_detached(loop, sleeper, NULL, NULL) != 0) break;
      spawned++;
    }
    start_spawned(loop);
    if (i < b) { stop = "weft_spawn failed"; break; }
    if (started < spawned) { stop = "task stack allocation failed (WEFT_ENOMEM)"; break; }
    if (sleep_failed) { stop = "timer could not be armed"; break; }
  }
  long sleeping = started - sleep_failed;
  printf("{\"bench\":\"max\",\"impl\":\"" IMPL "\",\"cap\":%ld,\"spawned\":%ld,\"sleeping\":%ld,"
         "\"reached_cap\":%s,\"stop\":\"%s\",\"heap_end\":%zu,\"seconds\":%.2f}\n",
         cap, spawned, sleeping, sleeping >= cap ? "true" : "false", stop, heap_break(),
         (now_ms() - t0) / 1e3);
  fflush(stdout);
  int rc = weft_loop_free(loop);
  if (rc != 0) fprintf(stderr, "max: weft_loop_free returned %d\n", rc);
  return 0;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "switch";
  traced = !strcmp(mode, "switch-traced");
  if ((!strcmp(mode, "switch") || traced || !strcmp(mode, "callback")) && argc >= 4)
    return bench_switch(mode, strcmp(mode, "callback") ? run_switch : run_callback, atol(argv[2]), atol(argv[3]),
                        argc > 4 ? atoi(argv[4]) : 7, argc > 5 ? atoi(argv[5]) : 2);
  if (!strcmp(mode, "calls") && argc >= 3) return bench_calls(atol(argv[2]), argc > 3 ? atoi(argv[3]) : 5);
  if (!strcmp(mode, "mem") && argc >= 3) return bench_mem(atol(argv[2]));
  if (!strcmp(mode, "max") && argc >= 4) return bench_max(atol(argv[2]), atol(argv[3]));
  fprintf(stderr,
          "usage: switch switch <N> <K> [reps] [warmups]\n"
          "       switch switch-traced <N> <K> [reps] [warmups]\n"
          "       switch callback <N> <K> [reps] [warmups]\n"
          "       switch calls <N> [reps]\n"
          "       switch mem <M>\n"
          "       switch max <cap> <batch>\n");
  return 2;
}
