/* weft — combinators with asyncio's semantics: gather, wait_for, wait,
 * shield, as_completed.
 *
 * All of them are called from inside a task (else WEFT_ENOTTASK) and never
 * take ownership of the futures passed in: the caller still releases them.
 */
#ifndef WEFT_COMBINATORS_H
#define WEFT_COMBINATORS_H

#include <stddef.h>
#include <stdint.h>
#include "task.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum weft_gather_flags {
  /* Default: the first child that fails or is cancelled cancels the others;
   * gather waits for them to finish (C arguments often live on the caller's
   * stack, so no child outlives the call) and returns that first failure. */
  WEFT_GATHER_FAIL_FAST = 0,
  /* asyncio's return_exceptions=True: wait for every child; each slot gets
   * its own status in `statuses`; gather returns 0. */
  WEFT_GATHER_EACH = 1
} weft_gather_flags;

/* Waits for `n` futures and stores their results in argument order in
 * `results[i]` (may be NULL) and their statuses (0, a failure code or
 * WEFT_ECANCELED) in `statuses[i]` (may be NULL).
 * Returns 0; with WEFT_GATHER_FAIL_FAST the first failure's code; or
 * WEFT_ECANCELED when the calling task is cancelled, in which case every
 * child is cancelled and has finished before gather returns. */
int weft_gather(weft_future *const *futs, size_t n, int flags, intptr_t *results, int *statuses);

/* The future behind weft_gather, for composing (e.g. weft_wait_for on a
 * gather). It resolves to 0 once the children are done as `flags` says, or
 * fails with the first failure. Cancelling it cancels the children; it
 * completes (cancelled) once they have all finished. `futs` is copied.
 * Returns a new future owned by the caller, or NULL (WEFT_ENOMEM/EINVAL). */
weft_future *weft_gather_future(weft_loop *loop, weft_future *const *futs, size_t n, int flags);

/* Awaits `f` for at most `timeout_ms` (negative: no limit). On timeout `f`
 * is cancelled, awaited until it has finished cancelling, and WEFT_ETIMEDOUT
 * is returned. Otherwise returns as weft_await. */
int weft_wait_for(weft_future *f, int64_t timeout_ms, intptr_t *result);

typedef enum weft_wait_mode {
  WEFT_FIRST_COMPLETED = 0,
  WEFT_FIRST_EXCEPTION = 1, /* first failure or cancellation, else all */
  WEFT_ALL_COMPLETED = 2
} weft_wait_mode;

/* Waits until `mode` is satisfied or `timeout_ms` passes (negative: no
 * limit). Cancels nothing. Returns the number of futures done (check each
 * with weft_future_done), 0 on timeout with none done, WEFT_ECANCELED when
 * the calling task is cancelled, WEFT_EINVAL for n == 0 or NULLs, WEFT_ENOMEM
 * when its bookkeeping cannot be allocated (nothing was waited for). */
int weft_wait(weft_future *const *futs, size_t n, int mode, int64_t timeout_ms);

/* A new future (owned by the caller) that completes like `f`, but whose
 * cancellation does not reach `f`: await it instead of `f` to protect `f`
 * from the awaiting task's cancellation. When `f` is done, it is done too
 * (asyncio.shield returns `f` itself then). It holds a reference to `f` until
 * the caller releases it; released while `f` is pending, it just stops
 * following `f`. Returns NULL on NULL/ENOMEM, or when the loop is closed. */
weft_future *weft_shield(weft_future *f);

/* Iterates over futures in the order they complete (asyncio.as_completed).
 * Storage is the caller's; call weft_as_completed_init, then
 * weft_as_completed_next until it returns WEFT_EDONE, then
 * weft_as_completed_close. */
typedef struct weft_as_completed {
  weft_future *done_queue_; /* private */
  void *slots_;
  size_t n_, taken_;
  weft_time_t deadline_;
  weft_loop *loop_;
} weft_as_completed;

/* Returns 0, WEFT_EINVAL, WEFT_ENOMEM. `timeout_ms` < 0: no limit. */
int weft_as_completed_init(weft_as_completed *it, weft_future *const *futs, size_t n, int64_t timeout_ms);

/* Waits for the next future to complete and stores it (borrowed) in *out.
 * Returns 0, WEFT_EDONE when all have been returned, WEFT_ETIMEDOUT,
 * WEFT_ECANCELED, WEFT_ENOTTASK. */
int weft_as_completed_next(weft_as_completed *it, weft_future **out);

/* Frees the iterator's internal state. Idempotent. */
void weft_as_completed_close(weft_as_completed *it);

#ifdef __cplusplus
}
#endif
#endif
