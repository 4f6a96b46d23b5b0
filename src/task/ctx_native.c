/* Task contexts natively: a hand-written switch (x86-64, aarch64), or
 * ucontext elsewhere.
 *
 * The switch saves what the C calling convention says a call preserves and
 * nothing else: the callee-saved registers, the stack pointer, and the
 * floating-point control state (x86-64: MXCSR's control bits and the x87
 * control word; aarch64: FPCR), so a task that changes its rounding mode
 * keeps it to itself. It makes no system call. glibc's swapcontext also
 * saves and restores the signal mask, one rt_sigprocmask per swap, which
 * cost most of a switch (docs/benchmarks.md); weft never changes the mask
 * per task, so it has nothing to restore. Build with -DWEFT_CTX_UCONTEXT to
 * use ucontext anyway (other CPUs always do).
 *
 * Both switches keep the tools working: AddressSanitizer is told of every
 * switch with its fiber annotations, and each stack is registered with
 * valgrind while it is mapped, so memcheck sees a switch, not a huge move of
 * one stack pointer.
 *
 * Every stack is its own mapping, [guard | stack], and the guard is
 * GUARD_BYTES of PROT_NONE address space (it costs no memory). A frame that
 * runs off the stack faults in the guard, and the SIGSEGV handler names the
 * task. Code compiled with -fstack-clash-protection (weft's, and every
 * target that links weft through CMake: CMakeLists.txt) touches each page
 * of a large frame in order, so even a frame larger than the guard faults
 * there first; code compiled without it is caught for frames up to the
 * guard's size.
 *
 * Per-thread state: `tls` below (the running context and the stack pool).
 */
#if !defined(__EMSCRIPTEN__)
#define _GNU_SOURCE
#include "ctx.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "weft/errors.h"

#if defined(__SANITIZE_ADDRESS__)
#define WEFT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WEFT_ASAN 1
#endif
#endif

#ifdef WEFT_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define ASAN_START(save, bottom, size) __sanitizer_start_switch_fiber((save), (bottom), (size))
#define ASAN_FINISH(save, bottom, size) __sanitizer_finish_switch_fiber((save), (bottom), (size))
#else
#define ASAN_START(save, bottom, size) ((void)0)
#define ASAN_FINISH(save, bottom, size) ((void)0)
#endif

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define WEFT_VALGRIND 1
#endif
#endif

#define CANARY 0x7765667464656164ull /* "weftdead" */

/* The guard below each stack. 64 KiB: gcc's -fstack-clash-protection on
 * aarch64 assumes a guard of that size (it probes every 64 KiB there, every
 * 4 KiB on x86-64), and code compiled without probing is still caught for
 * frames up to it. Address space only: the pages are never committed. */
#define GUARD_BYTES ((size_t)64 * 1024)

static size_t page_size(void) {
  static size_t ps;
  if (!ps) ps = (size_t)sysconf(_SC_PAGESIZE);
  return ps;
}

static size_t guard_size(void) {
  size_t ps = page_size();
  return (GUARD_BYTES + ps - 1) & ~(ps - 1);
}

/* A pool of freed stacks (guard included), reused by the next task of the
 * same size: mmap + mprotect + munmap per task cost more than the task
 * switches of a short task. At most POOL_MAX stacks per thread, LIFO (the
 * most recently used pages are the likeliest to be resident); beyond that
 * they are unmapped. Under AddressSanitizer there is no pool, so that every
 * task starts on fresh memory the sanitizer has no stale view of. */
#ifdef WEFT_ASAN
#define POOL_MAX 0
#else
#define POOL_MAX 64
#endif

typedef struct pooled_stack {
  char *map;
  size_t map_size;
  unsigned vg_id;
} pooled_stack;

/* Everything this file keeps per thread, in one place. */
static _Thread_local struct {
  weft__ctx *running;
  int pool_len;
  pooled_stack pool[POOL_MAX > 0 ? POOL_MAX : 1];
} tls;

static int pool_take(size_t map_size, char **map, unsigned *vg_id) {
  for (int i = tls.pool_len - 1; i >= 0; i--) {
    if (tls.pool[i].map_size == map_size) {
      *map = tls.pool[i].map;
      *vg_id = tls.pool[i].vg_id;
      tls.pool[i] = tls.pool[--tls.pool_len];
      return 1;
    }
  }
  return 0;
}

static int map_stack(weft__ctx *c) {
  if (pool_take(c->map_size, &c->map, &c->vg_id)) return 0;
  char *map = mmap(NULL, c->map_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (map == MAP_FAILED) return WEFT_ENOMEM;
  /* guard: an overflow faults instead of corrupting */
  if (mprotect(map, guard_size(), PROT_NONE) != 0) {
    munmap(map, c->map_size);
    return WEFT_ENOMEM;
  }
  c->map = map;
#ifdef WEFT_VALGRIND
  c->vg_id = VALGRIND_STACK_REGISTER(map + guard_size(), map + c->map_size);
#endif
  return 0;
}

static void unmap_stack(char *map, size_t map_size, unsigned vg_id) {
#ifdef WEFT_VALGRIND
  VALGRIND_STACK_DEREGISTER(vg_id);
#else
  (void)vg_id;
#endif
  munmap(map, map_size);
}

static char *stack_lo(const weft__ctx *c) { return c->map + guard_size(); }
#if WEFT__CTX_ASM
static char *stack_hi(const weft__ctx *c) { return c->map + c->map_size; }
#endif

/* Where a new context starts: runs the entry, then leaves for good. */
__attribute__((used, noreturn)) void weft__ctx_boot(weft__ctx *c);

#if WEFT__CTX_ASM
/* weft__ctx_swap(save, to): pushes the callee-saved state on the current
 * stack, stores the stack pointer in *save, loads `to` and pops the state
 * found there. A new context's stack is laid out by ctx_init so that the
 * pop lands in weft__ctx_start with the context in a callee-saved register.
 * Hidden symbols: nothing outside the library calls them. */
void weft__ctx_swap(void **save, void *to);
void weft__ctx_start(void);

#if defined(__x86_64__)
/* Frame, from the saved stack pointer up: MXCSR (4 bytes), x87 control word
 * (2, then 2 unused), r15, r14, r13, r12, rbx, rbp, return address. */
#define FRAME_WORDS 8
#define FRAME_R12 4
#define FRAME_RET 7
__asm__(".text\n"
        ".globl weft__ctx_swap\n"
        ".hidden weft__ctx_swap\n"
        ".type weft__ctx_swap,@function\n"
        ".p2align 4\n"
        "weft__ctx_swap:\n"
        "  pushq %rbp\n"
        "  pushq %rbx\n"
        "  pushq %r12\n"
        "  pushq %r13\n"
        "  pushq %r14\n"
        "  pushq %r15\n"
        "  subq $8, %rsp\n"
        "  stmxcsr (%rsp)\n"
        "  fnstcw 4(%rsp)\n"
        "  movq %rsp, (%rdi)\n"
        "  movq %rsi, %rsp\n"
        "  ldmxcsr (%rsp)\n"
        "  fldcw 4(%rsp)\n"
        "  addq $8, %rsp\n"
        "  popq %r15\n"
        "  popq %r14\n"
        "  popq %r13\n"
        "  popq %r12\n"
        "  popq %rbx\n"
        "  popq %rbp\n"
        "  ret\n"
        ".size weft__ctx_swap,.-weft__ctx_swap\n"
        /* Entered by the swap's ret, with the stack pointer 16-aligned:
         * the call below then meets the ABI. r12 holds the context. */
        ".globl weft__ctx_start\n"
        ".hidden weft__ctx_start\n"
        ".type weft__ctx_start,@function\n"
        ".p2align 4\n"
        "weft__ctx_start:\n"
        "  .cfi_startproc\n"
        "  .cfi_undefined rip\n" /* the bottom of the task's stack, for debuggers */
        "  movq %r12, %rdi\n"
        "  call weft__ctx_boot\n"
        "  ud2\n"
        "  .cfi_endproc\n"
        ".size weft__ctx_start,.-weft__ctx_start\n");

static void init_frame(uintptr_t *frame, weft__ctx *c) {
  uint32_t mxcsr;
  uint16_t fpcw;
  __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
  __asm__ volatile("fnstcw %0" : "=m"(fpcw));
  frame[0] = (uintptr_t)mxcsr | ((uintptr_t)fpcw << 32); /* the task starts with its creator's FP modes */
  frame[FRAME_R12] = (uintptr_t)c;
  frame[FRAME_RET] = (uintptr_t)weft__ctx_start;
}
#elif defined(__aarch64__)
/* Frame, from the saved stack pointer up (8-byte words): x19..x28, x29
 * (frame pointer), x30 (link register), d8..d15, FPCR, one unused. */
#define FRAME_WORDS 22
#define FRAME_X19 0
#define FRAME_X30 11
#define FRAME_FPCR 20
__asm__(".text\n"
        ".globl weft__ctx_swap\n"
        ".hidden weft__ctx_swap\n"
        ".type weft__ctx_swap,%function\n"
        ".p2align 4\n"
        "weft__ctx_swap:\n"
        "  sub sp, sp, #176\n"
        "  stp x19, x20, [sp, #0]\n"
        "  stp x21, x22, [sp, #16]\n"
        "  stp x23, x24, [sp, #32]\n"
        "  stp x25, x26, [sp, #48]\n"
        "  stp x27, x28, [sp, #64]\n"
        "  stp x29, x30, [sp, #80]\n"
        "  stp d8, d9, [sp, #96]\n"
        "  stp d10, d11, [sp, #112]\n"
        "  stp d12, d13, [sp, #128]\n"
        "  stp d14, d15, [sp, #144]\n"
        "  mrs x9, fpcr\n"
        "  str x9, [sp, #160]\n"
        "  mov x10, sp\n"
        "  str x10, [x0]\n"
        "  mov sp, x1\n"
        "  ldp x19, x20, [sp, #0]\n"
        "  ldp x21, x22, [sp, #16]\n"
        "  ldp x23, x24, [sp, #32]\n"
        "  ldp x25, x26, [sp, #48]\n"
        "  ldp x27, x28, [sp, #64]\n"
        "  ldp x29, x30, [sp, #80]\n"
        "  ldp d8, d9, [sp, #96]\n"
        "  ldp d10, d11, [sp, #112]\n"
        "  ldp d12, d13, [sp, #128]\n"
        "  ldp d14, d15, [sp, #144]\n"
        "  ldr x10, [sp, #160]\n"
        "  cmp x9, x10\n" /* writing FPCR can be slow: only when it differs */
        "  b.eq 1f\n"
        "  msr fpcr, x10\n"
        "1:\n"
        "  add sp, sp, #176\n"
        "  ret\n"
        ".size weft__ctx_swap,.-weft__ctx_swap\n"
        ".globl weft__ctx_start\n"
        ".hidden weft__ctx_start\n"
        ".type weft__ctx_start,%function\n"
        ".p2align 4\n"
        "weft__ctx_start:\n"
        "  .cfi_startproc\n"
        "  .cfi_undefined x30\n"
        "  mov x0, x19\n"
        "  bl weft__ctx_boot\n"
        "  brk #0\n"
        "  .cfi_endproc\n"
        ".size weft__ctx_start,.-weft__ctx_start\n");

static void init_frame(uintptr_t *frame, weft__ctx *c) {
  uintptr_t fpcr;
  __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
  frame[FRAME_FPCR] = fpcr;
  frame[FRAME_X19] = (uintptr_t)c;
  frame[FRAME_X30] = (uintptr_t)weft__ctx_start;
}
#endif

static void switch_to(void **save, void *to) { weft__ctx_swap(save, to); }
#else
static void ucontext_start(unsigned hi, unsigned lo) {
  weft__ctx_boot((weft__ctx *)(((uintptr_t)hi << 32) | (uintptr_t)lo));
}
#endif

void weft__ctx_boot(weft__ctx *c) {
  ASAN_FINISH(NULL, &c->asan_caller_bottom, &c->asan_caller_size);
  c->entry(c->arg);
  c->finished = 1;
  ASAN_START(NULL, c->asan_caller_bottom, c->asan_caller_size); /* NULL: this fiber dies */
#if WEFT__CTX_ASM
  void *dead;
  switch_to(&dead, c->caller_sp);
#else
  setcontext(&c->caller);
#endif
  __builtin_unreachable();
}

int weft__ctx_init(weft__ctx *c, size_t stack_size, size_t async_size, weft__ctx_entry entry, void *arg) {
  memset(c, 0, sizeof *c);
  /* Before rounding up to pages and adding the guard, which would wrap. */
  if (weft__check_stack_sizes(stack_size, async_size) != 0) return WEFT_EINVAL;
  size_t ps = page_size();
  stack_size = (stack_size + ps - 1) & ~(ps - 1);
  c->map_size = stack_size + guard_size();
  c->stack_size = stack_size;
  if (weft__alloc_fault()) return WEFT_ENOMEM; /* pooled or not, as on wasm */
  if (map_stack(c) != 0) return WEFT_ENOMEM;
  weft__alloc_track(+1);
#ifdef WEFT_ASAN
  /* A mapping can come back at the address of one whose fiber died with its
   * frames poisoned: start from clean shadow. */
  __asan_unpoison_memory_region(stack_lo(c), c->stack_size);
#endif
  c->canary = (uint64_t *)stack_lo(c);
  *c->canary = CANARY;
  c->entry = entry;
  c->arg = arg;
#if WEFT__CTX_ASM
  uintptr_t *frame = (uintptr_t *)stack_hi(c) - FRAME_WORDS;
  memset(frame, 0, FRAME_WORDS * sizeof *frame);
  init_frame(frame, c);
  c->sp = frame;
#else
  if (getcontext(&c->uc) != 0) {
    weft__ctx_free(c);
    return WEFT_ENOMEM;
  }
  /* From c, not locals: getcontext returns twice, and locals live across it
   * may be clobbered. */
  c->uc.uc_stack.ss_sp = stack_lo(c);
  c->uc.uc_stack.ss_size = c->stack_size;
  c->uc.uc_link = NULL;
  uintptr_t p = (uintptr_t)c;
  makecontext(&c->uc, (void (*)(void))ucontext_start, 2, (unsigned)(p >> 32), (unsigned)(p & 0xffffffffu));
#endif
  return 0;
}

void weft__ctx_free(weft__ctx *c) {
  if (c->map) {
    weft__alloc_track(-1);
    if (tls.pool_len < POOL_MAX) {
      tls.pool[tls.pool_len++] = (pooled_stack){c->map, c->map_size, c->vg_id};
    } else {
      unmap_stack(c->map, c->map_size, c->vg_id);
    }
  }
  c->map = NULL;
}

int weft__ctx_stack_ok(const weft__ctx *c) { return *c->canary == CANARY; }

size_t weft__ctx_stack_size(const weft__ctx *c) { return c->stack_size; }

/* Natively the guard stops an overflow before it reaches anything, so the
 * task's own name stays intact; no copy needed. */
void weft__ctx_set_label(weft__ctx *c, const char *name) { (void)c, (void)name; }
const char *weft__ctx_label(const weft__ctx *c) { (void)c; return NULL; }

int weft__ctx_resume(weft__ctx *c) {
  weft__ctx *prev = tls.running;
  tls.running = c;
  c->started = 1;
  ASAN_START(&c->asan_fake_caller, stack_lo(c), c->stack_size);
#if WEFT__CTX_ASM
  switch_to(&c->caller_sp, c->sp);
#else
  swapcontext(&c->caller, &c->uc);
#endif
  ASAN_FINISH(c->asan_fake_caller, NULL, NULL);
  tls.running = prev;
  return !c->finished;
}

void weft__ctx_suspend(weft__ctx *c) {
  ASAN_START(&c->asan_fake_self, c->asan_caller_bottom, c->asan_caller_size);
#if WEFT__CTX_ASM
  switch_to(&c->sp, c->caller_sp);
#else
  swapcontext(&c->uc, &c->caller);
#endif
  ASAN_FINISH(c->asan_fake_self, &c->asan_caller_bottom, &c->asan_caller_size);
}

/* --- naming the task whose stack overflowed ------------------------------ */

static const char *(*current_name)(void);
/* What SIGSEGV and SIGBUS did before weft: a fault that is not a task's
 * overflow goes there (a sanitizer's handler, the program's own, or the
 * default action), so weft never takes a signal away from its owner. */
static struct sigaction prev_segv, prev_bus;

/* Hands a signal that is not ours to the handler that was there before. */
static void chain(int sig, siginfo_t *si, void *uc) {
  struct sigaction *prev = sig == SIGBUS ? &prev_bus : &prev_segv;
  if (prev->sa_flags & SA_SIGINFO) {
    prev->sa_sigaction(sig, si, uc);
  } else if (prev->sa_handler == SIG_IGN) {
    return;
  } else if (prev->sa_handler != SIG_DFL) {
    prev->sa_handler(sig);
  } else {
    /* The default action: put it back. A fault re-executes the faulting
     * instruction on return and then dies by it, with the state a debugger
     * or a core dump should see; a sent signal (si_code <= 0) is re-raised. */
    sigaction(sig, prev, NULL);
    if (si->si_code <= 0) raise(sig);
  }
}

static void on_segv(int sig, siginfo_t *si, void *uc) {
  weft__ctx *c = tls.running;
  char *addr = (char *)si->si_addr;
  /* In the guard, or the first bytes of the stack (its canary). */
  if (c && si->si_code > 0 && addr >= c->map && addr < stack_lo(c) + 256) {
    const char *name = current_name ? current_name() : NULL;
    char msg[256];
    int n = snprintf(msg, sizeof msg, "weft: task '%s' overflowed its %zu-byte C stack (WEFT_ESTACK)\n",
                     name ? name : "?", c->stack_size);
    if (n > 0) {
      ssize_t w = write(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
      (void)w;
    }
    _exit(134);
  }
  chain(sig, si, uc);
}

void weft__ctx_install_overflow_handler(const char *(*name_of_current)(void)) {
  static int installed;
  current_name = name_of_current;
  if (installed) return;
  installed = 1;
  static char altstack[64 * 1024];
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  sigaltstack(&ss, NULL);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, &prev_segv);
  sigaction(SIGBUS, &sa, &prev_bus);
}

#endif
