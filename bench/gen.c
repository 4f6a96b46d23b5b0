/* bench_gen: the cost of one value through an async generator (anext on the
 * consumer's side, weft_gen_yield on the generator's: two task switches and
 * two futures), and through a class-style iterator (a plain call), on the
 * virtual clock.   bench_gen [values]   prints ns per value for each. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <weft.h>

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
static double now_ns(void) { return emscripten_get_now() * 1e6; }
#else
static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}
#endif

static long n_values = 200000;

static int numbers(void *arg) {
  (void)arg;
  for (long i = 0; i < n_values; i++) {
    int rc = weft_gen_yield(i);
    if (rc) return rc;
  }
  return 0;
}

typedef struct counter {
  weft_aiter base;
  long i;
} counter;

static int counter_anext(weft_aiter *it, intptr_t *v) {
  counter *c = (counter *)it;
  if (c->i == n_values) return WEFT_EDONE;
  *v = c->i++;
  return 0;
}

static const weft_aiter_vt counter_vt = {.anext = counter_anext};

static intptr_t amain(void *arg) {
  (void)arg;
  long sum = 0;
  int rc;
  double t0 = now_ns();
  WEFT_AFOR(long, v, weft_gen_new(NULL, numbers, NULL, NULL), &rc) sum += v;
  double t1 = now_ns();
  counter c = {0};
  WEFT_AFOR(long, v, weft_aiter_init(&c.base, &counter_vt), &rc) sum -= v;
  double t2 = now_ns();
  printf("generator: %.1f ns per value\n", (t1 - t0) / n_values);
  printf("class iterator: %.1f ns per value\n", (t2 - t1) / n_values);
  return sum == 0 ? 0 : weft_fail(WEFT_EFAILED);
}

int main(int argc, char **argv) {
  if (argc > 1) n_values = atol(argv[1]);
  weft_loop_options o = {.clock = WEFT_CLOCK_VIRTUAL};
  weft_loop *loop = weft_loop_new(&o);
  weft_task *t = weft_spawn(loop, amain, NULL, NULL);
  int rc = weft_loop_run_until(loop, t);
  if (rc == 0) rc = weft_future_result(t, NULL);
  weft_release(t);
  weft_loop_free(loop);
  return rc ? 1 : 0;
}
