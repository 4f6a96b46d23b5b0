/* weft_run, like asyncio.run, cancels tasks still alive when the main task
 * ends (natively through weft_loop_free; on wasm, where weft_run never
 * returns, when the host is told the main task ended). The check lives in
 * the leftover task's cleanup, the only code that runs after main on both
 * platforms; if the leftover were not cancelled it would sleep a minute and
 * report a failure (and the run would time out first). */
#include <stdio.h>
#include <weft.h>

static intptr_t leftover(void *arg) {
  (void)arg;
  int rc = weft_sleep(60000);
  if (rc == WEFT_ECANCELED)
    printf("ok leftover task cancelled when main ended\n1 passed, 0 failed\n");
  else
    printf("FAIL leftover task woke with %s\n0 passed, 1 failed\n", weft_strerror_name(rc));
  return 0;
}

static intptr_t amain(void *arg) {
  (void)arg;
  weft_spawn_detached(NULL, leftover, NULL, &(weft_task_options){.name = "leftover"});
  weft_sleep(10);
  printf("main done\n");
  return 0;
}

int main(void) { return weft_run(amain, NULL, NULL) ? 1 : 0; }
