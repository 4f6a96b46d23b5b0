/* gather, wait_for, wait, shield, as_completed.
 *
 * Each is built from the same two pieces as everything else: futures with
 * waiters, and a task awaiting one future. wait and as_completed await a
 * private "signal" future that their callbacks resolve, so cancelling the
 * awaiting task needs no special case: the signal is cancelled and the await
 * returns WEFT_ECANCELED.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/internal.h"

/* --- gather -------------------------------------------------------------- */

typedef struct gather {
  struct weft_future fut;
  size_t n, ndone;
  int flags;
  int cancel_requested;
  int first_err;
  weft_future **kids;
  weft__waiter *ws;
} gather;

static void gather_cancel_kids(gather *g) {
  for (size_t i = 0; i < g->n; i++)
    if (g->kids[i]->state == WEFT_PENDING) weft_cancel(g->kids[i]);
}

static void gather_maybe_complete(gather *g) {
  if (g->ndone < g->n || g->fut.state != WEFT_PENDING) return;
  if (g->cancel_requested)
    weft__future_complete(&g->fut, WEFT_CANCELLED, 0, WEFT_ECANCELED);
  else if (g->first_err)
    weft__future_complete(&g->fut, WEFT_FAILED, 0, g->first_err);
  else
    weft__future_complete(&g->fut, WEFT_RESOLVED, 0, 0);
}

static void on_kid_done(weft_future *kid, void *arg) {
  gather *g = arg;
  g->ndone++;
  int st = weft_future_result(kid, NULL);
  if (st != 0 && g->flags == WEFT_GATHER_FAIL_FAST && !g->first_err && !g->cancel_requested) {
    g->first_err = st;
    gather_cancel_kids(g);
  }
  gather_maybe_complete(g);
}

static int gather_cancel(weft_future *f) {
  gather *g = (gather *)f;
  g->cancel_requested = 1;
  gather_cancel_kids(g);
  gather_maybe_complete(g);
  return 0;
}

/* Frees what a gather owns besides its header; weft_release then pools
 * the header like any future, so a double release still finds a dead
 * object (WEFT_EBADHANDLE) instead of freed memory. */
static void gather_destroy(weft_future *f) {
  gather *g = (gather *)f;
  for (size_t i = 0; i < g->n; i++) {
    weft__waiter_remove(&g->ws[i]);
    weft_release(g->kids[i]);
  }
  weft__free(g->ws);
  g->ws = NULL;
  g->kids = NULL;
  g->n = 0;
}

static const weft__kind gather_kind = {.size = sizeof(gather),
                                       .pool = WEFT__POOL_GATHER,
                                       .reason = WEFT_REASON_GATHER,
                                       .cancel = gather_cancel,
                                       .destroy = gather_destroy};

weft_future *weft_gather_future(weft_loop *loop, weft_future *const *futs, size_t n, int flags) {
  if (!loop) loop = weft_running_loop();
  if (!loop || (n && !futs) || loop->closing) return NULL;
  for (size_t i = 0; i < n; i++)
    if (weft__check(futs[i])) return NULL;
  weft__waiter *ws = NULL;
  if (n) {
    ws = weft__calloc(n, sizeof(weft__waiter) + sizeof(weft_future *));
    if (!ws) return NULL;
  }
  gather *g = weft__obj_alloc(loop, &gather_kind);
  if (!g) {
    weft__free(ws);
    return NULL;
  }
  weft__future_init(&g->fut, loop, &gather_kind);
  g->n = n;
  g->flags = flags == WEFT_GATHER_EACH ? WEFT_GATHER_EACH : WEFT_GATHER_FAIL_FAST;
  g->ws = ws;
  g->kids = (weft_future **)(ws + n);
  for (size_t i = 0; i < n; i++) {
    g->kids[i] = weft_retain(futs[i]);
    weft__waiter_watch(futs[i], &g->ws[i], on_kid_done, g);
  }
  gather_maybe_complete(g);
  return &g->fut;
}

int weft_gather(weft_future *const *futs, size_t n, int flags, intptr_t *results, int *statuses) {
  weft__task *t = weft__current();
  if (!t) return WEFT_ENOTTASK;
  if (n && !futs) return WEFT_EINVAL;
  for (size_t i = 0; i < n; i++) {
    int rc = weft__check(futs[i]);
    if (rc) return rc;
  }
  weft_future *g = weft_gather_future(t->fut.loop, futs, n, flags);
  if (!g) return WEFT_ENOMEM;
  int rc = weft_await(g, NULL); /* reason 'gather': from the kind's table */
  for (size_t i = 0; i < n; i++) {
    intptr_t v = 0;
    int st = weft_future_result(futs[i], &v);
    if (results) results[i] = st == 0 ? v : 0;
    if (statuses) statuses[i] = st;
  }
  weft_release(g);
  return rc;
}

/* --- wait_for ------------------------------------------------------------ */

typedef struct wait_for_state {
  weft_future *f;
  int fired;
  uint32_t task; /* the waiting task, for the trace */
} wait_for_state;

static void on_wait_for_timeout(weft_loop *loop, void *arg) {
  wait_for_state *st = arg;
  WEFT__TRACE(loop, weft__trace_event(loop, WEFT_TRACE_TIMER_FIRE, st->task, 0, 0));
  st->fired = 1;
  weft_cancel(st->f);
}

int weft_wait_for(weft_future *f, int64_t timeout_ms, intptr_t *result) {
  weft__task *t = weft__current();
  if (!t) return WEFT_ENOTTASK;
  int rc = weft__check(f);
  if (rc) return rc;
  if (timeout_ms < 0 || f->state != WEFT_PENDING) return weft_await(f, result);
  weft_loop *loop = t->fut.loop;
  wait_for_state st = {f, 0, t->id};
  weft_handle h = {0};
  rc = weft_call_later(loop, &h, timeout_ms, on_wait_for_timeout, &st);
  if (rc) return rc;
  WEFT__TRACE(loop, weft__trace_event(loop, WEFT_TRACE_TIMER_ARM, t->id, 0, h.when_ / 1000));
  int requests = t->cancel_requests;
  rc = weft_await(f, result);
  if (weft_handle_active(&h)) {
    weft_handle_cancel(&h);
    WEFT__TRACE(loop, weft__trace_event(loop, WEFT_TRACE_TIMER_CANCEL, t->id, 0, 0));
  }
  if (st.fired && rc == WEFT_ECANCELED && t->cancel_requests == requests) return WEFT_ETIMEDOUT;
  return rc;
}

/* --- wait ---------------------------------------------------------------- */

typedef struct wait_state {
  weft_future *sig;
  size_t n, ndone;
  int mode, failed;
} wait_state;

static int wait_satisfied(const wait_state *w) {
  if (w->ndone == w->n) return 1;
  if (w->mode == WEFT_FIRST_COMPLETED) return w->ndone > 0;
  if (w->mode == WEFT_FIRST_EXCEPTION) return w->failed;
  return 0;
}

static void on_wait_done(weft_future *f, void *arg) {
  wait_state *w = arg;
  w->ndone++;
  if (f->state != WEFT_RESOLVED) w->failed = 1;
  if (wait_satisfied(w) && w->sig->state == WEFT_PENDING) weft_future_resolve(w->sig, 0);
}

int weft_wait(weft_future *const *futs, size_t n, int mode, int64_t timeout_ms) {
  weft__task *t = weft__current();
  if (!t) return WEFT_ENOTTASK;
  if (!n || !futs || mode < WEFT_FIRST_COMPLETED || mode > WEFT_ALL_COMPLETED) return WEFT_EINVAL;
  wait_state w = {NULL, n, 0, mode, 0};
  for (size_t i = 0; i < n; i++) {
    int rc = weft__check(futs[i]);
    if (rc) return rc;
    if (futs[i]->state != WEFT_PENDING) {
      w.ndone++;
      if (futs[i]->state != WEFT_RESOLVED) w.failed = 1;
    }
  }
  if (wait_satisfied(&w)) return (int)w.ndone;
  w.sig = weft_future_new(t->fut.loop);
  weft__waiter *ws = weft__calloc(n, sizeof *ws);
  if (!w.sig || !ws) {
    weft__free(ws);
    if (w.sig) weft_release(w.sig);
    return WEFT_ENOMEM;
  }
  w.ndone = 0;
  w.failed = 0;
  for (size_t i = 0; i < n; i++) {
    if (futs[i]->state == WEFT_PENDING)
      weft__waiter_add(futs[i], &ws[i], on_wait_done, &w);
    else {
      w.ndone++;
      if (futs[i]->state != WEFT_RESOLVED) w.failed = 1;
    }
  }
  int rc = weft_wait_for(w.sig, timeout_ms, NULL);
  for (size_t i = 0; i < n; i++) weft__waiter_remove(&ws[i]);
  weft__free(ws);
  weft_release(w.sig);
  if (rc && rc != WEFT_ETIMEDOUT) return rc; /* cancelled, or no memory for the timeout's timer */
  size_t done = 0;
  for (size_t i = 0; i < n; i++) done += futs[i]->state != WEFT_PENDING;
  return (int)done;
}

/* --- shield -------------------------------------------------------------- */

/* The outer future of a shield holds the inner future and its registration
 * on it, in one object. The inner future does not keep the outer alive: once
 * the last reference to the outer future goes, nobody can see it complete,
 * and its destroy unlinks the registration and releases the inner future.
 * (A done callback that owned the outer future leaked it, and the loop with
 * it, when the inner future never completed or completed during
 * weft_loop_free, its callback dropped unrun.) */
typedef struct shield {
  weft_future fut; /* must be first */
  weft_future *inner;
  weft__waiter w;
} shield;

static void shield_destroy(weft_future *f) {
  shield *s = (shield *)f;
  weft__waiter_remove(&s->w);
  if (s->inner) weft_release(s->inner);
}

static const weft__kind shield_kind = {.size = sizeof(shield),
                                       .pool = WEFT__POOL_SHIELD,
                                       .reason = WEFT_REASON_FUTURE,
                                       .user_completable = 1,
                                       .destroy = shield_destroy};

static void copy_outcome(weft_future *from, void *arg) {
  weft_future *to = arg;
  if (to->state == WEFT_PENDING) {
    if (from->state == WEFT_RESOLVED)
      weft__future_complete(to, WEFT_RESOLVED, from->value, 0);
    else if (from->state == WEFT_CANCELLED)
      weft__future_complete(to, WEFT_CANCELLED, 0, WEFT_ECANCELED);
    else
      weft__future_complete(to, WEFT_FAILED, 0, from->err);
  }
}

weft_future *weft_shield(weft_future *f) {
  if (weft__check(f)) return NULL;
  weft_loop *loop = f->loop;
  if (loop->closing) return NULL;
  shield *s = weft__obj_alloc(loop, &shield_kind);
  if (!s) return NULL;
  weft__future_init(&s->fut, loop, &shield_kind);
  if (f->state != WEFT_PENDING) {
    /* asyncio.shield of a done future is that future: done at once, and an
     * await of it takes no loop iteration. */
    copy_outcome(f, &s->fut);
    return &s->fut;
  }
  s->inner = weft_retain(f);
  weft__waiter_add(f, &s->w, copy_outcome, &s->fut);
  return &s->fut;
}

/* --- as_completed -------------------------------------------------------- */

typedef struct ac_slot {
  weft__waiter w;
  weft_as_completed *it;
} ac_slot;

typedef struct ac_state {
  size_t ncompleted;
  weft_future **order;
  ac_slot slots[];
} ac_state;

static void on_ac_done(weft_future *f, void *arg) {
  ac_slot *s = arg;
  weft_as_completed *it = s->it;
  ac_state *st = it->slots_;
  st->order[st->ncompleted++] = f;
  if (it->done_queue_ && it->done_queue_->state == WEFT_PENDING) weft_future_resolve(it->done_queue_, 0);
}

int weft_as_completed_init(weft_as_completed *it, weft_future *const *futs, size_t n, int64_t timeout_ms) {
  if (!it || (n && !futs)) return WEFT_EINVAL;
  memset(it, 0, sizeof *it);
  weft_loop *loop = weft_running_loop();
  for (size_t i = 0; i < n; i++) {
    if (weft__check(futs[i])) return WEFT_EINVAL;
    loop = futs[i]->loop;
  }
  if (!loop) return WEFT_EINVAL;
  ac_state *st = weft__calloc(1, sizeof *st + n * sizeof(ac_slot) + n * sizeof(weft_future *));
  if (!st) return WEFT_ENOMEM;
  st->order = (weft_future **)(st->slots + n);
  it->slots_ = st;
  it->n_ = n;
  it->loop_ = loop;
  it->deadline_ = timeout_ms < 0 ? INT64_MAX : weft_loop_now(loop) + timeout_ms * 1000;
  for (size_t i = 0; i < n; i++) {
    st->slots[i].it = it;
    weft__waiter_watch(futs[i], &st->slots[i].w, on_ac_done, &st->slots[i]);
  }
  return 0;
}

int weft_as_completed_next(weft_as_completed *it, weft_future **out) {
  if (!it || !out || !it->slots_) return WEFT_EINVAL;
  weft__task *t = weft__current();
  if (!t) return WEFT_ENOTTASK;
  ac_state *st = it->slots_;
  if (it->taken_ == it->n_) return WEFT_EDONE;
  while (it->taken_ == st->ncompleted) {
    weft_time_t now = weft_loop_now(it->loop_);
    if (now >= it->deadline_) return WEFT_ETIMEDOUT;
    it->done_queue_ = weft_future_new(it->loop_);
    if (!it->done_queue_) return WEFT_ENOMEM;
    int64_t left = it->deadline_ == INT64_MAX ? -1 : (it->deadline_ - now + 999) / 1000;
    int rc = weft_wait_for(it->done_queue_, left, NULL);
    weft_release(it->done_queue_);
    it->done_queue_ = NULL;
    if (rc) return rc;
  }
  *out = st->order[it->taken_++];
  return 0;
}

void weft_as_completed_close(weft_as_completed *it) {
  if (!it || !it->slots_) return;
  ac_state *st = it->slots_;
  for (size_t i = 0; i < it->n_; i++) weft__waiter_remove(&st->slots[i].w);
  weft__free(st);
  it->slots_ = NULL;
}
