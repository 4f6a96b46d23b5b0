/* Tasks that tests/node/promise.test.mjs starts from JS: C awaiting JS
 * promises, cancellation from JS, failures reported to JS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <weft.h>

static char *text(const char *fmt, const char *kind, double number, const char *s) {
  char *out = malloc(64 + (s ? strlen(s) : 0));
  if (out) sprintf(out, fmt, kind, number, s ? s : "");
  return out;
}

static const char *kind_name(weft_js_kind k) {
  static const char *names[] = {"undefined", "null", "boolean", "number", "string", "json", "error"};
  return k <= WEFT_JS_ERROR ? names[k] : "?";
}

/* describe(handle): "<kind> <number> <text>" of what the promise gave, a
 * rejection included ("error 0 TypeError: boom"); "rc <code>" otherwise. */
WEFT_JS_TASK_STRING(describe) {
  weft_js_value v;
  int rc = weft_js_await((int)(intptr_t)arg, &v);
  char *out;
  if (rc && rc != WEFT_EJS) {
    out = malloc(32);
    if (out) sprintf(out, "rc %d", rc);
  } else {
    out = text("%s %g %s", kind_name(v.kind), v.number, v.text);
  }
  weft_js_value_clear(&v);
  return (intptr_t)out;
}

/* value_of(handle): the future's own value, through weft_js_promise with no
 * `out`: a number as is; fails with the await's code (WEFT_EJS). */
WEFT_JS_TASK(value_of) {
  weft_future *f = weft_js_promise(NULL, (int)(intptr_t)arg, NULL);
  if (!f) return weft_fail(WEFT_EINVAL);
  intptr_t value = 0;
  int rc = weft_await(f, &value);
  weft_release(f);
  return rc ? weft_fail(rc) : value;
}

/* string_of(handle): the same await when the promise gives a string: the
 * future's value is a malloc'd char * that C owns (handed on to JS here,
 * which frees it, with { result: 'string' }). */
WEFT_JS_TASK_STRING(string_of) { return value_of(arg); }

static int ticks;

static intptr_t ticker(void *arg) {
  (void)arg;
  while (weft_sleep(1) == 0) ticks++;
  return 0;
}

/* ticking_await(handle): awaits the promise while another task ticks every
 * millisecond; returns the number of ticks seen meanwhile. */
WEFT_JS_TASK(ticking_await) {
  ticks = 0;
  weft_task *t = weft_spawn(NULL, ticker, NULL, NULL);
  if (!t) return weft_fail(WEFT_ENOMEM);
  int rc = weft_js_await((int)(intptr_t)arg, NULL);
  int seen = ticks;
  weft_cancel(t);
  weft_await(t, NULL);
  weft_release(t);
  return rc ? weft_fail(rc) : seen;
}

/* tick_count(): the ticks ticking_await's ticker has made so far: JS waits
 * on it instead of on the wall clock. */
WEFT_JS_TASK(tick_count) { return ticks; }

static int cleanups;

/* guarded_sleep(ms): sleeps; when cancelled, cleans up (awaiting a 5 ms
 * sleep as it does) and counts the cleanup before ending cancelled. */
WEFT_JS_TASK(guarded_sleep) {
  int rc = weft_sleep((intptr_t)arg);
  if (rc == WEFT_ECANCELED) {
    weft_sleep(5); /* cleanup that awaits */
    cleanups++;
    return weft_fail(rc);
  }
  return rc ? weft_fail(rc) : (intptr_t)arg;
}

/* guarded_await(handle): as guarded_sleep, awaiting a JS promise. */
WEFT_JS_TASK(guarded_await) {
  int rc = weft_js_await((int)(intptr_t)arg, NULL);
  if (rc == WEFT_ECANCELED) {
    weft_sleep(5);
    cleanups++;
  }
  return rc ? weft_fail(rc) : 0;
}

WEFT_JS_TASK(cleanup_count) { return cleanups; }

/* fail_with(code): fails with that weft code. */
WEFT_JS_TASK(fail_with) { return weft_fail((int)(intptr_t)arg); }

/* loop_alive(): the tasks alive on the bridge's loop, this one included. */
WEFT_JS_TASK(loop_alive) { return (intptr_t)weft_loop_alive_tasks(weft_js_loop()); }

int main(void) { return 0; }
