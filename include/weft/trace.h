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

/* The lists C and JS share (scripts/constants.mjs expands them into
 * src/js/constants.mjs, its .d.ts and src/js/library_constants.js; build to
 * bring those up to date). Adding a record kind, a reason or a warning is one
 * X(...) line here: the enums, the names (weft_trace_*_name), the JS reader
 * (src/js/trace.mjs) and the page's legend follow. Values are part of the
 * record format: never renumber, append. */

/* Record kinds: X(NAME, value, "name"). */
#define WEFT_TRACE_KINDS(X)                                                                   \
  X(SPAWN, 1, "spawn")               /* task, other = parent (0: outside a task), text = name */ \
  X(RESUME, 2, "resume")             /* task starts running a slice */                       \
  X(SUSPEND, 3, "suspend")           /* task, reason, site, other = awaited task id (else 0) */ \
  X(WAKE, 4, "wake")                 /* task woken, other = waker task (0: loop, timer, host) */ \
  X(TIMER_ARM, 5, "timer_arm")       /* task, value = deadline in ms */                      \
  X(TIMER_FIRE, 6, "timer_fire")     /* task */                                              \
  X(TIMER_CANCEL, 7, "timer_cancel") /* task */                                              \
  X(FETCH_START, 8, "fetch_start")   /* task, text = url (truncated) */                      \
  X(FETCH_END, 9, "fetch_end")       /* task, code = HTTP status (> 0) or a negative weft error */ \
  X(YIELD_VALUE, 10, "yield_value")  /* task (generator), other = consumer, value, text (optional) */ \
  X(CANCEL, 11, "cancel")            /* task cancelled, other = canceller */                 \
  X(FINISH, 12, "finish")            /* task, status (weft_future_state), value = result or code = error */ \
  X(WARN, 13, "warn")                /* task, status = weft_trace_warning, value */          \
  X(DROPPED, 14, "dropped")          /* value = records lost to overflow since the last drain */

typedef enum weft_trace_kind {
#define WEFT__TRACE_KIND_ENUM(name, value, str) WEFT_TRACE_##name = value,
  WEFT_TRACE_KINDS(WEFT__TRACE_KIND_ENUM)
#undef WEFT__TRACE_KIND_ENUM
} weft_trace_kind;

/* Why a task is suspended (weft_trace_record.reason): X(NAME, value,
 * "name"). The page colours a wait by its reason's name. */
#define WEFT_TRACE_REASONS(X)          \
  X(NONE, 0, "")                       \
  X(TIMER, 1, "timer")                 \
  X(FETCH, 2, "fetch")                 \
  X(FUTURE, 3, "future")               \
  X(TASK, 4, "task")                   \
  X(QUEUE, 5, "queue")                 \
  X(LOCK, 6, "lock")                   \
  X(EVENT, 7, "event")                 \
  X(SEMAPHORE, 8, "semaphore")         \
  X(CONDITION, 9, "condition")         \
  X(GENERATOR, 10, "generator")        \
  X(YIELD, 11, "yield")                \
  X(GATHER, 12, "gather")              \
  X(PROMISE, 13, "promise")            \
  X(FILE, 14, "file")                  \
  X(SOCKET, 15, "socket")              \
  X(FRAME, 16, "frame")                \
  X(IDLE, 17, "idle")                  \
  X(DOM, 18, "dom")                  \
  X(WORKER, 19, "worker")

typedef enum weft_trace_reason {
#define WEFT__TRACE_REASON_ENUM(name, value, str) WEFT_REASON_##name = value,
  WEFT_TRACE_REASONS(WEFT__TRACE_REASON_ENUM)
#undef WEFT__TRACE_REASON_ENUM
} weft_trace_reason;

/* Warnings (a WEFT_TRACE_WARN record's status): X(NAME, value, "name"). */
#define WEFT_TRACE_WARNINGS(X)                                                                       \
  X(LONG_RUNNING, 1, "long_running")     /* value = ms the task ran without suspending (real time) */ \
  X(DROPPED_FUTURE, 2, "dropped_future") /* the last reference not held by an awaiter went: value = awaiters */ \
  X(AWAIT_CYCLE, 3, "await_cycle")       /* weft_await refused with WEFT_EDEADLK: other = the awaited task */

typedef enum weft_trace_warning {
#define WEFT__TRACE_WARNING_ENUM(name, value, str) WEFT_WARN_##name = value,
  WEFT_TRACE_WARNINGS(WEFT__TRACE_WARNING_ENUM)
#undef WEFT__TRACE_WARNING_ENUM
} weft_trace_warning;

#define WEFT_TRACE_TEXT 80
#define WEFT_TRACE_RECORD_SIZE 128

/* One event's fields: X(offset, type, name). The record is 128 bytes with the
 * same layout on wasm32 and natively (trace.c checks every offset); the JS
 * reader (src/js/trace.mjs) reads each field at its offset. Types: f64, i64,
 * u32, i32, u8, str (a static C string, in 8 bytes on every target) and text
 * (char[WEFT_TRACE_TEXT]).
 *   t_ms       the loop's clock, ms
 *   value      kind-specific (see WEFT_TRACE_KINDS)
 *   seq        increasing; gaps mean dropped records
 *   task       task id (0: the loop / host)
 *   other      kind-specific task id
 *   kind       weft_trace_kind
 *   reason     weft_trace_reason (suspend)
 *   status     weft_future_state (finish), weft_trace_warning (warn)
 *   flags_     reserved
 *   code       error code (finish) or HTTP status / error (fetch_end)
 *   site_line  the user's await line, 0 if unknown
 *   site_file  __FILE__ of the user's await (static), or NULL
 *   text       name / url / detail, NUL-terminated, truncated */
#define WEFT_TRACE_RECORD_FIELDS(X) \
  X(0, f64, t_ms)                   \
  X(8, i64, value)                  \
  X(16, u32, seq)                   \
  X(20, u32, task)                  \
  X(24, u32, other)                 \
  X(28, u8, kind)                   \
  X(29, u8, reason)                 \
  X(30, u8, status)                 \
  X(31, u8, flags_)                 \
  X(32, i32, code)                  \
  X(36, i32, site_line)             \
  X(40, str, site_file)             \
  X(48, text, text)

#define WEFT__TRACE_FIELD_f64(n) double n;
#define WEFT__TRACE_FIELD_i64(n) int64_t n;
#define WEFT__TRACE_FIELD_u32(n) uint32_t n;
#define WEFT__TRACE_FIELD_i32(n) int32_t n;
#define WEFT__TRACE_FIELD_u8(n) uint8_t n;
#define WEFT__TRACE_FIELD_str(n) \
  union {                        \
    const char *n;               \
    uint64_t n##_pad_;           \
  };
#define WEFT__TRACE_FIELD_text(n) char n[WEFT_TRACE_TEXT];
#define WEFT__TRACE_FIELD(offset, type, name) WEFT__TRACE_FIELD_##type(name)

typedef struct weft_trace_record {
  WEFT_TRACE_RECORD_FIELDS(WEFT__TRACE_FIELD)
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

/* Steps (weft_loop_step) until one task has been resumed, or nothing is
 * left: the page's Step. Callbacks that resume no task (a gather counting a
 * finished child, a host future's bookkeeping) run on the way. Returns as
 * weft_loop_step. */
int weft_loop_step_task(weft_loop *loop);

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
