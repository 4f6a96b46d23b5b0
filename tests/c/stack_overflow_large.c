/* One frame far larger than the task's stack and the guard below it, of
 * which only the far end is written: the overflow must still be caught at
 * that frame, with the task named ("task 'deep' overflowed", non-zero exit),
 * and nothing outside the task's own stack written.
 *
 * The frame skips over the task's 16 KiB stack and its 64 KiB guard. Without
 * stack probing its one write lands in whatever is mapped below: here the
 * mappings of the neighbour tasks that started while 'deep' was waiting (new
 * mappings go below older ones), so either a neighbour's frame is silently
 * changed and the program ends printing "no overflow detected", or the
 * write hits a neighbour's guard and the crash names no task.
 * Natively weft and the programs linked with it through CMake are compiled
 * with -fstack-clash-protection: the frame is probed page by page from the
 * top, and the first probe faults in the guard. On wasm this program is
 * linked with -sSTACK_OVERFLOW_CHECK=2 (the stack-pointer move itself is
 * checked); without that the frame steps over the canary unseen. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "weft.h"

#define BIG (256 * 1024)

static volatile int sink;
static volatile unsigned far_end = 0; /* not known to the compiler, so the whole frame is kept */

__attribute__((noinline)) static int big_frame(int v) {
  volatile char frame[BIG];
  frame[far_end] = (char)v; /* the lowest address: the far end of the frame */
  return frame[far_end];
}

static intptr_t deep(void *arg) {
  (void)arg;
  /* Let the neighbours start (and map their stacks) first. */
  for (int i = 0; i < 4; i++)
    if (weft_yield() != 0) return 0;
  sink = big_frame(42);
  return 0;
}

/* Holds a pattern in its frame across the overflow and checks it after. */
static int corrupted;
static intptr_t neighbour(void *arg) {
  (void)arg;
  volatile char mine[8 * 1024];
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
  to.stack_size = 16 * 1024;
  weft_task *t = weft_spawn(loop, deep, NULL, &to);
  weft_task_options no = {0};
  no.stack_size = 16 * 1024;
  for (int i = 0; i < 16; i++) weft_spawn_detached(loop, neighbour, NULL, &no);
  weft_loop_run(loop);
  /* Not reached when the overflow is caught. */
  printf("no overflow detected: %s%s\n", weft_strerror(weft_future_result(t, NULL)),
         corrupted ? ", and a neighbour's stack was changed" : "");
  return 0;
}
