/* weft — scopes: timeout scopes, cancellation shields and the async "with".
 *
 * Timeout scopes (asyncio.timeout, trio's fail_after / move_on_after) put a
 * deadline on every await made between weft_scope_enter and weft_scope_leave
 * by the current task, whatever those awaits are (sleep, await, gather,
 * fetch, a task group's wait, …). As in asyncio, no await needs to know about
 * scopes: when the deadline passes, the scope cancels the task, so the await
 * in progress returns WEFT_ECANCELED (what it awaited is cancelled too); the
 * code unwinds to weft_scope_leave, which absorbs that cancellation
 * (weft_uncancel) and returns WEFT_ETIMEDOUT.
 *
 * Scopes nest, strictly LIFO per task. The nearest deadline fires first, and
 * the scope whose deadline passed is the one whose leave reports
 * WEFT_ETIMEDOUT; inner scopes it covered return WEFT_ECANCELED from their
 * leave (the cancellation goes on unwinding), outer ones see their own result.
 * When several nested scopes have expired, the outermost of them reports
 * WEFT_ETIMEDOUT (the cancellation must unwind to it) and those inside it
 * return WEFT_ECANCELED; a scope whose deadline passes once an enclosing scope
 * has expired cancels nothing more (with equal deadlines the outer scope,
 * armed first, fires first). A real cancellation (weft_cancel
 * of the task) arriving while a scope is entered is never swallowed: that
 * scope's leave returns WEFT_ECANCELED and the task stays cancelled.
 *
 * Cancellation shields (trio's shielded cancel scope): between
 * weft_cancel_shield_enter and weft_cancel_shield_leave, cancellation requests
 * are counted but not delivered, so cleanup that awaits (closing a
 * connection, flushing a buffer) runs to its end; the request is delivered at
 * the first await after the shield comes down. Timeout scopes entered inside
 * a shield still fire inside it, so a bounded cleanup stays bounded.
 *
 * The async "with": weft_with (callbacks) and WEFT_DEFER (a block-scoped
 * release through __attribute__((cleanup)), gcc and clang) run an async
 * release on every exit path, cancellation included, under a shield.
 *
 * All functions here act on the current task: called outside a task they
 * return WEFT_ENOTTASK. Storage (weft_scope) is the caller's, usually a local
 * of the task's function; it must stay valid until weft_scope_leave. A task
 * that returns without leaving its scopes has their timers disarmed when it
 * finishes (no dangling timer), but their results are lost: always leave.
 */
#ifndef WEFT_SCOPE_H
#define WEFT_SCOPE_H

#include <stdint.h>
#include "task.h"

#ifdef __cplusplus
extern "C" {
#endif

/* No deadline: for weft_scope_enter_at / weft_scope_reschedule_at. */
#define WEFT_NO_DEADLINE INT64_MAX

/* A timeout scope. Caller-owned storage; fields are private. It need not be
 * initialised: weft_scope_enter does that. */
typedef struct weft_scope {
  struct weft_scope *parent_;
  weft_task *task_;
  weft_time_t deadline_;
  int32_t cancels_at_enter_;
  int32_t shield_level_;
  int32_t result_;
  uint8_t state_;
  uint8_t expired_;
} weft_scope;

/* Enters a timeout scope for the current task, expiring `timeout_ms`
 * milliseconds from now (0: at the next loop iteration; negative: no
 * deadline until weft_scope_reschedule sets one). Returns 0; WEFT_EINVAL for
 * NULL or a scope already entered; WEFT_ENOTTASK; WEFT_ECLOSED when the loop
 * is shutting down (the scope is then not entered). */
int weft_scope_enter(weft_scope *s, int64_t timeout_ms);

/* As weft_scope_enter with an absolute deadline on the loop's clock
 * (microseconds, see weft_loop_now), or WEFT_NO_DEADLINE. */
int weft_scope_enter_at(weft_scope *s, weft_time_t deadline);

/* Leaves `s`, which must be the current task's innermost scope, and disarms
 * its timer. Returns:
 *   0               the deadline did not pass while the scope was entered;
 *   WEFT_ETIMEDOUT  this scope expired: the cancellation it caused has been
 *                   absorbed, the task goes on normally;
 *   WEFT_ECANCELED  the task is being cancelled for another reason (an outer
 *                   scope expired, or weft_cancel): the cancellation stays
 *                   pending, so the caller should unwind further;
 *   WEFT_EINVAL     NULL, not entered, not the innermost scope, or entered by
 *                   another task (nothing is changed);
 *   WEFT_ENOTTASK.
 * The result is also kept in the scope (weft_scope_result). */
int weft_scope_leave(weft_scope *s);

/* Moves the deadline of an entered scope that has not expired (asyncio's
 * Timeout.reschedule): `timeout_ms` from now, negative for none. Returns 0,
 * WEFT_EINVAL (NULL, not entered), WEFT_ESTATE (already expired),
 * WEFT_ECLOSED. */
int weft_scope_reschedule(weft_scope *s, int64_t timeout_ms);

/* As weft_scope_reschedule with an absolute deadline or WEFT_NO_DEADLINE. */
int weft_scope_reschedule_at(weft_scope *s, weft_time_t deadline);

/* Non-zero once the scope's deadline has passed and the scope cancelled its
 * task (stays set after leave). 0 for NULL. */
int weft_scope_expired(const weft_scope *s);

/* The scope's deadline (loop time, µs) or WEFT_NO_DEADLINE. */
weft_time_t weft_scope_deadline(const weft_scope *s);

/* What the last weft_scope_leave returned (or why WEFT_TIMEOUT's enter
 * failed). */
int weft_scope_result(const weft_scope *s);

/* The convenience form: runs the block once inside scope `s`, entered with
 * `timeout_ms`, and leaves it however the block ends: falling off its end,
 * `continue`, `break`, `return` or `goto` out of it (the last three through
 * __attribute__((cleanup))). Afterwards weft_scope_result(&s) says 0,
 * WEFT_ETIMEDOUT or WEFT_ECANCELED (unless the block returned: then the
 * result is lost, but the scope was left all the same). If the scope could
 * not be entered the block does not run and the result is the error. The
 * block is a one-pass loop: `break` and `continue` leave it, not a loop
 * written around it (tests/c/test_macros.c).
 *
 *   weft_scope s;
 *   WEFT_TIMEOUT(s, 500) {
 *     if (weft_sleep(1000)) break;          // WEFT_ECANCELED at 500 ms
 *   }
 *   if (weft_scope_result(&s) == WEFT_ETIMEDOUT) ...
 *
 * Not covered: longjmp out of the block, and exit(). */
#define WEFT_TIMEOUT(s, timeout_ms) WEFT__TIMEOUT(s, timeout_ms, WEFT__FRESH(weft__scope_))
#define WEFT__TIMEOUT(s, timeout_ms, v)                                                                   \
  for (weft_scope *v __attribute__((cleanup(weft__scope_autoleave))) = weft__scope_begin(&(s), (timeout_ms)); \
       v && v->state_ == 1; weft_scope_leave(v))

/* --- cancellation shields ------------------------------------------------ */

/* Raises the current task's cancellation shield (they nest). A cancellation
 * that was pending delivery is held back too. Returns 0 or WEFT_ENOTTASK.
 * Keep shielded sections short and bounded: a shielded task ignores
 * weft_cancel, including the loop's shutdown, until it lowers the shield. */
int weft_cancel_shield_enter(void);

/* Lowers the shield raised by the matching enter. When the outermost shield
 * comes down, a cancellation requested meanwhile (or held back) is delivered
 * by the task's next await. Returns 0, WEFT_EINVAL (no shield up),
 * WEFT_ENOTTASK. */
int weft_cancel_shield_leave(void);

/* --- async with ---------------------------------------------------------- */

/* Acquires the resource, may await; stores it in *resource. Returns 0 or a
 * negative code (then nothing is released). */
typedef int (*weft_with_acquire_fn)(void *arg, void **resource);
/* Uses the resource; returns 0 or a negative code. */
typedef int (*weft_with_body_fn)(void *arg, void *resource);
/* Releases the resource, may await; `status` is what the body returned.
 * Runs under a cancellation shield. Returns 0 or a negative code. */
typedef int (*weft_with_release_fn)(void *arg, void *resource, int status);

/* Python's `async with`: acquire(arg, &r); body(arg, r); release(arg, r,
 * body's status), the release running whatever the body returned, with the
 * task's cancellation shielded (it is delivered afterwards). `acquire` may be
 * NULL (the resource is NULL); body and release may not.
 * Returns acquire's error if it failed (body and release did not run);
 * otherwise WEFT_ECANCELED if the task was cancelled meanwhile (that
 * cancellation is then delivered: later awaits are not cancelled again by
 * it); otherwise the body's status if non-zero, else the release's.
 * WEFT_EINVAL for a NULL body or release, WEFT_ENOTTASK. */
int weft_with(weft_with_acquire_fn acquire, weft_with_body_fn body, weft_with_release_fn release, void *arg);

/* The block-scoped form: when the enclosing block exits by any path
 * (end, break, continue, return, goto; not longjmp or exit()),
 * `fn(arg)` runs under a cancellation shield. It may await. Several
 * WEFT_DEFERs in a block run in reverse order, like nested `async with`.
 *
 *   conn *c = connect_async(...);         // acquire
 *   if (!c) return weft_fail(WEFT_ENOMEM);
 *   WEFT_DEFER(conn_close_async, c);      // released on every way out
 *   ... awaits; any of them may return WEFT_ECANCELED; just return ...
 */
typedef void (*weft_defer_fn)(void *arg);
typedef struct weft_defer {
  weft_defer_fn fn_;
  void *arg_;
} weft_defer;
#define WEFT_DEFER(fn, arg) \
  weft_defer WEFT__FRESH(weft__defer_) __attribute__((cleanup(weft__defer_run))) = {(fn), (arg)}

/* Private helpers of the macros. */
weft_scope *weft__scope_begin(weft_scope *s, int64_t timeout_ms);
void weft__scope_autoleave(weft_scope **s);
void weft__defer_run(weft_defer *d);

#ifdef __cplusplus
}
#endif
#endif
