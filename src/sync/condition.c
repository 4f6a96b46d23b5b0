/* Condition (asyncio.Condition), bound to a Lock.
 *
 * wait releases the lock, waits for a notification, then takes the lock
 * again even when cancelled (retrying the acquire if it is cancelled too),
 * as asyncio does. A waiter that leaves with an error after its
 * notification was handed to it passes one notification on, so a
 * cancellation never swallows a wake-up. */
#include <stdlib.h>

#include "sync_internal.h"

struct weft_condition {
  weft_loop *loop;
  weft_lock *lock;
  int owns_lock;
  weft__sync_list waiters;
};

weft_condition *weft_condition_new(weft_loop *loop, weft_lock *lock) {
  if (!loop) loop = weft_running_loop();
  if (!loop || (lock && weft__lock_loop(lock) != loop)) return NULL;
  weft_condition *c = weft__calloc(1, sizeof *c);
  if (!c) return NULL;
  c->loop = loop;
  if (lock) {
    c->lock = lock;
  } else {
    c->lock = weft_lock_new(loop);
    if (!c->lock) {
      weft__free(c);
      return NULL;
    }
    c->owns_lock = 1;
  }
  weft__sync_list_init(&c->waiters);
  return c;
}

int weft_condition_free(weft_condition *c) {
  if (!c) return WEFT_EINVAL;
  int n = weft__sync_fail_all(&c->waiters, WEFT_EFREED);
  if (c->owns_lock) n += weft_lock_free(c->lock);
  weft__free(c);
  return n;
}

weft_lock *weft_condition_lock(const weft_condition *c) { return c ? c->lock : NULL; }

int weft_condition_acquire(weft_condition *c) { return c ? weft_lock_acquire(c->lock) : WEFT_EINVAL; }

int weft_condition_release(weft_condition *c) { return c ? weft_lock_release(c->lock) : WEFT_EINVAL; }

int weft_condition_locked(const weft_condition *c) { return c ? weft_lock_locked(c->lock) : 0; }

static int notify(weft_condition *c, size_t n) {
  int woken = 0;
  for (weft__sync_node *w; (size_t)woken < n && (w = weft__sync_first_waiting(&c->waiters));) {
    weft__sync_wake(w);
    woken++;
  }
  return woken;
}

int weft_condition_notify(weft_condition *c, size_t n) {
  if (!c) return WEFT_EINVAL;
  if (!weft_lock_locked(c->lock)) return WEFT_ENOTACQUIRED;
  return notify(c, n);
}

int weft_condition_notify_all(weft_condition *c) { return weft_condition_notify(c, (size_t)-1); }

int weft_condition_wait(weft_condition *c) {
  if (!c) return WEFT_EINVAL;
  int rc = weft__sync_check_task(c->loop);
  if (rc) return rc;
  if (!weft_lock_locked(c->lock)) return WEFT_ENOTACQUIRED;
  weft__sync_node n;
  rc = weft__sync_enqueue(&c->waiters, &n, c->loop);
  if (rc) return rc;
  weft__lock_release_internal(c->lock);
  rc = weft__sync_wait(n.fut, "condition");
  int handed = weft__sync_handed(&n);
  if (n.status) { /* the condition is gone */
    weft__sync_leave(&n);
    return n.status;
  }
  /* Take the lock back whatever happened. A cancellation that arrives
   * meanwhile is remembered and reported, and the acquire is retried: the
   * caller must hold the lock when this returns. The node stays linked
   * (no longer waiting) so that freeing the condition meanwhile is seen. */
  weft_lock *lock = c->lock;
  int arc;
  while ((arc = weft_lock_acquire(lock)) == WEFT_ECANCELED) rc = arc;
  int status = n.status;
  weft__sync_leave(&n);
  if (status) {
    if (arc == 0) weft_lock_release(lock); /* an external lock, still alive */
    return status;
  }
  if (arc) return arc; /* WEFT_ENOMEM; the lock is not held */
  if (rc && handed) notify(c, 1);
  return rc;
}

int weft_condition_wait_for(weft_condition *c, int (*pred)(void *arg), void *arg) {
  if (!c || !pred) return WEFT_EINVAL;
  while (!pred(arg)) {
    int rc = weft_condition_wait(c);
    if (rc) return rc;
  }
  return 0;
}
