/* Frames, idle time and DOM events as futures (include/weft/dom.h). The
 * host side is src/js/library_dom.js: a frame or idle wait is one host
 * future per call; an event listener is a JS record, named by an id, whose
 * events queue there (bounded) until a task takes them. Timeouts are the
 * loop's own (weft_wait_for), so they follow the virtual clock too, and
 * cancel the host future, whose hook removes what the host registered. */
#include <stddef.h>
#include <string.h>

#include "../core/internal.h"
#include "weft/dom.h"

_Static_assert(offsetof(weft_dom_event, time_ms) == 0 && offsetof(weft_dom_event, x) == 8 &&
                   offsetof(weft_dom_event, y) == 16 && offsetof(weft_dom_event, button) == 24 &&
                   offsetof(weft_dom_event, type) == 28 && offsetof(weft_dom_event, key) == 60,
               "weft_dom_event's layout is library_dom.js's (weft_js_dom_take)");

static _Thread_local int last_dom_error;

int weft_dom_error(void) { return last_dom_error; }

typedef struct dom_iter {
  weft_aiter base;
  int id;
  weft_dom_event ev;
} dom_iter;

#if defined(__EMSCRIPTEN__)

/* library_dom.js */
extern void weft_js_frame(weft_future *f);
extern void weft_js_idle(weft_future *f, double timeout_ms);
extern double weft_js_dom_last(weft_future *f);
extern void weft_js_dom_cancel_wait(weft_future *f);
extern int weft_js_dom_listen(const char *target, const char *type, int capacity);
extern void weft_js_dom_next(weft_future *f, int id);
extern void weft_js_dom_take(int id, weft_dom_event *ev);
extern void weft_js_dom_cancel_next(weft_future *f, void *id);
extern double weft_js_dom_dropped(int id);
extern void weft_js_dom_unlisten(int id);

static void cancel_wait(weft_future *f, void *arg) {
  (void)arg;
  weft_js_dom_cancel_wait(f);
}

/* One frame or idle wait: `start` asks the host; *out gets what it reported. */
static int host_wait(int reason, void (*start)(weft_future *f, double arg), double arg, double *out) {
  if (!weft__current()) return WEFT_ENOTTASK;
  weft_future *f = weft_host_future(NULL, cancel_wait, NULL);
  if (!f) return WEFT_ENOMEM;
  start(f, arg);
  if (!weft_future_done(f)) weft__trace_reason(reason);
  int rc = weft_await(f, NULL);
  double v = weft_js_dom_last(f); /* also forgets the wait, whichever way it ended */
  if (!rc && out) *out = v;
  weft_release(f);
  return rc;
}

static void frame_start(weft_future *f, double arg) {
  (void)arg;
  weft_js_frame(f);
}

int weft_next_frame(double *t_ms) { return host_wait(WEFT_REASON_FRAME, frame_start, 0, t_ms); }

int weft_idle(int64_t timeout_ms, double *remaining_ms) {
  return host_wait(WEFT_REASON_IDLE, weft_js_idle, timeout_ms < 0 ? -1 : (double)timeout_ms, remaining_ms);
}

static void cancel_next(weft_future *f, void *arg) { weft_js_dom_cancel_next(f, arg); }

/* The next event of listener `id` into *ev, within timeout_ms (< 0: none). */
static int dom_next(int id, int64_t timeout_ms, weft_dom_event *ev) {
  if (!weft__current()) return WEFT_ENOTTASK;
  weft_future *f = weft_host_future(NULL, cancel_next, (void *)(intptr_t)id);
  if (!f) return WEFT_ENOMEM;
  weft_js_dom_next(f, id);
  if (!weft_future_done(f)) weft__trace_reason(WEFT_REASON_DOM);
  int rc = weft_wait_for(f, timeout_ms, NULL);
  weft_release(f);
  /* The event stays queued in JS until taken: a wait cancelled after it
   * came loses nothing (the next wait gets it). */
  if (!rc) weft_js_dom_take(id, ev);
  return rc;
}

int weft_dom_wait(const char *target, const char *type, int64_t timeout_ms, weft_dom_event *ev) {
  if (!target || !type) return WEFT_EINVAL;
  if (!weft__current()) return WEFT_ENOTTASK;
  int id = weft_js_dom_listen(target, type, 1);
  if (id < 0) return id;
  weft_dom_event tmp;
  int rc = dom_next(id, timeout_ms, ev ? ev : &tmp);
  weft_js_dom_unlisten(id);
  return rc;
}

static int dom_iter_anext(weft_aiter *it, intptr_t *value) {
  dom_iter *d = (dom_iter *)it;
  int rc = dom_next(d->id, -1, &d->ev);
  if (!rc) *value = (intptr_t)&d->ev;
  return rc;
}

static void dom_iter_free(weft_aiter *it) {
  weft_js_dom_unlisten(((dom_iter *)it)->id);
  weft__free(it);
}

static const weft_aiter_vt dom_iter_vt = {dom_iter_anext, NULL, dom_iter_free};

weft_aiter *weft_dom_events(const char *target, const char *type, int capacity) {
  last_dom_error = 0;
  if (!target || !type || capacity < 1) {
    last_dom_error = WEFT_EINVAL;
    return NULL;
  }
  dom_iter *d = weft__calloc(1, sizeof *d);
  if (!d) {
    last_dom_error = WEFT_ENOMEM;
    return NULL;
  }
  int id = weft_js_dom_listen(target, type, capacity);
  if (id < 0) {
    last_dom_error = id;
    weft__free(d);
    return NULL;
  }
  d->id = id;
  return weft_aiter_init(&d->base, &dom_iter_vt);
}

size_t weft_dom_events_dropped(const weft_aiter *it) {
  if (!it || it->vt_ != &dom_iter_vt) return 0;
  return (size_t)weft_js_dom_dropped(((const dom_iter *)it)->id);
}

#else /* native: no host */

int weft_next_frame(double *t_ms) {
  (void)t_ms;
  return WEFT_ENOSYS;
}
int weft_idle(int64_t timeout_ms, double *remaining_ms) {
  (void)timeout_ms, (void)remaining_ms;
  return WEFT_ENOSYS;
}
int weft_dom_wait(const char *target, const char *type, int64_t timeout_ms, weft_dom_event *ev) {
  (void)target, (void)type, (void)timeout_ms, (void)ev;
  return WEFT_ENOSYS;
}
weft_aiter *weft_dom_events(const char *target, const char *type, int capacity) {
  (void)target, (void)type, (void)capacity;
  last_dom_error = WEFT_ENOSYS;
  return NULL;
}
size_t weft_dom_events_dropped(const weft_aiter *it) {
  (void)it;
  return 0;
}

#endif
