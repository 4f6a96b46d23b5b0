/* Property tests: random task programs checked against the model
 * (tests/prop/prop.h explains both).
 *
 *   test_prop [count] [seed]       defaults: 10000 programs natively, 400 as
 *                                  wasm; seed 1. WEFT_PROP_COUNT and
 *                                  WEFT_PROP_SEED override them.
 *
 * Program i of a run is generated from (seed, i) alone, so a failure is
 * replayed with `test_prop 1 <seed>:<i>` (printed with the program, and a
 * shrunk version of it). A sample of programs also runs on the real clock
 * (every delay ×20 ms, ×40 on wasm): the same outcome, and tasks ending in
 * the model's order. A real-clock run may disagree only because the machine
 * was too loaded to keep apart what the model keeps one unit apart, so a
 * disagreeing program is run up to 3 times more and fails only if no run
 * agrees (a bug in weft disagrees every time; the retries are counted).
 * Prints "FIGURE prop.* = N" lines for docs/reliability.md. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../prop/prop.h"

/* wasm tests run several programs at once under Node, so its real-clock
 * units are longer. */
#if defined(__EMSCRIPTEN__)
#define DEFAULT_COUNT 400
#define REAL_SAMPLE 2
#define REAL_SCALE_MS 40
#else
#define DEFAULT_COUNT 10000
#define REAL_SAMPLE 8
#define REAL_SCALE_MS 20
#endif
#define REAL_ATTEMPTS 4

static long count = DEFAULT_COUNT, first_index = 0;
static uint64_t seed = 1;
static long checked, ambiguous, tasks, ops, failures;

static void program_for(p_program *p, uint64_t s, long i, int small) {
  p_rng r = {s * 0x100000001b3ull + (uint64_t)i};
  p_next(&r);
  p_shape shape;
  shape.max_nodes = small ? 2 + p_below(&r, 5) : 2 + p_below(&r, P_MAXN - 1);
  shape.max_delay = small ? 2 + p_below(&r, 5) : 3 + p_below(&r, 28);
  shape.max_depth = 1 + p_below(&r, 4);
  p_generate(p, &r, &shape);
}

static int fails_virtual(const p_program *p) {
  static p_result want, got;
  if (!p_model(p, &want)) return 0;
  return p_run(p, 1, 1, &got) != 0 || p_compare(&want, &got, p, 0, 0) != 0;
}

static void report_failure(p_program *p, long i) {
  printf("  program %llu:%ld failed (replay: test_prop 1 %llu:%ld):\n", (unsigned long long)seed, i,
         (unsigned long long)seed, i);
  p_print(p);
  p_quiet = 1;
  int removed = p_shrink(p, fails_virtual);
  p_quiet = 0;
  printf("  shrunk (%d ops removed):\n", removed);
  p_print(p);
  static p_result want, got;
  p_model(p, &want);
  p_run(p, 1, 1, &got);
  p_compare(&want, &got, p, 1, 0);
}

static void virtual_clock_programs(void) {
  static p_program p;
  static p_result want, got;
  for (long i = first_index; i < first_index + count; i++) {
    program_for(&p, seed, i, 0);
    if (!p_model(&p, &want)) {
      ambiguous++;
      continue;
    }
    int bad = p_run(&p, 1, 1, &got);
    bad += p_compare(&want, &got, &p, 1, 0);
    checked++;
    for (int n = 0; n < p.nnodes; n++) {
      tasks += want.spawned[n];
      ops += p.nodes[n].nops;
    }
    if (bad) {
      CHECK_EQ(bad, 0);
      report_failure(&p, i);
      if (++failures >= 3) break;
    }
  }
  CHECK(checked > count / 2); /* the model decides most programs */
}

/* The real clock: same outcomes, tasks end in the model's order. */
static long real_checked, real_retries;
static void real_clock_sample(void) {
  static p_program p;
  static p_result want, got;
  for (long i = 0; real_checked < REAL_SAMPLE && i < 1000; i++) {
    program_for(&p, seed + 7777, i, 1);
    if (!p_model(&p, &want)) continue;
    int64_t longest = 0;
    for (int n = 0; n < p.nnodes; n++)
      if (want.spawned[n] && want.end[n] > longest) longest = want.end[n];
    if (longest > 30 || longest == 0) continue; /* keep the sample short */
    int bad = 1;
    for (int attempt = 0; attempt < REAL_ATTEMPTS && bad; attempt++) {
      if (attempt) real_retries++;
      p_quiet = attempt < REAL_ATTEMPTS - 1;
      bad = p_run(&p, 0, REAL_SCALE_MS, &got);
      bad += p_compare(&want, &got, &p, !p_quiet, 1);
    }
    p_quiet = 0;
    real_checked++;
    if (bad) {
      CHECK_EQ(bad, 0);
      printf("  real-clock program %llu:%ld (small shape):\n", (unsigned long long)seed + 7777, i);
      p_print(&p);
      break;
    }
  }
  CHECK_EQ(real_checked, REAL_SAMPLE);
}

int main(int argc, char **argv) {
  const char *c = getenv("WEFT_PROP_COUNT"), *s = getenv("WEFT_PROP_SEED");
  if (argc > 1) c = argv[1];
  if (argc > 2) s = argv[2];
  if (c) count = atol(c);
  if (s) {
    seed = strtoull(s, NULL, 10);
    const char *colon = strchr(s, ':');
    if (colon) first_index = atol(colon + 1);
  }
  RUN(virtual_clock_programs);
  if (!getenv("WEFT_PROP_NO_REAL")) RUN(real_clock_sample);
  printf("FIGURE prop.seed = %llu\n", (unsigned long long)seed);
  printf("FIGURE prop.programs = %ld\n", count);
  printf("FIGURE prop.checked = %ld\n", checked);
  printf("FIGURE prop.ambiguous = %ld\n", ambiguous);
  printf("FIGURE prop.tasks = %ld\n", tasks);
  printf("FIGURE prop.ops = %ld\n", ops);
  printf("FIGURE prop.real_checked = %ld\n", real_checked);
  printf("FIGURE prop.real_retries = %ld\n", real_retries);
  return DONE();
}
