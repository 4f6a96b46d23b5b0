/* Seed 001, "Exemple Avancé : Pipeline Asynchrone": a generator feeds five
 * transformer tasks gathered together, then their results feed five
 * consommer tasks gathered together.
 *
 *   def generer_donnees():
 *       for i in range(5): yield i
 *   async def transformer(donnee):
 *       await asyncio.sleep(0.3); return donnee * 2
 *   async def consommer(donnee):
 *       await asyncio.sleep(0.2); print(f"Consommé : {donnee}")
 *   resultats = await asyncio.gather(*[transformer(d) for d in generer_donnees()])
 *   await asyncio.gather(*(consommer(r) for r in resultats))
 *
 * What to look at: generer_donnees is a weft generator (weft/gen.h),
 * collected into an array like a list comprehension. Two gathers in
 * sequence. The five transformers sleep
 * concurrently (0.3 s in all, not 1.5 s) and gather returns their results in
 * argument order; then the five consumers, whose 0.2 s timers are armed in
 * the same loop iteration and so share one deadline, print in the order
 * they were armed. 0.5 s in all:
 *
 *   Consommé : 0
 *   Consommé : 2
 *   Consommé : 4
 *   Consommé : 6
 *   Consommé : 8
 *
 * Usage: pipeline [n [transform_ms [consume_ms]]]   (5, 300, 200 by default; n <= 16)
 */
#include <stdio.h>
#include <stdlib.h>
#include <weft.h>

#define N 16

static int n_donnees = 5;
static int64_t transformer_ms = 300, consommer_ms = 200;

/* def generer_donnees(): for i in range(5): yield i */
static int generer_donnees(void *arg) {
  (void)arg;
  for (int i = 0; i < n_donnees; i++) {
    int rc = weft_gen_yield(i);
    if (rc) return rc;
  }
  return 0;
}

static intptr_t transformer(void *arg) {
  intptr_t donnee = (intptr_t)arg;
  int rc = weft_sleep(transformer_ms);
  if (rc) return weft_fail(rc);
  return donnee * 2;
}

static intptr_t consommer(void *arg) {
  intptr_t donnee = (intptr_t)arg;
  int rc = weft_sleep(consommer_ms);
  if (rc) return weft_fail(rc);
  printf("Consommé : %d\n", (int)donnee);
  return 0;
}

/* Spawns fn over args[0..n), gathers, releases. results may be NULL. */
static int spawn_and_gather(const char *prefix, weft_task_fn fn, const intptr_t *args, int n, intptr_t *results) {
  weft_task *taches[N];
  for (int i = 0; i < n; i++) {
    char nom[32];
    snprintf(nom, sizeof nom, "%s-%d", prefix, i);
    taches[i] = weft_spawn(NULL, fn, (void *)args[i], &(weft_task_options){.name = nom});
    if (!taches[i]) {
      while (i--) weft_cancel(taches[i]), weft_release(taches[i]);
      return WEFT_ENOMEM;
    }
  }
  int rc = weft_gather(taches, (size_t)n, WEFT_GATHER_FAIL_FAST, results, NULL);
  for (int i = 0; i < n; i++) weft_release(taches[i]);
  return rc;
}

static intptr_t amain(void *arg) {
  (void)arg;
  intptr_t *donnees; /* [d for d in generer_donnees()] */
  size_t n;
  int rc = weft_aiter_collect(weft_gen_new(NULL, generer_donnees, NULL, NULL), &donnees, &n);
  if (rc) return weft_fail(rc);

  intptr_t resultats[N];
  rc = spawn_and_gather("transformer", transformer, donnees, (int)n, resultats);
  if (rc == 0) rc = spawn_and_gather("consommer", consommer, resultats, (int)n, NULL);
  free(donnees);
  return rc ? weft_fail(rc) : 0;
}

int main(int argc, char **argv) {
  char *end = NULL;
  if (argc > 1 && ((n_donnees = (int)strtol(argv[1], &end, 10)) < 1 || n_donnees > N || *end)) goto usage;
  if (argc > 2 && ((transformer_ms = strtoll(argv[2], &end, 10)) < 0 || transformer_ms > 86400000 || *end)) goto usage;
  if (argc > 3 && ((consommer_ms = strtoll(argv[3], &end, 10)) < 0 || consommer_ms > 86400000 || *end)) goto usage;
  int rc = weft_run(amain, NULL, NULL);
  if (rc) fprintf(stderr, "pipeline: %s\n", weft_strerror(rc));
  return rc ? 1 : 0;
usage:
  fprintf(stderr, "usage: pipeline [n [transform_ms [consume_ms]]]   (n <= %d)\n", N);
  return 2;
}
