/* The context switch itself (src/task/ctx_native.c natively, ctx_asyncify.c
 * on wasm): what a task holds in registers survives its switches, and each
 * task keeps its own floating-point modes.
 *
 * Natively the switch saves only what the calling convention preserves
 * across a call (callee-saved registers, the stack pointer) plus the FP
 * control state (x86-64: MXCSR and the x87 control word; aarch64: FPCR).
 * These cases fail when one of those is lost or leaks to another task. wasm
 * has one rounding mode: there the FP case checks only that it stays. */
#include <fenv.h>
#include <stdint.h>
#include <stdio.h>

#include "harness.h"

/* Many values live across each yield, more than the caller-saved registers
 * can hold, so the compiler keeps some in callee-saved ones. Two tasks run
 * it with different seeds, interleaved, so a register restored from the
 * wrong task shows up in the sums. */
static unsigned long mix(unsigned long seed, int rounds) {
  unsigned long a = seed, b = seed * 3, c = seed * 5, d = seed * 7, e = seed * 11, f = seed * 13;
  double x = (double)seed, y = (double)seed / 2, z = (double)seed / 4;
  for (int i = 0; i < rounds; i++) {
    if (weft_yield() != 0) return 0;
    a += b ^ (unsigned long)i;
    b += c;
    c += d;
    d += e;
    e += f;
    f += a;
    x = x * 0.75 + y;
    y = y * 0.5 + z;
    z = z + 1;
  }
  return a + b + c + d + e + f + (unsigned long)x + (unsigned long)y + (unsigned long)z;
}

static unsigned long mix_alone(unsigned long seed, int rounds) {
  unsigned long a = seed, b = seed * 3, c = seed * 5, d = seed * 7, e = seed * 11, f = seed * 13;
  double x = (double)seed, y = (double)seed / 2, z = (double)seed / 4;
  for (int i = 0; i < rounds; i++) {
    a += b ^ (unsigned long)i;
    b += c;
    c += d;
    d += e;
    e += f;
    f += a;
    x = x * 0.75 + y;
    y = y * 0.5 + z;
    z = z + 1;
  }
  return a + b + c + d + e + f + (unsigned long)x + (unsigned long)y + (unsigned long)z;
}

static intptr_t mixer(void *arg) { return (intptr_t)(mix((unsigned long)(uintptr_t)arg, 200) & 0x7fffffff); }

static void registers_survive_switches(void) {
  weft_loop *loop = new_vloop();
  weft_task *t[4];
  for (int i = 0; i < 4; i++) t[i] = weft_spawn(loop, mixer, (void *)(intptr_t)(i * 1000 + 17), NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  for (int i = 0; i < 4; i++) {
    intptr_t v = 0;
    CHECK_EQ(weft_future_result(t[i], &v), 0);
    CHECK_EQ(v, (intptr_t)(mix_alone((unsigned long)(i * 1000 + 17), 200) & 0x7fffffff));
    weft_release(t[i]);
  }
  FREE_LOOP(loop);
}

/* 1/3 rounded in the current mode; volatile so it is computed at run time. */
static double third(void) {
  volatile double one = 1.0, three = 3.0;
  return one / three;
}

static int modes_ok = 1;

/* Sets its own rounding mode, then checks across several switches that it
 * still has it (the mode register and a division that depends on it), while
 * the other task runs with another mode. */
static intptr_t rounder(void *arg) {
  int mode = (int)(intptr_t)arg;
  if (fegetround() != FE_TONEAREST) modes_ok = 0; /* a new task starts in the loop thread's mode */
  if (fesetround(mode) != 0) return -1;
  double expect = third();
  for (int i = 0; i < 5; i++) {
    if (weft_yield() != 0) return -2;
    if (fegetround() != mode || third() != expect) modes_ok = 0;
  }
  fesetround(FE_TONEAREST);
  return 0;
}

static void rounding_modes_stay_with_their_task(void) {
#if defined(__EMSCRIPTEN__)
  fesetround(FE_UPWARD); /* wasm rounds to nearest only: Emscripten's libc accepts the call and ignores it */
  CHECK_EQ(fegetround(), FE_TONEAREST);
#else
  weft_loop *loop = new_vloop();
  modes_ok = 1;
  weft_task *up = weft_spawn(loop, rounder, (void *)(intptr_t)FE_UPWARD, NULL);
  weft_task *down = weft_spawn(loop, rounder, (void *)(intptr_t)FE_DOWNWARD, NULL);
  weft_task *zero = weft_spawn(loop, rounder, (void *)(intptr_t)FE_TOWARDZERO, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_future_result(up, NULL), 0);
  CHECK_EQ(weft_future_result(down, NULL), 0);
  CHECK_EQ(weft_future_result(zero, NULL), 0);
  CHECK(modes_ok);
  CHECK_EQ(fegetround(), FE_TONEAREST); /* the loop's own mode was never touched */
  weft_release(up);
  weft_release(down);
  weft_release(zero);
  FREE_LOOP(loop);
#endif
}

/* Deep frames on both sides of a switch: a task suspends 50 calls deep,
 * and the values each frame holds are intact when it unwinds. */
static int deep(int n) {
  volatile int here = n * 7;
  if (n == 0) return weft_yield() == 0 ? 0 : -1000000;
  int below = deep(n - 1);
  return below + (here == n * 7 ? 1 : -1000);
}

static intptr_t deep_task(void *arg) {
  (void)arg;
  int total = 0;
  for (int i = 0; i < 10; i++) total += deep(50);
  return total;
}

static void deep_frames_across_switches(void) {
  weft_loop *loop = new_vloop();
  /* 50 suspended frames take ~900 bytes of Asyncify save buffer (measured),
   * more than the default: the size is asked for, as a program would. */
  weft_task_options o = {.asyncify_size = 4096};
  weft_task *a = weft_spawn(loop, deep_task, NULL, &o);
  weft_task *b = weft_spawn(loop, deep_task, NULL, &o);
  CHECK_EQ(weft_loop_run(loop), 0);
  intptr_t va = 0, vb = 0;
  CHECK_EQ(weft_future_result(a, &va), 0);
  CHECK_EQ(weft_future_result(b, &vb), 0);
  CHECK_EQ(va, 500);
  CHECK_EQ(vb, 500);
  weft_release(a);
  weft_release(b);
  FREE_LOOP(loop);
}

int main(void) {
  RUN(registers_survive_switches);
  RUN(rounding_modes_stay_with_their_task);
  RUN(deep_frames_across_switches);
  return DONE();
}
