/* Semaphore and BoundedSemaphore (asyncio), with FIFO hand-off: a release
 * while tasks wait gives the permit to the first of them instead of to the
 * count, so `value` > 0 implies nobody waits. */
#include <stdlib.h>

#include "sync_internal.h"

struct weft_semaphore {
  weft_loop *loop;
  int64_t value, bound; /* bound < 0: not bounded */
  weft__sync_list waiters;
};

static weft_semaphore *create(weft_loop *loop, int64_t value, int bounded) {
  if (!loop) loop = weft_running_loop();
  if (!loop || value < 0) return NULL;
  weft_semaphore *s = weft__calloc(1, sizeof *s);
  if (!s) return NULL;
  s->loop = loop;
  s->value = value;
  s->bound = bounded ? value : -1;
  weft__sync_list_init(&s->waiters);
  return s;
}

weft_semaphore *weft_semaphore_new(weft_loop *loop, int64_t value) { return create(loop, value, 0); }

weft_semaphore *weft_bounded_semaphore_new(weft_loop *loop, int64_t value) { return create(loop, value, 1); }

int weft_semaphore_free(weft_semaphore *s) {
  if (!s) return WEFT_EINVAL;
  int n = weft__sync_fail_all(&s->waiters, WEFT_EFREED);
  weft__free(s);
  return n;
}

static void give_back(weft_semaphore *s) {
  weft__sync_node *n = weft__sync_first_waiting(&s->waiters);
  if (n)
    weft__sync_wake(n);
  else
    s->value++;
}

int weft_semaphore_release(weft_semaphore *s) {
  if (!s) return WEFT_EINVAL;
  /* With a waiter, value is 0 and below any bound. */
  if (s->bound >= 0 && s->value >= s->bound && !weft__sync_first_waiting(&s->waiters)) return WEFT_ENOTACQUIRED;
  give_back(s);
  return 0;
}

int weft_semaphore_locked(const weft_semaphore *s) { return s ? s->value == 0 : 0; }

int64_t weft_semaphore_value(const weft_semaphore *s) { return s ? s->value : WEFT_EINVAL; }

int weft_semaphore_acquire(weft_semaphore *s) {
  if (!s) return WEFT_EINVAL;
  int rc = weft__sync_check_task(s->loop);
  if (rc) return rc;
  if (s->value > 0) {
    s->value--;
    return 0;
  }
  weft__sync_node n;
  int handed;
  rc = weft__sync_block(&s->waiters, &n, s->loop, "semaphore", &handed);
  if (rc && handed) give_back(s); /* cancelled as it got a permit: pass it on */
  return rc;
}
