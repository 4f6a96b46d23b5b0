/* Seed 001, "Exemple Simple": two data sources fetched concurrently under
 * gather; each computes the mean of five random numbers, then main averages
 * the two means.
 *
 *   async def fetch_and_analyze(source, delay):
 *       print(f"[{source}] Récupération des données...")
 *       await asyncio.sleep(delay)
 *       data = [random.uniform(0, 100) for _ in range(5)]
 *       avg = sum(data) / len(data)
 *       print(f"[{source}] Moyenne calculée: {avg:.2f}")
 *       return avg
 *   sources = {"Source 1": 1.0, "Source 2": 1.5}
 *   results = await asyncio.gather(*[fetch_and_analyze(s, d) for s, d in sources.items()])
 *   print(f"Moyenne globale: {sum(results) / len(results):.2f}")
 *
 * What to look at: both sources start at once; Source 1 finishes after 1 s,
 * Source 2 after 1.5 s, and gather hands the means back in argument order.
 * A double does not fit in an intptr_t on wasm32, so each task returns a
 * pointer to the mean it stored in its own argument struct.
 *
 * Python's random is unseeded, so its numbers differ on every run. Here a
 * small splitmix64 generator, seeded per source, makes the output
 * reproducible and identical natively and on wasm:
 *
 *   [Source 1] Récupération des données...
 *   [Source 2] Récupération des données...
 *   [Source 1] Moyenne calculée: 63.44
 *   [Source 2] Moyenne calculée: 60.26
 *   Moyenne globale: 61.85
 *
 * Usage: fetch_and_analyze [ms1 ms2]   (the two delays; 1000 1500 by default)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <weft.h>

/* splitmix64 (Steele, Lea, Flood 2014): tiny, and the same on every
 * platform, unlike rand(). */
static uint64_t splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* random.uniform(lo, hi): a double in [lo, hi) from the top 53 bits. */
static double uniform(uint64_t *state, double lo, double hi) {
  return lo + (hi - lo) * ((double)(splitmix64(state) >> 11) * 0x1.0p-53);
}

typedef struct source_args {
  const char *source;
  int64_t delay_ms;
  uint64_t seed;
  double avg;
} source_args;

static intptr_t fetch_and_analyze(void *arg) {
  source_args *a = arg;
  printf("[%s] Récupération des données...\n", a->source);
  int rc = weft_sleep(a->delay_ms);
  if (rc) return weft_fail(rc);
  uint64_t state = a->seed;
  double sum = 0;
  for (int i = 0; i < 5; i++) sum += uniform(&state, 0, 100);
  a->avg = sum / 5;
  printf("[%s] Moyenne calculée: %.2f\n", a->source, a->avg);
  return (intptr_t)&a->avg;
}

static int64_t delais[2] = {1000, 1500};

static intptr_t amain(void *arg) {
  (void)arg;
  source_args sources[2] = {{"Source 1", delais[0], 1, 0}, {"Source 2", delais[1], 2, 0}};
  weft_task *taches[2];
  for (int i = 0; i < 2; i++) {
    taches[i] = weft_spawn(NULL, fetch_and_analyze, &sources[i], &(weft_task_options){.name = sources[i].source});
    if (!taches[i]) {
      while (i--) weft_release(taches[i]);
      return weft_fail(WEFT_ENOMEM);
    }
  }
  intptr_t results[2];
  int rc = weft_gather(taches, 2, WEFT_GATHER_FAIL_FAST, results, NULL);
  for (int i = 0; i < 2; i++) weft_release(taches[i]);
  if (rc) return weft_fail(rc);
  double global = (*(double *)results[0] + *(double *)results[1]) / 2;
  printf("Moyenne globale: %.2f\n", global);
  return 0;
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc && i <= 2; i++) {
    char *end;
    long long ms = strtoll(argv[i], &end, 10);
    if (*end || end == argv[i] || ms < 0 || ms > 86400000) {
      fprintf(stderr, "usage: fetch_and_analyze [ms1 ms2]\n");
      return 2;
    }
    delais[i - 1] = ms;
  }
  int rc = weft_run(amain, NULL, NULL);
  if (rc) fprintf(stderr, "fetch_and_analyze: %s\n", weft_strerror(rc));
  return rc ? 1 : 0;
}
