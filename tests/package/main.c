/* A user's own weft program (tests/node/package.test.mjs): a task for JS
 * that reads the environment createWeft({ env }) set, sleeps ten minutes
 * (instant on the virtual clock), and a main that prints its arguments and
 * returns 3 (createWeft's onExit gets it; the host process's exit code must
 * not). */
#include <stdio.h>
#include <stdlib.h>
#include <weft.h>
#include <weft/js.h>

WEFT_JS_TASK_STRING(greet) {
  int rc = weft_sleep(600000);
  if (rc) return weft_fail(rc);
  const char *g = getenv("GREETING");
  char *out = malloc(128);
  if (!out) return weft_fail(WEFT_ENOMEM);
  snprintf(out, 128, "%s %s", g ? g : "(no GREETING)", arg ? (const char *)arg : "");
  return (intptr_t)out;
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) printf("arg %s\n", argv[i]);
  return 3;
}
