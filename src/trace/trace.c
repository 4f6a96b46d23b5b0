/* Tracing: the ring of records, the hooks behind WEFT__TRACE, the task
 * table, and await sites (include/weft/trace.h).
 *
 * Every hook here runs only when the loop traces: the scheduler tests
 * loop->trace before calling in, so a loop that does not trace pays one
 * predictable branch per event and nothing else. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/internal.h"

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#define WEFT_EXPORT EMSCRIPTEN_KEEPALIVE
#else
#define WEFT_EXPORT
#endif

/* The layout WEFT_TRACE_RECORD_FIELDS states, which the JS reader
 * (src/js/constants.mjs, src/js/trace.mjs) relies on, on every target. */
_Static_assert(sizeof(weft_trace_record) == WEFT_TRACE_RECORD_SIZE, "trace records are WEFT_TRACE_RECORD_SIZE bytes");
#define SIZE_f64 8
#define SIZE_i64 8
#define SIZE_u32 4
#define SIZE_i32 4
#define SIZE_u8 1
#define SIZE_str 8
#define SIZE_text WEFT_TRACE_TEXT
#define CHECK_FIELD(offset, type, name)                                                                  \
  _Static_assert(offsetof(weft_trace_record, name) == (offset), "trace record field " #name ": offset"); \
  _Static_assert(sizeof(((weft_trace_record *)0)->name) <= SIZE_##type, "trace record field " #name ": size");
WEFT_TRACE_RECORD_FIELDS(CHECK_FIELD)
#undef CHECK_FIELD

typedef struct weft__trace {
  weft_trace_record *buf;
  size_t cap, head, len;
  uint32_t seq;
  uint64_t dropped;
  double long_ms;
} weft__trace;

static const weft__observer observer;

/* --- the ring ------------------------------------------------------------- */

int weft_trace_enable(weft_loop *loop, size_t capacity) {
  if (!loop || loop->magic != WEFT_MAGIC_LOOP) return WEFT_EINVAL;
  if (capacity == 0) capacity = 4096;
  weft_trace_record *buf = weft__calloc(capacity, sizeof *buf);
  if (!buf) return WEFT_ENOMEM;
  weft__trace *tr = loop->trace;
  if (!tr) {
    tr = weft__calloc(1, sizeof *tr);
    if (!tr) {
      weft__free(buf);
      return WEFT_ENOMEM;
    }
    tr->long_ms = 50;
  } else {
    size_t keep = tr->len < capacity ? tr->len : capacity;
    for (size_t i = 0; i < keep; i++) buf[i] = tr->buf[(tr->head + i) % tr->cap];
    tr->dropped += tr->len - keep;
    tr->len = keep;
    weft__free(tr->buf);
  }
  tr->buf = buf;
  tr->cap = capacity;
  tr->head = 0;
  if (!loop->trace) {
    /* Tasks alive now start their accounting here. */
    weft_time_t now = weft__clock_now(loop);
    for (weft__task *t = loop->alive.next_alive; t != &loop->alive; t = t->next_alive) t->state_since = now;
  }
  loop->observer = &observer;
  loop->trace = tr;
  return 0;
}

static void on_free(weft_loop *loop) {
  if (!loop->trace) return;
  weft__free(loop->trace->buf);
  weft__free(loop->trace);
  loop->trace = NULL;
}

int weft_trace_disable(weft_loop *loop) {
  if (!loop || loop->magic != WEFT_MAGIC_LOOP) return WEFT_EINVAL;
  on_free(loop);
  return 0;
}

int weft_trace_enabled(const weft_loop *loop) { return loop && loop->magic == WEFT_MAGIC_LOOP && loop->trace; }

uint64_t weft_trace_dropped(const weft_loop *loop) {
  return loop && loop->magic == WEFT_MAGIC_LOOP && loop->trace ? loop->trace->dropped : 0;
}

int weft_trace_set_long_running_ms(weft_loop *loop, double ms) {
  if (!loop || loop->magic != WEFT_MAGIC_LOOP || !loop->trace) return WEFT_EINVAL;
  loop->trace->long_ms = ms;
  return 0;
}

static double now_ms(const weft_loop *loop) { return (double)weft__clock_now(loop) / 1000.0; }

/* A fresh record at the ring's end, or NULL (counted) when it is full. */
static weft_trace_record *emit(weft_loop *loop, int kind, uint32_t task) {
  weft__trace *tr = loop->trace;
  uint32_t seq = tr->seq++;
  if (tr->len == tr->cap) {
    tr->dropped++;
    return NULL;
  }
  size_t i = tr->head + tr->len;
  weft_trace_record *r = &tr->buf[i >= tr->cap ? i - tr->cap : i];
  tr->len++;
  /* Every field but the text, which only needs its terminator. */
  memset(r, 0, offsetof(weft_trace_record, text) + 1);
  r->seq = seq;
  r->t_ms = now_ms(loop);
  r->kind = (uint8_t)kind;
  r->task = task;
  return r;
}

int weft_trace_drain(weft_loop *loop, weft_trace_record *out, size_t max) {
  if (!loop || loop->magic != WEFT_MAGIC_LOOP || (!out && max)) return WEFT_EINVAL;
  weft__trace *tr = loop->trace;
  if (!tr) return 0;
  size_t n = 0;
  while (n < max && tr->len) {
    out[n++] = tr->buf[tr->head];
    tr->head = (tr->head + 1) % tr->cap;
    tr->len--;
  }
  if (!tr->len && tr->dropped && n < max) {
    weft_trace_record *r = &out[n++];
    memset(r, 0, sizeof *r);
    r->seq = tr->seq++;
    r->t_ms = now_ms(loop);
    r->kind = WEFT_TRACE_DROPPED;
    r->value = (int64_t)tr->dropped;
    tr->dropped = 0;
  }
  return (int)n;
}

/* A bounded copy by hand: snprintf would make every hook that names
 * something look, to Asyncify, like code that may suspend (stdio calls
 * through function pointers), and instrument its callers. */
static void set_text(weft_trace_record *r, const char *text) {
  size_t i = 0;
  if (text)
    for (; i < sizeof r->text - 1 && text[i]; i++) r->text[i] = text[i];
  r->text[i] = 0;
}

/* --- accounting ----------------------------------------------------------- */

/* Moves `t` to `state`, charging the time spent in the previous one. */
static void account(weft_loop *loop, weft__task *t, int state) {
  weft_time_t now = weft__clock_now(loop), d = now - t->state_since;
  if (d < 0) d = 0;
  switch (t->trace_state) {
    case WEFT_TASK_RUNNING: t->busy_us += d; break;
    case WEFT_TASK_WAITING: t->idle_us += d; break;
    default: t->sched_us += d; break;
  }
  t->state_since = now;
  t->trace_state = (uint8_t)state;
}

/* The long_running warning, checked when a slice ends. */
static void check_long(weft_loop *loop, weft__task *t) {
  double ms = (double)(weft__real_now() - t->run_start_real) / 1000.0;
  if (loop->trace->long_ms > 0 && ms > loop->trace->long_ms) {
    weft_trace_record *r = emit(loop, WEFT_TRACE_WARN, t->id);
    if (r) {
      r->status = WEFT_WARN_LONG_RUNNING;
      r->value = (int64_t)ms;
    }
  }
}

/* --- hooks --------------------------------------------------------------- */

static void on_spawn(weft_loop *loop, weft__task *t) {
  t->trace_state = WEFT_TASK_READY;
  t->state_since = weft__clock_now(loop);
  weft_trace_record *r = emit(loop, WEFT_TRACE_SPAWN, t->id);
  if (!r) return;
  r->other = t->parent;
  set_text(r, t->name);
}

static void on_resume(weft_loop *loop, weft__task *t) {
  account(loop, t, WEFT_TASK_RUNNING);
  t->resumes++;
  t->run_start_real = weft__real_now();
  emit(loop, WEFT_TRACE_RESUME, t->id);
}

static void on_suspend(weft_loop *loop, weft__task *t, uint32_t other) {
  check_long(loop, t);
  account(loop, t, WEFT_TASK_WAITING);
  weft_trace_record *r = emit(loop, WEFT_TRACE_SUSPEND, t->id);
  if (!r) return;
  r->reason = t->reason;
  r->other = other;
  if (t->site.depth > 0 && t->site.file) {
    r->site_file = t->site.file;
    r->site_line = t->site.line;
  }
}

static void on_wake(weft_loop *loop, weft__task *t, uint32_t waker) {
  if (!t->started) return; /* the first scheduling of a new task: its spawn says it */
  account(loop, t, WEFT_TASK_READY);
  t->wakes++;
  weft_trace_record *r = emit(loop, WEFT_TRACE_WAKE, t->id);
  if (r) r->other = waker;
}

static void on_event(weft_loop *loop, int kind, uint32_t task, uint32_t other, int64_t value) {
  weft_trace_record *r = emit(loop, kind, task);
  if (!r) return;
  r->other = other;
  r->value = value;
  if (kind == WEFT_TRACE_WARN) r->status = WEFT_WARN_AWAIT_CYCLE;
}

static void on_text(weft_loop *loop, int kind, uint32_t task, int32_t code, const char *text) {
  weft_trace_record *r = emit(loop, kind, task);
  if (!r) return;
  r->code = code;
  set_text(r, text);
}

static void on_finish(weft_loop *loop, weft__task *t, int ran) {
  if (ran) check_long(loop, t);
  account(loop, t, WEFT_TASK_READY);
  weft_trace_record *r = emit(loop, WEFT_TRACE_FINISH, t->id);
  if (!r) return;
  r->status = t->fut.state;
  if (t->fut.state == WEFT_RESOLVED)
    r->value = (int64_t)t->fut.value;
  else
    r->code = t->fut.err;
}

/* Called before weft_release drops a reference to a pending plain future:
 * when only its awaiting tasks would hold it afterwards, nothing can ever
 * complete it. */
static void on_release(weft_future *f) {
  if (f->kind != &weft__future_kind || f->state != WEFT_PENDING) return;
  int32_t awaiters = 0;
  weft__task *first = NULL;
  for (weft__waiter *w = f->waiters.next; w != &f->waiters; w = w->next) {
    if (!w->task_wake) continue;
    if (!first) first = w->arg;
    awaiters++;
  }
  if (awaiters && f->refs - 1 == awaiters) {
    weft_trace_record *r = emit(f->loop, WEFT_TRACE_WARN, first->id);
    if (!r) return;
    r->status = WEFT_WARN_DROPPED_FUTURE;
    r->value = awaiters;
    r->other = weft__actor(f->loop);
  }
}

/* What the loop reports to while it traces (internal.h, weft__observer). */
static const weft__observer observer = {
    .spawn = on_spawn,
    .resume = on_resume,
    .suspend = on_suspend,
    .wake = on_wake,
    .event = on_event,
    .text = on_text,
    .finish = on_finish,
    .release = on_release,
    .free = on_free,
};

void weft__trace_reason(weft_trace_reason reason) {
  weft__task *t = weft__current();
  if (t) t->reason_hint = (uint8_t)reason;
}

void weft__trace_yield_value(weft_loop *loop, uint32_t task, uint32_t consumer, int64_t value, const char *text) {
  if (!loop || !WEFT__TRACING(loop)) return;
  weft_trace_record *r = emit(loop, WEFT_TRACE_YIELD_VALUE, task);
  if (!r) return;
  r->other = consumer;
  r->value = value;
  set_text(r, text);
}

/* --- names and formatting ---------------------------------------------------- */

#define NAME(name, value, str) \
  case value: return str;
const char *weft_trace_kind_name(int kind) {
  switch (kind) {
    WEFT_TRACE_KINDS(NAME)
    default: return "";
  }
}

const char *weft_trace_reason_name(int reason) {
  switch (reason) {
    WEFT_TRACE_REASONS(NAME)
    default: return "";
  }
}

const char *weft_trace_warning_name(int warning) {
  switch (warning) {
    WEFT_TRACE_WARNINGS(NAME)
    default: return "";
  }
}
#undef NAME

static const char *base_name(const char *path) {
  const char *b = path;
  for (const char *p = path; *p; p++)
    if (*p == '/' || *p == '\\') b = p + 1;
  return b;
}

int weft_trace_format(const weft_trace_record *r, char *buf, size_t size) {
  if (!r || !buf || !size) return WEFT_EINVAL;
  char head[48];
  snprintf(head, sizeof head, "%.3f %s #%u", r->t_ms, weft_trace_kind_name(r->kind), (unsigned)r->task);
  switch (r->kind) {
    case WEFT_TRACE_SPAWN: return snprintf(buf, size, "%s <#%u %s", head, (unsigned)r->other, r->text);
    case WEFT_TRACE_SUSPEND:
      if (r->site_file)
        return snprintf(buf, size, "%s %s%s%.0u %s:%d", head, weft_trace_reason_name(r->reason), r->other ? " #" : "",
                        (unsigned)r->other, base_name(r->site_file), (int)r->site_line);
      return snprintf(buf, size, "%s %s%s%.0u", head, weft_trace_reason_name(r->reason), r->other ? " #" : "",
                      (unsigned)r->other);
    case WEFT_TRACE_WAKE:
    case WEFT_TRACE_CANCEL: return snprintf(buf, size, "%s by #%u", head, (unsigned)r->other);
    case WEFT_TRACE_TIMER_ARM: return snprintf(buf, size, "%s @%lld", head, (long long)r->value);
    case WEFT_TRACE_FETCH_START: return snprintf(buf, size, "%s %s", head, r->text);
    case WEFT_TRACE_FETCH_END:
      if (r->code < 0) return snprintf(buf, size, "%s %s", head, weft_strerror_name(r->code));
      return snprintf(buf, size, "%s %d", head, (int)r->code);
    case WEFT_TRACE_YIELD_VALUE:
      return snprintf(buf, size, "%s to #%u %lld%s%s", head, (unsigned)r->other, (long long)r->value,
                      r->text[0] ? " " : "", r->text);
    case WEFT_TRACE_FINISH:
      if (r->status == WEFT_RESOLVED) return snprintf(buf, size, "%s done %lld", head, (long long)r->value);
      return snprintf(buf, size, "%s %s %s", head, r->status == WEFT_CANCELLED ? "cancelled" : "failed",
                      weft_strerror_name(r->code));
    case WEFT_TRACE_WARN:
      return snprintf(buf, size, "%s %s %lld", head, weft_trace_warning_name(r->status), (long long)r->value);
    case WEFT_TRACE_DROPPED: return snprintf(buf, size, "%.3f dropped %lld", r->t_ms, (long long)r->value);
    default: return snprintf(buf, size, "%s", head);
  }
}

/* --- the task table -------------------------------------------------------- */

int weft_loop_tasks(const weft_loop *loop, weft_task_info *out, size_t max) {
  if (!loop || loop->magic != WEFT_MAGIC_LOOP || (!out && max)) return WEFT_EINVAL;
  size_t n = 0;
  weft_time_t now = weft__clock_now(loop);
  for (const weft__task *t = loop->alive.next_alive; t != &loop->alive; t = t->next_alive, n++) {
    if (n >= max) continue;
    weft_task_info *i = &out[n];
    memset(i, 0, sizeof *i);
    i->id = t->id;
    i->parent = t->parent;
    i->name = t->name;
    if (t->running)
      i->state = WEFT_TASK_RUNNING;
    else if (!t->started || weft_handle_active(&t->step) || weft_handle_active(&t->wake.h))
      i->state = WEFT_TASK_READY;
    else
      i->state = WEFT_TASK_WAITING;
    if (i->state == WEFT_TASK_WAITING) {
      i->reason = (weft_trace_reason)t->reason;
      if (t->site.depth > 0 && t->site.file) {
        i->site_file = t->site.file;
        i->site_line = t->site.line;
      }
      if (t->waiting_on && weft_is_task(t->waiting_on)) i->waiting_on = ((const weft__task *)t->waiting_on)->id;
    }
    for (const weft__waiter *w = t->fut.waiters.next; w != &t->fut.waiters; w = w->next) {
      if (!w->task_wake) continue;
      if (i->n_awaited_by < WEFT_TASK_INFO_AWAITERS) i->awaited_by[i->n_awaited_by] = ((const weft__task *)w->arg)->id;
      i->n_awaited_by++;
    }
    if (loop->trace) {
      weft_time_t d = now - t->state_since;
      if (d < 0) d = 0;
      i->busy_ms = (double)(t->busy_us + (t->trace_state == WEFT_TASK_RUNNING ? d : 0)) / 1000.0;
      i->idle_ms = (double)(t->idle_us + (t->trace_state == WEFT_TASK_WAITING ? d : 0)) / 1000.0;
      i->scheduled_ms = (double)(t->sched_us + (t->trace_state == WEFT_TASK_READY ? d : 0)) / 1000.0;
      i->resumes = t->resumes;
      i->wakes = t->wakes;
    }
  }
  return (int)n;
}

/* --- JS entry points (src/js/trace.mjs) ------------------------------------ */

WEFT_EXPORT int weft__trace_record_size(void) { return (int)sizeof(weft_trace_record); }
