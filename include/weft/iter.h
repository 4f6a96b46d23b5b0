/* weft — the async iterator protocol: anext + aclose, an `async for` loop,
 * and the helpers that play the part of async comprehensions.
 *
 * An async iterator is anything that embeds a weft_aiter as its first member
 * and gives it a vtable: async generators (weft/gen.h), hand-written
 * class-style iterators (a struct with a buffer, seed 003's AsyncGetDocs),
 * JS async iterables (weft/js.h), and the iterators the helpers below build.
 * All are consumed the same way:
 *
 *   int rc;
 *   WEFT_AFOR(intptr_t, i, async_range(0, 5), &rc) {   // async for i in ...
 *     printf("%d\n", (int)i);
 *     if (i == 3) break;            // the iterator is closed and freed here
 *   }
 *   if (rc) ... an error from the iterator (0 at its end or on break/return)
 *
 *   weft_aiter *it = ...;
 *   intptr_t v;
 *   rc = weft_anext(it, &v);        // 0 with v, WEFT_EDONE at the end, or an error
 *   weft_aiter_free(it);            // closes it first if needed, then frees it
 *
 * Values are opaque intptr_t (a number, or a pointer whose ownership each
 * iterator documents). anext and aclose may suspend, so they are called from
 * a task (WEFT_ENOTTASK otherwise, as soon as they need to wait).
 *
 * Ownership: whoever holds a weft_aiter * owns it and ends with
 * weft_aiter_free (WEFT_AFOR and the consuming helpers do it for you). The
 * helpers that wrap iterators (map, filter, take, merge) take ownership of
 * their sources: closing or freeing the wrapper closes or frees them.
 */
#ifndef WEFT_ITER_H
#define WEFT_ITER_H

#include <stddef.h>
#include <stdint.h>
#include "errors.h"
#include "loop.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct weft_aiter weft_aiter;

/* What an iterator implements. weft calls these through weft_anext /
 * weft_aclose / weft_aiter_free, which already guard against misuse (NULL,
 * calls after the end, concurrent calls), so an implementation only does
 * its work. */
typedef struct weft_aiter_vt {
  /* The next value: 0 and *value set, WEFT_EDONE at the end, or a negative
   * error. May suspend. Required. */
  int (*anext)(weft_aiter *it, intptr_t *value);
  /* Ends the iteration early and releases what it holds (may suspend).
   * Called at most once, and not after anext returned WEFT_EDONE (it may
   * be called after anext returned an error). NULL: nothing to do. */
  int (*aclose)(weft_aiter *it);
  /* Frees the iterator's memory (no suspension). Called once, last. NULL:
   * the memory is the caller's (say, a struct on the task's stack). */
  void (*free)(weft_aiter *it);
} weft_aiter_vt;

/* The protocol's header; embed it as the FIRST member of an iterator and
 * set it up with weft_aiter_init. Fields are private. */
struct weft_aiter {
  const weft_aiter_vt *vt_;
  uint32_t magic_;
  uint8_t ended_;  /* anext returned WEFT_EDONE, or aclose ran */
  uint8_t busy_;   /* an anext or aclose is in progress */
};

/* Sets `it` up with `vt` (which must outlive it). Returns `it`, or NULL for
 * a NULL argument or a vtable without anext. */
weft_aiter *weft_aiter_init(weft_aiter *it, const weft_aiter_vt *vt);

/* Awaits the iterator's next value (Python's `await anext(it)`). Returns 0
 * with *value set (value may be NULL); WEFT_EDONE once the iterator is
 * exhausted (and from then on); the iterator's error (a generator reports
 * it once, then WEFT_EDONE); WEFT_EINPROGRESS when another anext or aclose on `it` is in
 * progress (asyncio's "already running"); WEFT_ECANCELED when the calling
 * task was cancelled meanwhile; WEFT_EINVAL for NULL or a pointer that is
 * not an initialised iterator. */
int weft_anext(weft_aiter *it, intptr_t *value);

/* Ends the iteration early (Python's `await it.aclose()`): the iterator
 * releases its resources, awaiting as it needs (a generator's pending yield
 * returns WEFT_ECLOSING). Idempotent: 0 when already ended or closed.
 * Returns 0, the iterator's error while closing (WEFT_EYIELD for a
 * generator that yielded again), WEFT_EINPROGRESS while an anext is in
 * progress, WEFT_ECANCELED when the caller was cancelled meanwhile. The
 * iterator is not freed: see weft_aiter_free. */
int weft_aclose(weft_aiter *it);

/* Closes `it` if it has not ended (awaiting, inside a task; outside a task
 * a generator's close is handed to its loop and runs there) and frees it.
 * Returns what closing returned (0 usually). NULL gives WEFT_EINVAL. The
 * pointer is invalid afterwards. WEFT_EINPROGRESS (and nothing is freed)
 * while an anext or aclose is in progress. */
int weft_aiter_free(weft_aiter *it);

/* --- async for -------------------------------------------------------------- */

/* WEFT_AFOR(type, name, iter, status) { body }
 *
 * Python's `async for name in iter: body`. `iter` (a weft_aiter *) is taken
 * over: it is closed and freed when the loop ends, whichever way it ends —
 * exhaustion, an error, `break`, `return` or `goto` out of the body (the
 * cleanup is __attribute__((cleanup)), which gcc and clang run on every
 * exit from the scope; it may await, since the task has its own stack).
 * Each value is converted to `type` with a cast (an integer or a pointer
 * type). `status` (int *, may be NULL) receives 0 when the iterator ended
 * or the body left the loop, else the iterator's error; an error from the
 * close replaces it (as one raised by aclose replaces the exception in
 * flight in Python's `async with aclosing(it)`).
 * `continue` works as in any loop. A NULL iter sets WEFT_EINVAL. */
#define WEFT_AFOR(type, name, iter, status) \
  WEFT__AFOR(type, name, iter, status, WEFT__FRESH(weft__afor_))

/* `f` is one fresh identifier per use (__COUNTER__, expanded once here), so
 * loops nest and several fit on one line. */
#define WEFT__AFOR(type, name, iter, status, f)                                                        \
  for (weft__afor f __attribute__((cleanup(weft__afor_end))) = weft__afor_begin((iter), (status));    \
       weft__afor_next(&f);)                                                                           \
    for (type name = (type)f.value; !f.stepped; f.stepped = 1)

/* Private state of WEFT_AFOR. */
typedef struct weft__afor {
  weft_aiter *it;
  int *status;
  intptr_t value;
  int started, stepped;
} weft__afor;
weft__afor weft__afor_begin(weft_aiter *it, int *status);
int weft__afor_next(weft__afor *f);
void weft__afor_end(weft__afor *f);

/* --- comprehensions and pipelines ------------------------------------------- */

/* [x async for x in it]: collects every value into a malloc'd array
 * (*values, *count; the caller frees *values; NULL and 0 when empty). Takes
 * `it` over (freed before returning). Returns 0, the iterator's error (what
 * was collected so far is freed), WEFT_ENOMEM, WEFT_EINVAL. */
int weft_aiter_collect(weft_aiter *it, intptr_t **values, size_t *count);

/* A map step: *out = f(in). May await (it runs in the consuming task).
 * Returns 0, or an error that ends the iteration with that error. */
typedef int (*weft_map_fn)(intptr_t in, intptr_t *out, void *ctx);
/* A filter predicate: 1 keeps the value, 0 drops it, negative: an error
 * that ends the iteration. May await. */
typedef int (*weft_filter_fn)(intptr_t value, void *ctx);

/* (f(x) async for x in src): a new iterator. Takes `src` over. Returns NULL
 * (and frees src) on NULL arguments or out of memory. */
weft_aiter *weft_aiter_map(weft_aiter *src, weft_map_fn f, void *ctx);

/* (x async for x in src if keep(x)). As weft_aiter_map. */
weft_aiter *weft_aiter_filter(weft_aiter *src, weft_filter_fn keep, void *ctx);

/* The first `n` values of src; then src is closed (early, with aclose) and
 * the new iterator ends. As weft_aiter_map. */
weft_aiter *weft_aiter_take(weft_aiter *src, size_t n);

/* Values of n iterators, consumed concurrently, in arrival order (each
 * source is pulled by its own task, one value ahead at most). Ends when
 * every source has ended; the first error ends it (the other sources are
 * then closed). Closing it cancels the pulls and closes every source. Takes
 * the sources over (the array itself is copied). Runs on `loop` (NULL: the
 * running loop). Returns NULL (and frees the sources) on bad arguments or
 * out of memory. */
weft_aiter *weft_aiter_merge(weft_loop *loop, weft_aiter *const *srcs, size_t n);

#ifdef __cplusplus
}
#endif
#endif
