/* Tasks: spawning, stepping, awaiting, sleeping and cancellation.
 *
 * A task is resumed only from the loop's ready queue (its `step` handle) or
 * from a callback the loop runs (a timer, a future's wake-up), never from
 * another task, so a switch is always task -> scheduler -> task, the shape
 * Asyncify can express.
 *
 * Cancellation follows asyncio's Task.cancel: a task suspended on a future
 * cancels that future and is woken when it completes; a sleeping task has its
 * timer removed and wakes with WEFT_ECANCELED; a task that is ready or
 * running gets WEFT_ECANCELED from its next await ("must_cancel").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/internal.h"

/* The running task's name, for the native stack-overflow report. */
static const char *current_task_name(void) {
  weft__task *t = weft__current();
  return t ? t->name : NULL;
}

/* The running task's await-site slot (include/weft/trace.h, sites.h): the
 * loop points it at the task it resumes. */
_Thread_local weft__site *weft__site_now;

weft__task *weft__current(void) {
  weft_loop *loop = weft_running_loop();
  return loop ? loop->current : NULL;
}

weft_task *weft_current(void) {
  weft__task *t = weft__current();
  return t ? &t->fut : NULL;
}

static void task_step(weft_loop *loop, void *arg);

static int task_cancel(weft_future *f) { return weft__task_cancel((weft__task *)f); }

static void task_destroy(weft_future *f) {
  weft__task *t = (weft__task *)f;
  if (t->has_ctx) weft__ctx_free(&t->ctx);
}

static const weft__kind task_kind = {.size = sizeof(weft__task),
                                     .pool = WEFT__POOL_TASK,
                                     .reason = WEFT_REASON_TASK,
                                     .cancel = task_cancel,
                                     .destroy = task_destroy};

void weft__task_exit(weft__task *t) { t->fut.loop->task_exit(t); }
WEFT__NOT_INLINED(weft__task_exit)

static void finish(weft__task *t) {
  weft_loop *loop = t->fut.loop;
  /* Timeout scopes still entered (the body returned without leaving them):
   * their timer goes. The scopes lived in frames that are gone: not read. */
  if (weft_handle_active(&t->scope_timer)) weft_handle_cancel(&t->scope_timer);
  t->scope_top = NULL;
  if (t->groups) weft__task_exit(t);
  int ran = t->has_ctx; /* it ran a slice that ends here (not cancelled before starting) */
  if (t->has_ctx) {
    weft__ctx_free(&t->ctx); /* the stack goes back now, not when the handle is released */
    t->has_ctx = 0;
  }
  t->next_alive->prev_alive = t->prev_alive;
  t->prev_alive->next_alive = t->next_alive;
  loop->nalive--;
  loop->finishing = t->id; /* the waker of its awaiters */
  /* The outcome: a failure the body gave (weft_fail) other than
   * WEFT_ECANCELED is its outcome, even after a cancellation (asyncio: an
   * exception raised while handling CancelledError fails the task). Else a
   * task with cancellation requests left (not weft_uncancel'ed) ends
   * cancelled, whatever it returned. */
  if (t->fail_code && t->fail_code != WEFT_ECANCELED)
    weft__future_complete(&t->fut, WEFT_FAILED, 0, t->fail_code);
  else if (t->cancel_requests > 0 || t->fail_code == WEFT_ECANCELED)
    weft__future_complete(&t->fut, WEFT_CANCELLED, 0, WEFT_ECANCELED);
  else
    weft__future_complete(&t->fut, WEFT_RESOLVED, t->fut.value, 0);
  loop->finishing = 0;
  WEFT__TRACE(loop, weft__trace_finish(loop, t, ran));
  weft_release(&t->fut); /* the loop's reference */
}

static void task_entry(void *arg) {
  weft__task *t = arg;
  t->fut.value = t->fn(t->arg);
}

static void stack_overflow(weft__task *t) {
  /* The task struct itself may have been overwritten: report from what the
   * context kept out of the overflow's reach. */
  const char *label = weft__ctx_label(&t->ctx);
  fprintf(stderr, "weft: task '%s' overflowed its %zu-byte C stack (WEFT_ESTACK)\n", label ? label : t->name,
          weft__ctx_stack_size(&t->ctx));
  fflush(stderr);
  abort();
}

static void task_step(weft_loop *loop, void *arg) {
  weft__task *t = arg;
  if (!t->started) {
    t->started = 1;
    if (t->must_cancel) { /* cancelled before it ever ran: asyncio never runs the body either */
      finish(t);
      return;
    }
    int rc = weft__ctx_init(&t->ctx, t->stack_size, t->async_size, task_entry, t);
    if (rc != 0) {
      t->fail_code = rc;
      finish(t);
      return;
    }
    t->has_ctx = 1;
    weft__ctx_set_label(&t->ctx, t->name);
  }
  weft__task *prev = loop->current;
  loop->current = t;
  t->running = 1;
  loop->resumes++;
  WEFT__TRACE(loop, weft__trace_resume(loop, t));
  weft__site *prev_site = weft__site_now;
  weft__site_now = &t->site;
  int suspended = weft__ctx_resume(&t->ctx);
  weft__site_now = prev_site;
  loop->current = prev;
  if (!weft__ctx_stack_ok(&t->ctx)) stack_overflow(t);
  t->running = 0;
  if (!suspended) finish(t);
}

/* Resumes a suspended task from inside a loop callback, with `status` as the
 * return value of its suspending call. */
static void resume_now(weft__task *t, int status) {
  t->wake_status = status;
  task_step(t->fut.loop, t);
}

void weft__task_wake(weft__task *t, int status) {
  if (weft_handle_active(&t->step)) return;
  WEFT__TRACE(t->fut.loop, weft__trace_wake(t->fut.loop, t, weft__actor(t->fut.loop)));
  t->wake_status = status;
  weft__ready_push(t->fut.loop, &t->step, task_step, t);
}

/* Why the coming suspension waits: a primitive's tag (weft__trace_reason)
 * wins over the caller's default. Kept even when not tracing, for the task
 * table. */
static void set_reason(weft__task *t, int deflt) {
  t->reason = t->reason_hint ? t->reason_hint : (uint8_t)deflt;
  t->reason_hint = 0;
}

int weft__suspend(weft__task *t) {
  weft__ctx_suspend(&t->ctx);
  return t->wake_status;
}

static void on_awaited_done(weft_future *f, void *arg) {
  (void)f;
  resume_now(arg, 0);
}

int weft__task_wait(weft__task *t, weft_future *f) {
  weft_retain(f);
  t->waiting_on = f;
  weft__waiter_add(f, &t->wake, on_awaited_done, t);
  t->wake.task_wake = 1;
  set_reason(t, f->kind->reason);
  WEFT__TRACE(t->fut.loop,
              weft__trace_suspend(t->fut.loop, t, f->kind == &task_kind ? ((weft__task *)f)->id : 0));
  int st = weft__suspend(t);
  t->waiting_on = NULL;
  weft__waiter_remove(&t->wake);
  weft_release(f);
  return st;
}

/* --- spawning ------------------------------------------------------------ */

/* Names are formatted by hand: snprintf cost as much as the rest of a spawn
 * (on wasm it is also Asyncify-instrumented, through its indirect calls). */
static void default_name(char *out, uint32_t id) {
  char digits[10];
  int n = 0;
  do digits[n++] = (char)('0' + id % 10); while ((id /= 10) != 0);
  memcpy(out, "task-", 5);
  for (int i = 0; i < n; i++) out[5 + i] = digits[n - 1 - i];
  out[5 + n] = 0;
}

static weft__task *spawn(weft_loop *loop, weft_task_fn fn, void *arg, const weft_task_options *opts, int *err) {
  if (!loop) loop = weft_running_loop();
  if (!loop || !fn || loop->magic != WEFT_MAGIC_LOOP) {
    *err = WEFT_EINVAL;
    return NULL;
  }
  if (loop->closing) {
    *err = WEFT_ECLOSED;
    return NULL;
  }
  if (opts && weft__check_stack_sizes(opts->stack_size, opts->asyncify_size) != 0) {
    *err = WEFT_EINVAL; /* refused here, not when the task first runs */
    return NULL;
  }
  if (!loop->cancel_all) {
    /* The loop's first task: the loop's shutdown now has tasks to cancel,
     * and a task's stack can overflow. */
    loop->cancel_all = weft__loop_cancel_all;
    weft__ctx_install_overflow_handler(current_task_name);
  }
  weft__task *t = weft__obj_alloc(loop, &task_kind);
  if (!t) {
    *err = WEFT_ENOMEM;
    return NULL;
  }
  weft__future_init(&t->fut, loop, &task_kind);
  t->fut.refs = 2; /* the caller's and the loop's (dropped when the task finishes) */
  t->fn = fn;
  t->arg = arg;
  t->id = ++loop->next_task_id;
  t->parent = loop->current ? loop->current->id : 0;
  t->stack_size = opts && opts->stack_size ? opts->stack_size : loop->stack_size;
  t->async_size = opts && opts->asyncify_size ? opts->asyncify_size : loop->asyncify_size;
  if (opts && opts->name) {
    size_t len = strnlen(opts->name, sizeof t->name - 1);
    memcpy(t->name, opts->name, len);
    t->name[len] = 0;
  } else
    default_name(t->name, t->id);
  t->prev_alive = loop->alive.prev_alive;
  t->next_alive = &loop->alive;
  loop->alive.prev_alive->next_alive = t;
  loop->alive.prev_alive = t;
  loop->nalive++;
  WEFT__TRACE(loop, weft__trace_spawn(loop, t));
  weft__task_wake(t, 0);
  *err = 0;
  return t;
}

weft_task *weft_spawn(weft_loop *loop, weft_task_fn fn, void *arg, const weft_task_options *opts) {
  int err;
  weft__task *t = spawn(loop, fn, arg, opts, &err);
  return t ? &t->fut : NULL;
}

int weft_spawn_detached(weft_loop *loop, weft_task_fn fn, void *arg, const weft_task_options *opts) {
  int err;
  weft__task *t = spawn(loop, fn, arg, opts, &err);
  if (t) weft_release(&t->fut);
  return err;
}

/* --- awaiting ------------------------------------------------------------ */

static int awaits_transitively(const weft_future *f, const weft__task *t) {
  for (int depth = 0; f && f->kind == &task_kind && depth < 10000; depth++) {
    if (f == &t->fut) return 1;
    f = ((const weft__task *)f)->waiting_on;
  }
  return 0;
}

int weft_await(weft_future *f, intptr_t *result) {
  weft__task *t = weft__current();
  if (!t) return WEFT_ENOTTASK;
  int rc = weft__check(f);
  if (rc) return rc;
  if (awaits_transitively(f, t)) {
    WEFT__TRACE(t->fut.loop, weft__trace_event(t->fut.loop, WEFT_TRACE_WARN, t->id, ((weft__task *)f)->id, 0));
    return WEFT_EDEADLK;
  }
  /* A done future gives its outcome without suspending, as awaiting a done
   * asyncio future does not yield to the task: a cancellation pending on
   * the task waits for the next await that suspends (Task.__step is where
   * asyncio delivers it). */
  if (f->state != WEFT_PENDING) return weft_future_result(f, result);
  int cancelled = 0;
  if (t->must_cancel) {
    t->must_cancel = 0;
    cancelled = 1;
    if (f->state == WEFT_PENDING) weft_cancel(f);
  }
  if (f->state == WEFT_PENDING) weft__task_wait(t, f);
  if (t->must_cancel) { /* cancelled after f completed, before this task ran again */
    t->must_cancel = 0;
    cancelled = 1;
  }
  if (cancelled) return WEFT_ECANCELED;
  return weft_future_result(f, result);
}

/* As asyncio.sleep's timer, which completes a future whose done callback
 * then schedules the task: the task resumes from the ready queue, one loop
 * iteration after the deadline, behind what was made ready meanwhile. */
static void on_sleep_timer(weft_loop *loop, void *arg) {
  weft__task *t = arg;
  WEFT__TRACE(loop, weft__trace_event(loop, WEFT_TRACE_TIMER_FIRE, t->id, 0, 0));
  weft__task_wake(t, 0);
}

int weft_sleep(int64_t ms) {
  weft__task *t = weft__current();
  if (!t) return WEFT_ENOTTASK;
  if (t->must_cancel) {
    t->must_cancel = 0;
    return WEFT_ECANCELED;
  }
  int st;
  weft_loop *loop = t->fut.loop;
  if (ms <= 0) {
    set_reason(t, WEFT_REASON_YIELD);
    WEFT__TRACE(loop, weft__trace_suspend(loop, t, 0));
    weft__task_wake(t, 0);
    st = weft__suspend(t);
  } else {
    int rc = weft_call_later(loop, &t->timer, ms, on_sleep_timer, t);
    if (rc) return rc;
    set_reason(t, WEFT_REASON_TIMER);
    WEFT__TRACE(loop, (weft__trace_event(loop, WEFT_TRACE_TIMER_ARM, t->id, 0, t->timer.when_ / 1000),
                       weft__trace_suspend(loop, t, 0)));
    st = weft__suspend(t);
  }
  if (t->must_cancel) {
    t->must_cancel = 0;
    return WEFT_ECANCELED;
  }
  return st;
}

int weft_yield(void) { return weft_sleep(0); }

intptr_t weft_fail(int err) {
  weft__task *t = weft__current();
  if (t) t->fail_code = err < 0 ? err : WEFT_EFAILED;
  return 0;
}

int weft_uncancel(void) {
  weft__task *t = weft__current();
  if (!t) return 0;
  if (t->cancel_requests > 0) t->cancel_requests--;
  if (t->cancel_requests == 0) t->must_cancel = t->shield_deferred = t->shield_saved_must = 0;
  return t->cancel_requests;
}

int weft_cancelling(const weft_task *f) {
  if (weft__check(f) || f->kind != &task_kind) return 0;
  return ((const weft__task *)f)->cancel_requests;
}

const char *weft_task_name(const weft_task *f) {
  if (weft__check(f) || f->kind != &task_kind) return "";
  return ((const weft__task *)f)->name;
}

int weft_is_task(const weft_future *f) { return weft__check(f) == 0 && f->kind == &task_kind; }

/* --- cancellation -------------------------------------------------------- */

int weft__task_cancel(weft__task *t) {
  weft_loop *loop = t->fut.loop;
  WEFT__TRACE(loop, weft__trace_event(loop, WEFT_TRACE_CANCEL, t->id, weft__actor(loop), 0));
  if (t->shield_depth > 0) {
    /* Counted now (the task still ends cancelled), delivered when the
     * shield comes down: its cleanup awaits run undisturbed. */
    t->cancel_requests++;
    t->shield_deferred = 1;
    return 0;
  }
  return weft__task_cancel_unshielded(t);
}

int weft__task_cancel_unshielded(weft__task *t) {
  weft_loop *loop = t->fut.loop;
  t->cancel_requests++;
  if (t->waiting_on && !weft_handle_active(&t->step)) {
    if (weft_cancel(t->waiting_on) == 0) {
      /* Woken when it completes. Also flag the await itself: an awaited
       * task may uncancel and resolve, and this task's await must still
       * return WEFT_ECANCELED (it was cancelled there, per the contract). */
      t->must_cancel = 1;
      return 0;
    }
  }
  if (weft_handle_active(&t->timer)) {
    weft_handle_cancel(&t->timer);
    WEFT__TRACE(loop, weft__trace_event(loop, WEFT_TRACE_TIMER_CANCEL, t->id, 0, 0));
    weft__task_wake(t, WEFT_ECANCELED);
    return 0;
  }
  t->must_cancel = 1;
  return 0;
}

void weft__loop_cancel_all(weft_loop *loop) {
  for (weft__task *t = loop->alive.next_alive; t != &loop->alive; t = t->next_alive) {
    if (t->fut.state == WEFT_PENDING && !t->running) weft__task_cancel(t);
  }
}
