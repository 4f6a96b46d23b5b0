/* The prebuilt runtime of the npm package (dist/weft.js + dist/weft.wasm):
 * a weft program with a few built-in tasks to try weft from JS.
 *
 *   import { createWeft } from 'weft';
 *   const weft = await createWeft();
 *   await weft.run('sleep_then', 100);                       // 100, after 100 ms
 *   await weft.run('echo', 'hé', { result: 'string' });      // 'hé'
 *   await weft.run('gather_demo', 0, { result: 'string' });  // JSON text
 *   await weft.run('await_promise', weft.handle(p), { result: 'string' });
 *   for await (const x of weft.iterate('count', 3)) ...      // 0, 1, 2
 *   await weft.run('sum_iter', weft.iterHandle(asyncIterable));
 *
 * JS starts the tasks on the bridge's loop (include/weft/js.h); main only
 * returns, and the runtime stays alive for JS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <weft.h>
#include <weft/js.h>

/* sleep_then(ms): sleeps, then returns ms. Cancellable. */
WEFT_JS_TASK(sleep_then) {
  intptr_t ms = (intptr_t)arg;
  int rc = weft_sleep(ms);
  return rc ? weft_fail(rc) : ms;
}

/* echo(text): returns a copy of its string argument ({ result: 'string' }). */
WEFT_JS_TASK_STRING(echo) {
  const char *s = arg ? arg : "";
  char *copy = malloc(strlen(s) + 1);
  if (!copy) return weft_fail(WEFT_ENOMEM);
  strcpy(copy, s);
  return (intptr_t)copy;
}

typedef struct demo_child {
  intptr_t ms;
  intptr_t *order;
  int *n;
} demo_child;

static intptr_t demo_child_fn(void *arg) {
  demo_child *c = arg;
  int rc = weft_sleep(c->ms);
  if (rc) return weft_fail(rc);
  c->order[(*c->n)++] = c->ms;
  return c->ms;
}

/* gather_demo(scale): three tasks sleeping 3, 1 and 2 × scale ms (scale 0:
 * 10) under weft_gather. Returns JSON ({ result: 'string' }):
 * {"results":[30,10,20],"finished":[10,20,30]}: results in argument order,
 * completion in time order. */
WEFT_JS_TASK_STRING(gather_demo) {
  intptr_t scale = (intptr_t)arg > 0 ? (intptr_t)arg : 10;
  intptr_t order[3];
  int n = 0;
  demo_child c[3] = {{3 * scale, order, &n}, {1 * scale, order, &n}, {2 * scale, order, &n}};
  weft_task *t[3];
  for (int i = 0; i < 3; i++) t[i] = weft_spawn(NULL, demo_child_fn, &c[i], NULL);
  intptr_t res[3] = {0};
  int rc = weft_gather(t, 3, WEFT_GATHER_FAIL_FAST, res, NULL);
  for (int i = 0; i < 3; i++) weft_release(t[i]);
  if (rc) return weft_fail(rc);
  char *out = malloc(128);
  if (!out) return weft_fail(WEFT_ENOMEM);
  snprintf(out, 128, "{\"results\":[%ld,%ld,%ld],\"finished\":[%ld,%ld,%ld]}", (long)res[0], (long)res[1],
           (long)res[2], (long)order[0], (long)order[1], (long)order[2]);
  return (intptr_t)out;
}

/* await_promise(handle): awaits the JS promise and returns what it gave as
 * text ({ result: 'string' }): a string as is, an object as JSON, a number
 * formatted ("42"), null/undefined as "null"/"undefined". A rejection fails
 * the task with WEFT_EJS. */
WEFT_JS_TASK_STRING(await_promise) {
  weft_js_value v;
  int rc = weft_js_await((int)(intptr_t)arg, &v);
  if (rc) {
    weft_js_value_clear(&v);
    return weft_fail(rc);
  }
  if (v.text) return (intptr_t)v.text; /* STRING, JSON: ours to hand over */
  char *out = malloc(32);
  if (!out) return weft_fail(WEFT_ENOMEM);
  if (v.kind == WEFT_JS_NUMBER) snprintf(out, 32, "%.17g", v.number);
  else if (v.kind == WEFT_JS_BOOLEAN) snprintf(out, 32, "%s", v.number ? "true" : "false");
  else snprintf(out, 32, "%s", v.kind == WEFT_JS_NULL ? "null" : "undefined");
  return (intptr_t)out;
}

/* --- async generators for JS, JS iterables for C ------------------------------ */

static int gens_closed; /* generators that saw WEFT_ECLOSING (gen_stats) */

/* count(n): yields 0 .. n-1 (n 0: 3), 10 ms apart. Closed early, it counts
 * the close (see gen_stats). */
WEFT_JS_GEN(count) {
  intptr_t n = (intptr_t)arg > 0 ? (intptr_t)arg : 3;
  for (intptr_t i = 0; i < n; i++) {
    int rc = weft_sleep(10);
    if (rc) return rc;
    rc = weft_gen_yield(i);
    if (rc == WEFT_ECLOSING) gens_closed++;
    if (rc) return rc;
  }
  return 0;
}

/* words(text): yields each space-separated word as a malloc'd string
 * ({ result: 'string' }; weft frees each). */
WEFT_JS_GEN_STRING(words) {
  const char *s = arg ? arg : "";
  while (*s) {
    while (*s == ' ') s++;
    size_t n = strcspn(s, " ");
    if (!n) break;
    char *w = malloc(n + 1);
    if (!w) return WEFT_ENOMEM;
    memcpy(w, s, n);
    w[n] = 0;
    s += n;
    int rc = weft_yield();
    if (rc == 0) rc = weft_gen_yield((intptr_t)w);
    else free(w);
    if (rc == WEFT_ECLOSING) gens_closed++;
    if (rc) return rc; /* once yielded, the string belongs to the consumer */
  }
  return 0;
}

/* fail_after(n): yields 1 .. n, then fails with WEFT_ETIMEDOUT. */
WEFT_JS_GEN(fail_after) {
  for (intptr_t i = 1; i <= (intptr_t)arg; i++) {
    int rc = weft_gen_yield(i);
    if (rc) return rc;
  }
  return WEFT_ETIMEDOUT;
}

/* gen_stats(): how many generators were closed early so far. */
WEFT_JS_TASK(gen_stats) { return gens_closed; }

/* sum_iter(handle): the sum of the numbers of a JS async iterable. A
 * rejection fails the task with WEFT_EJS. */
WEFT_JS_TASK(sum_iter) {
  int rc;
  double sum = 0;
  WEFT_AFOR(const weft_js_value *, v, weft_js_iter((int)(intptr_t)arg), &rc) sum += v->number;
  return rc ? weft_fail(rc) : (intptr_t)sum;
}

/* take_iter(handle): the first three values of a JS async iterable as text
 * ({ result: 'string' }): "a,b,c"; then it leaves the loop, which calls the
 * JS iterator's return(). */
WEFT_JS_TASK_STRING(take_iter) {
  int rc, n = 0;
  char *out = calloc(1, 256);
  if (!out) return weft_fail(WEFT_ENOMEM);
  WEFT_AFOR(const weft_js_value *, v, weft_js_iter((int)(intptr_t)arg), &rc) {
    size_t len = strlen(out);
    if (v->text) snprintf(out + len, 256 - len, "%s%s", n ? "," : "", v->text);
    else snprintf(out + len, 256 - len, "%s%g", n ? "," : "", v->number);
    if (++n == 3) break;
  }
  if (rc) {
    free(out);
    return weft_fail(rc);
  }
  return (intptr_t)out;
}

/* iter_error(handle): iterates a JS async iterable until it fails and
 * returns the rejection's text ({ result: 'string' }), or "no error". */
WEFT_JS_TASK_STRING(iter_error) {
  weft_aiter *it = weft_js_iter((int)(intptr_t)arg);
  if (!it) return weft_fail(WEFT_EINVAL);
  intptr_t v;
  int rc;
  while ((rc = weft_anext(it, &v)) == 0) {
  }
  const weft_js_value *e = weft_js_iter_error(it);
  const char *text = rc == WEFT_EJS && e && e->text ? e->text : "no error";
  char *out = malloc(strlen(text) + 1);
  if (out) strcpy(out, text);
  weft_aiter_free(it);
  return out ? (intptr_t)out : weft_fail(WEFT_ENOMEM);
}

int main(void) { return 0; }
