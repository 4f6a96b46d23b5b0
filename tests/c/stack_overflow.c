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
  /* Well under a page, and every byte written: natively each frame touches
   * the guard page before passing it; on wasm the canary below the stack
   * cannot be stepped over. Nothing else lives in the frame (no call with
   * varargs here): on wasm a 16-byte slot left unwritten in each frame can
   * sit exactly on the 16-byte canary, and the overflow then goes unseen
   * until it corrupts the heap. */
  volatile char frame[256];
  for (unsigned i = 0; i < sizeof frame; i++) frame[i] = (char)depth;
  /* Suspend every few frames: the wasm build checks its canary at each
   * switch, and must notice before the stack runs past the task's
   * Asyncify buffer (which sits below it) into memory that is not its own. */
  if (depth % 8 == 7 && weft_yield() != 0) return 0;
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
  /* wasm: a save buffer large enough for every frame, so the C stack is
   * what overflows (a full save buffer traps instead, reported only when
   * the host drives the loop). */
  to.asyncify_size = 256 * 1024;
  weft_task *t = weft_spawn(loop, deep, NULL, &to);
  weft_loop_run(loop);
  /* Not reached when the overflow is caught. */
  printf("no overflow detected: %s\n", weft_strerror(weft_future_result(t, NULL)));
  return 0;
}
