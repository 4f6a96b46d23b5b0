/* Seed 004, "Boucles événementielles (run_tasks)" and "Environnement
 * asynchrone (interrupt)": the seed's round-robin loop, made visible one step
 * at a time. The Python original is examples/py/run_tasks.py:
 *
 *   class interrupt:
 *       def __await__(self): yield
 *
 *   async def compteur(nom, n):
 *       for i in range(n):
 *           print(f"{nom} : {i}")
 *           await interrupt()
 *       return f"{nom} a compté jusqu'à {n}"
 *
 *   def run_tasks(*taches):                 # a deque of (name, coroutine)
 *       while taches:
 *           nom, coro = taches.popleft(); pas += 1
 *           try: coro.send(None)
 *           except StopIteration as fin: print(f"[pas {pas}] {nom} terminée : {fin.value}")
 *           else: print(f"[pas {pas}] {nom} interrompue, remise en queue"); taches.append(...)
 *
 * What to look at: weft's loop is run_tasks. Its ready queue is the deque,
 * weft_yield is interrupt() (the task goes to the back of the queue), and
 * weft_loop_step_task is one turn of the while loop: it resumes the task at
 * the front until its next yield or its end. This main drives the loop by
 * hand, step by step, and prints what each step did, as run_tasks does;
 * weft_run or weft_loop_run would simply run the steps without a pause.
 */
#include <stdio.h>
#include <weft.h>

typedef struct compteur_args {
  const char *nom;
  int n;
  char resultat[64];
} compteur_args;

/* The task that the last step resumed (each task notes itself when it runs). */
static compteur_args *ran;

static intptr_t compteur(void *arg) {
  compteur_args *a = arg;
  for (int i = 0; i < a->n; i++) {
    ran = a;
    printf("%s : %d\n", a->nom, i);
    int rc = weft_yield(); /* await interrupt() */
    if (rc) return weft_fail(rc);
  }
  ran = a;
  snprintf(a->resultat, sizeof a->resultat, "%s a compté jusqu'à %d", a->nom, a->n);
  return (intptr_t)a->resultat;
}

int main(void) {
  weft_loop *loop = weft_loop_new(NULL);
  if (!loop) return 1;
  compteur_args a = {"Tâche 1", 2, ""}, b = {"Tâche 2", 3, ""};
  weft_task *t[2] = {weft_spawn(loop, compteur, &a, NULL), weft_spawn(loop, compteur, &b, NULL)};
  if (!t[0] || !t[1]) return 1;
  int pas = 0, more = 1;
  while (more) {
    ran = NULL;
    more = weft_loop_step_task(loop); /* one turn of run_tasks */
    if (more < 0) return 1;
    if (!ran) break; /* nothing was left to resume */
    pas++;
    weft_task *task = t[ran == &a ? 0 : 1];
    intptr_t fin;
    if (weft_future_done(task) && weft_future_result(task, &fin) == 0)
      printf("[pas %d] %s terminée : %s\n", pas, ran->nom, (const char *)fin);
    else
      printf("[pas %d] %s interrompue, remise en queue\n", pas, ran->nom);
  }
  weft_release(t[0]);
  weft_release(t[1]);
  return weft_loop_free(loop) == 0 ? 0 : 1;
}
