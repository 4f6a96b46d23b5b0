/* CPU-bound C off the loop: asyncio's run_in_executor. The primes below N
 * are counted in J jobs by the worker pool (include/weft/worker.h: in the
 * browser Web Workers, in Node worker_threads, each with its own instance
 * of this program), gathered, and checked against the same count made on
 * the loop's own thread:
 *
 *   async def main():
 *       loop = asyncio.get_running_loop()
 *       with ProcessPoolExecutor() as pool:
 *           parts = await asyncio.gather(*(loop.run_in_executor(pool, count, lo, hi)
 *                                          for lo, hi in ranges(N, J)))
 *       print(f"primes below {N}: {sum(parts)} ({J} jobs in the worker pool)")
 *
 * What to look at: weft_worker_submit gives one future per job, so gather
 * waits for all of them while the loop stays free for other tasks (a ticker
 * here counts its turns while the jobs run). Only bytes cross: each job gets
 * a copy of its range and writes its count into the caller's slot. Natively
 * (the test build) the jobs run inline, one after the other.
 *
 * Usage: primes [N [J]]   (default 300000 8)
 */
#include <stdio.h>
#include <stdlib.h>
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

/* The job: def count(lo, hi). Runs in a worker, outside any task. */
static int count_job(const void *in, size_t len, void *out, size_t cap, size_t *out_len) {
  uint32_t r[2];
  if (len != sizeof r || cap < sizeof(uint32_t)) return WEFT_EINVAL;
  memcpy(r, in, sizeof r);
  uint32_t n = count_primes_in(r[0], r[1]);
  memcpy(out, &n, sizeof n);
  *out_len = sizeof n;
  return 0;
}

static int running = 1;
static intptr_t ticker(void *arg) {
  int *turns = arg;
  while (running) {
    (*turns)++;
    if (weft_sleep(1)) break;
  }
  return 0;
}

typedef struct params {
  uint32_t n;
  int jobs;
} params;

static intptr_t amain(void *arg) {
  params *p = arg;
  uint32_t(*ranges)[2] = calloc((size_t)p->jobs, sizeof *ranges);
  uint32_t *counts = calloc((size_t)p->jobs, sizeof *counts);
  weft_future **f = calloc((size_t)p->jobs, sizeof *f);
  if (!ranges || !counts || !f) return weft_fail(WEFT_ENOMEM);
  int turns = 0;
  weft_task *tick = weft_spawn(NULL, ticker, &turns, NULL);
  int made = 0, rc = 0;
  for (; made < p->jobs; made++) {
    ranges[made][0] = (uint32_t)((uint64_t)p->n * (uint64_t)made / (uint64_t)p->jobs);
    ranges[made][1] = (uint32_t)((uint64_t)p->n * (uint64_t)(made + 1) / (uint64_t)p->jobs);
    f[made] = weft_worker_submit(NULL, count_job, ranges[made], sizeof ranges[made], &counts[made], sizeof counts[made]);
    if (!f[made]) {
      rc = WEFT_ENOMEM;
      break;
    }
  }
  if (!rc) rc = weft_gather(f, (size_t)made, 0, NULL, NULL);
  for (int i = 0; i < made; i++) weft_release(f[i]);
  running = 0;
  weft_await(tick, NULL);
  weft_release(tick);
  uint32_t sum = 0;
  for (int i = 0; i < p->jobs; i++) sum += counts[i];
  free(ranges), free(counts), free(f);
  if (rc) return weft_fail(rc);
  printf("primes below %u: %u (%d jobs in the worker pool)\n", p->n, sum, p->jobs);
  uint32_t here = count_primes_in(0, p->n);
  printf("primes below %u: %u (on the loop's thread)\n", p->n, here);
  printf("same count: %s\n", sum == here ? "yes" : "NO");
  /* How many turns the ticker had while the jobs ran depends on the host's
   * speed: it goes to stderr, for a person to look at. */
  fprintf(stderr, "ticker turns while the jobs ran: %d\n", turns);
  return sum == here ? 0 : weft_fail(WEFT_EFAILED);
}

int main(int argc, char **argv) {
  params p = {300000, 8};
  if (argc > 1) p.n = (uint32_t)strtoul(argv[1], NULL, 10);
  if (argc > 2) p.jobs = atoi(argv[2]);
  if (p.jobs < 1 || p.jobs > 1024) {
    fprintf(stderr, "usage: primes [N [J]] (1 <= J <= 1024)\n");
    return 2;
  }
  return weft_run(amain, &p, NULL) ? 1 : 0;
}
