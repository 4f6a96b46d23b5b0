/* Task contexts natively: ucontext.
 *
 * Chosen over a hand-written switch because AddressSanitizer, UBSan and
 * valgrind all understand it (with the fiber annotations below), which is
 * what the native build is for: running the same tests as wasm under the
 * sanitizers. swapcontext's signal-mask syscall makes it slower than an
 * assembly switch; native speed is not weft's target.
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

static size_t page_size(void) {
  static size_t ps;
  if (!ps) ps = (size_t)sysconf(_SC_PAGESIZE);
  return ps;
}

static weft__ctx *running;

static void trampoline(unsigned hi, unsigned lo) {
  weft__ctx *c = (weft__ctx *)(((uintptr_t)hi << 32) | (uintptr_t)lo);
  ASAN_FINISH(NULL, &c->asan_caller_bottom, &c->asan_caller_size);
  c->entry(c->arg);
  c->finished = 1;
  ASAN_START(NULL, c->asan_caller_bottom, c->asan_caller_size); /* NULL: this fiber dies */
  setcontext(&c->caller);
}

/* A pool of freed stacks (guard page included), reused by the next task of
 * the same size: mmap + mprotect + munmap per task cost more than the task
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
} pooled_stack;

static _Thread_local pooled_stack pool[POOL_MAX > 0 ? POOL_MAX : 1];
static _Thread_local int pool_len;

static char *pool_take(size_t map_size) {
  for (int i = pool_len - 1; i >= 0; i--) {
    if (pool[i].map_size == map_size) {
      char *map = pool[i].map;
      pool[i] = pool[--pool_len];
      return map;
    }
  }
  return NULL;
}

int weft__ctx_init(weft__ctx *c, size_t stack_size, size_t async_size, weft__ctx_entry entry, void *arg) {
  (void)async_size;
  memset(c, 0, sizeof *c);
  size_t ps = page_size();
  stack_size = (stack_size + ps - 1) & ~(ps - 1);
  c->map_size = stack_size + ps;
  if (weft__alloc_fault()) return WEFT_ENOMEM; /* pooled or not, as on wasm */
  c->map = pool_take(c->map_size);
  if (!c->map) {
    c->map = mmap(NULL, c->map_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (c->map == MAP_FAILED) {
      c->map = NULL;
      return WEFT_ENOMEM;
    }
    mprotect(c->map, ps, PROT_NONE); /* guard page: an overflow faults instead of corrupting */
  }
  weft__alloc_track(+1);
  c->stack_size = stack_size;
  *(uint64_t *)(c->map + ps) = CANARY;
  c->entry = entry;
  c->arg = arg;
  if (getcontext(&c->uc) != 0) {
    weft__ctx_free(c);
    return WEFT_ENOMEM;
  }
  /* From c, not locals: getcontext returns twice, and locals live across it
   * may be clobbered. */
  c->uc.uc_stack.ss_sp = c->map + (c->map_size - c->stack_size);
  c->uc.uc_stack.ss_size = c->stack_size;
  c->uc.uc_link = NULL;
  uintptr_t p = (uintptr_t)c;
  makecontext(&c->uc, (void (*)(void))trampoline, 2, (unsigned)(p >> 32), (unsigned)(p & 0xffffffffu));
  return 0;
}

void weft__ctx_free(weft__ctx *c) {
  if (c->map) {
    weft__alloc_track(-1);
    if (pool_len < POOL_MAX) {
      pool[pool_len].map = c->map;
      pool[pool_len].map_size = c->map_size;
      pool_len++;
    } else {
      munmap(c->map, c->map_size);
    }
  }
  c->map = NULL;
}

int weft__ctx_stack_ok(const weft__ctx *c) { return *(const uint64_t *)(c->map + page_size()) == CANARY; }

size_t weft__ctx_stack_size(const weft__ctx *c) { return c->stack_size; }

/* Natively the guard page stops an overflow before it reaches anything, so
 * the task's own name stays intact; no copy needed. */
void weft__ctx_set_label(weft__ctx *c, const char *name) { (void)c, (void)name; }
const char *weft__ctx_label(const weft__ctx *c) { (void)c; return NULL; }

int weft__ctx_resume(weft__ctx *c) {
  weft__ctx *prev = running;
  running = c;
  c->started = 1;
  ASAN_START(&c->asan_fake_caller, c->map + page_size(), c->stack_size);
#ifdef WEFT_VALGRIND
  unsigned vg = VALGRIND_STACK_REGISTER(c->map + page_size(), c->map + c->map_size);
#endif
  swapcontext(&c->caller, &c->uc);
#ifdef WEFT_VALGRIND
  VALGRIND_STACK_DEREGISTER(vg);
#endif
  ASAN_FINISH(c->asan_fake_caller, NULL, NULL);
  running = prev;
  return !c->finished;
}

void weft__ctx_suspend(weft__ctx *c) {
  ASAN_START(&c->asan_fake_self, c->asan_caller_bottom, c->asan_caller_size);
  swapcontext(&c->uc, &c->caller);
  ASAN_FINISH(c->asan_fake_self, &c->asan_caller_bottom, &c->asan_caller_size);
}

/* --- naming the task whose stack overflowed ------------------------------ */

static const char *(*current_name)(void);

static void on_segv(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  weft__ctx *c = running;
  char *addr = (char *)si->si_addr;
  if (c && addr >= c->map && addr < c->map + page_size() + 256) {
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
  signal(sig, SIG_DFL); /* not ours: let the default action (or a debugger) see it */
  raise(sig);
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
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
}

#endif
