/* fetch as a future. The request lives in JS (src/js/library_fetch.js), named
 * by an integer id; each step that waits — the headers, each body chunk — is
 * a host future the JS side completes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/internal.h"
#include "weft/fetch.h"

struct weft_response {
  int id;          /* the JS request */
  int status;
  char *meta;      /* from JS: "status text\nurl\nname: value\n...\n", then split */
  const char *status_text, *url, *headers;
  int done;       /* the body has ended */
  int failed;     /* the body failed with this code (the request is aborted) */
};

/* The message of this thread's last fetch failure (weft_fetch_error_message). */
static _Thread_local char last_error[256];

/* Records `rc`'s message (`msg`, or weft_strerror's) and returns rc. */
static int set_error(int rc, const char *msg) {
  snprintf(last_error, sizeof last_error, "%s", msg ? msg : weft_strerror(rc));
  return rc;
}

const char *weft_fetch_error_message(void) { return last_error; }

#if defined(__EMSCRIPTEN__)

/* library_fetch.js */
extern int weft_js_fetch_new(double timeout_ms);
extern void weft_js_fetch_start(weft_future *f, int id, const char *url, const char *method, const char *headers,
                                const void *body, size_t body_len);
extern char *weft_js_fetch_meta(int id);
extern void weft_js_fetch_read(weft_future *f, int id);
extern void weft_js_fetch_read_all(weft_future *f, int id);
extern void *weft_js_fetch_take(int id);
extern size_t weft_js_fetch_chunk_len(int id);
extern void weft_js_fetch_message(int id, char *buf, size_t size);
extern void weft_js_fetch_abort(int id);
extern void weft_js_fetch_close(int id);

/* The cancel hook of every step's host future: aborts the request. */
static void abort_request(weft_future *f, void *arg) {
  (void)f;
  weft_js_fetch_abort((int)(intptr_t)arg);
}

/* Headers joined as "Name: value\n" for the JS side (malloc'd). */
static char *join_headers(const char *const *headers) {
  size_t n = 1;
  for (const char *const *h = headers; h && *h; h++) n += strlen(*h) + 1;
  char *out = malloc(n), *p = out;
  if (!out) return NULL;
  for (const char *const *h = headers; h && *h; h++) {
    size_t l = strlen(*h);
    memcpy(p, *h, l);
    p[l] = '\n';
    p += l + 1;
  }
  *p = 0;
  return out;
}

/* Awaits step future `f` of request `id`; on failure keeps the message for
 * weft_fetch_error_message (read before this task switches again). A chunk
 * the step produced after all (the task was cancelled once it had arrived)
 * is freed. */
static int await_step(weft_future *f, int id, intptr_t *value) {
  if (!weft_future_done(f)) weft__trace_reason(WEFT_REASON_FETCH);
  int rc = weft_await(f, value);
  intptr_t late;
  if (rc && weft_future_state_of(f) == WEFT_RESOLVED && weft_future_result(f, &late) == 0) free((void *)late);
  weft_release(f);
  if (rc) {
    weft_js_fetch_message(id, last_error, sizeof last_error);
    if (rc == WEFT_ECANCELED) set_error(rc, "the awaiting task was cancelled");
    else if (!last_error[0]) set_error(rc, NULL);
  }
  return rc;
}

/* One wait on the body: `start` asks the host for it, completing a host
 * future with a malloc'd pointer (or 0 at the end), its length in
 * weft_js_fetch_chunk_len. A failure aborts the
 * request, and later reads give the same code. */
static int body_step(weft_response *r, void (*start)(weft_future *f, int id), intptr_t *ptr) {
  if (!weft__current()) return set_error(WEFT_ENOTTASK, NULL);
  /* A body the host has read whole already (library_fetch.js: prefetch) is
   * all that is left of it, for either step: taken at once, with no host
   * future and no wait. */
  if ((*ptr = (intptr_t)weft_js_fetch_take(r->id))) return 0;
  weft_future *f = weft_host_future(NULL, abort_request, (void *)(intptr_t)r->id);
  if (!f) return set_error(WEFT_ENOMEM, NULL);
  start(f, r->id);
  int rc = await_step(f, r->id, ptr);
  if (rc) r->failed = rc;
  return rc;
}

int weft_fetch(const char *url, const weft_fetch_options *opts, weft_response **out) {
  if (!weft__current()) return set_error(WEFT_ENOTTASK, NULL);
  if (!url || !out) return set_error(WEFT_EINVAL, NULL);
  *out = NULL;
  weft_response *r = calloc(1, sizeof *r);
  /* No headers: NULL, and a plain GET skips building a Request in JS. */
  int has_headers = opts && opts->headers && opts->headers[0];
  char *headers = r && has_headers ? join_headers(opts->headers) : NULL;
  if (!r || (has_headers && !headers)) {
    free(r);
    return set_error(WEFT_ENOMEM, NULL);
  }
  double timeout_ms = opts && opts->timeout_ms > 0 ? (double)opts->timeout_ms : -1;
  r->id = weft_js_fetch_new(timeout_ms);
  weft_future *f = weft_host_future(NULL, abort_request, (void *)(intptr_t)r->id);
  if (!f) {
    weft_js_fetch_close(r->id);
    free(r);
    free(headers);
    return set_error(WEFT_ENOMEM, NULL);
  }
  weft_js_fetch_start(f, r->id, url, opts ? opts->method : NULL, headers, opts ? opts->body : NULL,
                      opts ? opts->body_len : 0);
  free(headers);
  weft_loop *loop = f->loop;
  uint32_t task = weft__current()->id;
  WEFT__TRACE(loop, weft__trace_text(loop, WEFT_TRACE_FETCH_START, task, 0, url));
  intptr_t status = 0;
  int rc = await_step(f, r->id, &status);
  WEFT__TRACE(loop, weft__trace_text(loop, WEFT_TRACE_FETCH_END, task, rc ? rc : (int)status, NULL));
  if (rc) {
    weft_js_fetch_close(r->id);
    free(r);
    return rc;
  }
  r->status = (int)status;
  *out = r;
  return 0;
}

/* The status text, URL and headers come from the host on first use: most
 * callers never ask, and building them cost a few µs of every fetch. The
 * response is logically const; this fills its cache. */
static int load_meta(const weft_response *cr) {
  weft_response *r = (weft_response *)cr;
  if (r->meta) return 0;
  if (!(r->meta = weft_js_fetch_meta(r->id))) return -1;
  /* One line each: status text, URL, then "name: value" per header; the
   * block ends with an empty line. Split into NUL-terminated strings once. */
  for (char *c = r->meta; *c; c++)
    if (*c == '\n') *c = 0;
  r->status_text = r->meta;
  r->url = r->status_text + strlen(r->status_text) + 1;
  r->headers = r->url + strlen(r->url) + 1;
  return 0;
}

int weft_response_read(weft_response *r, void **chunk, size_t *len) {
  if (!r || !chunk || !len) return set_error(WEFT_EINVAL, NULL);
  *chunk = NULL;
  *len = 0;
  if (r->done) return WEFT_EDONE;
  if (r->failed) return set_error(r->failed, NULL);
  intptr_t ptr = 0;
  int rc = body_step(r, weft_js_fetch_read, &ptr);
  if (rc) return rc;
  if (!ptr) {
    r->done = 1;
    return WEFT_EDONE;
  }
  *chunk = (void *)ptr;
  *len = weft_js_fetch_chunk_len(r->id);
  return 0;
}

const char *weft_response_header(const weft_response *r, const char *name) {
  if (!r || !name || load_meta(r)) return NULL;
  size_t n = strlen(name);
  for (const char *p = r->headers; *p; p += strlen(p) + 1) {
    if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
      const char *v = p + n + 1;
      while (*v == ' ') v++;
      return v;
    }
  }
  return NULL;
}

void weft_response_free(weft_response *r) {
  if (!r) return;
  weft_js_fetch_close(r->id);
  free(r->meta);
  free(r);
}

#else /* native: no host fetch */

int weft_fetch(const char *url, const weft_fetch_options *opts, weft_response **out) {
  (void)url, (void)opts;
  if (out) *out = NULL;
  return set_error(WEFT_ENOSYS, "weft_fetch needs the host's fetch: build for wasm");
}
int weft_response_read(weft_response *r, void **chunk, size_t *len) {
  (void)r;
  if (chunk) *chunk = NULL;
  if (len) *len = 0;
  return set_error(WEFT_ENOSYS, "weft_fetch needs the host's fetch: build for wasm");
}
const char *weft_response_header(const weft_response *r, const char *name) {
  (void)r, (void)name;
  return NULL;
}
static int load_meta(const weft_response *r) { return r->meta ? 0 : -1; }
void weft_response_free(weft_response *r) { free(r); }

#endif

int weft_response_status(const weft_response *r) { return r ? r->status : 0; }
const char *weft_response_status_text(const weft_response *r) { return r && !load_meta(r) ? r->status_text : NULL; }
const char *weft_response_url(const weft_response *r) { return r && !load_meta(r) ? r->url : NULL; }

int weft_response_bytes(weft_response *r, void **data, size_t *len) {
  if (!r || !data || !len) return set_error(WEFT_EINVAL, NULL);
  *data = NULL;
  *len = 0;
  if (r->failed) return set_error(r->failed, NULL);
  if (r->done) {
    /* Nothing left: an empty buffer, as for an empty body. */
    if (!(*data = calloc(1, 1))) return set_error(WEFT_ENOMEM, NULL);
    return 0;
  }
#if defined(__EMSCRIPTEN__)
  /* The host gathers the chunks into one growing buffer and completes one
   * future for the whole body: a C round trip per chunk cost a quarter of
   * the time of many small fetches. */
  intptr_t ptr = 0;
  int rc = body_step(r, weft_js_fetch_read_all, &ptr);
  if (rc) return rc;
  r->done = 1;
  *data = (void *)ptr;
  *len = weft_js_fetch_chunk_len(r->id);
  return 0;
#else
  return weft_response_read(r, data, len); /* WEFT_ENOSYS */
#endif
}

int weft_response_text(weft_response *r, char **text) {
  size_t len;
  if (!text) return set_error(WEFT_EINVAL, NULL);
  return weft_response_bytes(r, (void **)text, &len);
}
