/* Private pieces shared by the synchronisation primitives (src/sync/).
 *
 * Every primitive keeps its waiters in FIFO lists of nodes that live on the
 * waiting task's stack (the task stays suspended in the call while its node
 * is linked). Each node has a private future: pending while the task waits,
 * resolved when the primitive hands it what it waited for (a permit, an
 * item, a slot, a notification), cancelled when the task was cancelled
 * first, failed when the primitive was freed. The node stays linked until
 * its task runs again and unlinks it, so the primitive can still reach a
 * woken task that has not run yet (to revoke an item, to report a free).
 */
#ifndef WEFT_SYNC_INTERNAL_H
#define WEFT_SYNC_INTERNAL_H

#include "../core/internal.h"
#include "weft/sync.h"

typedef struct weft__sync_node {
  struct weft__sync_node *next, *prev; /* NULL when not linked */
  weft_future *fut;
  int status;        /* non-zero: return this without touching the primitive (WEFT_EFREED, …) */
  intptr_t value;    /* queues: the item carried (putter) or handed over (getter) */
  int64_t priority;
  uint64_t seq;      /* priority queues: insertion order, for ties */
} weft__sync_node;

typedef struct weft__sync_list {
  weft__sync_node head; /* sentinel of a circular list */
} weft__sync_list;

void weft__sync_list_init(weft__sync_list *l);
int weft__sync_list_empty(const weft__sync_list *l);

/* The current task, checked against the primitive's loop: 0, or
 * WEFT_ENOTTASK / WEFT_EINVAL. */
int weft__sync_check_task(weft_loop *loop);

/* Creates the node's future and appends the node to `l`. 0, WEFT_ENOMEM, or
 * WEFT_ECLOSED once the loop is closed. */
int weft__sync_enqueue(weft__sync_list *l, weft__sync_node *n, weft_loop *loop);

/* THE suspension point of every primitive: the current task awaits `f`, a
 * node's private future. `reason` names the primitive ("lock", "queue",
 * "event", "semaphore", "condition", "waiter") for tracing. Returns as
 * weft_await: 0 when `f` was resolved, WEFT_ECANCELED when the task was
 * cancelled (also if `f` had been resolved just before: the caller checks
 * the node to pass on what it was handed), or `f`'s failure code. */
int weft__sync_wait(weft_future *f, const char *reason);

/* Non-zero when the node was handed what it waited for (its future
 * resolved), whatever the wait returned. */
int weft__sync_handed(const weft__sync_node *n);

/* Unlinks the node (if still linked) and drops its future. */
void weft__sync_leave(weft__sync_node *n);

/* The whole wait of a primitive: enqueues `n` on `l`, waits (traced with
 * `reason`) and leaves. Returns the status a waker set on the node
 * (WEFT_EFREED, …; then *handed is 0: nothing to pass on), else what
 * weft__sync_wait returned; *handed (may be NULL) tells whether the node was
 * handed what it waited for, which a cancelled caller must pass on. The
 * node's value fields stay readable afterwards. */
int weft__sync_block(weft__sync_list *l, weft__sync_node *n, weft_loop *loop, const char *reason, int *handed);

/* The first node still waiting (future pending), or NULL. */
weft__sync_node *weft__sync_first_waiting(weft__sync_list *l);

/* Hands the node what it waited for: resolves its future. The node stays
 * linked until its task runs. */
void weft__sync_wake(weft__sync_node *n);

/* The primitive is going away: every node gets `status`, waiting ones have
 * their future failed with it, and all are unlinked. Returns their number. */
int weft__sync_fail_all(weft__sync_list *l, int status);

/* Used by Condition, which releases and re-acquires its lock. */
int weft__lock_release_internal(weft_lock *l);
weft_loop *weft__lock_loop(const weft_lock *l);

#endif
