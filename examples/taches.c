/* Seed 001, "Exemple": three tasks gathered; they finish in the order of
 * their delays, and gather returns the results in argument order.
 *
 *   async def tache(nom, delai):
 *       print(f"Début de {nom}"); await asyncio.sleep(delai); print(f"Fin de {nom}")
 *       return f"Résultat de {nom}"
 *   resultats = await asyncio.gather(tache("Tâche 1", 2), tache("Tâche 2", 1), tache("Tâche 3", 1.5))
 *
 * Usage: taches [ms1 ms2 ms3]   (the three delays; 2000 1000 1500 by default)
 */
#include <stdio.h>
#include <stdlib.h>
#include <weft.h>

typedef struct tache_args {
  const char *nom;
  int64_t delai_ms;
  char resultat[64];
} tache_args;

static intptr_t tache(void *arg) {
  tache_args *a = arg;
  printf("Début de %s\n", a->nom);
  int rc = weft_sleep(a->delai_ms);
  if (rc) return weft_fail(rc);
  printf("Fin de %s\n", a->nom);
  snprintf(a->resultat, sizeof a->resultat, "Résultat de %s", a->nom);
  return (intptr_t)a->resultat;
}

/* Static: on wasm main's frame is gone while the tasks run. */
static int64_t delais[3] = {2000, 1000, 1500};

static intptr_t amain(void *arg) {
  (void)arg;
  tache_args args[3] = {{"Tâche 1", delais[0], ""}, {"Tâche 2", delais[1], ""}, {"Tâche 3", delais[2], ""}};
  weft_task *taches[3];
  for (int i = 0; i < 3; i++) taches[i] = weft_spawn(NULL, tache, &args[i], &(weft_task_options){.name = args[i].nom});
  intptr_t resultats[3];
  int rc = weft_gather(taches, 3, WEFT_GATHER_FAIL_FAST, resultats, NULL);
  for (int i = 0; i < 3; i++) weft_release(taches[i]);
  if (rc) return weft_fail(rc);
  printf("Résultats : ['%s', '%s', '%s']\n", (char *)resultats[0], (char *)resultats[1], (char *)resultats[2]);
  return 0;
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc && i <= 3; i++) {
    char *end;
    long long ms = strtoll(argv[i], &end, 10);
    if (*end || end == argv[i] || ms < 0 || ms > 86400000) {
      fprintf(stderr, "usage: taches [ms1 ms2 ms3]\n");
      return 2;
    }
    delais[i - 1] = ms;
  }
  int rc = weft_run(amain, NULL, NULL);
  if (rc) fprintf(stderr, "taches: %s\n", weft_strerror(rc));
  return rc ? 1 : 0;
}
