/* weft workload benchmarks other than the switch (bench/switch.c): driven by
 * scripts/bench.mjs, which parses the JSON lines printed on stdout.
 *
 *   workloads spawn <N> [reps]
 *       Spawns N detached tasks that return at once, on a virtual-clock loop,
 *       then runs the loop until all have finished. ns per task (spawn +
 *       first start + finish), best of `reps`, and the process's peak RSS.
 *
 *   workloads gather <N> [reps]
 *       Fan-out/fan-in: N futures; N waiter tasks each await one of them;
 *       N resolver tasks (spawned after the waiters) each resolve one; a
 *       main task gathers the waiters and checks every result. ms per run.
 *
 *   workloads timers <N> <max_ms> [seed]
 *       On the real clock, through weft_run (the host's timers on wasm): a
 *       main task starts N weft_sleep_future timers of pseudo-random delays
 *       in [1, max_ms] ms, each with a done callback that records how late it
 *       fired: (fired - call) - delay. Prints p50/p99/max in ms. The peer is
 *       N raw `new Promise(r => setTimeout(r, d)).then(record)`.
 *
 *   workloads sleepers <N> <max_ms> [seed]
 *       The same delays, but N tasks each weft_sleep(delay) and record their
 *       own lateness; the peer is N async functions each awaiting a
 *       setTimeout promise. Tasks use a 1 KiB stack and a 512-byte Asyncify
 *       buffer (weft_task_options).
 *
 *   workloads fetch <url> <N> [reps [warmup]] [js] [js+signal]
 *       wasm only, through weft_run: per run, N tasks each weft_fetch(url)
 *       and read the whole body; a main task gathers them. ms and process
 *       CPU ms per run, after `warmup` (default 5) unmeasured rounds, whose
 *       times are printed apart ("warmup_ms"). `js`, `js+signal`: the JS
 *       peer's batches (Promise.all of N fetches, with an AbortController
 *       each for js+signal), run in this process between weft's, in every
 *       order in turn ("peers" in the line).
 *
 *   workloads start
 *       Prints the time since the process started (performance.now() on
 *       wasm under Node) when the first task runs.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <weft.h>

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#define IMPL "weft-wasm"
static double now_ms(void) { return emscripten_get_now(); }
static double peak_rss_mib(void) {
  return EM_ASM_DOUBLE({ return typeof process !== 'undefined' ? process.resourceUsage().maxRSS / 1024 : 0; });
}
static double since_process_start_ms(void) { return EM_ASM_DOUBLE({ return performance.now(); }); }
/* The process's CPU time in ms, every thread (Node), or -1 (browsers). */
static double cpu_now_ms(void) {
  return EM_ASM_DOUBLE({
    if (typeof process !== 'object' || !process || typeof process.cpuUsage !== 'function') return -1;
    var u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  });
}
#else
#include <sys/resource.h>
#define IMPL "weft-native"
static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
static double peak_rss_mib(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_maxrss / 1024;
}
static double since_process_start_ms(void) { return -1; }
static double cpu_now_ms(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}
#endif

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void print_array(const char *key, const double *v, int n) {
  printf(",\"%s\":[", key);
  for (int i = 0; i < n; i++) printf("%s%.3f", i ? "," : "", v[i]);
  printf("]");
}

/* Prints a measurement line up to its closing brace; `cpu` (may be NULL)
 * adds the process's CPU time per run (user + system, every thread: GC
 * helpers included). */
static void print_runs_open(const char *bench, long n, const double *ms, const double *cpu, int reps) {
  double sorted[64];
  memcpy(sorted, ms, sizeof(double) * (size_t)reps);
  qsort(sorted, (size_t)reps, sizeof sorted[0], cmp_double);
  double median = reps % 2 ? sorted[reps / 2] : (sorted[reps / 2 - 1] + sorted[reps / 2]) / 2;
  printf("{\"bench\":\"%s\",\"impl\":\"" IMPL "\",\"n\":%ld,\"reps\":%d,\"best_ms\":%.3f,\"median_ms\":%.3f,"
         "\"peak_rss_mib\":%.1f",
         bench, n, reps, sorted[0], median, peak_rss_mib());
  print_array("runs_ms", ms, reps);
  if (cpu) print_array("cpu_ms", cpu, reps);
}

/* Prints one measurement line. */
static void print_runs(const char *bench, long n, const double *ms, int reps) {
  print_runs_open(bench, n, ms, NULL, reps);
  printf("}\n");
  fflush(stdout);
}

/* --- spawn ---------------------------------------------------------------- */

static long finished;

static intptr_t short_task(void *arg) {
  (void)arg;
  finished++;
  return 0;
}

static double run_spawn(long n) {
  weft_loop_options opts = {.clock = WEFT_CLOCK_VIRTUAL};
  weft_loop *loop = weft_loop_new(&opts);
  if (!loop) return -1;
  finished = 0;
  double t0 = now_ms();
  for (long i = 0; i < n; i++)
    if (weft_spawn_detached(loop, short_task, NULL, NULL) != 0) return -1;
  if (weft_loop_run(loop) != 0 || finished != n) return -1;
  double ms = now_ms() - t0;
  if (weft_loop_free(loop) != 0) return -1;
  return ms;
}

/* --- gather fan-out/fan-in ------------------------------------------------ */

typedef struct gather_ctx {
  long n;
  weft_future **futs;
  weft_task **waiters;
  intptr_t *results;
} gather_ctx;

static intptr_t waiter(void *arg) {
  intptr_t v;
  int rc = weft_await(arg, &v);
  return rc ? weft_fail(rc) : v;
}

static intptr_t resolver(void *arg) { return weft_future_resolve(arg, 7) ? weft_fail(WEFT_EFAILED) : 0; }

static intptr_t gather_main(void *arg) {
  gather_ctx *g = arg;
  weft_loop *loop = weft_running_loop();
  for (long i = 0; i < g->n; i++)
    if (!(g->futs[i] = weft_future_new(loop))) return weft_fail(WEFT_ENOMEM);
  for (long i = 0; i < g->n; i++)
    if (!(g->waiters[i] = weft_spawn(loop, waiter, g->futs[i], NULL))) return weft_fail(WEFT_ENOMEM);
  for (long i = 0; i < g->n; i++)
    if (weft_spawn_detached(loop, resolver, g->futs[i], NULL)) return weft_fail(WEFT_ENOMEM);
  int rc = weft_gather(g->waiters, (size_t)g->n, WEFT_GATHER_FAIL_FAST, g->results, NULL);
  for (long i = 0; i < g->n; i++) {
    weft_release(g->waiters[i]);
    weft_release(g->futs[i]);
  }
  if (rc) return weft_fail(rc);
  for (long i = 0; i < g->n; i++)
    if (g->results[i] != 7) return weft_fail(WEFT_EFAILED);
  return 0;
}

static double run_gather(long n) {
  gather_ctx g = {.n = n};
  g.futs = calloc((size_t)n, sizeof *g.futs);
  g.waiters = calloc((size_t)n, sizeof *g.waiters);
  g.results = calloc((size_t)n, sizeof *g.results);
  weft_loop_options opts = {.clock = WEFT_CLOCK_VIRTUAL};
  weft_loop *loop = weft_loop_new(&opts);
  if (!loop || !g.futs || !g.waiters || !g.results) return -1;
  double t0 = now_ms();
  weft_task *m = weft_spawn(loop, gather_main, &g, NULL);
  if (!m || weft_loop_run_until(loop, m) != 0 || weft_future_result(m, NULL) != 0) return -1;
  double ms = now_ms() - t0;
  weft_release(m);
  if (weft_loop_free(loop) != 0) return -1;
  free(g.futs);
  free(g.waiters);
  free(g.results);
  return ms;
}

static int bench_runs(const char *bench, double (*run)(long), long n, int reps) {
  if (n <= 0 || reps <= 0 || reps > 64) return 2;
  double ms[64];
  for (int i = 0; i < reps; i++) {
    if ((ms[i] = run(n)) < 0) {
      fprintf(stderr, "%s: run failed\n", bench);
      return 1;
    }
  }
  print_runs(bench, n, ms, reps);
  return 0;
}

/* --- timers and sleepers (real clock, host timers on wasm) ---------------- */

typedef struct timers_ctx {
  long n, max_ms, done, started;
  double all_started_ms;
  uint32_t seed;
  double *late, *called;
  weft_future *all_done;
} timers_ctx;

static timers_ctx tc;

/* The same delays as the peers: 1 + ((i * 2654435761 + seed) mod 2^32) mod max. */
static int64_t delay_of(long i) { return 1 + (int64_t)(((uint32_t)i * 2654435761u + tc.seed) % (uint32_t)tc.max_ms); }

static void one_done(void) {
  if (++tc.done == tc.n) weft_future_resolve(tc.all_done, 0);
}

static intptr_t sleeper(void *arg) {
  long i = (long)(intptr_t)arg;
  int64_t delay = delay_of(i);
  double t0 = now_ms();
  if (++tc.started == tc.n) tc.all_started_ms = t0;
  int rc = weft_sleep(delay);
  tc.late[i] = now_ms() - t0 - (double)delay;
  one_done();
  return rc ? weft_fail(rc) : 0;
}

static void timer_fired(weft_future *f, void *arg) {
  long i = (long)(intptr_t)arg;
  tc.late[i] = now_ms() - tc.called[i] - (double)delay_of(i);
  weft_release(f);
  one_done();
}

/* tasks != 0: `sleepers`, N tasks each weft_sleep; 0: `timers`, N
 * weft_sleep_future timers each watched by a done callback, the shape of
 * N `new Promise(r => setTimeout(r, d)).then(record)`. */
static intptr_t timers_main(void *arg) {
  int tasks = arg != NULL;
  weft_loop *loop = weft_running_loop();
  tc.all_done = weft_future_new(loop);
  if (!tc.all_done) return weft_fail(WEFT_ENOMEM);
  /* A sleeper's frames need a few hundred bytes of C stack and of Asyncify
   * buffer; the switch checks the stack canary, and Asyncify traps on a full
   * buffer, so too small would fail loudly rather than corrupt. */
  weft_task_options o = {.stack_size = 1024, .asyncify_size = 512};
  double t0 = now_ms();
  for (long i = 0; i < tc.n; i++) {
    if (tasks) {
      if (weft_spawn_detached(loop, sleeper, (void *)(intptr_t)i, &o)) return weft_fail(WEFT_ENOMEM);
      continue;
    }
    tc.called[i] = now_ms();
    weft_future *f = weft_sleep_future(loop, delay_of(i));
    if (!f || weft_future_on_done(f, timer_fired, (void *)(intptr_t)i)) return weft_fail(WEFT_ENOMEM);
  }
  double spawned_ms = now_ms() - t0;
  if (!tasks) tc.all_started_ms = spawned_ms + t0;
  int rc = weft_await(tc.all_done, NULL);
  double wall = now_ms() - t0;
  weft_release(tc.all_done);
  if (rc) return weft_fail(rc);
  qsort(tc.late, (size_t)tc.n, sizeof tc.late[0], cmp_double);
  double early = tc.late[0];
  printf("{\"bench\":\"%s\",\"impl\":\"" IMPL "\",\"n\":%ld,\"max_delay_ms\":%ld,\"p50_ms\":%.3f,"
         "\"p99_ms\":%.3f,\"max_ms\":%.3f,\"min_ms\":%.3f,\"wall_ms\":%.1f,\"spawn_ms\":%.1f,\"all_started_ms\":%.1f,\"peak_rss_mib\":%.1f}\n",
         tasks ? "sleepers" : "timers", tc.n, tc.max_ms, tc.late[tc.n / 2], tc.late[(size_t)((double)tc.n * 0.99)],
         tc.late[tc.n - 1], early, wall, spawned_ms, tc.all_started_ms - t0, peak_rss_mib());
  fflush(stdout);
  return 0;
}

/* --- fetch (wasm) ---------------------------------------------------------- */

/* weft's batch: n tasks, each weft_fetch + weft_response_bytes, gathered.
 * Peers (optional): plain JS, Promise.all of n fetch(url).then(r =>
 * r.arrayBuffer()) (with an AbortController each for js+signal), run in this
 * same process between weft's batches, so that all share the connection
 * pool, the heap and the machine's speed of the moment, in every order in
 * turn. Interleaving batches this way is what lets the suite resolve a
 * 10 % gap on a machine whose speed drifts more than that between processes
 * (docs/benchmarks.md, "Fetch"). */

static const char *fetch_url;
static long fetch_bytes, fetch_failures;

static intptr_t fetcher(void *arg) {
  (void)arg;
  weft_response *r;
  int rc = weft_fetch(fetch_url, NULL, &r);
  if (rc) {
    fetch_failures++;
    return weft_fail(rc);
  }
  void *data;
  size_t len;
  rc = weft_response_bytes(r, &data, &len);
  if (rc == 0) {
    fetch_bytes += (long)len;
    free(data);
  } else {
    fetch_failures++;
  }
  weft_response_free(r);
  return rc ? weft_fail(rc) : 0;
}

enum { FETCH_WEFT, FETCH_JS, FETCH_JS_SIGNAL, FETCH_IMPLS };
static const char *const fetch_impl_names[FETCH_IMPLS] = {IMPL, "js", "js+signal"};

typedef struct fetch_args {
  long n;
  int reps, warmup;
  int impls[FETCH_IMPLS]; /* what runs, weft first */
  int nimpls;
  weft_task **tasks;
} fetch_args;

static int weft_batch(fetch_args *fa, double *ms) {
  fetch_bytes = fetch_failures = 0;
  double t0 = now_ms();
  long spawned = 0;
  while (spawned < fa->n && (fa->tasks[spawned] = weft_spawn(NULL, fetcher, NULL, NULL))) spawned++;
  /* Out of memory part way: the tasks already running are still gathered
   * (their fetches finish or fail) and released, not leaked. */
  int rc = weft_gather(fa->tasks, (size_t)spawned, 0, NULL, NULL);
  *ms = now_ms() - t0;
  for (long i = 0; i < spawned; i++) weft_release(fa->tasks[i]);
  if (spawned < fa->n) {
    fprintf(stderr, "fetch: out of memory after spawning %ld of %ld tasks\n", spawned, fa->n);
    return WEFT_ENOMEM;
  }
  if (rc || fetch_failures) {
    fprintf(stderr, "fetch: %ld failures (%s: %s)\n", fetch_failures, weft_strerror(rc), weft_fetch_error_message());
    return rc ? rc : WEFT_EFAILED;
  }
  return 0;
}

#if defined(__EMSCRIPTEN__)
/* Starts the JS peer's batch; returns a promise handle (weft_js_await) for
 * "[ms, cpu_ms]" (cpu_ms -1 without process.cpuUsage). */
EM_JS(int, js_batch_start, (const char *url, int n, int signal), {
  var u = UTF8ToString(url);
  var get = signal ? function() { return fetch(u, { signal: new AbortController().signal }); }
                   : function() { return fetch(u); };
  var hasCpu = typeof process === 'object' && process && typeof process.cpuUsage === 'function';
  var c0 = hasCpu ? process.cpuUsage() : null;
  var t0 = performance.now();
  var all = new Array(n);
  for (var i = 0; i < n; i++) all[i] = get().then(function(r) { return r.arrayBuffer(); });
  return Module['weftHandle'](Promise.all(all).then(function(bodies) {
    var t = performance.now() - t0;
    var c = hasCpu ? process.cpuUsage(c0) : null;
    if (bodies.some(function(b) { return b.byteLength === 0; })) throw new Error('fetch: empty body');
    return [t, c ? (c.user + c.system) / 1000 : -1];
  }));
});

static int js_batch(fetch_args *fa, int signal, double *ms, double *cpu) {
  weft_js_value v = {0};
  int rc = weft_js_await(js_batch_start(fetch_url, (int)fa->n, signal), &v);
  if (rc == 0 && (v.kind != WEFT_JS_JSON || sscanf(v.text, "[%lf,%lf]", ms, cpu) != 2)) rc = WEFT_EFAILED;
  if (rc) fprintf(stderr, "fetch: the JS batch failed (%s: %s)\n", weft_strerror(rc), v.text ? v.text : "?");
  weft_js_value_clear(&v);
  return rc;
}
#else
static int js_batch(fetch_args *fa, int signal, double *ms, double *cpu) {
  (void)fa, (void)signal, (void)ms, (void)cpu;
  return WEFT_ENOSYS;
}
#endif

static int fetch_batch(fetch_args *fa, int impl, double *ms, double *cpu) {
  if (impl != FETCH_WEFT) return js_batch(fa, impl == FETCH_JS_SIGNAL, ms, cpu);
  double c0 = cpu_now_ms();
  int rc = weft_batch(fa, ms);
  *cpu = c0 < 0 ? -1 : cpu_now_ms() - c0;
  return rc;
}

/* The r-th (mod n!) permutation of 0..n-1, in lexicographic order. */
static void order_of(int r, int n, int *order) {
  int fact = 1, left[FETCH_IMPLS];
  for (int i = 0; i < n; i++) left[i] = i, fact *= i + 1;
  r %= fact;
  for (int i = 0; i < n; i++) {
    fact /= n - i;
    int j = r / fact;
    r %= fact;
    order[i] = left[j];
    for (int m = j; m < n - i - 1; m++) left[m] = left[m + 1];
  }
}

/* Runs rounds [first, first + count) of the implementations, round r in
 * the r-th of their orders, so that over a multiple of nimpls! rounds each
 * goes first, last, and after each other one equally often. */
static int fetch_rounds(fetch_args *fa, int first, int count, double ms[][64], double cpu[][64]) {
  int order[FETCH_IMPLS], rc = 0;
  for (int r = first; r < first + count && !rc; r++) {
    order_of(r, fa->nimpls, order);
    for (int j = 0; j < fa->nimpls && !rc; j++) {
      int k = order[j];
      rc = fetch_batch(fa, fa->impls[k], &ms[k][r - first], &cpu[k][r - first]);
    }
  }
  return rc;
}

static intptr_t fetch_main(void *arg) {
  fetch_args *fa = arg;
  static double ms[FETCH_IMPLS][64], cpu[FETCH_IMPLS][64], warm_ms[FETCH_IMPLS][64], warm_cpu[FETCH_IMPLS][64];
  if (!(fa->tasks = calloc((size_t)fa->n, sizeof *fa->tasks))) return weft_fail(WEFT_ENOMEM);
  /* The warm-up is what a process pays once, not throughput: connections
   * opened, JS compiled, and the wasm code tiered up (V8 first runs it as
   * Liftoff code and compiles the hot functions again, on background
   * threads, after some thousands of calls: docs/benchmarks.md, "Fetch").
   * Its batches are printed apart. */
  int rc = fetch_rounds(fa, 0, fa->warmup, warm_ms, warm_cpu);
  if (!rc) rc = fetch_rounds(fa, fa->warmup, fa->reps, ms, cpu);
  free(fa->tasks);
  if (rc) return weft_fail(rc);
  /* weft's line, as the other benchmarks print it; the peers' batches in "peers". */
  int has_cpu = cpu[0][0] >= 0;
  print_runs_open("fetch", fa->n, ms[0], has_cpu ? cpu[0] : NULL, fa->reps);
  print_array("warmup_ms", warm_ms[0], fa->warmup);
  printf(",\"peers\":{");
  for (int k = 1; k < fa->nimpls; k++) {
    printf("%s\"%s\":{\"order\":\"interleaved, in this process\"", k > 1 ? "," : "", fetch_impl_names[fa->impls[k]]);
    print_array("runs_ms", ms[k], fa->reps);
    if (has_cpu) print_array("cpu_ms", cpu[k], fa->reps);
    print_array("warmup_ms", warm_ms[k], fa->warmup);
    printf("}");
  }
  printf("}}\n");
  fflush(stdout);
  return 0;
}

/* --- start ------------------------------------------------------------------ */

static intptr_t first_task(void *arg) {
  (void)arg;
  printf("{\"bench\":\"start\",\"impl\":\"" IMPL "\",\"first_task_ms\":%.3f}\n", since_process_start_ms());
  fflush(stdout);
  return 0;
}

/* Whether `s` is a count (digits only), not a peer's name. */
static int is_count(const char *s) {
  if (!*s) return 0;
  for (; *s; s++)
    if (*s < '0' || *s > '9') return 0;
  return 1;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (!strcmp(mode, "spawn") && argc >= 3) return bench_runs("spawn", run_spawn, atol(argv[2]), argc > 3 ? atoi(argv[3]) : 3);
  if (!strcmp(mode, "gather") && argc >= 3)
    return bench_runs("gather", run_gather, atol(argv[2]), argc > 3 ? atoi(argv[3]) : 5);
  if ((!strcmp(mode, "timers") || !strcmp(mode, "sleepers")) && argc >= 4) {
    int tasks = !strcmp(mode, "sleepers");
    tc.n = atol(argv[2]);
    tc.max_ms = atol(argv[3]);
    tc.seed = argc > 4 ? (uint32_t)atol(argv[4]) : 12345u;
    if (tc.n <= 0 || tc.max_ms <= 0 || !(tc.late = calloc((size_t)tc.n, sizeof *tc.late))) return 2;
    if (!tasks && !(tc.called = calloc((size_t)tc.n, sizeof *tc.called))) return 2;
    return weft_run(timers_main, tasks ? &tc : NULL, NULL) ? 1 : 0;
  }
  if (!strcmp(mode, "fetch") && argc >= 4) {
    static fetch_args fa;
    fetch_url = argv[2];
    fa.n = atol(argv[3]);
    int i = 4;
    fa.reps = i < argc && is_count(argv[i]) ? atoi(argv[i++]) : 5;
    fa.warmup = i < argc && is_count(argv[i]) ? atoi(argv[i++]) : 5;
    if (fa.n <= 0 || fa.reps <= 0 || fa.reps > 64 || fa.warmup > 64) return 2;
    fa.impls[fa.nimpls++] = FETCH_WEFT;
    for (; i < argc; i++) {
      int k = !strcmp(argv[i], "js") ? FETCH_JS : !strcmp(argv[i], "js+signal") ? FETCH_JS_SIGNAL : -1;
      if (k < 0 || fa.nimpls == FETCH_IMPLS) return 2;
      fa.impls[fa.nimpls++] = k;
    }
    return weft_run(fetch_main, &fa, NULL) ? 1 : 0;
  }
  if (!strcmp(mode, "start")) return weft_run(first_task, NULL, NULL) ? 1 : 0;
  fprintf(stderr,
          "usage: workloads spawn <N> [reps] | gather <N> [reps] | timers|sleepers <N> <max_ms> [seed]\n"
          "       | fetch <url> <N> [reps [warmup]] [js] [js+signal] | start\n");
  return 2;
}
