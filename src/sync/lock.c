/* Lock (asyncio.Lock) with FIFO hand-off: release gives the lock straight to
 * the first waiter, so a task calling acquire meanwhile queues behind it. */
#include <stdlib.h>

#include "sync_internal.h"

struct weft_lock {
  weft_loop *loop;
  int locked;
  weft__sync_list waiters;
};

weft_lock *weft_lock_new(weft_loop *loop) {
  if (!loop) loop = weft_running_loop();
  if (!loop) return NULL;
  weft_lock *l = weft__calloc(1, sizeof *l);
  if (!l) return NULL;
  l->loop = loop;
  weft__sync_list_init(&l->waiters);
  return l;
}

int weft_lock_free(weft_lock *l) {
  if (!l) return WEFT_EINVAL;
  int n = weft__sync_fail_all(&l->waiters, WEFT_EFREED);
  weft__free(l);
  return n;
}

int weft__lock_release_internal(weft_lock *l) {
  if (!l->locked) return WEFT_ENOTACQUIRED;
  weft__sync_node *n = weft__sync_first_waiting(&l->waiters);
  if (n)
    weft__sync_wake(n); /* still locked: the lock now belongs to that waiter */
  else
    l->locked = 0;
  return 0;
}

int weft_lock_release(weft_lock *l) {
  if (!l) return WEFT_EINVAL;
  return weft__lock_release_internal(l);
}

weft_loop *weft__lock_loop(const weft_lock *l) { return l->loop; }

int weft_lock_locked(const weft_lock *l) { return l ? l->locked : 0; }

int weft_lock_acquire(weft_lock *l) {
  if (!l) return WEFT_EINVAL;
  int rc = weft__sync_check_task(l->loop);
  if (rc) return rc;
  /* Unlocked means nobody waits: a release with waiters hands the lock on
   * instead of unlocking it. */
  if (!l->locked) {
    l->locked = 1;
    return 0;
  }
  weft__sync_node n;
  int handed;
  rc = weft__sync_block(&l->waiters, &n, l->loop, "lock", &handed);
  if (rc && handed) weft__lock_release_internal(l); /* cancelled as it got the lock: pass it on */
  return rc;
}
