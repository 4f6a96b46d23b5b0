/* Overflows of a task with the default stack size, each of which must stop
 * the program naming the task ("task 'deep' overflowed its N-byte C stack",
 * non-zero exit) before anything outside the task's own stack is written:
 *
 *   stack_overflow_frame  one frame twice the default stack, written only at
 *                         its far end (a frame that steps over any guard or
 *                         canary)
 *   stack_overflow_calls  many small frames, each fully written
 *
 * Neighbour tasks, started before 'deep' overflows, hold a pattern in their
 * own frames and check it afterwards; a line "no overflow detected" (and
 * whether a neighbour was changed) is printed only if the program goes on.
 * Natively the frame is probed page by page (-fstack-clash-protection) into
 * the guard; on wasm every stack-pointer move is checked against the running
 * task's limits (-sSTACK_OVERFLOW_CHECK=2, linked into every weft program),
 * so both overflows stop at the first frame that would cross the limit. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "weft.h"

static volatile int sink;
static volatile unsigned far_end = 0; /* unknown to the compiler: the whole frame is kept */

#if defined(WEFT_TEST_LARGE_FRAME)
#define BIG (2 * WEFT_DEFAULT_STACK_SIZE)
__attribute__((noinline)) static int big_frame(int v) {
  volatile char frame[BIG];
  frame[far_end] = (char)v; /* the lowest address: the far end of the frame */
  return frame[far_end];
}
static int overflow(void) { return big_frame(42); }
#else
__attribute__((noinline)) static int recurse(int depth) {
  volatile char frame[64];
  for (unsigned i = 0; i < sizeof frame; i++) frame[i] = (char)depth;
  return depth > 1000000 ? 0 : recurse(depth + 1) + frame[depth % sizeof frame];
}
static int overflow(void) { return recurse(0); }
#endif

static intptr_t deep(void *arg) {
  (void)arg;
  /* Let the neighbours start first. */
  for (int i = 0; i < 4; i++)
    if (weft_yield() != 0) return 0;
  sink = overflow();
  return 0;
}

static int corrupted;
static intptr_t neighbour(void *arg) {
  (void)arg;
  volatile char mine[256];
  memset((char *)mine, 0x5a, sizeof mine);
  for (int i = 0; i < 8; i++)
    if (weft_yield() != 0) return 0;
  for (unsigned i = 0; i < sizeof mine; i++)
    if (mine[i] != 0x5a) corrupted = 1;
  return 0;
}

int main(void) {
  weft_loop_options o = {0};
  o.clock = WEFT_CLOCK_VIRTUAL;
  weft_loop *loop = weft_loop_new(&o);
  weft_task_options to = {0};
  to.name = "deep";
  weft_task *t = weft_spawn(loop, deep, NULL, &to);
  for (int i = 0; i < 16; i++) weft_spawn_detached(loop, neighbour, NULL, NULL);
  weft_loop_run(loop);
  printf("no overflow detected: %s%s\n", weft_strerror(weft_future_result(t, NULL)),
         corrupted ? ", and a neighbour's stack was changed" : "");
  return 0;
}
