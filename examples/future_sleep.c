/* Seed 004, "Futures - événements temporels (call_later)" and "utilitaires
 * (sleep)": sleep rebuilt from its two parts, a future and a time event of
 * the loop. The Python original is examples/py/future_sleep.py:
 *
 *   async def sleep(delay):
 *       loop = asyncio.get_running_loop()
 *       fut = loop.create_future()
 *       loop.call_later(delay, fut.set_result, None)
 *       await fut
 *
 *   async def compte(nom, n, delai):
 *       for i in range(n):
 *           print(f"{nom} : {i}")
 *           await sleep(delai)
 *       print(f"{nom} : fini")
 *       return n
 *
 *   resultats = await asyncio.gather(compte("Tâche A", 3, 1.0), compte("Tâche B", 2, 1.4))
 *   print(f"Résultats : {resultats}")
 *
 * and CPython prints (tests/node/examples.test.mjs runs both):
 *
 *   Tâche A : 0 / Tâche B : 0 / Tâche A : 1 / Tâche B : 1 / Tâche A : 2 /
 *   Tâche B : fini / Tâche A : fini / Résultats : [3, 2]
 *
 * What to look at: the seed's four steps are the four lines of my_sleep. The
 * future is created; call_later puts a time event for it in the loop's timer
 * heap; the await takes the task out of the ready queue; when the time comes
 * the loop runs the event, which completes the future, which puts the task
 * back in the ready queue. weft_sleep does exactly this, without the
 * allocation (its future and timer live in the task's record).
 */
#include <stdio.h>
#include <weft.h>

/* The time event: fut.set_result(None). */
static void set_result(weft_loop *loop, void *arg) {
  (void)loop;
  weft_future_resolve(arg, 0);
}

static int my_sleep(int64_t delay_ms) {
  weft_loop *loop = weft_running_loop();
  weft_future *fut = weft_future_new(loop); /* loop.create_future() */
  if (!fut) return WEFT_ENOMEM;
  weft_handle timer = {0};
  int rc = weft_call_later(loop, &timer, delay_ms, set_result, fut); /* loop.call_later(...) */
  if (rc == 0) {
    rc = weft_await(fut, NULL); /* await fut */
    /* Cancelled while waiting: the event must not fire on a freed future. */
    if (rc) weft_handle_cancel(&timer);
  }
  weft_release(fut);
  return rc;
}

typedef struct compte_args {
  const char *nom;
  int n;
  int64_t delai_ms;
} compte_args;

static intptr_t compte(void *arg) {
  compte_args *a = arg;
  for (int i = 0; i < a->n; i++) {
    printf("%s : %d\n", a->nom, i);
    int rc = my_sleep(a->delai_ms);
    if (rc) return weft_fail(rc);
  }
  printf("%s : fini\n", a->nom);
  return a->n;
}

static intptr_t amain(void *arg) {
  (void)arg;
  compte_args a = {"Tâche A", 3, 1000}, b = {"Tâche B", 2, 1400};
  weft_task *t[2] = {weft_spawn(NULL, compte, &a, NULL), weft_spawn(NULL, compte, &b, NULL)};
  intptr_t resultats[2] = {0, 0};
  int rc = weft_gather(t, 2, 0, resultats, NULL);
  weft_release(t[0]);
  weft_release(t[1]);
  if (rc) return weft_fail(rc);
  printf("Résultats : [%d, %d]\n", (int)resultats[0], (int)resultats[1]);
  return 0;
}

int main(void) { return weft_run(amain, NULL, NULL) ? 1 : 0; }
