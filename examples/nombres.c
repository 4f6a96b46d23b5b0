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
 */
#include <stdio.h>
#include <weft.h>

#define MAXIMUM 3

/* def generer_nombres(maximum): for i in range(maximum): yield i */
static int generer_nombres(void *arg) {
  int maximum = (int)(intptr_t)arg;
  for (int i = 0; i < maximum; i++) {
    int rc = weft_gen_yield(i);
    if (rc) return rc;
  }
  return 0;
}

static intptr_t traiter_nombre(void *arg) {
  int nombre = (int)(intptr_t)arg;
  int rc = weft_sleep(500); /* simule une tâche I/O */
  if (rc) return weft_fail(rc);
  printf("Traité : %d\n", nombre);
  return 0;
}

static intptr_t amain(void *arg) {
  (void)arg;
  weft_task *taches[MAXIMUM];
  int n = 0, status;
  /* taches = [traiter_nombre(nombre) for nombre in generer_nombres(3)] */
  WEFT_AFOR(int, nombre, weft_gen_new(NULL, generer_nombres, (void *)(intptr_t)MAXIMUM, NULL), &status) {
    char nom[32];
    snprintf(nom, sizeof nom, "traiter_nombre-%d", nombre);
    taches[n] = weft_spawn(NULL, traiter_nombre, (void *)(intptr_t)nombre, &(weft_task_options){.name = nom});
    if (!taches[n] || ++n == MAXIMUM) break;
  }
  int rc = status ? status : n == MAXIMUM ? weft_gather(taches, (size_t)n, WEFT_GATHER_FAIL_FAST, NULL, NULL) : WEFT_ENOMEM;
  for (int i = 0; i < n; i++) {
    if (rc && n < MAXIMUM) weft_cancel(taches[i]);
    weft_release(taches[i]);
  }
  return rc ? weft_fail(rc) : 0;
}

int main(void) {
  int rc = weft_run(amain, NULL, NULL);
  if (rc) fprintf(stderr, "nombres: %s\n", weft_strerror(rc));
  return rc ? 1 : 0;
}
