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

/* The canary is the second line: every stack-pointer move is checked
 * (below), so an overflow stops before it writes; the canary, checked at
 * every switch, still catches a program linked without that check whose
 * frames write every slot. 16 bytes keep the save buffer's end aligned. */
#define CANARY_BYTES 16

/* Every weft program is linked with -sSTACK_OVERFLOW_CHECK=2 (CMakeLists.txt):
 * Binaryen checks each move of __stack_pointer against two limits of its own,
 * so an overflow is stopped at the frame that would cross them, before it
 * writes anything, whatever the frame's size. Those limits are set only by
 * the post-link export __set_stack_limits (emscripten_stack_set_limits does
 * not reach them in 3.1.6), which C cannot name. So C takes the address of
 * limits_slot, a function of the same type, and the host replaces that
 * function's table entry with the export (weft_js_stack_check_install,
 * library_weft.js): the call through the slot is then a plain wasm call,
 * ~2 ns, with no JS on the switch. A program linked without the check
 * (by hand, WEFT_WASM_OVERFLOW_CHECK=OFF) keeps the slot's own body. */
extern int weft_js_stack_check_install(void (*slot)(void *, void *));
static void *slot_args[2];
__attribute__((noinline)) static void limits_slot(void *base, void *end) {
  slot_args[0] = base; /* a body of its own, so no other function shares its table entry */
  slot_args[1] = end;
}
static void (*volatile set_precise_limits)(void *, void *) = limits_slot;
static int precise_checks = -1;

static inline __attribute__((always_inline)) void set_limits(void *base, void *end) {
  emscripten_stack_set_limits(base, end);
  if (__builtin_expect(precise_checks < 0, 0)) precise_checks = weft_js_stack_check_install(limits_slot);
  if (precise_checks) set_precise_limits(base, end);
}
#define SET_LIMITS(base, end) set_limits((base), (end))
#define CANARY_WORD 0x74666577deadbeefull /* "weft" + 0xdeadbeef */

static weft__ctx *running;

/* WEFT_STACK_PROBE (cmake -DWEFT_STACK_PROBE=ON, a measuring build, never a
 * release): every task stack is painted when the task starts, and at each
 * suspension and at the end the deepest byte it changed is found; with the
 * save buffer's fill at each suspension, each new maximum is appended as a
 * JSON line to the file named by the environment variable WEFT_STACK_PROBE
 * (Node only). This measured the defaults in include/weft/loop.h. */
#if defined(WEFT_STACK_PROBE)
#include <emscripten.h>
#define PAINT 0xa5
EM_JS(void, weft_js_probe_line, (const char *label, int peak, int at_suspend, int abuf, int stack_size), {
  if (typeof process === 'undefined' || !process.env.WEFT_STACK_PROBE) return;
  var fs = process.getBuiltinModule('node:fs');
  fs.appendFileSync(process.env.WEFT_STACK_PROBE, JSON.stringify({
    program: process.argv.slice(1).join(' '), task: UTF8ToString(label), peak: peak,
    at_suspend: at_suspend, save_buffer: abuf, stack_size: stack_size }) + '\n');
});
static size_t probe_peak, probe_at_suspend, probe_abuf;
static void probe_paint(weft__ctx *c) { memset(c->mem + c->abuf_size + CANARY_BYTES, PAINT, c->stack_size); }
static void probe_scan(weft__ctx *c, size_t at_suspend, size_t abuf) {
  const unsigned char *lo = (const unsigned char *)c->mem + c->abuf_size + CANARY_BYTES;
  size_t i = 0;
  while (i < c->stack_size && lo[i] == PAINT) i++;
  size_t peak = c->stack_size - i;
  if (peak > probe_peak || at_suspend > probe_at_suspend || abuf > probe_abuf) {
    if (peak > probe_peak) probe_peak = peak;
    if (at_suspend > probe_at_suspend) probe_at_suspend = at_suspend;
    if (abuf > probe_abuf) probe_abuf = abuf;
    weft_js_probe_line(weft__ctx_label(c), (int)peak, (int)at_suspend, (int)abuf, (int)c->stack_size);
  }
}
#define PROBE_PAINT(c) probe_paint(c)
#define PROBE_SCAN(c, at_suspend, abuf) probe_scan((c), (at_suspend), (abuf))
#else
#define PROBE_PAINT(c) ((void)0)
#define PROBE_SCAN(c, at_suspend, abuf) ((void)0)
#endif

/* A pool of freed task memory blocks ([save buffer | canary | stack]),
 * reused by the next task of the same sizes: spawning a short task then
 * costs no malloc/free of its block, and a burst of tasks finishing and
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
  return async_size + CANARY_BYTES + stack_size;
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
  c->stack_size = stack_size;
  c->entry = entry;
  c->arg = arg;
  PROBE_PAINT(c);
  return 0;
}

void weft__ctx_free(weft__ctx *c) {
  if (c->mem) PROBE_SCAN(c, 0, 0);
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

void weft__ctx_set_label(weft__ctx *c, const char *name) { c->label = name; }

const char *weft__ctx_label(const weft__ctx *c) { return c->label ? c->label : "?"; }

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
    PROBE_SCAN(c, (size_t)(top - (char *)c->sp), (size_t)((char *)c->adata.cur - c->abuf));
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
