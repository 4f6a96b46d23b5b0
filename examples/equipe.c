/* Structured concurrency in the style of seed 001's programs: asyncio's
 * TaskGroup, asyncio.timeout (nested) and `async with`, in C.
 *
 *   async def tache(nom, delai):
 *       print(f"Début de {nom}"); await asyncio.sleep(delai)
 *       print(f"Fin de {nom}"); return f"Résultat de {nom}"
 *
 *   async with asyncio.TaskGroup() as tg:                 # 1. all succeed
 *       t = [tg.create_task(tache(n, d)) for n, d in ...]
 *   try:                                                  # 2. two fail
 *       async with asyncio.TaskGroup() as tg: ...
 *   except* ValueError as eg: ...
 *   async with asyncio.timeout(1.0):                      # 3. nested timeouts
 *       try:
 *           async with asyncio.timeout(0.25): await asyncio.sleep(0.5)
 *       except TimeoutError: ...
 *       ...
 *   async with asyncio.timeout(0.5):                      # 4. a group under a timeout
 *       async with asyncio.TaskGroup() as tg: ...         #    one task holds a connection
 *                                                         #    (`async with`), closed when cancelled
 *
 * What to look at, with the times on the (virtual or real) clock:
 *
 *   === 1. Groupe de tâches ===
 *   Début de Tâche 1                                 0 s
 *   Début de Tâche 2
 *   Début de Tâche 3
 *   Fin de Tâche 2                                   0.5 s
 *   Fin de Tâche 3                                   0.75 s
 *   Fin de Tâche 1                                   1 s: the group waits for all three
 *   Résultats : ['Résultat de Tâche 1', 'Résultat de Tâche 2', 'Résultat de Tâche 3']
 *   === 2. Échecs dans un groupe ===
 *   Début de Tâche A                                 1 s
 *   Début de Tâche B
 *   Début de Tâche C
 *   Tâche B échoue                                   1.25 s: B fails first and
 *   Tâche C échoue                                            C fails as well;
 *   Tâche A annulée, nettoyage...                             A is cancelled,
 *   Tâche A nettoyée                                 1.35 s   its cleanup awaits
 *   ExceptionGroup : 2 erreurs (la première : WEFT_EINVAL)
 *     Tâche B : WEFT_EINVAL
 *     Tâche C : WEFT_EBUSY
 *   === 3. Délais imbriqués ===
 *   Étape 1 : délai dépassé (TimeoutError)           1.6 s: the inner 0.25 s scope
 *   Étape 2 : terminée                               1.8 s
 *   Étape 3 : annulée par le délai global            2.35 s: the outer 1 s scope
 *   Délai global dépassé (TimeoutError)
 *   === 4. Groupe sous un délai ===
 *   Connexion ouverte                                2.35 s
 *   Tâche rapide terminée                            2.6 s
 *   Tâche lente annulée                              2.85 s: the 0.5 s deadline
 *   Connexion fermée                                 2.95 s: the release awaited 0.1 s
 *   Délai dépassé : le groupe a tout annulé (TimeoutError)
 */
#include <stdio.h>
#include <weft.h>

typedef struct tache_args {
  const char *nom;
  int64_t delai_ms;
  int erreur; /* 0, or the code the task fails with */
  char resultat[64];
} tache_args;

static intptr_t tache(void *arg) {
  tache_args *a = arg;
  printf("Début de %s\n", a->nom);
  int rc = weft_sleep(a->delai_ms);
  if (rc == WEFT_ECANCELED) {
    printf("%s annulée, nettoyage...\n", a->nom);
    weft_sleep(100); /* cleanup may await: the group waits for it */
    printf("%s nettoyée\n", a->nom);
    return 0;
  }
  if (a->erreur) {
    printf("%s échoue\n", a->nom);
    return weft_fail(a->erreur);
  }
  printf("Fin de %s\n", a->nom);
  snprintf(a->resultat, sizeof a->resultat, "Résultat de %s", a->nom);
  return (intptr_t)a->resultat;
}

static int groupe_reussi(void) {
  printf("=== 1. Groupe de tâches ===\n");
  tache_args args[3] = {{"Tâche 1", 1000}, {"Tâche 2", 500}, {"Tâche 3", 750}};
  weft_group g;
  int rc = 0;
  WEFT_TASK_GROUP(g) {
    for (int i = 0; i < 3 && rc == 0; i++) rc = weft_group_spawn(&g, tache, &args[i], NULL, NULL);
    int w = weft_group_wait(&g);
    if (rc == 0) rc = w;
    if (rc) break;
    weft_group_outcome o[3];
    for (size_t i = 0; i < 3; i++) weft_group_outcome_at(&g, i, &o[i]);
    printf("Résultats : ['%s', '%s', '%s']\n", (char *)o[0].result, (char *)o[1].result, (char *)o[2].result);
  }
  return rc;
}

static int groupe_en_echec(void) {
  printf("=== 2. Échecs dans un groupe ===\n");
  tache_args args[3] = {{"Tâche A", 1000}, {"Tâche B", 250, WEFT_EINVAL}, {"Tâche C", 250, WEFT_EBUSY}};
  weft_group g;
  int rc = 0;
  WEFT_TASK_GROUP(g) {
    weft_task_options opts[3] = {{.name = "Tâche A"}, {.name = "Tâche B"}, {.name = "Tâche C"}};
    for (int i = 0; i < 3; i++) weft_group_spawn(&g, tache, &args[i], &opts[i], NULL);
    int premiere = weft_group_wait(&g);
    if (premiere == WEFT_ECANCELED) {
      rc = premiere;
      break;
    }
    weft_group_outcome echecs[3];
    size_t n = weft_group_failures(&g, echecs, 3);
    printf("ExceptionGroup : %zu erreurs (la première : %s)\n", n, weft_strerror_name(premiere));
    for (size_t i = 0; i < n && i < 3; i++)
      printf("  %s : %s\n", weft_task_name(echecs[i].task), weft_strerror_name(echecs[i].status));
  }
  return rc;
}

static int delais_imbriques(void) {
  printf("=== 3. Délais imbriqués ===\n");
  weft_scope global, etape;
  WEFT_TIMEOUT(global, 1000) {
    WEFT_TIMEOUT(etape, 250) {
      weft_sleep(500);
    }
    if (weft_scope_result(&etape) == WEFT_ETIMEDOUT) printf("Étape 1 : délai dépassé (TimeoutError)\n");
    WEFT_TIMEOUT(etape, 250) {
      if (weft_sleep(200) == 0) printf("Étape 2 : terminée\n");
    }
    WEFT_TIMEOUT(etape, 5000) {
      if (weft_sleep(2000) == WEFT_ECANCELED) printf("Étape 3 : annulée par le délai global\n");
    }
  }
  int rc = weft_scope_result(&global);
  if (rc == WEFT_ETIMEDOUT) {
    printf("Délai global dépassé (TimeoutError)\n");
    return 0;
  }
  return rc;
}

/* `async with connexion():` — opened by the task, closed on every way out,
 * here when the task is cancelled; the close awaits, shielded. */
static void fermer_connexion(void *arg) {
  (void)arg;
  weft_sleep(100);
  printf("Connexion fermée\n");
}

static intptr_t tache_lente(void *arg) {
  (void)arg;
  printf("Connexion ouverte\n");
  WEFT_DEFER(fermer_connexion, NULL);
  if (weft_sleep(2000) == WEFT_ECANCELED) {
    printf("Tâche lente annulée\n");
    return 0;
  }
  printf("Tâche lente terminée\n");
  return 0;
}

static intptr_t tache_rapide(void *arg) {
  (void)arg;
  if (weft_sleep(250) == 0) printf("Tâche rapide terminée\n");
  return 0;
}

static int groupe_sous_delai(void) {
  printf("=== 4. Groupe sous un délai ===\n");
  weft_scope s;
  weft_group g;
  WEFT_TIMEOUT(s, 500) {
    WEFT_TASK_GROUP(g) {
      weft_group_spawn(&g, tache_lente, NULL, NULL, NULL);
      weft_group_spawn(&g, tache_rapide, NULL, NULL, NULL);
      weft_group_wait(&g);
    }
  }
  int rc = weft_scope_result(&s);
  if (rc == WEFT_ETIMEDOUT) {
    printf("Délai dépassé : le groupe a tout annulé (TimeoutError)\n");
    return 0;
  }
  return rc;
}

static intptr_t principal(void *arg) {
  (void)arg;
  int rc = groupe_reussi();
  if (!rc) rc = groupe_en_echec();
  if (!rc) rc = delais_imbriques();
  if (!rc) rc = groupe_sous_delai();
  return rc ? weft_fail(rc) : 0;
}

int main(void) {
  int rc = weft_run(principal, NULL, NULL);
  if (rc) fprintf(stderr, "equipe: %s\n", weft_strerror(rc));
  return rc ? 1 : 0;
}
