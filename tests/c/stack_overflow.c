/* A task that recurses without bound on a small stack must be stopped and
 * named: stderr gets "task 'deep' overflowed" and the exit status is
 * non-zero (registered with WILL_FAIL + a regex in tests/CMakeLists.txt).
 * Natively the guard page faults and weft's SIGSEGV handler names the task;
 * on wasm the canary check at the next switch does. */
#include <stdint.h>
#include <stdio.h>

#include "weft.h"

static volatile int sink;

static int recurse(int depth) {
  volatile char frame[256]; /* well under a page: every frame touches the guard page before passing it */
  for (unsigned i = 0; i < sizeof frame; i += 64) frame[i] = (char)depth;
  if (depth % 64 == 0 && depth) {
    /* Suspend now and then so the wasm build checks its canary. */
    if (weft_yield() != 0) return 0;
  }
  return recurse(depth + 1) + frame[depth % sizeof frame];
}

static intptr_t deep(void *arg) {
  (void)arg;
  sink = recurse(0);
  return 0;
}

int main(void) {
  weft_loop_options o = {0};
  o.clock = WEFT_CLOCK_VIRTUAL;
  weft_loop *loop = weft_loop_new(&o);
  weft_task_options to = {0};
  to.name = "deep";
  to.stack_size = 64 * 1024;
  weft_task *t = weft_spawn(loop, deep, NULL, &to);
  weft_loop_run(loop);
  /* Not reached when the overflow is caught. */
  printf("no overflow detected: %s\n", weft_strerror(weft_future_result(t, NULL)));
  return 0;
}
