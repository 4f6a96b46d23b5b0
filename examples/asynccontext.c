/* Seed 004, "Gestionnaires de contexte asynchrones (contextlib)": an
 * `async with` resource built from an async generator, as
 * contextlib.asynccontextmanager builds one. The Python original is
 * examples/py/asynccontext.py:
 *
 *   @asynccontextmanager
 *   async def connexion(nom):
 *       print(f"{nom} : ouverture"); await asyncio.sleep(0.1)
 *       try:
 *           yield nom.upper()
 *       finally:
 *           print(f"{nom} : fermeture"); await asyncio.sleep(0.1); print(f"{nom} : fermée")
 *
 *   async def client(nom, delai, echoue):
 *       try:
 *           async with connexion(nom) as c:
 *               print(f"{nom} : utilise {c}"); await asyncio.sleep(delai)
 *               if echoue: raise ValueError(f"{nom} échoue")
 *               print(f"{nom} : terminé")
 *       except ValueError as e:
 *           print(f"{nom} : erreur : {e}")
 *
 *   await asyncio.gather(client("alice", 0.3, False), client("bob", 0.5, True))
 *
 * What to look at: asynccontextmanager's __aenter__ is the generator's first
 * anext (the code before the yield, and the value yielded is the resource);
 * its __aexit__ resumes the generator after the yield: a second anext when
 * the block ended normally (the generator must then end), an aclose when it
 * failed (weft has no athrow: the yield returns WEFT_ECLOSING, which the
 * generator treats as the `finally`). Here weft_with runs the three parts;
 * the release runs under a cancellation shield, whatever the body returned.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <weft.h>

#define ECHEC (-1000) /* the body's own failure: ValueError */

typedef struct client_args {
  const char *nom;
  int delai_ms, echoue;
  char majuscules[32];
  weft_aiter *cm; /* the generator behind the context manager */
} client_args;

/* async def connexion(nom): the generator. */
static int connexion(void *arg) {
  client_args *a = arg;
  printf("%s : ouverture\n", a->nom);
  int rc = weft_sleep(100);
  if (rc) return rc;
  size_t i = 0;
  for (; a->nom[i] && i + 1 < sizeof a->majuscules; i++) a->majuscules[i] = (char)toupper((unsigned char)a->nom[i]);
  a->majuscules[i] = 0;
  rc = weft_gen_yield((intptr_t)a->majuscules); /* yield nom.upper() */
  /* finally: on the second anext (rc 0) and on aclose (WEFT_ECLOSING) alike */
  printf("%s : fermeture\n", a->nom);
  int rc2 = weft_sleep(100);
  if (rc2) return rc2;
  printf("%s : fermée\n", a->nom);
  return rc == WEFT_ECLOSING ? 0 : rc;
}

/* __aenter__: run the generator up to its yield; the value is the resource. */
static int aenter(void *arg, void **resource) {
  client_args *a = arg;
  a->cm = weft_gen_new(NULL, connexion, a, NULL);
  if (!a->cm) return WEFT_ENOMEM;
  intptr_t value;
  int rc = weft_anext(a->cm, &value);
  if (rc) {
    weft_aiter_free(a->cm);
    return rc == WEFT_EDONE ? WEFT_ESTATE : rc; /* "generator didn't yield" */
  }
  *resource = (void *)value;
  return 0;
}

/* __aexit__: resume after the yield; the generator must end there. */
static int aexit(void *arg, void *resource, int status) {
  (void)resource;
  client_args *a = arg;
  intptr_t extra;
  int rc = status == 0 ? weft_anext(a->cm, &extra) : weft_aclose(a->cm);
  if (status == 0) rc = rc == WEFT_EDONE ? 0 : rc == 0 ? WEFT_ESTATE : rc; /* "generator didn't stop" */
  int rc2 = weft_aiter_free(a->cm);
  return rc ? rc : rc2;
}

/* The block: async with connexion(nom) as c: ... */
static int corps(void *arg, void *resource) {
  client_args *a = arg;
  printf("%s : utilise %s\n", a->nom, (const char *)resource);
  int rc = weft_sleep(a->delai_ms);
  if (rc) return rc;
  if (a->echoue) return ECHEC; /* raise ValueError(f"{nom} échoue") */
  printf("%s : terminé\n", a->nom);
  return 0;
}

static intptr_t client(void *arg) {
  client_args *a = arg;
  int rc = weft_with(aenter, corps, aexit, a);
  if (rc == ECHEC) {
    printf("%s : erreur : %s échoue\n", a->nom, a->nom); /* except ValueError as e */
    return 0;
  }
  return rc ? weft_fail(rc) : 0;
}

static intptr_t amain(void *arg) {
  (void)arg;
  client_args alice = {"alice", 300, 0, "", NULL}, bob = {"bob", 500, 1, "", NULL};
  weft_task *t[2] = {weft_spawn(NULL, client, &alice, NULL), weft_spawn(NULL, client, &bob, NULL)};
  int rc = weft_gather(t, 2, 0, NULL, NULL);
  weft_release(t[0]);
  weft_release(t[1]);
  return rc ? weft_fail(rc) : 0;
}

int main(void) { return weft_run(amain, NULL, NULL) ? 1 : 0; }
