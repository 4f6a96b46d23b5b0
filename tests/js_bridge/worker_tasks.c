/* Tasks for tests/node/workers.test.mjs: jobs in the worker pool of
 * weft/worker.h, started from JS with weft.run(name, arg). */
#include <stdint.h>
#include <string.h>
#include <weft.h>

static uint32_t count_primes_in(uint32_t lo, uint32_t hi) {
  uint32_t n = 0;
  for (uint32_t k = lo < 2 ? 2 : lo; k < hi; k++) {
    int prime = 1;
    for (uint32_t d = 2; d * d <= k; d++)
      if (k % d == 0) {
        prime = 0;
        break;
      }
    n += (uint32_t)prime;
  }
  return n;
}

static int primes_job(const void *in, size_t len, void *out, size_t cap, size_t *out_len) {
  uint32_t r[2];
  if (len != sizeof r || cap < sizeof(uint32_t)) return WEFT_EINVAL;
  memcpy(r, in, sizeof r);
  uint32_t n = count_primes_in(r[0], r[1]);
  memcpy(out, &n, sizeof n);
  *out_len = sizeof n;
  return 0;
}

/* primes below `arg`, in 8 jobs gathered. */
WEFT_JS_TASK(primes_workers) {
  enum { J = 8 };
  uint32_t n = (uint32_t)(intptr_t)arg, ranges[J][2], counts[J];
  weft_future *f[J];
  for (int i = 0; i < J; i++) {
    ranges[i][0] = (uint32_t)((uint64_t)n * (uint64_t)i / J);
    ranges[i][1] = (uint32_t)((uint64_t)n * (uint64_t)(i + 1) / J);
    f[i] = weft_worker_submit(NULL, primes_job, ranges[i], sizeof ranges[i], &counts[i], sizeof counts[i]);
    if (!f[i]) {
      while (i-- > 0) weft_release(f[i]);
      return weft_fail(WEFT_ENOMEM);
    }
  }
  int rc = weft_gather(f, J, 0, NULL, NULL);
  for (int i = 0; i < J; i++) weft_release(f[i]);
  if (rc) return weft_fail(rc);
  uint32_t sum = 0;
  for (int i = 0; i < J; i++) sum += counts[i];
  return sum;
}

/* The same count on the loop's own thread. */
WEFT_JS_TASK(primes_here) { return count_primes_in(0, (uint32_t)(intptr_t)arg); }

static int trap_job(const void *in, size_t len, void *out, size_t cap, size_t *out_len) {
  (void)in, (void)len, (void)out, (void)cap, (void)out_len;
  __builtin_trap();
}

static int spin_job(const void *in, size_t len, void *out, size_t cap, size_t *out_len) {
  (void)in, (void)len, (void)out, (void)cap, (void)out_len;
  for (volatile uint64_t x = 0;; x++) {
  }
  return 0;
}

static int fail_job(const void *in, size_t len, void *out, size_t cap, size_t *out_len) {
  (void)in, (void)len, (void)out, (void)cap, (void)out_len;
  return WEFT_ENOENT;
}

static int overlong_job(const void *in, size_t len, void *out, size_t cap, size_t *out_len) {
  (void)in, (void)len, (void)out;
  *out_len = cap + 1; /* claims more than it may write */
  return 0;
}

static int run_job(intptr_t which) {
  weft_worker_fn fns[] = {trap_job, spin_job, fail_job, overlong_job};
  if (which < 0 || which > 3) return WEFT_EINVAL;
  char out[4];
  size_t n = 99;
  int rc = weft_to_worker(fns[which], NULL, 0, out, sizeof out, &n);
  return rc ? rc : (int)n;
}

/* 0: trap, 1: spin forever (only a cancel ends it), 2: fail, 3: overlong.
 * Gives the job's code as the task's value. */
WEFT_JS_TASK(job) { return run_job((intptr_t)arg); }

/* While a job is in flight, another task runs: it sees the job's future
 * still pending (natively the job would have run inline, done at once). */
static weft_future *in_flight;
static intptr_t seen_pending;

static intptr_t ticker(void *arg) {
  (void)arg;
  seen_pending = in_flight && !weft_future_done(in_flight);
  return 0;
}

WEFT_JS_TASK(serves_meanwhile) {
  uint32_t r[2] = {0, (uint32_t)(intptr_t)arg}, count = 0;
  seen_pending = -1;
  in_flight = weft_worker_submit(NULL, primes_job, r, sizeof r, &count, sizeof count);
  if (!in_flight) return weft_fail(WEFT_ENOMEM);
  weft_task *t = weft_spawn(NULL, ticker, NULL, NULL);
  intptr_t n = 0;
  int rc = weft_await(in_flight, &n);
  weft_release(in_flight);
  in_flight = NULL;
  weft_await(t, NULL);
  weft_release(t);
  if (rc) return weft_fail(rc);
  return n == 4 ? seen_pending * 1000000 + (intptr_t)count : -1;
}

/* Hands its 4-byte input back: a job that costs only its round trip. */
static int echo_job(const void *in, size_t len, void *out, size_t cap, size_t *out_len) {
  if (len > cap) return WEFT_EINVAL;
  memcpy(out, in, len);
  *out_len = len;
  return 0;
}

/* `arg` echo jobs one after the other (bench/workers.mjs: the pool's cost
 * per job); gives how many came back with their own input. */
WEFT_JS_TASK(round_trips) {
  intptr_t ok = 0;
  for (uint32_t i = 0; i < (uint32_t)(intptr_t)arg; i++) {
    uint32_t back = 0;
    size_t n = 0;
    int rc = weft_to_worker(echo_job, &i, sizeof i, &back, sizeof back, &n);
    if (rc) return weft_fail(rc);
    ok += n == sizeof back && back == i;
  }
  return ok;
}

int main(void) { return 0; }
