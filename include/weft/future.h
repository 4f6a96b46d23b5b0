/* weft — futures: a result that is not there yet.
 *
 * A future is pending, then exactly once becomes resolved (a value), failed
 * (a negative error code) or cancelled. Any number of tasks may await it;
 * done callbacks run on the loop (never synchronously inside the call that
 * completed the future), in the order they were added.
 *
 * Tasks are futures too (weft_task is the same type): everything here that
 * takes a weft_future accepts a task.
 *
 * Ownership: futures are reference counted. The creator gets one reference
 * and drops it with weft_release. A future with awaiters stays alive until
 * they have been woken. Result values are opaque intptr_t: weft never frees
 * what they point to.
 */
#ifndef WEFT_FUTURE_H
#define WEFT_FUTURE_H

#include <stdint.h>
#include "loop.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct weft_future weft_future;

/* The states: X(NAME, value, "name"); the name is the trace's (a finish
 * record's status, src/js/constants.mjs). */
#define WEFT_FUTURE_STATES(X)  \
  X(PENDING, 0, "pending")     \
  X(RESOLVED, 1, "done")       \
  X(FAILED, 2, "failed")       \
  X(CANCELLED, 3, "cancelled")

typedef enum weft_future_state {
#define WEFT__FUTURE_STATE_ENUM(name, value, str) WEFT_##name = value,
  WEFT_FUTURE_STATES(WEFT__FUTURE_STATE_ENUM)
#undef WEFT__FUTURE_STATE_ENUM
} weft_future_state;

/* A done callback: runs on the loop after `f` completes. */
typedef void (*weft_done_cb)(weft_future *f, void *arg);

/* Creates a pending future on `loop`. Returns NULL when out of memory or when
 * `loop` is NULL or closing. The caller owns one reference. */
weft_future *weft_future_new(weft_loop *loop);

/* Creates a future that the loop resolves with 0 once `ms` milliseconds
 * have passed on its clock (asyncio: loop.call_later(ms, fut.set_result);
 * JS: new Promise(r => setTimeout(r, ms))). The form of weft_sleep for code
 * that starts many waits and awaits them together (weft_gather, weft_wait,
 * weft_wait_for) or watches them with done callbacks, without a task per
 * wait. `loop` NULL means the running loop; ms < 0 counts as 0.
 * weft_cancel disarms the timer (the future ends cancelled); releasing the
 * last reference while it is pending disarms it too. It cannot be completed
 * by weft_future_resolve or weft_future_fail (WEFT_EINVAL).
 * Returns NULL when out of memory, or when there is no loop or it is
 * closing. The caller owns one reference. */
weft_future *weft_sleep_future(weft_loop *loop, int64_t ms);

/* Completes `f` with `value` and wakes its awaiters.
 * Returns 0, WEFT_ESTATE if `f` is already done, WEFT_EINVAL for NULL,
 * WEFT_EBADHANDLE for a released or foreign pointer. Tasks cannot be resolved
 * from outside (WEFT_EINVAL): they complete by returning. */
int weft_future_resolve(weft_future *f, intptr_t value);

/* Completes `f` as failed with `err` (a negative code; 0 or a positive value
 * becomes WEFT_EFAILED). Returns as weft_future_resolve. */
int weft_future_fail(weft_future *f, int err);

/* Requests cancellation (asyncio's Future.cancel / Task.cancel).
 * A plain future becomes cancelled at once. A task is cancelled at its
 * current await, which returns WEFT_ECANCELED (what it awaited is cancelled
 * too, as in asyncio); it may clean up, awaiting as it does, and ends
 * cancelled unless it calls weft_uncancel. A task that has not started yet
 * never runs. Returns 0 when the request was made, WEFT_ESTATE when `f` is
 * already done. */
int weft_cancel(weft_future *f);

/* The state of `f` (WEFT_PENDING for NULL). */
weft_future_state weft_future_state_of(const weft_future *f);

/* Non-zero when `f` is no longer pending. */
int weft_future_done(const weft_future *f);

/* The outcome of a done future: 0 with `*value` set (value may be NULL) if
 * resolved; the failure code if failed; WEFT_ECANCELED if cancelled;
 * WEFT_EPENDING if not done yet. */
int weft_future_result(const weft_future *f, intptr_t *value);

/* Adds a done callback (runs via the loop, once). If `f` is already done the
 * callback is scheduled at once. Returns 0, WEFT_EINVAL, WEFT_ENOMEM. */
int weft_future_on_done(weft_future *f, weft_done_cb cb, void *arg);

/* Removes every registration of (cb, arg) while `f` is still pending. Once
 * `f` is done its callbacks are already scheduled and run regardless (as in
 * asyncio). Returns the number removed. */
int weft_future_remove_done(weft_future *f, weft_done_cb cb, void *arg);

/* Takes one more reference. Returns `f`. */
weft_future *weft_retain(weft_future *f);

/* Drops one reference; the memory is reclaimed when the last goes. A running
 * task keeps running after its creator released it ("fire and forget").
 * Releasing the last reference to a pending plain future cancels it.
 * Returns 0, WEFT_EINVAL for NULL, WEFT_EBADHANDLE when `f` was already
 * released (double release; detected while the slot has not been reused). */
int weft_release(weft_future *f);

#ifdef __cplusplus
}
#endif
#endif
