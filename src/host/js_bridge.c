/* JS promises and C tasks, both ways (include/weft/js.h). The JS side is
 * src/js/library_promise.js. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../core/internal.h"
#include "weft/js.h"
#include "weft/host.h"

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#define WEFT_EXPORT EMSCRIPTEN_KEEPALIVE
#else
#define WEFT_EXPORT
#endif

void weft_js_value_clear(weft_js_value *v) {
  if (!v) return;
  free(v->text);
  memset(v, 0, sizeof *v);
}

/* --- the task registry ------------------------------------------------------ */

static weft_js_task_entry *tasks;

int weft_js_register_task(weft_js_task_entry *entry) {
  if (!entry || !entry->name || !entry->fn) return WEFT_EINVAL;
  entry->next = tasks; /* newest first: a later registration wins */
  tasks = entry;
  return 0;
}

weft_task_fn weft_js_find_task(const char *name) {
  if (!name) return NULL;
  for (weft_js_task_entry *e = tasks; e; e = e->next)
    if (strcmp(e->name, name) == 0) return e->fn;
  return NULL;
}

static weft_loop *js_loop, *own_loop;

weft_loop *weft_js_loop(void) {
  if (js_loop) return js_loop;
  if (!own_loop) own_loop = weft__loop_new_from_env();
  return own_loop;
}

void weft_js_set_loop(weft_loop *loop) { js_loop = loop; }

#if defined(__EMSCRIPTEN__)

/* library_promise.js */
/* task: the task that asks (NULL outside one): a rejection it awaits is
 * kept as the `cause` of its JS run's failure (library_promise.js). */
extern int weft_js_promise_watch(weft_future *f, int handle, weft_js_value *out, weft_task *task);
extern void weft_js_promise_cancel(weft_future *f);
extern void weft_js_task_done(int id, int status, intptr_t value);

/* --- C awaits a JS promise ------------------------------------------------------ */

static void on_promise_cancel(weft_future *f, void *arg) {
  (void)arg;
  weft_js_promise_cancel(f); /* drops the host's reference if JS still held it */
}

weft_future *weft_js_promise(weft_loop *loop, int handle, weft_js_value *out) {
  weft_future *f = weft_host_future(loop, on_promise_cancel, NULL);
  if (!f) return NULL;
  if (!weft_js_promise_watch(f, handle, out, weft_current())) {
    /* Unknown or used handle: nothing on the JS side will complete it. */
    weft_host_fail(f, WEFT_EINVAL);
    weft_release(f);
    return NULL;
  }
  return f;
}

int weft_js_await(int handle, weft_js_value *out) {
  if (!weft_current()) return WEFT_ENOTTASK;
  weft_js_value local;
  weft_js_value *v = out ? out : &local;
  memset(v, 0, sizeof *v);
  weft_future *f = weft_js_promise(NULL, handle, v);
  if (!f) return WEFT_EINVAL;
  if (!weft_future_done(f)) weft__trace_reason(WEFT_REASON_PROMISE);
  int rc = weft_await(f, NULL);
  weft_release(f);
  if (!out) weft_js_value_clear(&local);
  return rc;
}

/* Called by JS when the promise behind `f` settled and the host still holds
 * its reference. `text` is malloc'd (or NULL) and changes owner here. */
WEFT_EXPORT void weft__js_settle(weft_future *f, weft_js_value *out, int kind, double number, char *text) {
  if (weft_future_done(f)) { /* cancelled; its cancel hook has not run yet */
    free(text);
    weft_host_fail(f, WEFT_ECANCELED);
    return;
  }
  if (out) {
    out->kind = (weft_js_kind)kind;
    out->number = number;
    out->text = text;
  }
  if (kind == WEFT_JS_ERROR) {
    if (!out) free(text);
    weft_host_fail(f, WEFT_EJS);
  } else if (kind == WEFT_JS_STRING || kind == WEFT_JS_JSON) {
    weft_host_resolve(f, (intptr_t)text);
  } else {
    /* NaN, ±Infinity and numbers beyond intptr_t have no C value (the
     * conversion is undefined, and a trap on wasm): the future's value is 0;
     * out->number keeps the double as it came. */
    intptr_t v = number == number && number >= (double)INTPTR_MIN && number < -(double)INTPTR_MIN ? (intptr_t)number : 0;
    weft_host_resolve(f, v);
  }
}

/* --- JS awaits a C task ------------------------------------------------------- */

typedef struct js_run {
  int id;
  char *arg_text; /* a string argument, freed when the task ends */
} js_run;

static void on_run_done(weft_future *t, void *arg) {
  js_run *r = arg;
  intptr_t value = 0;
  int status = weft_future_result(t, &value);
  free(r->arg_text);
  int id = r->id;
  free(r);
  weft_release(t);
  weft_js_task_done(id, status, value);
}

/* Starts the task registered as `name` with `arg` (or the string `arg_text`,
 * which changes owner here), reporting its end as weft_js_task_done(id, …).
 * Returns the task (borrowed: valid until that report; JS may cancel it
 * until then), or NULL when no task has that name (WEFT_EINVAL is then
 * reported at once) or on failure. */
WEFT_EXPORT weft_task *weft__js_start(const char *name, intptr_t arg, char *arg_text, int id) {
  weft_task_fn fn = weft_js_find_task(name);
  weft_loop *loop = weft_js_loop();
  js_run *r = fn && loop ? malloc(sizeof *r) : NULL;
  weft_task_options opts = {.name = name};
  weft_task *t = r ? weft_spawn(loop, fn, arg_text ? (void *)arg_text : (void *)arg, &opts) : NULL;
  if (!t || weft_future_on_done(t, on_run_done, r) != 0) {
    if (t) {
      weft_cancel(t);
      weft_release(t);
    }
    free(r);
    free(arg_text);
    return NULL;
  }
  r->id = id;
  r->arg_text = arg_text;
  return t;
}

/* What the task registered as `name` returns (weft_js_result), or -1 when
 * there is none: JS checks its `result` option against it before starting. */
WEFT_EXPORT int weft__js_task_result(const char *name) {
  if (!name) return -1;
  for (weft_js_task_entry *e = tasks; e; e = e->next)
    if (strcmp(e->name, name) == 0) return (int)e->result;
  return -1;
}

WEFT_EXPORT int weft__js_cancel(weft_task *t) { return weft_cancel(t); }

WEFT_EXPORT double weft__js_loop_now(void) {
  weft_loop *loop = weft_js_loop();
  return loop ? (double)weft_loop_now(loop) / 1000.0 : 0;
}

#else /* native: no JS host */

weft_future *weft_js_promise(weft_loop *loop, int handle, weft_js_value *out) {
  (void)loop;
  (void)handle;
  (void)out;
  return NULL;
}

int weft_js_await(int handle, weft_js_value *out) {
  (void)handle;
  if (out) memset(out, 0, sizeof *out);
  return WEFT_ENOSYS;
}

#endif
