/* Task contexts on wasm: Asyncify driven from C, with no JS in the switch.
 *
 * Binaryen's Asyncify pass recognises imports from the "asyncify" module and
 * replaces them with its own functions. A function that calls start_unwind /
 * stop_rewind is the "top-most runtime" (ctx_suspend_impl here): it is not
 * instrumented, and its callers are. A function that calls stop_unwind /
 * start_rewind is the "bottom-most runtime" (weft__ctx_resume): it is not
 * instrumented either, so an unwind stops there and the scheduler keeps
 * running normally.
 *
 * Two consequences shape this file:
 * - The top-most runtime must never be inlined into a caller (the caller
 *   would lose its instrumentation and restart from its first line on
 *   rewind). emcc runs Binaryen's inliner before Asyncify, and Binaryen
 *   ignores __attribute__((noinline)), so suspension goes through a volatile
 *   function pointer that no optimiser can see through.
 * - Each task has its own C stack in linear memory. Asyncify saves only wasm
 *   locals, so stack frames stay where they are; __stack_pointer is saved at
 *   suspension and restored before rewinding.
 */
#if defined(__EMSCRIPTEN__)
#include "ctx.h"

#include <emscripten/stack.h>
#include <stdlib.h>
#include <string.h>

#include "weft/errors.h"

__attribute__((import_module("asyncify"), import_name("start_unwind"))) void weft__asyncify_start_unwind(void *data);
__attribute__((import_module("asyncify"), import_name("stop_unwind"))) void weft__asyncify_stop_unwind(void);
__attribute__((import_module("asyncify"), import_name("start_rewind"))) void weft__asyncify_start_rewind(void *data);
__attribute__((import_module("asyncify"), import_name("stop_rewind"))) void weft__asyncify_stop_rewind(void);

/* Emscripten's own stack-pointer accessors (compiler-rt stack_ops.S). */
void *stackSave(void);
void stackRestore(void *sp);

/* A frame can leave slots unwritten, so an overflow may skip a small
 * canary; 128 bytes of pattern make that unlikely at ~1 ns per check. */
#define CANARY_BYTES 128
#define LABEL_BYTES 48

/* A program linked with -sSTACK_OVERFLOW_CHECK=2 checks every stack-pointer
 * move against limits that only the post-link export __set_stack_limits sets
 * (emscripten_stack_set_limits does not, in 3.1.6). C cannot call that
 * export, so when the program has it, the limits also go through a JS import
 * (library_weft.js). Asked once; release programs pay one branch. */
extern int weft_js_stack_check_available(void);
extern void weft_js_set_stack_limits(void *base, void *end);
static int precise_checks = -1;

static void set_limits(void *base, void *end) {
  emscripten_stack_set_limits(base, end);
  if (precise_checks < 0) precise_checks = weft_js_stack_check_available();
  if (precise_checks) weft_js_set_stack_limits(base, end);
}
#define SET_LIMITS(base, end) set_limits((base), (end))
#define CANARY_WORD 0x74666577deadbeefull /* "weft" + 0xdeadbeef */

static weft__ctx *running;

/* A pool of freed task memory blocks ([save buffer | canary | stack | label]),
 * reused by the next task of the same sizes: spawning a short task then
 * costs no malloc/free of its ~20 KiB, and a burst of tasks finishing and
 * starting keeps reusing warm memory. Blocks are grouped by their (stack,
 * save buffer) sizes, a few classes, LIFO; the pool holds at most
 * POOL_MAX_BYTES and frees beyond that. A pooled block's save buffer holds
 * the link to the next one. Single-threaded, like the rest of the module. */
#define POOL_CLASSES 4
#define POOL_MAX_BYTES ((size_t)4 << 20)

typedef struct pool_class {
  size_t stack_size, async_size;
  char *head;
} pool_class;

static pool_class pool[POOL_CLASSES];
static size_t pool_bytes;

static size_t block_size(size_t stack_size, size_t async_size) {
  return async_size + CANARY_BYTES + stack_size + LABEL_BYTES;
}

static char *pool_take(size_t stack_size, size_t async_size) {
  for (int i = 0; i < POOL_CLASSES; i++) {
    pool_class *pc = &pool[i];
    if (pc->head && pc->stack_size == stack_size && pc->async_size == async_size) {
      char *mem = pc->head;
      memcpy(&pc->head, mem, sizeof pc->head);
      pool_bytes -= block_size(stack_size, async_size);
      return mem;
    }
  }
  return NULL;
}

/* Returns 0 when the block went into the pool, -1 when the caller frees it. */
static int pool_give(char *mem, size_t stack_size, size_t async_size) {
  size_t bytes = block_size(stack_size, async_size);
  if (pool_bytes + bytes > POOL_MAX_BYTES) return -1;
  pool_class *free_class = NULL;
  for (int i = 0; i < POOL_CLASSES; i++) {
    pool_class *pc = &pool[i];
    if (pc->head && pc->stack_size == stack_size && pc->async_size == async_size) {
      free_class = pc;
      break;
    }
    if (!pc->head && !free_class) free_class = pc;
  }
  if (!free_class) return -1;
  if (!free_class->head) {
    free_class->stack_size = stack_size;
    free_class->async_size = async_size;
  }
  memcpy(mem, &free_class->head, sizeof free_class->head);
  free_class->head = mem;
  pool_bytes += bytes;
  return 0;
}

int weft__ctx_init(weft__ctx *c, size_t stack_size, size_t async_size, weft__ctx_entry entry, void *arg) {
  memset(c, 0, sizeof *c);
  /* Checked before any rounding: 0xFFFFF000 + the canary and label would
   * wrap on wasm32 to a block smaller than the stack. */
  if (weft__check_stack_sizes(stack_size, async_size) != 0) return WEFT_EINVAL;
  stack_size = (stack_size + 15) & ~(size_t)15;
  async_size = (async_size + 15) & ~(size_t)15; /* keeps the canary words aligned */
  /* The save buffer sits just below the stack: a small overflow lands in the
   * canary and this task's own (idle while it runs) buffer, not in a
   * neighbour's memory, and the check at the next switch reports it. */
  /* A pooled stack counts as an allocation too, so fault injection is the
   * same with or without the pool; pooled stacks are not live. */
  if (weft__alloc_fault()) return WEFT_ENOMEM;
  c->mem = pool_take(stack_size, async_size);
  if (!c->mem) c->mem = aligned_alloc(16, block_size(stack_size, async_size));
  if (!c->mem) return WEFT_ENOMEM;
  weft__alloc_track(+1);
  c->abuf = c->mem;
  c->abuf_size = async_size;
  uint64_t *guard = (uint64_t *)(c->mem + async_size);
  for (size_t i = 0; i < CANARY_BYTES / 8; i++) guard[i] = CANARY_WORD;
  c->mem[async_size + CANARY_BYTES + stack_size] = 0;
  c->stack_size = stack_size;
  c->entry = entry;
  c->arg = arg;
  return 0;
}

void weft__ctx_free(weft__ctx *c) {
  if (c->mem) weft__alloc_track(-1);
  if (c->mem && pool_give(c->mem, c->stack_size, c->abuf_size) != 0) free(c->mem);
  c->mem = NULL;
}

int weft__ctx_stack_ok(const weft__ctx *c) {
  const uint64_t *guard = (const uint64_t *)(c->mem + c->abuf_size);
  uint64_t bad = 0;
  for (size_t i = 0; i < CANARY_BYTES / 8; i++) bad |= guard[i] ^ CANARY_WORD;
  return bad == 0;
}

size_t weft__ctx_stack_size(const weft__ctx *c) { return c->stack_size; }

void weft__ctx_set_label(weft__ctx *c, const char *name) {
  char *label = c->mem + c->abuf_size + CANARY_BYTES + c->stack_size;
  strncpy(label, name, LABEL_BYTES - 1);
  label[LABEL_BYTES - 1] = 0;
}

const char *weft__ctx_label(const weft__ctx *c) { return c->mem + c->abuf_size + CANARY_BYTES + c->stack_size; }

void weft__ctx_install_overflow_handler(const char *(*name_of_current)(void)) { (void)name_of_current; }

static void ctx_suspend_impl(void) {
  weft__ctx *c = running;
  if (c->rewinding) {
    c->rewinding = 0;
    weft__asyncify_stop_rewind();
    return;
  }
  c->adata.cur = c->abuf;
  c->adata.end = c->abuf + c->abuf_size;
  c->suspending = 1;
  weft__asyncify_start_unwind(&c->adata);
}

static void (*volatile ctx_suspend_fp)(void) = ctx_suspend_impl;

void weft__ctx_suspend(weft__ctx *c) {
  (void)c;
  ctx_suspend_fp();
}

int weft__ctx_resume(weft__ctx *c) {
  void *sched_sp = stackSave();
  uintptr_t sched_base = emscripten_stack_get_base(), sched_end = emscripten_stack_get_end();
  char *top = c->mem + c->abuf_size + CANARY_BYTES + c->stack_size;
  weft__ctx *prev = running;
  running = c;
  SET_LIMITS(top, c->mem + c->abuf_size + CANARY_BYTES);
  if (c->started) {
    c->rewinding = 1;
    stackRestore(c->sp);
    weft__asyncify_start_rewind(&c->adata);
  } else {
    c->started = 1;
    stackRestore(top);
  }
  c->entry(c->arg);
  int suspended = c->suspending;
  if (suspended) {
    c->suspending = 0;
    weft__asyncify_stop_unwind();
    c->sp = stackSave();
  } else {
    c->finished = 1;
  }
  /* Limits first: with STACK_OVERFLOW_CHECK=2 every write to
   * __stack_pointer, stackRestore's included, is checked against them. */
  SET_LIMITS((void *)sched_base, (void *)sched_end);
  stackRestore(sched_sp);
  running = prev;
  return suspended;
}

#endif
