/* The event loop: ready queue, timer heap, clock, and the host entry.
 *
 * One iteration (asyncio's _run_once): read the clock once, move every due
 * timer to the ready queue in (deadline, arming order), then run exactly the
 * callbacks that were ready at that point. Work scheduled meanwhile waits for
 * the next iteration, so nothing can starve the loop.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
/* Provided by src/js/library_weft.js: keeps one host timer per loop armed
 * for `delay_ms` (0: as soon as possible, -1: disarm). */
extern void weft_js_arm(weft_loop *loop, double delay_ms);
/* Disarms and forgets the loop (weftLoops() no longer lists it). */
extern void weft_js_loop_freed(weft_loop *loop);
#endif

static _Thread_local weft_loop *running_loop;

weft_loop *weft_running_loop(void) { return running_loop; }
void weft__set_running_loop(weft_loop *loop) { running_loop = loop; }

static weft_time_t real_now(void) {
#if defined(__EMSCRIPTEN__)
  return (weft_time_t)(emscripten_get_now() * 1000.0);
#else
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (weft_time_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
#endif
}

weft_time_t weft__real_now(void) { return real_now(); }

weft_time_t weft__clock_now(const weft_loop *loop) {
  return loop->clock == WEFT_CLOCK_VIRTUAL ? loop->now : real_now();
}

weft_loop *weft_loop_new(const weft_loop_options *opts) {
  if (opts && weft__check_stack_sizes(opts->stack_size, opts->asyncify_size) != 0) return NULL;
  weft_loop *loop = weft__calloc(1, sizeof *loop);
  if (!loop) return NULL;
  loop->magic = WEFT_MAGIC_LOOP;
  loop->clock = opts ? opts->clock : WEFT_CLOCK_REAL;
  loop->stack_size = opts && opts->stack_size ? opts->stack_size : WEFT_DEFAULT_STACK_SIZE;
  loop->asyncify_size = opts && opts->asyncify_size ? opts->asyncify_size : WEFT_DEFAULT_ASYNCIFY_SIZE;
  loop->budget_us = opts && opts->budget_us > 0 ? opts->budget_us : 4000;
  loop->ready.next_ = loop->ready.prev_ = &loop->ready;
  loop->alive.next_alive = loop->alive.prev_alive = &loop->alive;
  loop->now = loop->clock == WEFT_CLOCK_VIRTUAL ? 0 : real_now();
  loop->armed_delay = -1;
  return loop;
}

weft_time_t weft_loop_now(const weft_loop *loop) { return loop ? loop->now : 0; }

size_t weft_loop_alive_tasks(const weft_loop *loop) { return loop ? loop->nalive : 0; }

void weft_loop_ref(weft_loop *loop, int delta) {
  if (!loop) return;
  loop->refs += delta;
  if (loop->refs < 0) loop->refs = 0;
}

/* --- ready queue and timers ---------------------------------------------- */

void weft__ready_push(weft_loop *loop, weft_handle *h, weft_cb cb, void *arg) {
  h->cb_ = cb;
  h->arg_ = arg;
  h->loop_ = loop;
  h->state_ = H_READY;
  h->heap_index_ = UINT32_MAX;
  h->prev_ = loop->ready.prev_;
  h->next_ = &loop->ready;
  loop->ready.prev_->next_ = h;
  loop->ready.prev_ = h;
  if (++loop->nready == 1 && !loop->running) weft__host_arm(loop);
}

static void ready_unlink(weft_loop *loop, weft_handle *h) {
  h->prev_->next_ = h->next_;
  h->next_->prev_ = h->prev_;
  h->next_ = h->prev_ = NULL;
  loop->nready--;
}

static int check_new(weft_loop *loop, weft_handle *h, weft_cb cb) {
  if (!loop || !h || !cb || loop->magic != WEFT_MAGIC_LOOP) return WEFT_EINVAL;
  if (h->state_ != H_INACTIVE) return WEFT_EINVAL;
  if (loop->closing) return WEFT_ECLOSED;
  return 0;
}

int weft_call_soon(weft_loop *loop, weft_handle *h, weft_cb cb, void *arg) {
  int rc = check_new(loop, h, cb);
  if (rc) return rc;
  weft__ready_push(loop, h, cb, arg);
  return 0;
}

int weft_call_at(weft_loop *loop, weft_handle *h, weft_time_t when, weft_cb cb, void *arg) {
  int rc = check_new(loop, h, cb);
  if (rc) return rc;
  h->cb_ = cb;
  h->arg_ = arg;
  h->loop_ = loop;
  h->when_ = when;
  h->seq_ = loop->seq++;
  rc = weft__heap_push(&loop->timers, h);
  if (rc) return rc;
  h->state_ = H_TIMER;
  if (!loop->running && weft__heap_min(&loop->timers) == h) weft__host_arm(loop);
  return 0;
}

int weft_call_later(weft_loop *loop, weft_handle *h, int64_t delay_ms, weft_cb cb, void *arg) {
  if (!loop) return WEFT_EINVAL;
  if (delay_ms < 0) delay_ms = 0;
  /* 2^53 µs is ~285 years: clamp so the deadline cannot overflow. */
  if (delay_ms > (INT64_C(1) << 43)) delay_ms = INT64_C(1) << 43;
  return weft_call_at(loop, h, loop->now + delay_ms * 1000, cb, arg);
}

int weft_handle_cancel(weft_handle *h) {
  if (!h) return WEFT_EINVAL;
  if (h->state_ == H_READY) {
    ready_unlink(h->loop_, h);
  } else if (h->state_ == H_TIMER) {
    weft__heap_remove(&h->loop_->timers, h);
  } else {
    return WEFT_ESTATE;
  }
  h->state_ = H_INACTIVE;
  return 0;
}

int weft_handle_active(const weft_handle *h) { return h && h->state_ != H_INACTIVE; }

/* --- running ------------------------------------------------------------- */

/* The start of an iteration: read the clock (or, virtual and idle, jump to
 * the next deadline) and move every due timer to the ready queue. */
static void begin_iteration(weft_loop *loop) {
  if (loop->clock == WEFT_CLOCK_VIRTUAL) {
    weft_handle *next = weft__heap_min(&loop->timers);
    if (!loop->nready && next && next->when_ > loop->now) loop->now = next->when_;
  } else {
    loop->now = real_now();
  }
  weft_handle *h;
  while ((h = weft__heap_min(&loop->timers)) && h->when_ <= loop->now) {
    weft__heap_remove(&loop->timers, h);
    weft__ready_push(loop, h, h->cb_, h->arg_);
  }
}

static int run_once(weft_loop *loop) {
  begin_iteration(loop);
  loop->step_left = 0; /* a step after this starts a fresh iteration */
  /* Detach this iteration's batch onto a local list (asyncio pops exactly
   * the handles that were ready). Counting n and popping the shared queue's
   * front instead ran a handle scheduled meanwhile whenever a callback
   * cancelled one of the batch. The batch's handles stay H_READY and
   * counted in nready, so weft_handle_cancel still unlinks them. */
  weft_handle batch;
  batch.next_ = batch.prev_ = &batch;
  if (loop->nready) {
    batch.next_ = loop->ready.next_;
    batch.prev_ = loop->ready.prev_;
    batch.next_->prev_ = &batch;
    batch.prev_->next_ = &batch;
    loop->ready.next_ = loop->ready.prev_ = &loop->ready;
  }
  int ran = 0;
  while (batch.next_ != &batch) {
    weft_handle *h = batch.next_;
    ready_unlink(loop, h);
    h->state_ = H_INACTIVE;
    weft_cb cb = h->cb_;
    void *arg = h->arg_;
    cb(loop, arg); /* may free h */
    ran++;
  }
  return ran;
}

static int enter(weft_loop *loop, weft_loop **saved) {
  if (!loop || loop->magic != WEFT_MAGIC_LOOP) return WEFT_EINVAL;
  if (loop->running) return WEFT_EBUSY;
  if (running_loop && running_loop != loop) return WEFT_EBUSY;
  *saved = running_loop;
  loop->running = 1;
  running_loop = loop;
  return 0;
}

static void leave(weft_loop *loop, weft_loop *saved) {
  loop->running = 0;
  running_loop = saved;
}

int weft_loop_step(weft_loop *loop) {
  weft_loop *saved;
  int rc = enter(loop, &saved);
  if (rc) return rc;
  /* The same order as run_once: an iteration's batch is what was ready when
   * it began (counted in step_left); only once it is used up do due timers
   * join. A handle of the batch cancelled meanwhile lets one scheduled
   * later run in its place: the only way steps can differ from run_once. */
  if (loop->step_left > loop->nready) loop->step_left = loop->nready;
  if (loop->step_left == 0) {
    begin_iteration(loop);
    loop->step_left = loop->nready;
  }
  if (loop->step_left > 0) {
    weft_handle *h = loop->ready.next_;
    ready_unlink(loop, h);
    loop->step_left--;
    h->state_ = H_INACTIVE;
    h->cb_(loop, h->arg_); /* may free h */
  }
  leave(loop, saved);
  return loop->nready || loop->timers.len || loop->refs > 0 ? 1 : 0;
}

int weft_loop_step_task(weft_loop *loop) {
  if (!loop || loop->magic != WEFT_MAGIC_LOOP) return WEFT_EINVAL;
  uint64_t before = loop->resumes;
  int rc;
  do rc = weft_loop_step(loop);
  while (rc == 1 && loop->resumes == before);
  return rc;
}

int weft_loop_run_once(weft_loop *loop) {
  weft_loop *saved;
  int rc = enter(loop, &saved);
  if (rc) return rc;
  rc = run_once(loop);
  leave(loop, saved);
  return rc;
}

static void sleep_until(weft_time_t deadline) {
  weft_time_t d = deadline - real_now();
  if (d <= 0) return;
#if defined(__EMSCRIPTEN__)
  /* A blocking run on wasm can only spin: prefer the host-driven loop. */
  while (real_now() < deadline) {
  }
#else
  struct timespec ts = {.tv_sec = d / 1000000, .tv_nsec = (d % 1000000) * 1000};
  nanosleep(&ts, NULL);
#endif
}

/* Runs iterations while there is work; with `tasks_only`, only while tasks
 * are alive too (shutdown: see weft_loop_free); with `until`, only until
 * that future is done. */
static void run_loop(weft_loop *loop, int tasks_only, const weft_future *until) {
  while ((loop->nready || loop->timers.len) && (!tasks_only || loop->nalive) &&
         (!until || until->state == WEFT_PENDING)) {
    if (!loop->nready && loop->clock == WEFT_CLOCK_REAL) {
      sleep_until(weft__heap_min(&loop->timers)->when_);
    }
    run_once(loop);
  }
}

int weft_loop_run(weft_loop *loop) {
  weft_loop *saved;
  int rc = enter(loop, &saved);
  if (rc) return rc;
  run_loop(loop, 0, NULL);
  leave(loop, saved);
  return 0;
}

int weft_loop_run_until(weft_loop *loop, weft_future *f) {
  int rc = weft__check(f);
  if (rc) return rc;
  weft_loop *saved;
  rc = enter(loop, &saved);
  if (rc) return rc;
  run_loop(loop, 0, f);
  leave(loop, saved);
  /* Nothing left that could complete it: say so instead of hanging. */
  return f->state == WEFT_PENDING ? WEFT_EDEADLK : 0;
}

static double next_delay_ms(weft_loop *loop) {
  if (loop->nready) return 0;
  weft_handle *next = weft__heap_min(&loop->timers);
  if (!next) return -1;
  if (loop->clock == WEFT_CLOCK_VIRTUAL) return 0;
  double d = (double)(next->when_ - real_now()) / 1000.0;
  return d > 0 ? d : 0;
}

double weft_loop_run_ready(weft_loop *loop) {
  weft_loop *saved;
  if (enter(loop, &saved)) return loop && loop->magic == WEFT_MAGIC_LOOP ? 0 : -1;
  weft_time_t start = real_now();
  /* Past the budget, one more iteration while a host future's cancel
   * callback is queued: the host must hear of a cancellation before it runs
   * again (future.c, weft_cancel). */
  do {
    run_once(loop);
  } while (next_delay_ms(loop) == 0 && (real_now() - start < loop->budget_us || loop->host_cancels));
  leave(loop, saved);
  double d = next_delay_ms(loop);
  /* weft_run's main task still waits, yet nothing is scheduled and no host
   * operation is pending: nothing can ever wake it. Say so, rather than let
   * the host's event loop empty and the program end silently. */
#if defined(__EMSCRIPTEN__)
  if (d < 0 && loop->main && loop->main->state == WEFT_PENDING && loop->refs == 0) loop->main_stuck(loop);
#endif
  loop->armed_delay = -2; /* force the host to take this delay */
  weft__host_arm(loop);
  return d;
}

void weft__host_arm(weft_loop *loop) {
#if defined(__EMSCRIPTEN__)
  double d = next_delay_ms(loop);
  if (d == loop->armed_delay && d != 0) return;
  loop->armed_delay = d;
  weft_js_arm(loop, d);
#else
  (void)loop;
#endif
}

int weft_loop_free(weft_loop *loop) {
  if (!loop || loop->magic != WEFT_MAGIC_LOOP) return WEFT_EINVAL;
  if (loop->running || running_loop == loop) return WEFT_EBUSY;
  /* Cancel what is still alive and let it clean up, on the loop's own
   * clock, before the memory goes. Only live tasks keep the loop running
   * here: running until no handle is left never returned with a periodic
   * timer (a callback re-arming itself), and pending handles are to be
   * dropped, not run. */
  weft_loop *saved;
  for (int round = 0; round < 8 && loop->nalive; round++) {
    if (loop->cancel_all) loop->cancel_all(loop); /* set with its first task: nalive > 0 implies it */
    if (enter(loop, &saved) == 0) {
      run_loop(loop, 1, NULL);
      leave(loop, saved);
    }
  }
  loop->closing = 1;
  while (loop->nready) {
    weft_handle *h = loop->ready.next_;
    ready_unlink(loop, h);
    h->state_ = H_INACTIVE;
    if (loop->drop_handle) loop->drop_handle(h); /* a scheduled done callback still holds memory and a reference */
  }
  while (loop->timers.len) {
    weft_handle *h = weft__heap_min(&loop->timers);
    weft__heap_remove(&loop->timers, h);
    h->state_ = H_INACTIVE;
  }
  weft__heap_free(&loop->timers);
  weft__loop_drain_pool(loop);
  if (loop->trace) weft__trace_free(loop);
  size_t leaked = loop->live_objects;
#if defined(__EMSCRIPTEN__)
  weft_js_loop_freed(loop);
#endif
  if (leaked) {
    /* Objects the caller still references keep pointing at the loop: keep
     * it (closed) rather than let them dangle. */
    return (int)leaked;
  }
  loop->magic = WEFT_MAGIC_DEAD;
  weft__free(loop);
  return 0;
}
