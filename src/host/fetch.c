/* fetch as a future. The request lives in JS (src/js/library_fetch.js), named
 * by an integer id; each step that waits — the headers, each body chunk — is
 * a host future the JS side completes. */
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
  int64_t timeout_ms;
  int done;
};

#if defined(__EMSCRIPTEN__)

/* library_fetch.js */
extern int weft_js_fetch_start(weft_future *f, const char *url, const char *method, const char *headers,
                               const void *body, size_t body_len, double timeout_ms);
extern int weft_js_fetch_status(int id);
extern char *weft_js_fetch_meta(int id);
extern void weft_js_fetch_read(weft_future *f, int id);
extern size_t weft_js_fetch_chunk_len(int id);
extern void weft_js_fetch_abort(int id);
extern void weft_js_fetch_close(int id);

/* Done callback of a request step: only a cancellation aborts. */
static void abort_request(weft_future *f, void *arg) {
  if (weft_future_state_of(f) == WEFT_CANCELLED) weft_js_fetch_abort((int)(intptr_t)arg);
}

/* Headers joined as "Name: value\n" for the JS side. */
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

/* Awaits a host future created for request step `id`; aborts the request if
 * the awaiting task is cancelled. */
static int await_step(weft_future *f, intptr_t *value) {
  int rc = weft_await(f, value);
  weft_release(f);
  return rc;
}

int weft_fetch(const char *url, const weft_fetch_options *opts, weft_response **out) {
  if (!weft__current()) return WEFT_ENOTTASK;
  if (!url || !out) return WEFT_EINVAL;
  *out = NULL;
  weft_response *r = calloc(1, sizeof *r);
  char *headers = join_headers(opts ? opts->headers : NULL);
  weft_future *f = headers && r ? weft_host_future(NULL, NULL, NULL) : NULL;
  if (!f) {
    free(r);
    free(headers);
    return WEFT_ENOMEM;
  }
  r->timeout_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms : -1;
  r->id = weft_js_fetch_start(f, url, opts && opts->method ? opts->method : "GET", headers, opts ? opts->body : NULL,
                              opts ? opts->body_len : 0, (double)r->timeout_ms);
  free(headers);
  /* The cancel hook needs the id, which exists only now. */
  weft_future_on_done(f, abort_request, (void *)(intptr_t)r->id);
  int rc = await_step(f, NULL);
  if (rc) {
    weft_js_fetch_close(r->id);
    free(r);
    return rc;
  }
  r->status = weft_js_fetch_status(r->id);
  r->meta = weft_js_fetch_meta(r->id);
  if (!r->meta) {
    weft_response_free(r);
    return WEFT_ENOMEM;
  }
  /* One line each: status text, URL, then "name: value" per header; the
   * block ends with an empty line. Split into NUL-terminated strings once. */
  for (char *c = r->meta; *c; c++)
    if (*c == '\n') *c = 0;
  r->status_text = r->meta;
  r->url = r->status_text + strlen(r->status_text) + 1;
  r->headers = r->url + strlen(r->url) + 1;
  *out = r;
  return 0;
}

int weft_response_read(weft_response *r, void **chunk, size_t *len) {
  if (!r || !chunk || !len) return WEFT_EINVAL;
  *chunk = NULL;
  *len = 0;
  if (r->done) return WEFT_EDONE;
  weft_future *f = weft_host_future(NULL, abort_request, (void *)(intptr_t)r->id);
  if (!f) return WEFT_ENOMEM;
  weft_js_fetch_read(f, r->id);
  intptr_t ptr = 0;
  int rc = await_step(f, &ptr);
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
  if (!r || !name) return NULL;
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
  return WEFT_ENOSYS;
}
int weft_response_read(weft_response *r, void **chunk, size_t *len) {
  (void)r, (void)chunk, (void)len;
  return WEFT_ENOSYS;
}
const char *weft_response_header(const weft_response *r, const char *name) {
  (void)r, (void)name;
  return NULL;
}
void weft_response_free(weft_response *r) { free(r); }

#endif

int weft_response_status(const weft_response *r) { return r ? r->status : 0; }
const char *weft_response_status_text(const weft_response *r) { return r ? r->status_text : NULL; }
const char *weft_response_url(const weft_response *r) { return r ? r->url : NULL; }

int weft_response_bytes(weft_response *r, void **data, size_t *len) {
  if (!r || !data || !len) return WEFT_EINVAL;
  *data = NULL;
  *len = 0;
  size_t cap = 0, n = 0;
  char *buf = NULL;
  for (;;) {
    void *chunk;
    size_t clen;
    int rc = weft_response_read(r, &chunk, &clen);
    if (rc == WEFT_EDONE) break;
    if (rc) {
      free(buf);
      return rc;
    }
    if (n + clen + 1 > cap) {
      size_t ncap = cap ? cap : 4096;
      while (ncap < n + clen + 1) ncap *= 2;
      char *nb = realloc(buf, ncap);
      if (!nb) {
        free(chunk);
        free(buf);
        return WEFT_ENOMEM;
      }
      buf = nb;
      cap = ncap;
    }
    memcpy(buf + n, chunk, clen);
    n += clen;
    free(chunk);
  }
  if (!buf && !(buf = malloc(1))) return WEFT_ENOMEM;
  buf[n] = 0;
  *data = buf;
  *len = n;
  return 0;
}
