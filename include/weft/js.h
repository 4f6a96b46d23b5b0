/* weft — JavaScript promises and C tasks, both ways (wasm).
 *
 * C awaits a JS promise. JS registers the promise and gets an integer
 * handle (`weft.handle(promise)` from the npm package, or
 * `Module.weftHandle(promise)` on any weft program); the handle reaches C
 * (say as a task's argument) and C awaits it:
 *
 *   weft_js_value v;
 *   int rc = weft_js_await(handle, &v);  // 0, WEFT_EJS (rejected), WEFT_ECANCELED, ...
 *   if (rc == WEFT_EJS) printf("rejected: %s\n", v.text);
 *   weft_js_value_clear(&v);             // frees v.text
 *
 * JS awaits a C task. A task defined with WEFT_JS_TASK can be started by
 * name from JS, which gets a Promise for its result:
 *
 *   WEFT_JS_TASK(add_one) { return (intptr_t)arg + 1; }     // C
 *   await weft.run('add_one', 41)                            // JS: 42
 *   await weft.run('add_one', 1, { signal })                 // abort cancels the task
 *
 * Both directions are built on host futures (weft/host.h); docs/bridges.md
 * shows how to write a bridge of your own the same way.
 *
 * Natively there is no JS: weft_js_promise returns NULL and weft_js_await
 * returns WEFT_ENOSYS. The task registry (WEFT_JS_TASK, weft_js_find_task)
 * works on both.
 */
#ifndef WEFT_JS_H
#define WEFT_JS_H

#include <stdint.h>
#include "errors.h"
#include "future.h"
#include "task.h"
#include "gen.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a settled JS promise gave. */
/* What a settled JS promise gave: X(NAME, value) (src/js/library_promise.js
 * sends these values: scripts/constants.mjs gives it the same list). */
#define WEFT_JS_KINDS(X)                                                       \
  X(UNDEFINED, 0) /* undefined (also: a function or a symbol) */             \
  X(NULL, 1)                                                                 \
  X(BOOLEAN, 2)   /* number is 0 or 1 */                                     \
  X(NUMBER, 3)    /* number (a bigint is converted to a number) */           \
  X(STRING, 4)    /* text: the string, UTF-8 */                              \
  X(JSON, 5)      /* text: JSON.stringify of an object or array */           \
  X(ERROR, 6)     /* rejected: text is the reason's message (see below) */

typedef enum weft_js_kind {
#define WEFT__JS_KIND_ENUM(name, value) WEFT_JS_##name = value,
  WEFT_JS_KINDS(WEFT__JS_KIND_ENUM)
#undef WEFT__JS_KIND_ENUM
} weft_js_kind;

typedef struct weft_js_value {
  weft_js_kind kind;
  double number; /* NUMBER, BOOLEAN; 0 otherwise */
  /* STRING, JSON, ERROR: a NUL-terminated UTF-8 string allocated with
   * malloc, owned by the caller (weft_js_value_clear or free). NULL for the
   * other kinds. For a rejection, the text is "Name: message" when the
   * reason is an Error ("TypeError: boom"), else String(reason) for a
   * primitive and its JSON for an object ("42", "nope", "{\"code\":7}"). */
  char *text;
} weft_js_value;

/* Frees v->text and zeroes *v. NULL is ignored. */
void weft_js_value_clear(weft_js_value *v);

/* Turns the JS promise registered as `handle` into a future on `loop` (NULL:
 * the running loop). The handle is consumed: each handle can be turned into
 * a future once. The future resolves, when the promise fulfils, to an
 * intptr_t:
 *   - a number: truncated toward zero (booleans 1/0, null/undefined 0);
 *     NaN, ±Infinity and numbers outside intptr_t give 0 (`out` keeps the
 *     double);
 *   - a string: a malloc'd UTF-8 copy (char *) which the C side frees;
 *   - an object or array: its JSON text, malloc'd, which the C side frees.
 * When the promise rejects, the future fails with WEFT_EJS. If `out` is not
 * NULL it is filled when the promise settles (before the future completes)
 * with the kind, the number and, for strings, JSON and rejections, the text
 * (for strings and JSON the same pointer as the future's value: free it
 * once). `out` must stay valid until the future is done; it is left untouched
 * if the future was cancelled first.
 * Cancelling the future lets go of the promise (a JS promise cannot be
 * aborted; its outcome is then dropped and what it allocated freed).
 * Returns the future (one reference for the caller), or NULL: no loop, out of
 * memory, an unknown or already used handle, or natively. */
weft_future *weft_js_promise(weft_loop *loop, int handle, weft_js_value *out);

/* Inside a task: awaits the promise registered as `handle`. Returns 0 with
 * *out filled (out may be NULL, then strings and JSON are freed for you);
 * WEFT_EJS when it rejected (out->kind is WEFT_JS_ERROR and out->text the
 * message); WEFT_ECANCELED when the task was cancelled meanwhile;
 * WEFT_EINVAL for an unknown or used handle; WEFT_ENOTTASK outside a task;
 * WEFT_ENOSYS natively. Call weft_js_value_clear(out) when done with it. */
int weft_js_await(int handle, weft_js_value *out);

/* --- C tasks callable from JS ---------------------------------------------- */

/* What a task (or a generator's values) registered for JS hands over: a
 * number, or a malloc'd UTF-8 string JS frees. JS checks its `result`
 * option against this before anything starts, so a mismatch is a TypeError
 * and weft never frees a number as a pointer. */
typedef enum weft_js_result {
  WEFT_JS_RESULT_NUMBER = 0,
  WEFT_JS_RESULT_STRING = 1
} weft_js_result;

/* WEFT_JS_TASK(name) { ... } defines `static intptr_t name(void *arg)` and
 * registers it under "name" before main runs. From JS,
 * run('name', arg, { signal, result }) starts it as a task on the bridge's
 * loop (weft_js_loop) and returns a Promise:
 *   - arg: a number (an integer in int32 range: intptr_t is 32-bit on
 *     wasm32; anything else is a RangeError) arrives as
 *     (void *)(intptr_t)arg; a string arrives as a `const char *` (UTF-8),
 *     valid until the task ends (weft frees it; a string with a NUL or a
 *     lone surrogate is a TypeError, one that does not fit in memory
 *     rejects with WEFT_ENOMEM); undefined/null as NULL;
 *   - the task's return value fulfils the promise as a number;
 *     WEFT_JS_TASK_STRING(name) instead declares a task that returns a
 *     malloc'd UTF-8 string (or 0 for null), which weft frees: JS must
 *     pass { result: 'string' } for it, and only for it (else TypeError);
 *   - weft_fail(code) rejects with an Error whose .code is the weft code and
 *     whose message is weft_strerror's text (.codeName: "WEFT_E...");
 *   - aborting `signal` cancels the task (its cleanup runs) and rejects with
 *     signal.reason (a DOMException named "AbortError" unless the caller
 *     gave abort() a reason). */
#define WEFT_JS_TASK(name) WEFT__JS_TASK(name, WEFT_JS_RESULT_NUMBER)
#define WEFT_JS_TASK_STRING(name) WEFT__JS_TASK(name, WEFT_JS_RESULT_STRING)
#define WEFT__JS_TASK(name, result)                                               \
  static intptr_t name(void *arg);                                                \
  __attribute__((constructor)) static void weft_js_register_##name(void) {        \
    static weft_js_task_entry entry = {#name, name, result, 0};                   \
    weft_js_register_task(&entry);                                                \
  }                                                                               \
  static intptr_t name(void *arg)

typedef struct weft_js_task_entry {
  const char *name;
  weft_task_fn fn;
  weft_js_result result;            /* what it returns */
  struct weft_js_task_entry *next; /* private */
} weft_js_task_entry;

/* Registers a task under entry->name (the storage stays valid while the
 * program runs; WEFT_JS_TASK uses a static entry). A later registration of
 * the same name wins. Returns 0 or WEFT_EINVAL. */
int weft_js_register_task(weft_js_task_entry *entry);

/* The task registered under `name`, or NULL. */
weft_task_fn weft_js_find_task(const char *name);

/* --- async iterators across the boundary ----------------------------------- */

/* WEFT_JS_GEN(name) { ... } defines an async generator body
 * `static int name(void *arg)` (weft/gen.h) and registers it under "name".
 * From JS, weft.iterate('name', arg, { result }) creates the generator on
 * the bridge's loop and returns an AsyncIterator (for await ... of):
 *   - arg as for WEFT_JS_TASK (a number, or a string valid until the
 *     generator is freed);
 *   - each value weft_gen_yield hands over is a number; for a generator
 *     defined with WEFT_JS_GEN_STRING a malloc'd UTF-8 string, which weft
 *     frees (JS passes { result: 'string' } for it, and only for it);
 *   - the body's error rejects next() with an Error carrying the weft code;
 *   - leaving the loop early (break, throw) calls return(), which closes
 *     the generator (its pending yield returns WEFT_ECLOSING).
 * The generator is freed when iteration ends, fails, or is closed. */
#define WEFT_JS_GEN(name) WEFT__JS_GEN(name, WEFT_JS_RESULT_NUMBER)
/* A generator whose values are malloc'd UTF-8 strings (iterate with
 * { result: 'string' }, which is a TypeError for any other generator). */
#define WEFT_JS_GEN_STRING(name) WEFT__JS_GEN(name, WEFT_JS_RESULT_STRING)
#define WEFT__JS_GEN(name, result)                                                \
  static int name(void *arg);                                                     \
  __attribute__((constructor)) static void weft_js_register_gen_##name(void) {    \
    static weft_js_gen_entry entry = {#name, name, result, 0};                    \
    weft_js_register_gen(&entry);                                                 \
  }                                                                               \
  static int name(void *arg)

typedef struct weft_js_gen_entry {
  const char *name;
  weft_gen_fn fn;
  weft_js_result result;           /* what its values are */
  struct weft_js_gen_entry *next; /* private */
} weft_js_gen_entry;

/* Registers a generator under entry->name (storage valid while the program
 * runs). A later registration of the same name wins. Returns 0 or
 * WEFT_EINVAL. */
int weft_js_register_gen(weft_js_gen_entry *entry);

/* The generator registered under `name`, or NULL. */
weft_gen_fn weft_js_find_gen(const char *name);

/* A JS async iterable as a C async iterator. JS registers the iterable (any
 * object with [Symbol.asyncIterator] or [Symbol.iterator]) with
 * weft.iterHandle(iterable) and hands the handle to C, which wraps it once:
 *
 *   weft_aiter *it = weft_js_iter(handle);
 *   WEFT_AFOR(const weft_js_value *, v, it, &rc) printf("%g\n", v->number);
 *
 * Each value is a `const weft_js_value *` owned by the iterator, valid
 * until the next anext (kinds and conversions as for weft_js_await; take
 * v->text over by setting it to NULL if you keep it). A next() that rejects
 * gives WEFT_EJS, with the reason in weft_js_iter_error(it). Closing the
 * iterator (WEFT_AFOR's exit, weft_aclose, weft_aiter_free) calls the JS
 * iterator's return() and awaits it. Returns the iterator (the caller owns
 * it: weft_aiter_free), or NULL for a bad handle, out of memory, or natively.
 * The handle is used up by the iterator. */
weft_aiter *weft_js_iter(int handle);

/* After weft_anext on a weft_js_iter returned WEFT_EJS: the rejection
 * (kind WEFT_JS_ERROR, text "Name: message"), valid until the next call on
 * `it`. NULL otherwise. */
const weft_js_value *weft_js_iter_error(const weft_aiter *it);

/* The loop tasks started from JS run on: the one set with weft_js_set_loop,
 * else a loop weft creates on first use (real clock; WEFT_CLOCK=virtual and
 * WEFT_BUDGET_US from the environment as for weft_run). NULL only when out
 * of memory. */
weft_loop *weft_js_loop(void);

/* Makes JS start its tasks on `loop` (NULL: back to weft's own). A program
 * whose main task runs under weft_run can call
 * weft_js_set_loop(weft_running_loop()) so that JS tasks share its loop. */
void weft_js_set_loop(weft_loop *loop);

#ifdef __cplusplus
}
#endif
#endif
