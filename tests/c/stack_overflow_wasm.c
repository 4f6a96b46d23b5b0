/* wasm only: the two overflows Asyncify adds, each named with the task.
 *
 *   stack_overflow_precise  — with -sSTACK_OVERFLOW_CHECK=2 (every program): a task
 *     recursing 256 KB past its 16 KB stack is stopped before the first
 *     write below its stack, so even an overflow that would wreck the heap
 *     is reported by name.
 *   stack_overflow_asyncify — a task suspending 100 frames deep with a
 *     256-byte Asyncify save buffer: the unwind cannot fit.
 *
 * Both run under weft_run, the host-driven path, where the JS host names the
 * failure; each must exit non-zero with "task 'deep' overflowed". */
#include <stdio.h>
#include <string.h>
#include <weft.h>

static int frames(int n) {
  volatile char buf[256];
  memset((char *)buf, n, sizeof buf);
  return n == 0 ? buf[0] : frames(n - 1) + buf[1];
}

/* No stack frame (nothing of it lives in memory), but wasm locals for
 * Asyncify to save at every level. */
static int suspended_deep(int n) {
  if (n == 0) return weft_yield();
  int r = suspended_deep(n - 1);
  return r * 3 + n;
}

static intptr_t deep(void *arg) {
#ifdef WEFT_TEST_ASYNCIFY
  (void)arg;
  return suspended_deep(100);
#else
  weft_yield();
  return frames(1000 + (int)(intptr_t)arg);
#endif
}

static intptr_t amain(void *arg) {
  weft_task_options opts = {.name = "deep", .asyncify_size = 256};
  weft_task *t = weft_spawn(NULL, deep, arg, &opts);
  intptr_t r = 0;
  int rc = weft_await(t, &r);
  weft_release(t);
  printf("not reached: the task finished (%s)\n", weft_strerror(rc));
  return 0;
}

int main(void) { return weft_run(amain, NULL, NULL) ? 1 : 0; }
