/* Futures and their waiters (the pool behind futures and tasks: pool.c). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void drop_handle(weft_handle *h);

static void list_init(weft__waiter *s) { s->next = s->prev = s; }

void weft__future_init(weft_future *f, weft_loop *loop, const weft__kind *kind) {
  f->magic = WEFT_MAGIC_FUTURE;
  f->kind = kind;
  f->state = WEFT_PENDING;
  f->err = 0;
  f->value = 0;
  f->refs = 1;
  f->loop = loop;
  f->pool_next = NULL;
  list_init(&f->waiters);
}

int weft__check(const weft_future *f) {
  if (!f) return WEFT_EINVAL;
  if (f->magic == WEFT_MAGIC_FUTURE) return 0;
  return WEFT_EBADHANDLE;
}

const weft__kind weft__future_kind = {
    .size = sizeof(weft_future), .pool = WEFT__POOL_FUTURE, .reason = WEFT_REASON_FUTURE, .user_completable = 1};

weft_future *weft_future_new(weft_loop *loop) {
  if (!loop || loop->magic != WEFT_MAGIC_LOOP || loop->closing) return NULL;
  weft_future *f = weft__obj_alloc(loop, &weft__future_kind);
  if (!f) return NULL;
  weft__future_init(f, loop, &weft__future_kind);
  return f;
}

/* A sleep future is a future and the timer that resolves it, in one object:
 * no waiter or callback allocation, and cancelling disarms the timer. */
typedef struct sleep_future {
  weft_future fut; /* must be first */
  weft_handle timer;
} sleep_future;

static void on_sleep_due(weft_loop *loop, void *arg) {
  (void)loop;
  weft__future_complete(arg, WEFT_RESOLVED, 0, 0);
}

static int sleep_cancel(weft_future *f) {
  weft_handle_cancel(&((sleep_future *)f)->timer);
  return weft__future_complete(f, WEFT_CANCELLED, 0, WEFT_ECANCELED);
}

static void sleep_destroy(weft_future *f) {
  sleep_future *s = (sleep_future *)f;
  if (weft_handle_active(&s->timer)) weft_handle_cancel(&s->timer); /* nobody can see it fire */
}

static const weft__kind sleep_kind = {.size = sizeof(sleep_future),
                                      .pool = WEFT__POOL_SLEEP,
                                      .reason = WEFT_REASON_TIMER,
                                      .cancel = sleep_cancel,
                                      .destroy = sleep_destroy};

weft_future *weft_sleep_future(weft_loop *loop, int64_t ms) {
  if (!loop) loop = weft_running_loop();
  if (!loop || loop->magic != WEFT_MAGIC_LOOP || loop->closing) return NULL;
  sleep_future *s = weft__obj_alloc(loop, &sleep_kind);
  if (!s) return NULL;
  weft__future_init(&s->fut, loop, &sleep_kind);
  if (weft_call_later(loop, &s->timer, ms, on_sleep_due, s) != 0) {
    weft__obj_free(&s->fut);
    return NULL;
  }
  return &s->fut;
}

/* A host future is a future and its cancel hook, in one object: no done
 * callback or waiter to allocate for each host operation. */
typedef struct host_future {
  weft_future fut; /* must be first */
  void (*on_cancel)(weft_future *f, void *arg);
  void *arg;
  weft_handle cancel_h; /* runs on_cancel once cancelled */
  int host_done;        /* the host has completed it (and dropped its reference) */
} host_future;

static int host_cancel(weft_future *f);

static const weft__kind host_kind = {
    .size = sizeof(host_future), .pool = WEFT__POOL_HOST, .reason = WEFT_REASON_FUTURE, .cancel = host_cancel};

weft_future *weft__host_future_new(weft_loop *loop, void (*on_cancel)(weft_future *f, void *arg), void *arg) {
  if (!loop || loop->magic != WEFT_MAGIC_LOOP || loop->closing) return NULL;
  host_future *h = weft__obj_alloc(loop, &host_kind);
  if (!h) return NULL;
  weft__future_init(&h->fut, loop, &host_kind);
  h->on_cancel = on_cancel;
  h->arg = arg;
  return &h->fut;
}

int weft__host_take(weft_future *f) {
  if (f->kind != &host_kind) return WEFT_EINVAL;
  host_future *h = (host_future *)f;
  if (h->host_done) return WEFT_ESTATE;
  h->host_done = 1;
  return 0;
}

static void run_host_cancel(weft_loop *loop, void *arg) {
  host_future *h = arg;
  loop->host_cancels--;
  h->on_cancel(&h->fut, h->arg);
  weft_release(&h->fut);
}

static int host_cancel(weft_future *f) {
  host_future *h = (host_future *)f;
  if (h->on_cancel) {
    /* Queued before the waiters, so that the host hears of it first; and
     * weft_loop_run_ready does not hand the host its turn before it has
     * run, so the host work stops before the host could make progress on
     * it (a request cancelled as it starts is never sent). */
    weft_retain(f);
    f->loop->drop_handle = drop_handle;
    f->loop->host_cancels++;
    weft__ready_push(f->loop, &h->cancel_h, run_host_cancel, f);
  }
  return weft__future_complete(f, WEFT_CANCELLED, 0, WEFT_ECANCELED);
}

/* --- waiters ------------------------------------------------------------- */

void weft__waiter_add(weft_future *f, weft__waiter *w, weft_done_cb cb, void *arg) {
  w->fut = f;
  w->cb = cb;
  w->arg = arg;
  w->prev = f->waiters.prev;
  w->next = &f->waiters;
  f->waiters.prev->next = w;
  f->waiters.prev = w;
}

/* Unlinks a waiter that has not been handed to the loop yet, or cancels its
 * scheduled run if it has. */
void weft__waiter_remove(weft__waiter *w) {
  if (w->next) {
    w->prev->next = w->next;
    w->next->prev = w->prev;
    w->next = w->prev = NULL;
  }
  if (weft_handle_active(&w->h)) weft_handle_cancel(&w->h);
}

static void run_waiter(weft_loop *loop, void *arg) {
  (void)loop;
  weft__waiter *w = arg;
  weft_future *f = w->fut;
  w->cb(f, w->arg);
  if (w->heap_owned) {
    weft__free(w);
    weft_release(f);
  }
}

/* The loop's drop_handle hook (set when a handle that owns memory is
 * queued): frees what a ready handle dropped without running at loop
 * shutdown owns, a scheduled done callback's registration and its
 * reference, or a queued host cancel's reference. */
static void drop_handle(weft_handle *h) {
  if (h->cb_ == run_host_cancel) {
    weft_future *f = &((host_future *)h->arg_)->fut;
    f->loop->host_cancels--;
    weft_release(f);
    return;
  }
  if (h->cb_ != run_waiter) return;
  weft__waiter *w = h->arg_;
  if (w->heap_owned) {
    weft_future *f = w->fut;
    weft__free(w);
    weft_release(f);
  }
}

void weft__waiter_watch(weft_future *f, weft__waiter *w, weft_done_cb cb, void *arg) {
  if (f->state == WEFT_PENDING) {
    weft__waiter_add(f, w, cb, arg);
    return;
  }
  w->fut = f;
  w->cb = cb;
  w->arg = arg;
  weft__ready_push(f->loop, &w->h, run_waiter, w);
}

int weft__future_complete(weft_future *f, int state, intptr_t value, int err) {
  if (f->state != WEFT_PENDING) return WEFT_ESTATE;
  f->state = (uint8_t)state;
  f->value = value;
  f->err = err;
  while (f->waiters.next != &f->waiters) {
    weft__waiter *w = f->waiters.next;
    w->prev->next = w->next;
    w->next->prev = w->prev;
    w->next = w->prev = NULL;
    if (w->task_wake) WEFT__TRACE(f->loop, weft__trace_wake(f->loop, w->arg, weft__actor(f->loop)));
    weft__ready_push(f->loop, &w->h, run_waiter, w);
  }
  return 0;
}

/* --- the kinds' operations ------------------------------------------------ */

/* The one place the core calls a kind's operations, kept out of line so
 * that their indirect calls stay here (internal.h: WEFT__NOT_INLINED). */
int weft__kind_cancel(weft_future *f) { return f->kind->cancel(f); }
void weft__kind_destroy(weft_future *f) { f->kind->destroy(f); }
WEFT__NOT_INLINED(weft__kind_cancel)
WEFT__NOT_INLINED(weft__kind_destroy)

/* --- public API ---------------------------------------------------------- */

int weft_future_resolve(weft_future *f, intptr_t value) {
  int rc = weft__check(f);
  if (rc) return rc;
  if (!f->kind->user_completable) return WEFT_EINVAL;
  return weft__future_complete(f, WEFT_RESOLVED, value, 0);
}

int weft_future_fail(weft_future *f, int err) {
  int rc = weft__check(f);
  if (rc) return rc;
  if (!f->kind->user_completable) return WEFT_EINVAL;
  if (err >= 0) err = WEFT_EFAILED;
  return weft__future_complete(f, WEFT_FAILED, 0, err);
}

int weft_cancel(weft_future *f) {
  int rc = weft__check(f);
  if (rc) return rc;
  if (f->state != WEFT_PENDING) return WEFT_ESTATE;
  if (f->kind->cancel) return weft__kind_cancel(f);
  return weft__future_complete(f, WEFT_CANCELLED, 0, WEFT_ECANCELED);
}

weft_future_state weft_future_state_of(const weft_future *f) {
  return weft__check(f) ? WEFT_PENDING : (weft_future_state)f->state;
}

int weft_future_done(const weft_future *f) { return weft__check(f) == 0 && f->state != WEFT_PENDING; }

int weft_future_result(const weft_future *f, intptr_t *value) {
  int rc = weft__check(f);
  if (rc) return rc;
  switch (f->state) {
    case WEFT_PENDING: return WEFT_EPENDING;
    case WEFT_RESOLVED:
      if (value) *value = f->value;
      return 0;
    case WEFT_CANCELLED: return WEFT_ECANCELED;
    default: return f->err;
  }
}

int weft_future_on_done(weft_future *f, weft_done_cb cb, void *arg) {
  int rc = weft__check(f);
  if (rc) return rc;
  if (!cb) return WEFT_EINVAL;
  weft__waiter *w = weft__calloc(1, sizeof *w);
  if (!w) return WEFT_ENOMEM;
  w->heap_owned = 1;
  f->loop->drop_handle = drop_handle;
  weft_retain(f);
  if (f->state == WEFT_PENDING) {
    weft__waiter_add(f, w, cb, arg);
  } else {
    w->fut = f;
    w->cb = cb;
    w->arg = arg;
    weft__ready_push(f->loop, &w->h, run_waiter, w);
  }
  return 0;
}

int weft_future_remove_done(weft_future *f, weft_done_cb cb, void *arg) {
  if (weft__check(f)) return 0;
  int n = 0;
  weft__waiter *w = f->waiters.next;
  while (w != &f->waiters) {
    weft__waiter *next = w->next;
    if (w->heap_owned && w->cb == cb && w->arg == arg) {
      weft__waiter_remove(w);
      weft__free(w);
      n++;
    }
    w = next;
  }
  for (int i = 0; i < n; i++) weft_release(f);
  return n;
}

weft_future *weft_retain(weft_future *f) {
  if (weft__check(f) == 0) f->refs++;
  return f;
}

int weft_release(weft_future *f) {
  int rc = weft__check(f);
  if (rc) return rc;
  WEFT__TRACE(f->loop, weft__trace_release(f));
  if (--f->refs > 0) return 0;
  if (f->kind->destroy) weft__kind_destroy(f);
  weft__obj_free(f);
  return 0;
}
