/* Waiter(n), seed 004's countdown: complete after n notifications. Tasks
 * wait on it through their own node (cancelling one waiter affects no
 * other); weft_waiter_future hands out futures the waiter resolves. */
#include <stdlib.h>

#include "sync_internal.h"

struct weft_waiter {
  weft_loop *loop;
  size_t remaining;
  weft__sync_list waiters;
  weft_future **futs; /* one reference each, until the waiter completes or is freed */
  size_t nfuts, capfuts;
};

weft_waiter *weft_waiter_new(weft_loop *loop, size_t n) {
  if (!loop) loop = weft_running_loop();
  if (!loop) return NULL;
  weft_waiter *w = weft__calloc(1, sizeof *w);
  if (!w) return NULL;
  w->loop = loop;
  w->remaining = n;
  weft__sync_list_init(&w->waiters);
  return w;
}

static void settle_futures(weft_waiter *w, int code) {
  for (size_t i = 0; i < w->nfuts; i++) {
    if (w->futs[i]->state == WEFT_PENDING) {
      if (code)
        weft_future_fail(w->futs[i], code);
      else
        weft_future_resolve(w->futs[i], 0);
    }
    weft_release(w->futs[i]);
  }
  weft__free(w->futs);
  w->futs = NULL;
  w->nfuts = w->capfuts = 0;
}

int weft_waiter_free(weft_waiter *w) {
  if (!w) return WEFT_EINVAL;
  int n = weft__sync_fail_all(&w->waiters, WEFT_EFREED);
  for (size_t i = 0; i < w->nfuts; i++) n += w->futs[i]->state == WEFT_PENDING;
  settle_futures(w, WEFT_EFREED);
  weft__free(w);
  return n;
}

int64_t weft_waiter_notify(weft_waiter *w) {
  if (!w) return WEFT_EINVAL;
  if (w->remaining == 0) return 0;
  if (--w->remaining == 0) {
    for (weft__sync_node *n; (n = weft__sync_first_waiting(&w->waiters));) weft__sync_wake(n);
    settle_futures(w, 0);
  }
  return (int64_t)w->remaining;
}

int weft_waiter_done(const weft_waiter *w) { return w ? w->remaining == 0 : 0; }

int weft_waiter_wait(weft_waiter *w) {
  if (!w) return WEFT_EINVAL;
  int rc = weft__sync_check_task(w->loop);
  if (rc) return rc;
  if (w->remaining == 0) return 0;
  weft__sync_node n;
  return weft__sync_block(&w->waiters, &n, w->loop, "waiter", NULL);
}

weft_future *weft_waiter_future(weft_waiter *w) {
  if (!w) return NULL;
  weft_future *f = weft_future_new(w->loop);
  if (!f) return NULL;
  if (w->remaining == 0) {
    weft_future_resolve(f, 0);
    return f;
  }
  if (w->nfuts == w->capfuts) {
    /* Drop the ones already cancelled by their owners before growing. */
    size_t k = 0;
    for (size_t i = 0; i < w->nfuts; i++) {
      if (w->futs[i]->state == WEFT_PENDING)
        w->futs[k++] = w->futs[i];
      else
        weft_release(w->futs[i]);
    }
    w->nfuts = k;
  }
  if (w->nfuts == w->capfuts) {
    size_t cap = w->capfuts ? w->capfuts * 2 : 4;
    weft_future **futs = weft__realloc(w->futs, cap * sizeof *futs);
    if (!futs) {
      weft_release(f);
      return NULL;
    }
    w->futs = futs;
    w->capfuts = cap;
  }
  w->futs[w->nfuts++] = weft_retain(f);
  return f;
}
