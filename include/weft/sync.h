/* weft — synchronisation primitives with asyncio's semantics:
 * Event, Lock, Semaphore / BoundedSemaphore, Condition, Queue (FIFO, LIFO,
 * priority; bounded, with shutdown), and seed 004's Waiter(n).
 *
 * Common rules (docs/sync.md has the details):
 *
 * - Objects are created on a loop (NULL: the running loop) and freed by the
 *   user with the matching *_free. They are used from tasks of that loop;
 *   the waiting calls (wait, acquire, get, put, join) return WEFT_ENOTTASK
 *   outside a task and WEFT_EINVAL from a task of another loop.
 * - Fairness is FIFO, by direct hand-off: releasing a lock or a semaphore,
 *   putting an item, freeing a queue slot or notifying a condition gives the
 *   permit / item / slot / notification to the first waiter at once, so a
 *   caller arriving later (even a *_nowait one) can never overtake it.
 * - Every wait is cancellable (it returns WEFT_ECANCELED) and leaves the
 *   object consistent: a lock or semaphore permit handed to a waiter that is
 *   cancelled before it runs goes on to the next waiter; an item handed to a
 *   cancelled getter goes back where it was; a putter that returns
 *   WEFT_ECANCELED did not put its item; a notification consumed by a
 *   cancelled condition waiter is passed on.
 * - Freeing an object wakes every task still waiting on it (or about to
 *   return from a wait on it) with WEFT_EFREED; those calls then return
 *   without touching the freed memory. Freeing twice is undefined, as for
 *   free(). *_free returns the number of waiters so failed (>= 0), or
 *   WEFT_EINVAL for NULL.
 * - Queue values and Waiter results are opaque intptr_t, as task results:
 *   weft never frees what they point to.
 */
#ifndef WEFT_SYNC_H
#define WEFT_SYNC_H

#include <stddef.h>
#include <stdint.h>
#include "future.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- Event --------------------------------------------------------------- */

/* asyncio.Event: a flag that tasks wait to become set. */
typedef struct weft_event weft_event;

/* Creates a clear event. Returns NULL when out of memory or without a loop.
 * The caller frees it with weft_event_free. */
weft_event *weft_event_new(weft_loop *loop);

/* Fails every waiter with WEFT_EFREED and frees `e`. Returns the number of
 * waiters failed, or WEFT_EINVAL for NULL. */
int weft_event_free(weft_event *e);

/* Sets the flag and wakes every waiter (in the order they started to
 * wait). Setting a set event does nothing. Returns 0 or WEFT_EINVAL. */
int weft_event_set(weft_event *e);

/* Clears the flag; later waits suspend again. Returns 0 or WEFT_EINVAL. */
int weft_event_clear(weft_event *e);

/* Non-zero when the flag is set (0 for NULL). */
int weft_event_is_set(const weft_event *e);

/* Returns 0 at once when the flag is set, else suspends until it is.
 * Returns 0, WEFT_ECANCELED, WEFT_EFREED, WEFT_ENOTTASK, WEFT_EINVAL,
 * WEFT_ENOMEM. */
int weft_event_wait(weft_event *e);

/* --- Lock ---------------------------------------------------------------- */

/* asyncio.Lock: not reentrant and not owned (any task may release it, as in
 * asyncio). Released while tasks wait, it passes straight to the first. */
typedef struct weft_lock weft_lock;

/* Creates an unlocked lock, freed by the caller with weft_lock_free. NULL
 * when out of memory or without a loop. */
weft_lock *weft_lock_new(weft_loop *loop);

/* Fails every waiter with WEFT_EFREED and frees `l`. Returns the number of
 * waiters failed, or WEFT_EINVAL. */
int weft_lock_free(weft_lock *l);

/* Takes the lock, suspending while it is held. Returns 0 (the caller holds
 * it), WEFT_ECANCELED (it does not), WEFT_EFREED, WEFT_ENOTTASK,
 * WEFT_EINVAL, WEFT_ENOMEM. An acquire that does not need to wait does not
 * suspend (as in asyncio, a pending cancellation is then not delivered). */
int weft_lock_acquire(weft_lock *l);

/* Releases the lock: the first waiter now holds it, else it is unlocked.
 * Returns 0, WEFT_ENOTACQUIRED when it is not locked, WEFT_EINVAL. */
int weft_lock_release(weft_lock *l);

/* Non-zero while the lock is held (0 for NULL). */
int weft_lock_locked(const weft_lock *l);

/* --- Semaphore and BoundedSemaphore -------------------------------------- */

/* asyncio.Semaphore: `value` permits. A bounded semaphore refuses a release
 * that would take it above its initial value. */
typedef struct weft_semaphore weft_semaphore;

/* Creates a semaphore with `value` (>= 0) permits; NULL when out of memory,
 * without a loop, or for value < 0. Freed with weft_semaphore_free. */
weft_semaphore *weft_semaphore_new(weft_loop *loop, int64_t value);

/* As weft_semaphore_new, for asyncio.BoundedSemaphore. */
weft_semaphore *weft_bounded_semaphore_new(weft_loop *loop, int64_t value);

/* Fails every waiter with WEFT_EFREED and frees `s`. Returns the number of
 * waiters failed, or WEFT_EINVAL. */
int weft_semaphore_free(weft_semaphore *s);

/* Takes a permit, suspending while there is none or while earlier tasks
 * wait for one. Returns 0, WEFT_ECANCELED (no permit taken), WEFT_EFREED,
 * WEFT_ENOTTASK, WEFT_EINVAL, WEFT_ENOMEM. */
int weft_semaphore_acquire(weft_semaphore *s);

/* Gives a permit back: to the first waiter if any, else to the count.
 * Returns 0, WEFT_ENOTACQUIRED (a bounded semaphore already at its initial
 * value; nothing changes), WEFT_EINVAL. */
int weft_semaphore_release(weft_semaphore *s);

/* Non-zero when an acquire would suspend (asyncio's locked()). */
int weft_semaphore_locked(const weft_semaphore *s);

/* The number of free permits (asyncio's _value), or WEFT_EINVAL. */
int64_t weft_semaphore_value(const weft_semaphore *s);

/* --- Condition ----------------------------------------------------------- */

/* asyncio.Condition, bound to a Lock. */
typedef struct weft_condition weft_condition;

/* Creates a condition on `lock`, which the caller keeps owning and must
 * free after the condition; with lock NULL the condition creates its own,
 * freed with it (weft_condition_lock returns it). NULL when out of memory,
 * without a loop, or when `lock` belongs to another loop. */
weft_condition *weft_condition_new(weft_loop *loop, weft_lock *lock);

/* Fails every waiter with WEFT_EFREED and frees `c` (and its own lock, if
 * it created one). Returns the number of waiters failed, or WEFT_EINVAL. */
int weft_condition_free(weft_condition *c);

/* The condition's lock (borrowed), NULL for NULL. */
weft_lock *weft_condition_lock(const weft_condition *c);

/* Shorthands for the condition's lock. */
int weft_condition_acquire(weft_condition *c);
int weft_condition_release(weft_condition *c);
int weft_condition_locked(const weft_condition *c);

/* Releases the lock, suspends until notified, and takes the lock again
 * before returning — also when cancelled, as asyncio does: on every return
 * but WEFT_EFREED / WEFT_ENOTACQUIRED / WEFT_ENOTTASK / WEFT_EINVAL the
 * caller holds the lock. Returns 0, WEFT_ECANCELED, WEFT_ENOTACQUIRED
 * (lock not held), WEFT_EFREED (the condition or its lock was freed; the
 * lock is not held), WEFT_ENOTTASK, WEFT_EINVAL, WEFT_ENOMEM. A waiter that
 * returns an error after consuming a notification passes one on, so a
 * cancelled waiter never swallows a wake-up (spurious wake-ups are allowed,
 * as in asyncio: re-check the predicate, or use weft_condition_wait_for). */
int weft_condition_wait(weft_condition *c);

/* Waits until pred(arg) is non-zero, checking it first and after each
 * wake-up, with the lock held (asyncio's wait_for). Returns 0 when the
 * predicate holds, else as weft_condition_wait; pred NULL: WEFT_EINVAL. */
int weft_condition_wait_for(weft_condition *c, int (*pred)(void *arg), void *arg);

/* Wakes up to `n` waiters, first come first woken. The lock must be held.
 * Returns the number woken, WEFT_ENOTACQUIRED (lock not held), WEFT_EINVAL. */
int weft_condition_notify(weft_condition *c, size_t n);

/* Wakes every waiter. Returns as weft_condition_notify. */
int weft_condition_notify_all(weft_condition *c);

/* --- Queue --------------------------------------------------------------- */

typedef enum weft_queue_kind {
  WEFT_QUEUE_FIFO = 0,    /* asyncio.Queue */
  WEFT_QUEUE_LIFO = 1,    /* asyncio.LifoQueue */
  WEFT_QUEUE_PRIORITY = 2 /* asyncio.PriorityQueue: lowest priority first, equal
                             priorities in insertion order */
} weft_queue_kind;

/* asyncio.Queue and its LIFO and priority variants. */
typedef struct weft_queue weft_queue;

/* Creates a queue of `kind` holding at most `maxsize` items (0: no bound).
 * NULL when out of memory, without a loop, or for a bad kind. Freed with
 * weft_queue_free; the items left in it are the caller's business. */
weft_queue *weft_queue_new(weft_loop *loop, weft_queue_kind kind, size_t maxsize);

/* Fails every waiter (getters, putters, joiners) with WEFT_EFREED and frees
 * `q`. Returns the number of waiters failed, or WEFT_EINVAL. */
int weft_queue_free(weft_queue *q);

/* Puts `value` (priority queues: with `priority`, ignored otherwise),
 * suspending while the queue is full. Returns 0 when the item is in the
 * queue; WEFT_ECANCELED, WEFT_ESHUTDOWN, WEFT_EFREED, WEFT_ENOMEM when it
 * was not put; WEFT_ENOTTASK, WEFT_EINVAL. A slot freed for a putter is
 * reserved for it until it runs; if it was cancelled meanwhile, the slot
 * goes to the next putter and the item is not put. */
int weft_queue_put(weft_queue *q, intptr_t value);
int weft_queue_put_priority(weft_queue *q, int64_t priority, intptr_t value);

/* As weft_queue_put without suspending: WEFT_EQUEUEFULL when full (also
 * when earlier putters are waiting), WEFT_ESHUTDOWN, WEFT_ENOMEM,
 * WEFT_EINVAL. Callable outside a task. */
int weft_queue_put_nowait(weft_queue *q, intptr_t value);
int weft_queue_put_priority_nowait(weft_queue *q, int64_t priority, intptr_t value);

/* Takes the next item into *value (may be NULL), suspending while the
 * queue is empty. `priority` (may be NULL) receives a priority queue's
 * priority. Returns 0; WEFT_ECANCELED (nothing taken: an item handed to the
 * getter as it was cancelled goes back where it was); WEFT_ESHUTDOWN (shut
 * down and empty, or shut down immediately); WEFT_EFREED, WEFT_ENOTTASK,
 * WEFT_EINVAL, WEFT_ENOMEM. */
int weft_queue_get(weft_queue *q, intptr_t *value);
int weft_queue_get_priority(weft_queue *q, int64_t *priority, intptr_t *value);

/* As weft_queue_get without suspending: WEFT_EQUEUEEMPTY when no item is
 * available (items already handed to woken getters are theirs),
 * WEFT_ESHUTDOWN (shut down and empty), WEFT_EINVAL. */
int weft_queue_get_nowait(weft_queue *q, intptr_t *value);
int weft_queue_get_priority_nowait(weft_queue *q, int64_t *priority, intptr_t *value);

/* Marks one item taken by a get as processed (asyncio's task_done). When
 * every item put has been marked, join's waiters wake. Returns 0,
 * WEFT_ENOTACQUIRED (more calls than items), WEFT_EINVAL. */
int weft_queue_task_done(weft_queue *q);

/* Suspends until every item put has been marked with task_done. Returns 0,
 * WEFT_ECANCELED, WEFT_EFREED, WEFT_ENOTTASK, WEFT_EINVAL, WEFT_ENOMEM. */
int weft_queue_join(weft_queue *q);

/* Number of items in the queue, counting items handed to getters that have
 * not run yet (as asyncio counts them). 0 for NULL. */
size_t weft_queue_qsize(const weft_queue *q);
int weft_queue_empty(const weft_queue *q);
/* Non-zero when a put would suspend: maxsize items are in the queue or on
 * their way in (slots given to woken putters count). */
int weft_queue_full(const weft_queue *q);
size_t weft_queue_maxsize(const weft_queue *q);

/* Shuts the queue down (Python 3.13): later puts return WEFT_ESHUTDOWN, and
 * so do waiting putters (their items are not put). Gets still return the
 * items left, then WEFT_ESHUTDOWN; waiting getters get WEFT_ESHUTDOWN.
 * With `immediate`, the items left (and those handed to getters that have
 * not run yet) are discarded, each counting as task_done, so join returns.
 * Idempotent. Returns 0 or WEFT_EINVAL. */
int weft_queue_shutdown(weft_queue *q, int immediate);

/* Non-zero once weft_queue_shutdown was called. */
int weft_queue_is_shutdown(const weft_queue *q);

/* --- Waiter (seed 004) --------------------------------------------------- */

/* A countdown: it completes after `n` notifications (seed 004's Waiter(n);
 * Waiter() is n = 1). Tasks wait for it, or await a future from it. */
typedef struct weft_waiter weft_waiter;

/* Creates a waiter that completes after `n` notifications (0: already
 * complete). Freed by the caller with weft_waiter_free, before the loop:
 * the futures it still holds for weft_waiter_future count as live objects
 * for weft_loop_free. */
weft_waiter *weft_waiter_new(weft_loop *loop, size_t n);

/* Fails every waiting task and every pending future from
 * weft_waiter_future with WEFT_EFREED, and frees `w`. Returns the number
 * failed, or WEFT_EINVAL. */
int weft_waiter_free(weft_waiter *w);

/* Counts one notification; the n-th completes the waiter and wakes
 * everything waiting on it. Returns the number of notifications still
 * needed (0 once complete; notifying a complete waiter does nothing), or
 * WEFT_EINVAL. */
int64_t weft_waiter_notify(weft_waiter *w);

/* Non-zero once the waiter has had its n notifications. */
int weft_waiter_done(const weft_waiter *w);

/* Suspends until the waiter is complete (0 at once if it is). Returns 0,
 * WEFT_ECANCELED, WEFT_EFREED, WEFT_ENOTTASK, WEFT_EINVAL, WEFT_ENOMEM. */
int weft_waiter_wait(weft_waiter *w);

/* A new future, owned by the caller (weft_release), that resolves to 0 when
 * the waiter completes, for composing (weft_wait_for, weft_gather, …).
 * Cancelling it affects no one else. NULL when out of memory or for NULL. */
weft_future *weft_waiter_future(weft_waiter *w);

#ifdef __cplusplus
}
#endif
#endif
