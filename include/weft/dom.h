/* weft — frames, idle time and DOM events as futures (wasm; natively every
 * call returns WEFT_ENOSYS).
 *
 *   double t;
 *   while (weft_next_frame(&t) == 0) draw(t);            // requestAnimationFrame
 *
 *   weft_dom_event ev;
 *   int rc = weft_dom_wait("#start", "click", 5000, &ev); // one click, at most 5 s
 *
 *   WEFT_AFOR(const weft_dom_event *, e, weft_dom_events("document", "keydown", 16), &rc)
 *     if (!strcmp(e->key, "q")) break;                    // the listener is removed here
 *
 * Each wait suspends only the calling task and is traced with its reason
 * ("frame", "idle", "dom"). Cancelling it (or its timeout) removes what it
 * registered with the host: the frame or idle callback, the event listener.
 */
#ifndef WEFT_DOM_H
#define WEFT_DOM_H

#include <stddef.h>
#include <stdint.h>
#include "iter.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Awaits the next animation frame (requestAnimationFrame) and stores its
 * timestamp (ms, the host's performance.now() scale) in *t_ms (may be NULL).
 * Where there is no requestAnimationFrame (Node, a worker) a 16 ms host
 * timer stands in for it, with performance.now() as the timestamp. Returns
 * 0, WEFT_ECANCELED (the callback is cancelled), WEFT_ENOTTASK,
 * WEFT_ENOMEM, WEFT_ENOSYS natively. */
int weft_next_frame(double *t_ms);

/* Awaits an idle period (requestIdleCallback, with `timeout_ms` as its
 * timeout when >= 0) and stores in *remaining_ms (may be NULL) the time
 * the host says is left in it (deadline.timeRemaining(); 0 when the
 * timeout forced the call). Without requestIdleCallback (Node, Safari) it
 * resumes after the host's pending I/O (setImmediate, else a 0 ms timer)
 * with 50 ms reported, the longest idle period a browser grants. Returns 0,
 * WEFT_ECANCELED, WEFT_ENOTTASK, WEFT_ENOMEM, WEFT_ENOSYS natively. */
int weft_idle(int64_t timeout_ms, double *remaining_ms);

/* What weft copies out of a DOM event. The layout is shared with
 * library_dom.js (checked at compile time in src/host/dom.c). */
typedef struct weft_dom_event {
  double time_ms;   /* event.timeStamp */
  double x, y;      /* clientX / clientY (0 for events without them) */
  int32_t button;   /* event.button (-1 for events without one) */
  char type[32];    /* event.type, NUL-terminated (cut to 31 bytes) */
  char key[32];     /* event.key for keyboard events, else "" */
} weft_dom_event;

/* Awaits one `type` event on `target`: "window", "document", or a CSS
 * selector (document.querySelector, read once at the call). `timeout_ms` < 0
 * waits without a limit. Returns 0 with *ev filled (may be NULL);
 * WEFT_ETIMEDOUT; WEFT_ECANCELED; WEFT_ENOENT when nothing matches the
 * selector; WEFT_EINVAL (NULL target/type, a selector that does not parse);
 * WEFT_ENOSYS without a DOM (Node, a worker; native builds); WEFT_ENOTTASK,
 * WEFT_ENOMEM. The listener is removed on every way out. */
int weft_dom_wait(const char *target, const char *type, int64_t timeout_ms, weft_dom_event *ev);

/* `type` events on `target` (as weft_dom_wait) as an async iterator of
 * `const weft_dom_event *` values, valid until the next anext. The listener
 * is added now and removed when the iterator is closed or freed (WEFT_AFOR
 * does it on every exit); events that arrive while no task is waiting are
 * kept in order, at most `capacity` (>= 1) of them: later ones are dropped
 * and counted (weft_dom_events_dropped). It never ends by itself. Returns
 * NULL (out of memory, NULL arguments, capacity < 1) or when the target
 * cannot be listened to: weft_dom_error() then says why (WEFT_ENOENT,
 * WEFT_EINVAL, WEFT_ENOSYS). */
weft_aiter *weft_dom_events(const char *target, const char *type, int capacity);

/* How many events the iterator dropped because its buffer was full; 0 for
 * NULL or another iterator. */
size_t weft_dom_events_dropped(const weft_aiter *it);

/* The code of this thread's last failed weft_dom_events call (0: none). */
int weft_dom_error(void);

#ifdef __cplusplus
}
#endif
#endif
