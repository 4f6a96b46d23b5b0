/* Async iterators across the JS boundary (include/weft/js.h, second half):
 * C generators as JS async iterables, JS async iterables as C iterators.
 * The JS side is src/js/library_iter.js. */
#include <stdlib.h>
#include <string.h>

#include "../core/internal.h"
#include "weft/js.h"

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#define WEFT_EXPORT EMSCRIPTEN_KEEPALIVE
#else
#define WEFT_EXPORT
#endif

/* --- the generator registry ---------------------------------------------------- */

static weft_js_gen_entry *gens;

int weft_js_register_gen(weft_js_gen_entry *entry) {
  if (!entry || !entry->name || !entry->fn) return WEFT_EINVAL;
  entry->next = gens;
  gens = entry;
  return 0;
}

weft_gen_fn weft_js_find_gen(const char *name) {
  if (!name) return NULL;
  for (weft_js_gen_entry *e = gens; e; e = e->next)
    if (strcmp(e->name, name) == 0) return e->fn;
  return NULL;
}

#if defined(__EMSCRIPTEN__)

extern void weft_js_task_done(int id, int status, intptr_t value); /* library_promise.js */
extern int weft_js_iter_next(int handle, int *done, int seq);      /* library_iter.js */
extern int weft_js_iter_close(int handle, int want_promise);

/* --- JS iterates a C generator ---------------------------------------------------- */

typedef struct js_gen {
  weft_aiter *it;
  char *arg_text; /* a string argument, freed with the generator */
} js_gen;

typedef struct js_gen_call {
  js_gen *jg;
  int id;
  int close;
} js_gen_call;

static intptr_t gen_call_main(void *arg) {
  js_gen_call *c = arg;
  if (c->close) {
    int rc = weft_aiter_free(c->jg->it);
    free(c->jg->arg_text);
    free(c->jg);
    return rc ? weft_fail(rc) : 0;
  }
  intptr_t v = 0;
  int rc = weft_anext(c->jg->it, &v);
  return rc ? weft_fail(rc) : v;
}

static void on_gen_call_done(weft_future *t, void *arg) {
  js_gen_call *c = arg;
  intptr_t value = 0;
  int status = weft_future_result(t, &value);
  int id = c->id;
  free(c);
  weft_release(t);
  weft_js_task_done(id, status, value);
}

/* What the values of the generator registered as `name` are
 * (weft_js_result), or -1 when there is none. */
WEFT_EXPORT int weft__js_gen_result(const char *name) {
  if (!name) return -1;
  for (weft_js_gen_entry *e = gens; e; e = e->next)
    if (strcmp(e->name, name) == 0) return (int)e->result;
  return -1;
}

/* Creates the generator registered as `name` on the bridge's loop; `arg_text`
 * (malloc'd or NULL) changes owner here. Returns it, or NULL. */
WEFT_EXPORT js_gen *weft__js_gen_open(const char *name, intptr_t arg, char *arg_text) {
  weft_gen_fn fn = weft_js_find_gen(name);
  weft_loop *loop = weft_js_loop();
  js_gen *jg = fn && loop ? calloc(1, sizeof *jg) : NULL;
  weft_task_options o = {.name = name};
  if (jg) jg->it = weft_gen_new(loop, fn, arg_text ? (void *)arg_text : (void *)arg, &o);
  if (!jg || !jg->it) {
    free(jg);
    free(arg_text);
    return NULL;
  }
  jg->arg_text = arg_text;
  return jg;
}

/* anext (close = 0) or close-and-free (close = 1) in a task of its own,
 * reported as weft_js_task_done(id, status, value). Returns 0, or
 * WEFT_ENOMEM (nothing will be reported). */
WEFT_EXPORT int weft__js_gen_call(js_gen *jg, int close, int id) {
  js_gen_call *c = malloc(sizeof *c);
  weft_task *t = c ? weft_spawn(weft_js_loop(), gen_call_main, c, &(weft_task_options){.name = "js-anext"}) : NULL;
  if (!t || weft_future_on_done(t, on_gen_call_done, c) != 0) {
    if (t) {
      weft_cancel(t);
      weft_release(t);
    }
    free(c);
    return WEFT_ENOMEM;
  }
  *c = (js_gen_call){jg, id, close};
  return 0;
}

/* --- C iterates a JS async iterable ------------------------------------------------- */

typedef struct js_iter {
  weft_aiter base;
  int handle;
  int seq;   /* numbers the next() calls, so that a late answer is recognised */
  int done;  /* written by JS for the call numbered seq */
  weft_js_value value;
} js_iter;

static int js_iter_anext(weft_aiter *it, intptr_t *value) {
  js_iter *j = (js_iter *)it;
  if (!weft_current()) return WEFT_ENOTTASK;
  weft_js_value_clear(&j->value);
  j->done = 0;
  int p = weft_js_iter_next(j->handle, &j->done, ++j->seq);
  if (!p) return WEFT_EINVAL;
  int rc = weft_js_await(p, &j->value);
  if (rc) return rc; /* WEFT_EJS: j->value.text holds the reason */
  if (j->done) {
    weft_js_value_clear(&j->value);
    return WEFT_EDONE;
  }
  *value = (intptr_t)&j->value;
  return 0;
}

static int js_iter_aclose(weft_aiter *it) {
  js_iter *j = (js_iter *)it;
  j->seq++; /* any answer still on its way is stale */
  int p = weft_js_iter_close(j->handle, 1);
  if (!p || !weft_current()) return 0;
  weft_js_value v;
  int rc = weft_js_await(p, &v);
  weft_js_value_clear(&v);
  return rc;
}

static void js_iter_free(weft_aiter *it) {
  js_iter *j = (js_iter *)it;
  weft_js_value_clear(&j->value);
  if (!j->base.ended_) weft_js_iter_close(j->handle, 0); /* let go of it on the JS side */
  free(j);
}

static const weft_aiter_vt js_iter_vt = {js_iter_anext, js_iter_aclose, js_iter_free};

weft_aiter *weft_js_iter(int handle) {
  if (handle <= 0) return NULL;
  js_iter *j = calloc(1, sizeof *j);
  if (!j) return NULL;
  j->handle = handle;
  return weft_aiter_init(&j->base, &js_iter_vt);
}

const weft_js_value *weft_js_iter_error(const weft_aiter *it) {
  if (!it || it->vt_ != &js_iter_vt) return NULL;
  const js_iter *j = (const js_iter *)it;
  return j->value.kind == WEFT_JS_ERROR ? &j->value : NULL;
}

#else /* native: no JS host */

weft_aiter *weft_js_iter(int handle) {
  (void)handle;
  return NULL;
}

const weft_js_value *weft_js_iter_error(const weft_aiter *it) {
  (void)it;
  return NULL;
}

#endif
