/* weft_run closes an async generator still suspended when the main task
 * ends (asyncio.run's shutdown_asyncgens): natively through weft_loop_free,
 * on wasm when the host is told the main task ended. The check lives in the
 * generator's cleanup, the only code that runs after main on both
 * platforms: its pending yield must return WEFT_ECLOSING, and the cleanup
 * may still await. */
#include <stdio.h>
#include <weft.h>

static int numbers(void *arg) {
  (void)arg;
  for (int i = 0;; i++) {
    int rc = weft_gen_yield(i);
    if (rc == 0) continue;
    int slept = weft_sleep(5); /* cleanup that awaits */
    if (rc == WEFT_ECLOSING && slept == 0)
      printf("ok suspended generator closed when main ended\n1 passed, 0 failed\n");
    else
      printf("FAIL generator's yield returned %s, cleanup sleep %s\n0 passed, 1 failed\n", weft_strerror_name(rc),
             weft_strerror_name(slept));
    return rc;
  }
}

static weft_aiter *gen;

static intptr_t amain(void *arg) {
  (void)arg;
  gen = weft_gen_new(NULL, numbers, NULL, NULL);
  intptr_t v;
  int rc = weft_anext(gen, &v);
  printf("main done (got %d, rc %d)\n", (int)v, rc);
  return 0; /* the generator is left suspended at its yield */
}

int main(void) {
  int rc = weft_run(amain, NULL, NULL);
  weft_aiter_free(gen); /* natively weft_run returns: the memory is ours to free */
  return rc ? 1 : 0;
}
