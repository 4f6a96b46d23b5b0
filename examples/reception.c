/* Seed 001, "Exemple : Simulation de Flux Réseau": two network clients
 * receive data at their own pace, gathered under a 10 s wait_for.
 *
 *   async def simuler_reception(nom, intervalle, iterations):
 *       for _ in range(iterations):
 *           print(f"{nom} reçoit des données")
 *           await asyncio.sleep(intervalle)
 *   async def main():
 *       await asyncio.gather(simuler_reception("Client 1", 1, iterations=4),
 *                            simuler_reception("Client 2", 1.5, iterations=3))
 *   async def main_limited():
 *       await asyncio.wait_for(main(), timeout=10)
 *
 * What to look at: Client 1 prints at 0, 1, 2, 3 s and Client 2 at 0, 1.5,
 * 3 s. At 3 s both timers are due: Client 2's was armed at 1.5 s, Client 1's
 * at 2 s, and timers with equal deadlines fire in the order they were armed,
 * so Client 2 prints first. The run ends at 4.5 s, well inside the 10 s:
 *
 *   Client 1 reçoit des données      0 s
 *   Client 2 reçoit des données      0 s
 *   Client 1 reçoit des données      1 s
 *   Client 2 reçoit des données      1.5 s
 *   Client 1 reçoit des données      2 s
 *   Client 2 reçoit des données      3 s
 *   Client 1 reçoit des données      3 s
 *
 * With `--timeout 2.5` (seconds) the deadline passes first. wait_for cancels
 * main's task, whose gather cancels both clients: each one's weft_sleep
 * returns WEFT_ECANCELED and its cleanup runs (asyncio's CancelledError
 * reaching a `finally`). wait_for returns only once they have all finished,
 * then reports WEFT_ETIMEDOUT (asyncio's TimeoutError); the program exits 0:
 *
 *   Client 1 reçoit des données      0 s
 *   Client 2 reçoit des données      0 s
 *   Client 1 reçoit des données      1 s
 *   Client 2 reçoit des données      1.5 s
 *   Client 1 reçoit des données      2 s
 *   Client 1 : réception annulée     2.5 s
 *   Client 2 : réception annulée     2.5 s
 *   Délai dépassé (TimeoutError)     2.5 s
 *
 * Usage: reception [--timeout S] [--intervalles MS1,MS2] [--iterations N1,N2]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <weft.h>

typedef struct client_args {
  const char *nom;
  int64_t intervalle_ms;
  int iterations;
} client_args;

static intptr_t simuler_reception(void *arg) {
  client_args *a = arg;
  for (int i = 0; i < a->iterations; i++) {
    printf("%s reçoit des données\n", a->nom);
    int rc = weft_sleep(a->intervalle_ms);
    if (rc == WEFT_ECANCELED) {
      /* The cleanup of a cancelled client; the task then ends cancelled. */
      printf("%s : réception annulée\n", a->nom);
      return 0;
    }
    if (rc) return weft_fail(rc);
  }
  return 0;
}

/* Set by main from its arguments (static: see timeout_ms below). */
static long long intervalles[2] = {1000, 1500}, iterations[2] = {4, 3};

/* main(): the two clients under gather. */
static intptr_t principal(void *arg) {
  (void)arg;
  client_args clients[2] = {{"Client 1", intervalles[0], (int)iterations[0]}, {"Client 2", intervalles[1], (int)iterations[1]}};
  weft_task *taches[2];
  for (int i = 0; i < 2; i++) {
    taches[i] = weft_spawn(NULL, simuler_reception, &clients[i], &(weft_task_options){.name = clients[i].nom});
    if (!taches[i]) {
      while (i--) weft_cancel(taches[i]), weft_release(taches[i]);
      return weft_fail(WEFT_ENOMEM);
    }
  }
  /* If this task is cancelled, gather cancels both clients and returns only
   * once they have finished, so `clients` (on this stack) outlives them. */
  int rc = weft_gather(taches, 2, WEFT_GATHER_FAIL_FAST, NULL, NULL);
  for (int i = 0; i < 2; i++) weft_release(taches[i]);
  return rc ? weft_fail(rc) : 0;
}

/* main_limited(): wait_for(main(), timeout). */
static intptr_t main_limited(void *arg) {
  int64_t timeout_ms = *(int64_t *)arg;
  weft_task *t = weft_spawn(NULL, principal, NULL, &(weft_task_options){.name = "main"});
  if (!t) return weft_fail(WEFT_ENOMEM);
  int rc = weft_wait_for(t, timeout_ms, NULL);
  weft_release(t);
  if (rc == WEFT_ETIMEDOUT) {
    printf("Délai dépassé (TimeoutError)\n");
    return 0;
  }
  return rc ? weft_fail(rc) : 0;
}

/* Static, not on main's stack: on wasm weft_run does not return (main's
 * frame is gone while the tasks run). */
static int64_t timeout_ms = 10000;

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
      char *end;
      double s = strtod(argv[++i], &end);
      if (*end || !(s >= 0) || s > 1e9) {
        fprintf(stderr, "reception: bad --timeout '%s' (seconds)\n", argv[i]);
        return 2;
      }
      timeout_ms = (int64_t)(s * 1000 + 0.5);
    } else if ((strcmp(argv[i], "--intervalles") == 0 || strcmp(argv[i], "--iterations") == 0) && i + 1 < argc) {
      long long *v = strcmp(argv[i], "--intervalles") == 0 ? intervalles : iterations;
      char *end;
      v[0] = strtoll(argv[++i], &end, 10);
      if (*end == ',') v[1] = strtoll(end + 1, &end, 10);
      if (*end || v[0] < 0 || v[1] < 0 || v[0] > 86400000 || v[1] > 86400000) {
        fprintf(stderr, "reception: bad value '%s' (two integers: A,B)\n", argv[i]);
        return 2;
      }
    } else {
      fprintf(stderr, "usage: reception [--timeout SECONDS] [--intervalles MS1,MS2] [--iterations N1,N2]\n");
      return 2;
    }
  }
  int rc = weft_run(main_limited, &timeout_ms, NULL);
  if (rc) fprintf(stderr, "reception: %s\n", weft_strerror(rc));
  return rc ? 1 : 0;
}
