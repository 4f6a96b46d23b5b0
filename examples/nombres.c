/* Seed 001, "Exemple Comparatif": a generator produces the numbers, a
 * coroutine processes each of them; the coroutines run concurrently.
 *
 *   def generer_nombres(maximum):
 *       for i in range(maximum): yield i
 *   async def traiter_nombre(nombre):
 *       await asyncio.sleep(0.5); print(f"Traité : {nombre}")
 *   taches = [traiter_nombre(nombre) for nombre in generer_nombres(3)]
 *   await asyncio.gather(*taches)
 *
 * What to look at: generer_nombres is a weft generator (weft/gen.h) that
 * never awaits: a WEFT_AFOR over it spawns one task per number. The three
 * traiter_nombre tasks sleep concurrently, so the whole run takes 0.5 s, not
 * 1.5 s; their timers share one deadline and fire in the order they were
 * armed:
 *
 *   Traité : 0
 *   Traité : 1
 *   Traité : 2
 *
 * Usage: nombres [maximum [ms]]   (3 numbers, 500 ms by default; at most 64)
 */
#include <stdio.h>
#include <stdlib.h>
#include <weft.h>

#define MAXIMUM_MAX 64

static int maximum = 3;
static int64_t delai_ms = 500;

/* def generer_nombres(maximum): for i in range(maximum): yield i */
static int generer_nombres(void *arg) {
  int count = (int)(intptr_t)arg;
  for (int i = 0; i < count; i++) {
    int rc = weft_gen_yield(i);
    if (rc) return rc;
  }
  return 0;
}

static intptr_t traiter_nombre(void *arg) {
  int nombre = (int)(intptr_t)arg;
  int rc = weft_sleep(delai_ms); /* simule une tâche I/O */
  if (rc) return weft_fail(rc);
  printf("Traité : %d\n", nombre);
  return 0;
}

static intptr_t amain(void *arg) {
  (void)arg;
  weft_task *taches[MAXIMUM_MAX];
  int n = 0, status;
  /* taches = [traiter_nombre(nombre) for nombre in generer_nombres(maximum)] */
  WEFT_AFOR(int, nombre, weft_gen_new(NULL, generer_nombres, (void *)(intptr_t)maximum, NULL), &status) {
    char nom[32];
    snprintf(nom, sizeof nom, "traiter_nombre-%d", nombre);
    taches[n] = weft_spawn(NULL, traiter_nombre, (void *)(intptr_t)nombre, &(weft_task_options){.name = nom});
    if (!taches[n] || ++n == maximum) break;
  }
  int rc = status ? status : n == maximum ? weft_gather(taches, (size_t)n, WEFT_GATHER_FAIL_FAST, NULL, NULL) : WEFT_ENOMEM;
  for (int i = 0; i < n; i++) {
    if (rc && n < maximum) weft_cancel(taches[i]);
    weft_release(taches[i]);
  }
  return rc ? weft_fail(rc) : 0;
}

int main(int argc, char **argv) {
  char *end = NULL;
  if (argc > 1 && ((maximum = (int)strtol(argv[1], &end, 10)) < 1 || maximum > MAXIMUM_MAX || *end)) goto usage;
  if (argc > 2 && ((delai_ms = strtoll(argv[2], &end, 10)) < 0 || delai_ms > 86400000 || *end)) goto usage;
  int rc = weft_run(amain, NULL, NULL);
  if (rc) fprintf(stderr, "nombres: %s\n", weft_strerror(rc));
  return rc ? 1 : 0;
usage:
  fprintf(stderr, "usage: nombres [maximum [ms]]   (maximum <= %d)\n", MAXIMUM_MAX);
  return 2;
}
