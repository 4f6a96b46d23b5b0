/* Coroutine contexts: the one platform-specific piece of weft.
 *
 * The model is asymmetric: the scheduler resumes a context, which runs until
 * it suspends or its entry returns; a context only ever suspends back to the
 * scheduler. Asyncify can express only this (an unwind returns to whoever
 * called into the instrumented code), and it keeps every scheduling decision
 * in plain C on both platforms.
 *
 *   ctx_asyncify.c  wasm: Asyncify unwind/rewind driven from C
 *   ctx_native.c    native: a hand-written switch (x86-64, aarch64; ucontext
 *                   elsewhere), mmap'd stacks with a guard, AddressSanitizer
 *                   fiber annotations, valgrind stack registration
 */
#ifndef WEFT_CTX_H
#define WEFT_CTX_H

#include <stddef.h>
#include <stdint.h>

typedef void (*weft__ctx_entry)(void *arg);

#if defined(__EMSCRIPTEN__)
typedef struct weft__ctx {
  struct { void *cur, *end; } adata; /* Asyncify's data header: must stay first */
  char *abuf;             /* save buffer (locals and call indices of the unwound frames) */
  size_t abuf_size;
  char *mem;              /* one allocation: [save buffer | canary | C stack] */
  size_t stack_size;
  void *sp;               /* __stack_pointer at suspension */
  weft__ctx_entry entry;
  void *arg;
  const char *label;      /* weft__ctx_set_label's name (not copied) */
  uint8_t started, finished, rewinding, suspending;
} weft__ctx;
#else
/* The hand-written switch where there is one (ctx_native.c), else ucontext.
 * -DWEFT_CTX_UCONTEXT picks ucontext anyway. */
#if !defined(WEFT_CTX_UCONTEXT) && (defined(__x86_64__) || defined(__aarch64__))
#define WEFT__CTX_ASM 1
#else
#define WEFT__CTX_ASM 0
#include <ucontext.h>
#endif
typedef struct weft__ctx {
#if WEFT__CTX_ASM
  void *sp;               /* the context's stack pointer while it is suspended */
  void *caller_sp;        /* the scheduler's while the context runs */
#else
  ucontext_t uc, caller;
#endif
  char *map;              /* mmap: [guard | stack] */
  uint64_t *canary;       /* at the stack's far end, checked at every switch */
  size_t map_size, stack_size;
  unsigned vg_id;         /* valgrind's id of the stack */
  weft__ctx_entry entry;
  void *arg;
  void *asan_fake_caller, *asan_fake_self;
  const void *asan_caller_bottom;
  size_t asan_caller_size;
  uint8_t started, finished;
} weft__ctx;
#endif

/* alloc.c (core, below this layer): counts an allocation attempt, non-zero
 * when a test made it fail; adjusts the live count; checks stack sizes
 * (declared in core/internal.h too). */
int weft__alloc_fault(void);
void weft__alloc_track(int delta);
int weft__check_stack_sizes(size_t stack_size, size_t async_size);

/* Prepares a context that will run entry(arg) on a new stack of
 * `stack_size` bytes (`async_size`: Asyncify save buffer, wasm only).
 * Returns 0, WEFT_EINVAL (a size weft__check_stack_sizes refuses) or
 * WEFT_ENOMEM. */
int weft__ctx_init(weft__ctx *c, size_t stack_size, size_t async_size, weft__ctx_entry entry, void *arg);

/* Releases the stack. The context must not be running. */
void weft__ctx_free(weft__ctx *c);

/* Runs the context until it suspends (returns 1) or its entry returns
 * (returns 0). Called by the scheduler only, never from inside a context. */
int weft__ctx_resume(weft__ctx *c);

/* Suspends the running context `c`; returns when it is resumed. */
void weft__ctx_suspend(weft__ctx *c);

/* Non-zero when the canary at the far end of the stack is intact. */
int weft__ctx_stack_ok(const weft__ctx *c);

/* Bytes of the context's C stack (for messages). */
size_t weft__ctx_stack_size(const weft__ctx *c);

/* A name kept with the stack for overflow reports. On wasm the context
 * keeps the pointer (the name must outlive the context: the task's own):
 * every stack-pointer move is checked (-sSTACK_OVERFLOW_CHECK=2), so an
 * overflow stops before it writes anywhere, and a copy beside the stack
 * would cost every task 48 bytes. Natively there is none (NULL): the guard
 * faults before an overflow writes, and the handler names the running task. */
void weft__ctx_set_label(weft__ctx *c, const char *name);
const char *weft__ctx_label(const weft__ctx *c);

/* Called once per process: installs the native guard-page handler that names
 * the task whose stack overflowed. `name_of_current` returns the running
 * task's name, or NULL. No-op on wasm. */
void weft__ctx_install_overflow_handler(const char *(*name_of_current)(void));

#endif
