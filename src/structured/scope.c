/* Timeout scopes, cancellation shields and the async "with".
 *
 * A timeout scope is asyncio's design: a timer that cancels the task when
 * the deadline passes, and a leave that turns that one cancellation back
 * into WEFT_ETIMEDOUT with weft_uncancel. Awaits need no hook: whatever the
 * task is waiting on is cancelled by the ordinary task cancellation.
 * Counting cancellation requests (asyncio's cancelling()) is what keeps a
 * real cancellation from being swallowed: the leave absorbs exactly one
 * request, and any other one is still there afterwards.
 */
#include <string.h>

#include "../core/internal.h"

enum { SCOPE_IDLE = 0, SCOPE_ENTERED = 1, SCOPE_LEFT = 2 };

static int in_stack(const weft__task *t, const weft_scope *s) {
  for (const weft_scope *p = t->scope_top; p; p = p->parent_)
    if (p == s) return 1;
  return 0;
}

static void on_deadline(weft_loop *loop, void *arg);

/* One timer per task, armed for the nearest deadline that can still fire:
 * a scope inside an expired scope cannot (the task is already unwinding past
 * it). The timer lives in the task, not in the scopes, which are usually
 * locals: a task that returns with scopes entered leaves nothing behind that
 * points into its dead frames. Scopes are read only while the task is
 * suspended or running, when their frames are live. */
static int rearm(weft__task *t) {
  weft_time_t best = WEFT_NO_DEADLINE;
  for (const weft_scope *p = t->scope_top; p; p = p->parent_) { /* innermost first */
    if (p->expired_)
      best = WEFT_NO_DEADLINE; /* what is inside it is covered */
    else if (p->deadline_ < best)
      best = p->deadline_;
  }
  if (weft_handle_active(&t->scope_timer)) {
    if (t->scope_timer.when_ == best) return 0;
    weft_handle_cancel(&t->scope_timer);
  }
  if (best == WEFT_NO_DEADLINE) return 0;
  return weft_call_at(t->fut.loop, &t->scope_timer, best, on_deadline, t);
}

static void on_deadline(weft_loop *loop, void *arg) {
  weft__task *t = arg;
  weft_time_t now = weft_loop_now(loop);
  /* The outermost scope whose deadline has passed expires: the cancellation
   * must unwind to it anyway (with equal deadlines the outer one reports). */
  weft_scope *hit = NULL;
  for (weft_scope *p = t->scope_top; p; p = p->parent_) {
    if (p->expired_)
      hit = NULL;
    else if (p->deadline_ <= now)
      hit = p;
  }
  if (hit) {
    hit->expired_ = 1;
    /* A scope entered inside a shield covers the awaits made there, so its
     * cancellation goes through that shield; one entered outside it waits. */
    if (t->shield_depth > hit->shield_level_)
      weft__task_cancel(t);
    else
      weft__task_cancel_unshielded(t);
  }
  rearm(t);
}

int weft_scope_enter_at(weft_scope *s, weft_time_t deadline) {
  weft__task *t = weft__current();
  if (!t) return WEFT_ENOTTASK;
  if (!s) return WEFT_EINVAL;
  if (in_stack(t, s)) return WEFT_EINVAL; /* entered twice */
  if (t->fut.loop->closing && deadline != WEFT_NO_DEADLINE) return WEFT_ECLOSED;
  memset(s, 0, sizeof *s);
  s->task_ = &t->fut;
  s->deadline_ = deadline;
  s->cancels_at_enter_ = t->cancel_requests;
  s->shield_level_ = t->shield_depth;
  s->parent_ = t->scope_top;
  t->scope_top = s;
  s->state_ = SCOPE_ENTERED;
  int rc = rearm(t);
  if (rc) {
    t->scope_top = s->parent_;
    s->state_ = SCOPE_IDLE;
    s->result_ = rc;
    rearm(t);
  }
  return rc;
}

static weft_time_t deadline_from(weft__task *t, int64_t timeout_ms) {
  if (timeout_ms < 0) return WEFT_NO_DEADLINE;
  weft_time_t now = weft_loop_now(t->fut.loop);
  if (timeout_ms > (WEFT_NO_DEADLINE - now) / 1000 - 1) return WEFT_NO_DEADLINE;
  return now + timeout_ms * 1000;
}

int weft_scope_enter(weft_scope *s, int64_t timeout_ms) {
  weft__task *t = weft__current();
  if (!t) return WEFT_ENOTTASK;
  return weft_scope_enter_at(s, deadline_from(t, timeout_ms));
}

int weft_scope_leave(weft_scope *s) {
  weft__task *t = weft__current();
  if (!t) return WEFT_ENOTTASK;
  if (!s || t->scope_top != s) return WEFT_EINVAL;
  t->scope_top = s->parent_;
  s->state_ = SCOPE_LEFT;
  rearm(t);
  int rc = 0;
  if (s->expired_) {
    /* Absorb this scope's own request; any left beyond those the task had
     * on entry is somebody else's and must keep unwinding. */
    rc = weft_uncancel() > s->cancels_at_enter_ ? WEFT_ECANCELED : WEFT_ETIMEDOUT;
  } else if (t->cancel_requests > s->cancels_at_enter_) {
    rc = WEFT_ECANCELED;
  }
  s->result_ = rc;
  return rc;
}

int weft_scope_reschedule_at(weft_scope *s, weft_time_t deadline) {
  weft__task *t = weft__current();
  if (!t) return WEFT_ENOTTASK;
  if (!s || !in_stack(t, s)) return WEFT_EINVAL;
  if (s->expired_) return WEFT_ESTATE;
  if (t->fut.loop->closing && deadline != WEFT_NO_DEADLINE) return WEFT_ECLOSED;
  s->deadline_ = deadline;
  return rearm(t);
}

int weft_scope_reschedule(weft_scope *s, int64_t timeout_ms) {
  weft__task *t = weft__current();
  if (!t) return WEFT_ENOTTASK;
  return weft_scope_reschedule_at(s, deadline_from(t, timeout_ms));
}

int weft_scope_expired(const weft_scope *s) { return s ? s->expired_ : 0; }

weft_time_t weft_scope_deadline(const weft_scope *s) { return s ? s->deadline_ : WEFT_NO_DEADLINE; }

int weft_scope_result(const weft_scope *s) { return s ? s->result_ : WEFT_EINVAL; }

weft_scope *weft__scope_begin(weft_scope *s, int64_t timeout_ms) {
  if (!s) return NULL;
  int rc = weft_scope_enter(s, timeout_ms);
  if (rc) {
    memset(s, 0, sizeof *s);
    s->result_ = rc;
    return NULL;
  }
  return s;
}

void weft__scope_autoleave(weft_scope **sp) {
  weft_scope *s = *sp;
  if (s && s->state_ == SCOPE_ENTERED) weft_scope_leave(s);
}

/* --- shields ------------------------------------------------------------- */

int weft_cancel_shield_enter(void) {
  weft__task *t = weft__current();
  if (!t) return WEFT_ENOTTASK;
  if (t->shield_depth++ == 0) {
    t->shield_saved_must = t->must_cancel;
    t->must_cancel = 0;
  }
  return 0;
}

int weft_cancel_shield_leave(void) {
  weft__task *t = weft__current();
  if (!t) return WEFT_ENOTTASK;
  if (t->shield_depth == 0) return WEFT_EINVAL;
  if (--t->shield_depth == 0) {
    if ((t->shield_saved_must || t->shield_deferred) && t->cancel_requests > 0) t->must_cancel = 1;
    t->shield_saved_must = t->shield_deferred = 0;
  }
  return 0;
}

/* --- async with ---------------------------------------------------------- */

int weft_with(weft_with_acquire_fn acquire, weft_with_body_fn body, weft_with_release_fn release, void *arg) {
  weft__task *t = weft__current();
  if (!t) return WEFT_ENOTTASK;
  if (!body || !release) return WEFT_EINVAL;
  void *res = NULL;
  if (acquire) {
    int rc = acquire(arg, &res);
    if (rc) return rc;
  }
  int before = t->cancel_requests;
  int st = body(arg, res);
  weft_cancel_shield_enter();
  int rr = release(arg, res, st);
  weft_cancel_shield_leave();
  if (t->cancel_requests > before) {
    t->must_cancel = 0; /* delivered by this return */
    return WEFT_ECANCELED;
  }
  return st ? st : rr;
}

void weft__defer_run(weft_defer *d) {
  if (!d->fn_) return;
  int shielded = weft_cancel_shield_enter() == 0;
  d->fn_(d->arg_);
  if (shielded) weft_cancel_shield_leave();
}
