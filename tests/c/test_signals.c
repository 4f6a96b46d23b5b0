/* weft's SIGSEGV/SIGBUS handler (src/task/ctx_native.c) names a task whose
 * stack overflowed, and hands every other fault to the handler that was
 * installed before it (the program's own, a sanitizer's, or the default).
 * Before it chained, a program's own handler was replaced the moment the
 * first task was spawned, and a fault it meant to catch killed the process.
 *
 * wasm has no signals: there the one case only spawns and runs a task. */
#include <stdio.h>
#include <string.h>

#include "harness.h"

static intptr_t noop(void *arg) {
  (void)arg;
  return weft_yield();
}

/* Spawns a task (which installs weft's handler) and runs it to the end. */
static void run_a_task(void) {
  weft_loop *loop = weft_loop_new(NULL);
  CHECK(loop != NULL);
  weft_task *t = weft_spawn(loop, noop, NULL, NULL);
  CHECK(t != NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_EQ(weft_release(t), 0);
  CHECK_EQ(weft_loop_free(loop), 0);
}

#ifndef __EMSCRIPTEN__
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf back;
static volatile sig_atomic_t seen_sig, seen_code;
static void *volatile seen_addr;

static void mine(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  seen_sig = sig;
  seen_code = si->si_code;
  seen_addr = si->si_addr;
  siglongjmp(back, 1);
}

/* A fault outside any task, on a page the program protected itself, reaches
 * the handler the program installed before weft's. */
static void a_fault_outside_tasks_reaches_the_programs_handler(void) {
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = mine;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  CHECK_EQ(sigaction(SIGSEGV, &sa, &old), 0);
  run_a_task();
  long page = sysconf(_SC_PAGESIZE);
  char *p = mmap(NULL, (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(p != MAP_FAILED);
  seen_sig = 0;
  static volatile int wrote;
  if (sigsetjmp(back, 1) == 0) {
    *(volatile char *)(p + 8) = 1; /* faults */
    wrote = 1;
  }
  CHECK_EQ(wrote, 0);
  CHECK_EQ(seen_sig, SIGSEGV);
  CHECK(seen_code > 0);
  CHECK(seen_addr == p + 8);
  munmap(p, (size_t)page);
  /* weft's handler is still the one installed: put back what was there. */
  sigaction(SIGSEGV, &old, NULL);
}

#endif

int main(void) {
#ifndef __EMSCRIPTEN__
  RUN(a_fault_outside_tasks_reaches_the_programs_handler);
#else
  RUN(run_a_task);
#endif
  return DONE();
}
