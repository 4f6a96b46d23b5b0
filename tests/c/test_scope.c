/* Timeout scopes, cancellation shields and the async "with", on the virtual
 * clock: exact times, exact codes, nested scopes, real cancellations never
 * swallowed, no timer or memory left behind. */
#include <stdint.h>

#include "harness.h"

/* --- one scope ----------------------------------------------------------- */

static intptr_t basic_body(void *arg) {
  (void)arg;
  weft_scope s;
  CHECK_EQ(weft_scope_enter(&s, 50), 0);
  CHECK_EQ(weft_scope_deadline(&s), 50000);
  CHECK_EQ(weft_scope_expired(&s), 0);
  { int r_ = weft_sleep(100); LOG("sleep=%d@%lld", r_, now_ms()); }
  CHECK_EQ(weft_scope_expired(&s), 1);
  LOG("leave=%d", weft_scope_leave(&s));
  CHECK_EQ(weft_scope_result(&s), WEFT_ETIMEDOUT);
  CHECK_EQ(weft_cancelling(weft_current()), 0); /* absorbed */
  { int r_ = weft_sleep(10); LOG("after=%d@%lld", r_, now_ms()); } /* not cancelled again */
  return 0;
}

static void scope_expires(void) {
  run_task(basic_body, NULL, -1, WEFT_RESOLVED, 60);
  CHECK_LOG("sleep=-1@50 leave=-2 after=0@60");
}

static intptr_t in_time_body(void *arg) {
  (void)arg;
  weft_scope s;
  CHECK_EQ(weft_scope_enter(&s, 100), 0);
  { int r_ = weft_sleep(30); LOG("sleep=%d@%lld", r_, now_ms()); }
  LOG("leave=%d", weft_scope_leave(&s));
  CHECK_EQ(weft_scope_expired(&s), 0);
  return 0;
}

static void scope_in_time(void) {
  /* The loop ends at 30: the scope's 100 ms timer left with the scope. */
  run_task(in_time_body, NULL, -1, WEFT_RESOLVED, 30);
  CHECK_LOG("sleep=0@30 leave=0");
}

static weft_future *never;

static intptr_t await_body(void *arg) {
  (void)arg;
  never = weft_future_new(weft_running_loop());
  weft_scope s;
  CHECK_EQ(weft_scope_enter(&s, 25), 0);
  { int r_ = weft_await(never, NULL); LOG("await=%d@%lld", r_, now_ms()); }
  LOG("leave=%d", weft_scope_leave(&s));
  CHECK_EQ(weft_future_state_of(never), WEFT_CANCELLED); /* what the await waited on is cancelled */
  CHECK_EQ(weft_release(never), 0);
  /* A deadline of 0 fires at the next iteration: any await inside is cut. */
  CHECK_EQ(weft_scope_enter(&s, 0), 0);
  { int r_ = weft_sleep(10); LOG("sleep=%d@%lld", r_, now_ms()); }
  LOG("leave=%d", weft_scope_leave(&s));
  return 0;
}

static void scope_cancels_any_await(void) {
  run_task(await_body, NULL, -1, WEFT_RESOLVED, 25);
  CHECK_LOG("await=-1@25 leave=-2 sleep=-1@25 leave=-2");
}

/* --- nesting ------------------------------------------------------------- */

static intptr_t inner_first_body(void *arg) {
  (void)arg;
  weft_scope outer, inner;
  CHECK_EQ(weft_scope_enter(&outer, 100), 0);
  CHECK_EQ(weft_scope_enter(&inner, 30), 0);
  { int r_ = weft_sleep(50); LOG("sleep=%d@%lld", r_, now_ms()); }
  LOG("inner=%d", weft_scope_leave(&inner));
  { int r_ = weft_sleep(20); LOG("sleep=%d@%lld", r_, now_ms()); }
  LOG("outer=%d", weft_scope_leave(&outer));
  CHECK(weft_scope_expired(&inner));
  CHECK(!weft_scope_expired(&outer));
  return 0;
}

static void nested_inner_expires(void) {
  run_task(inner_first_body, NULL, -1, WEFT_RESOLVED, 50);
  CHECK_LOG("sleep=-1@30 inner=-2 sleep=0@50 outer=0");
}

typedef struct two_deadlines {
  int64_t outer, inner;
} two_deadlines;

static intptr_t outer_first_body(void *arg) {
  two_deadlines *d = arg;
  weft_scope outer, inner;
  CHECK_EQ(weft_scope_enter(&outer, d->outer), 0);
  CHECK_EQ(weft_scope_enter(&inner, d->inner), 0);
  { int r_ = weft_sleep(200); LOG("sleep=%d@%lld", r_, now_ms()); }
  LOG("inner=%d", weft_scope_leave(&inner));
  LOG("outer=%d", weft_scope_leave(&outer));
  LOG("expired=%d,%d", weft_scope_expired(&outer), weft_scope_expired(&inner));
  CHECK_EQ(weft_cancelling(weft_current()), 0);
  return 0;
}

static void nested_outer_expires(void) {
  two_deadlines d = {30, 100};
  run_task(outer_first_body, &d, -1, WEFT_RESOLVED, 30);
  /* The inner scope did not expire: its leave passes the cancellation on. */
  CHECK_LOG("sleep=-1@30 inner=-1 outer=-2 expired=1,0");
}

static void nested_equal_deadlines(void) {
  two_deadlines d = {30, 30};
  run_task(outer_first_body, &d, -1, WEFT_RESOLVED, 30);
  /* Armed first, the outer timer fires first; the inner one then finds an
   * enclosing scope expired and cancels nothing more. */
  CHECK_LOG("sleep=-1@30 inner=-1 outer=-2 expired=1,0");
}

static intptr_t both_expire_body(void *arg) {
  (void)arg;
  weft_scope outer, inner;
  CHECK_EQ(weft_scope_enter(&outer, 40), 0);
  CHECK_EQ(weft_scope_enter(&inner, 30), 0);
  { int r_ = weft_sleep(100); LOG("sleep=%d@%lld", r_, now_ms()); }
  /* cleanup inside the inner scope, cut by the outer deadline */
  { int r_ = weft_sleep(20); LOG("cleanup=%d@%lld", r_, now_ms()); }
  LOG("inner=%d", weft_scope_leave(&inner));
  LOG("outer=%d", weft_scope_leave(&outer));
  LOG("expired=%d,%d", weft_scope_expired(&outer), weft_scope_expired(&inner));
  CHECK_EQ(weft_cancelling(weft_current()), 0);
  return 0;
}

static void nested_both_expire(void) {
  run_task(both_expire_body, NULL, -1, WEFT_RESOLVED, 40);
  /* Both expired; the cancellation must unwind to the outer one, which
   * reports it. */
  CHECK_LOG("sleep=-1@30 cleanup=-1@40 inner=-1 outer=-2 expired=1,1");
}

static intptr_t three_levels_body(void *arg) {
  (void)arg;
  weft_scope a, b, c;
  CHECK_EQ(weft_scope_enter(&a, 300), 0);
  CHECK_EQ(weft_scope_enter(&b, 20), 0);
  CHECK_EQ(weft_scope_enter(&c, 100), 0);
  { int r_ = weft_sleep(1000); LOG("sleep=%d@%lld", r_, now_ms()); }
  LOG("c=%d", weft_scope_leave(&c));
  LOG("b=%d", weft_scope_leave(&b));
  { int r_ = weft_sleep(1000); LOG("sleep=%d@%lld", r_, now_ms()); }
  LOG("a=%d", weft_scope_leave(&a));
  return 0;
}

static void nested_middle_expires(void) {
  run_task(three_levels_body, NULL, -1, WEFT_RESOLVED, 300);
  CHECK_LOG("sleep=-1@20 c=-1 b=-2 sleep=-1@300 a=-2");
}

/* --- real cancellations are not swallowed -------------------------------- */

static intptr_t cancel_during_timeout_body(void *arg) {
  (void)arg;
  weft_scope s;
  CHECK_EQ(weft_scope_enter(&s, 30), 0);
  { int r_ = weft_sleep(100); LOG("sleep=%d@%lld", r_, now_ms()); }
  { int r_ = weft_sleep(20); LOG("cleanup=%d@%lld", r_, now_ms()); } /* the real cancel arrives at 40 */
  LOG("leave=%d", weft_scope_leave(&s));
  LOG("cancelling=%d", weft_cancelling(weft_current()));
  return 0;
}

static void external_cancel_in_expired_scope(void) {
  run_task(cancel_during_timeout_body, NULL, 40, WEFT_CANCELLED, 40);
  CHECK_LOG("sleep=-1@30 cancel@40 cleanup=-1@40 leave=-1 cancelling=1");
}

static intptr_t cancel_same_time_body(void *arg) {
  (void)arg;
  weft_scope s;
  CHECK_EQ(weft_scope_enter(&s, 30), 0);
  { int r_ = weft_sleep(100); LOG("sleep=%d@%lld", r_, now_ms()); }
  LOG("leave=%d", weft_scope_leave(&s));
  LOG("cancelling=%d", weft_cancelling(weft_current()));
  LOG("next=%d", weft_sleep(5));
  return 0;
}

static void external_cancel_same_instant(void) {
  /* The deadline and the canceller's sleep are due in the same iteration.
   * The deadline's timer cancels the task at once; the canceller's sleep
   * timer only schedules the canceller (as asyncio.sleep's future does), so
   * the task leaves its scope with WEFT_ETIMEDOUT first, and the
   * canceller's request is delivered at the next await. */
  run_task(cancel_same_time_body, NULL, 30, WEFT_CANCELLED, 30);
  CHECK_LOG("sleep=-1@30 leave=-2 cancelling=0 cancel@30 next=-1");
}

static intptr_t cancel_no_expiry_body(void *arg) {
  (void)arg;
  weft_scope s;
  CHECK_EQ(weft_scope_enter(&s, 100), 0);
  { int r_ = weft_sleep(50); LOG("sleep=%d@%lld", r_, now_ms()); }
  { int r_ = weft_scope_leave(&s); LOG("leave=%d expired=%d", r_, weft_scope_expired(&s)); }
  return 0;
}

static void external_cancel_without_expiry(void) {
  run_task(cancel_no_expiry_body, NULL, 10, WEFT_CANCELLED, 10);
  CHECK_LOG("cancel@10 sleep=-1@10 leave=-1 expired=0");
}

static intptr_t timed_cleanup_body(void *arg) {
  (void)arg;
  { int r_ = weft_sleep(100); LOG("sleep=%d@%lld", r_, now_ms()); } /* cancelled at 10 */
  /* Cleanup bounded by a scope, while the task's own cancellation is
   * pending: the scope reports its timeout; the cancellation remains. */
  weft_scope s;
  CHECK_EQ(weft_scope_enter(&s, 20), 0);
  { int r_ = weft_sleep(100); LOG("cleanup=%d@%lld", r_, now_ms()); }
  { int r_ = weft_scope_leave(&s); LOG("leave=%d cancelling=%d", r_, weft_cancelling(weft_current())); }
  return 0;
}

static void scope_in_cleanup_of_cancelled_task(void) {
  run_task(timed_cleanup_body, NULL, 10, WEFT_CANCELLED, 30);
  CHECK_LOG("cancel@10 sleep=-1@10 cleanup=-1@30 leave=-2 cancelling=1");
}

/* --- reschedule ---------------------------------------------------------- */

static intptr_t reschedule_body(void *arg) {
  (void)arg;
  weft_scope s;
  CHECK_EQ(weft_scope_enter(&s, 50), 0);
  CHECK_EQ(weft_sleep(20), 0);
  CHECK_EQ(weft_scope_reschedule(&s, 100), 0); /* now 120 */
  CHECK_EQ(weft_scope_deadline(&s), 120000);
  { int r_ = weft_sleep(500); LOG("sleep=%d@%lld", r_, now_ms()); }
  CHECK_EQ(weft_scope_reschedule(&s, 10), WEFT_ESTATE);
  LOG("leave=%d", weft_scope_leave(&s));
  /* No deadline at first, then one; then none again. */
  CHECK_EQ(weft_scope_enter(&s, -1), 0);
  CHECK_EQ(weft_scope_deadline(&s), WEFT_NO_DEADLINE);
  CHECK_EQ(weft_sleep(10), 0);
  CHECK_EQ(weft_scope_reschedule_at(&s, weft_loop_now(weft_running_loop()) + 5000), 0);
  { int r_ = weft_sleep(500); LOG("sleep=%d@%lld", r_, now_ms()); }
  LOG("leave=%d", weft_scope_leave(&s));
  CHECK_EQ(weft_scope_enter(&s, 10), 0);
  CHECK_EQ(weft_scope_reschedule(&s, -1), 0);
  { int r_ = weft_sleep(50); LOG("sleep=%d@%lld", r_, now_ms()); }
  LOG("leave=%d", weft_scope_leave(&s));
  return 0;
}

static void scope_reschedule(void) {
  run_task(reschedule_body, NULL, -1, WEFT_RESOLVED, 185);
  CHECK_LOG("sleep=-1@120 leave=-2 sleep=-1@135 leave=-2 sleep=0@185 leave=0");
}

/* --- the macro ----------------------------------------------------------- */

static int macro_return_helper(void) {
  weft_scope s;
  WEFT_TIMEOUT(s, 10) {
    int rc = weft_sleep(100);
    LOG("ret-sleep=%d@%lld", rc, now_ms());
    return rc; /* leaves the scope through the cleanup */
  }
  return 99;
}

static intptr_t macro_body(void *arg) {
  (void)arg;
  weft_scope s, inner;
  WEFT_TIMEOUT(s, 30) {
    LOG("body");
    if (weft_sleep(100)) break;
    LOG("not reached");
  }
  { int r_ = weft_scope_result(&s); LOG("result=%d@%lld", r_, now_ms()); }
  WEFT_TIMEOUT(s, 30) {
    if (weft_sleep(10)) continue;
  }
  { int r_ = weft_scope_result(&s); LOG("result=%d@%lld", r_, now_ms()); }
  WEFT_TIMEOUT(s, 100) {
    WEFT_TIMEOUT(inner, 5) {
      LOG("inner-sleep=%d", weft_sleep(50));
    }
    { int r_ = weft_scope_result(&inner); LOG("inner=%d@%lld", r_, now_ms()); }
  }
  LOG("outer=%d", weft_scope_result(&s));
  LOG("helper=%d", macro_return_helper());
  CHECK_EQ(weft_cancelling(weft_current()), 0);
  { int r_ = weft_sleep(1); LOG("after=%d@%lld", r_, now_ms()); }
  return 0;
}

static void timeout_macro(void) {
  run_task(macro_body, NULL, -1, WEFT_RESOLVED, 56);
  CHECK_LOG("body result=-2@30 result=0@40 inner-sleep=-1 inner=-2@45 outer=0 ret-sleep=-1@55 helper=-1 after=0@56");
}

/* --- misuse -------------------------------------------------------------- */

static intptr_t misuse_body(void *arg) {
  (void)arg;
  weft_scope a, b;
  CHECK_EQ(weft_scope_enter(NULL, 10), WEFT_EINVAL);
  CHECK_EQ(weft_scope_leave(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_scope_enter(&a, 10), 0);
  CHECK_EQ(weft_scope_enter(&a, 10), WEFT_EINVAL); /* twice */
  CHECK_EQ(weft_scope_enter(&b, 10), 0);
  CHECK_EQ(weft_scope_leave(&a), WEFT_EINVAL); /* not the innermost */
  CHECK_EQ(weft_scope_leave(&b), 0);
  CHECK_EQ(weft_scope_leave(&b), WEFT_EINVAL); /* twice */
  CHECK_EQ(weft_scope_reschedule(&b, 5), WEFT_EINVAL); /* not entered */
  CHECK_EQ(weft_scope_leave(&a), 0);
  CHECK_EQ(weft_cancel_shield_leave(), WEFT_EINVAL);
  CHECK_EQ(weft_with(NULL, NULL, NULL, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_scope_expired(NULL), 0);
  CHECK_EQ(weft_scope_result(NULL), WEFT_EINVAL);
  return 0;
}

static int ok_body(void *arg, void *res) { return 0; }
static int ok_release(void *arg, void *res, int st) { return 0; }

static void scope_misuse(void) {
  weft_scope s;
  CHECK_EQ(weft_scope_enter(&s, 10), WEFT_ENOTTASK);
  CHECK_EQ(weft_scope_leave(&s), WEFT_ENOTTASK);
  CHECK_EQ(weft_scope_reschedule(&s, 10), WEFT_ENOTTASK);
  CHECK_EQ(weft_cancel_shield_enter(), WEFT_ENOTTASK);
  CHECK_EQ(weft_cancel_shield_leave(), WEFT_ENOTTASK);
  CHECK_EQ(weft_with(NULL, ok_body, ok_release, NULL), WEFT_ENOTTASK);
  run_task(misuse_body, NULL, -1, WEFT_RESOLVED, 0);
}

static intptr_t abandon_body(void *arg) {
  (void)arg;
  weft_scope s; /* on this task's stack, which goes away when it returns */
  CHECK_EQ(weft_scope_enter(&s, 50), 0);
  CHECK_EQ(weft_sleep(10), 0);
  return 0; /* never left */
}

static void scope_abandoned(void) {
  /* The timer is disarmed when the task finishes: the loop ends at 10, and
   * (under ASan) nothing touches the dead stack at 50. */
  run_task(abandon_body, NULL, -1, WEFT_RESOLVED, 10);
}

/* --- shields ------------------------------------------------------------- */

static intptr_t shield_body(void *arg) {
  (void)arg;
  CHECK_EQ(weft_cancel_shield_enter(), 0);
  { int r_ = weft_sleep(50); LOG("shielded=%d@%lld", r_, now_ms()); } /* cancelled at 10: goes on */
  CHECK_EQ(weft_cancel_shield_enter(), 0);             /* nests */
  { int r_ = weft_sleep(5); LOG("nested=%d@%lld", r_, now_ms()); }
  CHECK_EQ(weft_cancel_shield_leave(), 0);
  CHECK_EQ(weft_cancel_shield_leave(), 0);
  { int r_ = weft_sleep(50); LOG("after=%d@%lld", r_, now_ms()); } /* delivered now */
  { int r_ = weft_sleep(5); LOG("again=%d@%lld", r_, now_ms()); }  /* once */
  return 0;
}

static void shield_defers_cancel(void) {
  run_task(shield_body, NULL, 10, WEFT_CANCELLED, 60);
  CHECK_LOG("cancel@10 shielded=0@50 nested=0@55 after=-1@55 again=0@60");
}

static intptr_t shield_scope_body(void *arg) {
  (void)arg;
  weft_scope in, out;
  CHECK_EQ(weft_cancel_shield_enter(), 0);
  CHECK_EQ(weft_scope_enter(&in, 20), 0); /* inside the shield: it fires there */
  { int r_ = weft_sleep(100); LOG("in=%d@%lld", r_, now_ms()); }
  LOG("leave=%d", weft_scope_leave(&in));
  CHECK_EQ(weft_cancel_shield_leave(), 0);
  CHECK_EQ(weft_scope_enter(&out, 10), 0); /* outside the shield: waits for it */
  CHECK_EQ(weft_cancel_shield_enter(), 0);
  { int r_ = weft_sleep(30); LOG("shielded=%d@%lld", r_, now_ms()); }
  CHECK_EQ(weft_cancel_shield_leave(), 0);
  { int r_ = weft_sleep(30); LOG("after=%d@%lld", r_, now_ms()); }
  LOG("leave=%d", weft_scope_leave(&out));
  return 0;
}

static void shield_and_scopes(void) {
  run_task(shield_scope_body, NULL, -1, WEFT_RESOLVED, 50);
  CHECK_LOG("in=-1@20 leave=-2 shielded=0@50 after=-1@50 leave=-2");
}

/* --- async with ---------------------------------------------------------- */

typedef struct resource {
  int id;
  int acquire_rc, body_rc, release_rc;
  int64_t body_ms;
} resource;

static int res_acquire(void *arg, void **out) {
  resource *r = arg;
  int rc = weft_sleep(10);
  LOG("acquire=%d@%lld", rc ? rc : r->acquire_rc, now_ms());
  if (rc) return rc;
  if (r->acquire_rc) return r->acquire_rc;
  *out = r;
  return 0;
}

static int res_body(void *arg, void *res) {
  resource *r = res;
  CHECK(res == arg);
  int rc = weft_sleep(r->body_ms);
  LOG("body=%d@%lld", rc, now_ms());
  return rc ? rc : r->body_rc;
}

static int res_release(void *arg, void *res, int status) {
  resource *r = res;
  int rc = weft_sleep(20); /* shielded: not cut by the cancellation */
  LOG("release(%d)=%d@%lld", status, rc, now_ms());
  return r->release_rc;
}

static intptr_t with_body(void *arg) {
  resource *r = arg;
  { int r_ = weft_with(res_acquire, res_body, res_release, r); LOG("with=%d@%lld", r_, now_ms()); }
  { int r_ = weft_sleep(5); LOG("next=%d@%lld", r_, now_ms()); }
  return 0;
}

static void with_paths(void) {
  resource ok = {1, 0, 0, 0, 30};
  run_task(with_body, &ok, -1, WEFT_RESOLVED, 65);
  CHECK_LOG("acquire=0@10 body=0@40 release(0)=0@60 with=0@60 next=0@65");
  log_reset();
  resource body_fails = {1, 0, WEFT_EBUSY, WEFT_EINVAL, 30};
  run_task(with_body, &body_fails, -1, WEFT_RESOLVED, 65);
  CHECK_LOG("acquire=0@10 body=0@40 release(-11)=0@60 with=-11@60 next=0@65");
  log_reset();
  resource release_fails = {1, 0, 0, WEFT_EINVAL, 30};
  run_task(with_body, &release_fails, -1, WEFT_RESOLVED, 65);
  CHECK_LOG("acquire=0@10 body=0@40 release(0)=0@60 with=-3@60 next=0@65");
  log_reset();
  resource acquire_fails = {1, WEFT_ECLOSED, 0, 0, 30};
  run_task(with_body, &acquire_fails, -1, WEFT_RESOLVED, 15);
  CHECK_LOG("acquire=-7@10 with=-7@10 next=0@15");
}

static resource cancelled_res = {1, 0, 0, 0, 100};

static intptr_t with_cancel_body(void *arg) {
  (void)arg;
  return with_body(&cancelled_res);
}

static void with_cancelled(void) {
  /* Cancelled in the body at 30: the release still runs its 20 ms; the
   * with returns WEFT_ECANCELED once, later awaits are not cut again. */
  run_task(with_cancel_body, NULL, 30, WEFT_CANCELLED, 55);
  CHECK_LOG("acquire=0@10 cancel@30 body=-1@30 release(-1)=0@50 with=-1@50 next=0@55");
  log_reset();
  /* Cancelled during the release (at 50, it ends at 60): deferred. */
  cancelled_res.body_ms = 30;
  run_task(with_cancel_body, NULL, 50, WEFT_CANCELLED, 65);
  CHECK_LOG("acquire=0@10 body=0@40 cancel@50 release(0)=0@60 with=-1@60 next=0@65");
  cancelled_res.body_ms = 100;
}

static void close_async(void *arg) {
  int rc = weft_sleep(20);
  LOG("close(%s)=%d@%lld", (const char *)arg, rc, now_ms());
}

static int defer_user(void) {
  WEFT_DEFER(close_async, "a"); WEFT_DEFER(close_async, "b"); /* one line: each its own variable */
  int rc = weft_sleep(100);
  LOG("work=%d@%lld", rc, now_ms());
  if (rc) return rc; /* both closes run, b then a */
  LOG("not reached");
  return 0;
}

static intptr_t defer_body(void *arg) {
  (void)arg;
  { int r_ = defer_user(); LOG("ret=%d@%lld", r_, now_ms()); }
  for (int i = 0; i < 2; i++) {
    WEFT_DEFER(close_async, "loop");
    if (i == 0) continue;
    break;
  }
  LOG("end@%lld", now_ms());
  return 0;
}

static void defer_runs_on_every_exit(void) {
  run_task(defer_body, NULL, 30, WEFT_CANCELLED, 110);
  CHECK_LOG("cancel@30 work=-1@30 close(b)=0@50 close(a)=0@70 ret=-1@70 close(loop)=0@90 close(loop)=0@110 end@110");
}

int main(void) {
  RUN(scope_expires);
  RUN(scope_in_time);
  RUN(scope_cancels_any_await);
  RUN(nested_inner_expires);
  RUN(nested_outer_expires);
  RUN(nested_equal_deadlines);
  RUN(nested_both_expire);
  RUN(nested_middle_expires);
  RUN(external_cancel_in_expired_scope);
  RUN(external_cancel_same_instant);
  RUN(external_cancel_without_expiry);
  RUN(scope_in_cleanup_of_cancelled_task);
  RUN(scope_reschedule);
  RUN(timeout_macro);
  RUN(scope_misuse);
  RUN(scope_abandoned);
  RUN(shield_defers_cancel);
  RUN(shield_and_scopes);
  RUN(with_paths);
  RUN(with_cancelled);
  RUN(defer_runs_on_every_exit);
  return DONE();
}
