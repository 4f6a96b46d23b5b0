/* weft — tracing: every scheduler event of a loop, with the loop's clock,
 * into a ring buffer of fixed-size records; a task table (asyncio ps);
 * warnings (a task that blocked the loop, a future dropped while awaited,
 * an await cycle); and stepping the loop one unit of work at a time.
 *
 * Tracing is per loop and off by default. While it is off each hook in the
 * scheduler is one test of one pointer, so it costs nothing measurable
 * (docs/tracing.md has the figure). The host (JS: src/js/trace.mjs) or a C
 * program drains the ring after each batch of work; records that do not fit
 * are counted and reported by a WEFT_TRACE_DROPPED record at the next drain.
 *
 * Await sites. The public suspending calls (weft_await, weft_sleep,
 * weft_yield, weft_gather, weft_wait_for, weft_wait, weft_as_completed_next,
 * weft_fetch, weft_response_*, weft_js_await) are also macros that record the
 * caller's __FILE__:__LINE__ in the current task while the call runs; the
 * outermost such call wins, so awaits made inside weft itself never hide the
 * user's line. Taking the function's address or writing `(weft_sleep)(ms)`
 * calls the plain function, which records no site. Define WEFT_NO_SITE_MACROS
 * before including weft.h to turn the macros off.
 */
#ifndef WEFT_TRACE_H
#define WEFT_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include "loop.h"
#include "future.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum weft_trace_kind {
  WEFT_TRACE_SPAWN = 1,        /* task, other = parent (0: outside a task), text = name */
  WEFT_TRACE_RESUME = 2,       /* task starts running a slice */
  WEFT_TRACE_SUSPEND = 3,      /* task, reason, site, other = awaited task id (else 0) */
  WEFT_TRACE_WAKE = 4,         /* task woken, other = waker task (0: loop, timer, host) */
  WEFT_TRACE_TIMER_ARM = 5,    /* task, value = deadline in ms */
  WEFT_TRACE_TIMER_FIRE = 6,   /* task */
  WEFT_TRACE_TIMER_CANCEL = 7, /* task */
  WEFT_TRACE_FETCH_START = 8,  /* task, text = url (truncated) */
  WEFT_TRACE_FETCH_END = 9,    /* task, code = HTTP status (> 0) or a negative weft error */
  WEFT_TRACE_YIELD_VALUE = 10, /* task (generator), other = consumer, value, text (optional) */
  WEFT_TRACE_CANCEL = 11,      /* task cancelled, other = canceller */
  WEFT_TRACE_FINISH = 12,      /* task, status (weft_future_state), value = result or code = error */
  WEFT_TRACE_WARN = 13,        /* task, status = weft_trace_warning, value */
  WEFT_TRACE_DROPPED = 14      /* value = records lost to overflow since the last drain */
} weft_trace_kind;

/* Why a task is suspended (weft_trace_record.reason). */
typedef enum weft_trace_reason {
  WEFT_REASON_NONE = 0,
  WEFT_REASON_TIMER, WEFT_REASON_FETCH, WEFT_REASON_FUTURE, WEFT_REASON_TASK, WEFT_REASON_QUEUE,
  WEFT_REASON_LOCK, WEFT_REASON_EVENT, WEFT_REASON_SEMAPHORE, WEFT_REASON_CONDITION,
  WEFT_REASON_GENERATOR, WEFT_REASON_YIELD, WEFT_REASON_GATHER, WEFT_REASON_PROMISE,
  WEFT_REASON_COUNT_
} weft_trace_reason;

typedef enum weft_trace_warning {
  WEFT_WARN_LONG_RUNNING = 1,   /* value = ms the task ran without suspending (real time) */
  WEFT_WARN_DROPPED_FUTURE = 2, /* the last reference not held by an awaiter went: value = awaiters */
  WEFT_WARN_AWAIT_CYCLE = 3     /* weft_await refused with WEFT_EDEADLK: other = the awaited task */
} weft_trace_warning;

#define WEFT_TRACE_TEXT 80

/* One event: 128 bytes with the same layout on wasm32 and natively (the JS
 * reader in src/js/trace.mjs relies on these offsets). */
typedef struct weft_trace_record {
  double t_ms;      /* 0: the loop's clock, ms */
  int64_t value;    /* 8 */
  uint32_t seq;     /* 16: increasing; gaps mean dropped records */
  uint32_t task;    /* 20: task id (0: the loop / host) */
  uint32_t other;   /* 24 */
  uint8_t kind;     /* 28: weft_trace_kind */
  uint8_t reason;   /* 29: weft_trace_reason (suspend) */
  uint8_t status;   /* 30: weft_future_state (finish), weft_trace_warning (warn) */
  uint8_t flags_;   /* 31: reserved */
  int32_t code;     /* 32: error code (finish) or HTTP status / error (fetch_end) */
  int32_t site_line; /* 36: the user's await line, 0 if unknown */
  union {
    const char *site_file; /* 40: __FILE__ of the user's await (static), or NULL */
    uint64_t site_pad_;
  };
  char text[WEFT_TRACE_TEXT]; /* 48: name / url / detail, NUL-terminated, truncated */
} weft_trace_record;

/* Starts recording `loop`'s events into a ring of `capacity` records (0 picks
 * 4096). Enabling again resizes the ring (undrained records are kept only
 * when they fit). Tasks spawned before this have no spawn record. The same
 * is done by loops weft creates itself (weft_run, the JS bridge) when the
 * environment variable WEFT_TRACE holds a capacity. Returns 0, WEFT_EINVAL,
 * WEFT_ENOMEM. */
int weft_trace_enable(weft_loop *loop, size_t capacity);

/* Stops recording and frees the ring (undrained records are lost).
 * Returns 0 or WEFT_EINVAL. weft_loop_free does this too. */
int weft_trace_disable(weft_loop *loop);

/* Non-zero while `loop` records. */
int weft_trace_enabled(const weft_loop *loop);

/* Moves up to `max` of the oldest records into `out` (caller-owned) and
 * returns how many, or WEFT_EINVAL. Once the ring is empty and records were
 * lost since the last drain, a WEFT_TRACE_DROPPED record saying how many is
 * appended (if there is room). */
int weft_trace_drain(weft_loop *loop, weft_trace_record *out, size_t max);

/* Records dropped so far and not yet reported by a drain. */
uint64_t weft_trace_dropped(const weft_loop *loop);

/* The threshold of the long_running warning: a task that runs longer than
 * `ms` (real time) without suspending gets a WEFT_WARN_LONG_RUNNING record.
 * Default 50; 0 or less turns the warning off. Returns 0 or WEFT_EINVAL. */
int weft_trace_set_long_running_ms(weft_loop *loop, double ms);

/* Tags the current task's NEXT suspension with `reason` (a primitive built on
 * futures says it waits on a queue, a lock, a generator…): the suspension
 * consumes the tag. Call it just before the await that will suspend. Does
 * nothing outside a task. */
void weft__trace_reason(weft_trace_reason reason);

/* A generator `task` handing `value` (and optional `text`) to `consumer`. */
void weft__trace_yield_value(weft_loop *loop, uint32_t task, uint32_t consumer, int64_t value, const char *text);

/* Static names: "spawn", "resume", … / "timer", "fetch", … /
 * "long_running", … ("" for unknown values). */
const char *weft_trace_kind_name(int kind);
const char *weft_trace_reason_name(int reason);
const char *weft_trace_warning_name(int warning);

/* Writes a one-line description of `r` into buf (always NUL-terminated), e.g.
 * "3.000 suspend #2 timer taches.c:12". Returns what snprintf returns. */
int weft_trace_format(const weft_trace_record *r, char *buf, size_t size);

/* --- the task table --------------------------------------------------------- */

typedef enum weft_task_run_state {
  WEFT_TASK_READY = 0,   /* scheduled, or not started yet */
  WEFT_TASK_RUNNING = 1,
  WEFT_TASK_WAITING = 2  /* suspended on a timer, a future, a task… */
} weft_task_run_state;

#define WEFT_TASK_INFO_AWAITERS 8

/* One row of asyncio ps. Pointers are borrowed from the task and valid
 * until the loop runs again. Times are on the loop's clock in ms and are
 * accounted only while tracing is on (0 otherwise). */
typedef struct weft_task_info {
  uint32_t id, parent;
  const char *name;
  weft_task_run_state state;
  weft_trace_reason reason;  /* while WAITING */
  const char *site_file;     /* the user's await site while WAITING, or NULL */
  int site_line;
  uint32_t waiting_on;       /* the awaited task's id, 0 when not a task */
  size_t n_awaited_by;       /* tasks awaiting this one (ids: the first 8) */
  uint32_t awaited_by[WEFT_TASK_INFO_AWAITERS];
  double busy_ms, scheduled_ms, idle_ms;
  uint32_t resumes, wakes;
} weft_task_info;

/* Fills `out` with up to `max` rows for the tasks alive on `loop`, in spawn
 * order, and returns the number of tasks alive (which may exceed max), or
 * WEFT_EINVAL. */
int weft_loop_tasks(const weft_loop *loop, weft_task_info *out, size_t max);

/* --- stepping ------------------------------------------------------------- */

/* Runs exactly one unit of ready work: one task resume or one callback, in
 * the order weft_loop_run_once would run them. When nothing is ready it
 * starts a new iteration: due timers become ready (with the virtual clock,
 * time first jumps to the next deadline) and the first of them runs.
 * Returns 1 when work is left (ready, timers, or pending host operations),
 * 0 when nothing is, WEFT_EINVAL, WEFT_EBUSY (already running). */
int weft_loop_step(weft_loop *loop);

/* --- await sites (used by the macros of sites.h) --------------------------- */

/* The running task's site slot. The loop points weft__site_now at it while
 * the task runs (NULL outside tasks), so recording a site costs a few
 * instructions and no lookup. Private. */
typedef struct weft__site {
  const char *file;
  int32_t line, depth;
} weft__site;

#ifdef __cplusplus
extern thread_local weft__site *weft__site_now;
#else
extern _Thread_local weft__site *weft__site_now;
#endif

/* Records `file:line` as the running task's await site, unless an outer
 * call already did. Pair with weft__site_end. */
static inline void weft__site_begin(const char *file, int line) {
  weft__site *s = weft__site_now;
  if (s && s->depth++ == 0) {
    s->file = file;
    s->line = line;
  }
}

/* Ends what weft__site_begin started; returns rc. */
static inline int weft__site_end(int rc) {
  weft__site *s = weft__site_now;
  if (s && s->depth > 0 && --s->depth == 0) s->file = NULL;
  return rc;
}

#ifdef __cplusplus
}
#endif
#endif
