/* weft — fetch as a C future (wasm; natively every call returns WEFT_ENOSYS).
 *
 *   weft_response *r;
 *   int rc = weft_fetch("https://example.org/data.json", NULL, &r);  // awaits the headers
 *   if (rc) return weft_fail(rc);            // WEFT_EURL, WEFT_ECONNREFUSED, …
 *   printf("%d %s\n", weft_response_status(r), weft_response_header(r, "content-type"));
 *   void *chunk; size_t len;
 *   while ((rc = weft_response_read(r, &chunk, &len)) == 0) { use(chunk, len); free(chunk); }
 *   weft_response_free(r);                   // rc == WEFT_EDONE at the end of the body
 *
 * The host's own fetch does the work (browsers, and Node >= 18), so many
 * requests are in flight at once while tasks keep running. Each call that
 * waits (weft_fetch for the headers, each weft_response_read) suspends only
 * the calling task. Cancelling that task, or the timeout, aborts the whole
 * request (AbortController): the host closes the connection.
 * HTTP 4xx/5xx are responses, not errors. See docs/fetch.md.
 *
 * Ownership, in short: the caller owns the response (weft_response_free) and
 * every chunk or body buffer it is handed (free); strings returned by
 * weft_response_* belong to the response and live until it is freed; the
 * URL and options are only read during weft_fetch (they may live on the
 * task's stack).
 */
#ifndef WEFT_FETCH_H
#define WEFT_FETCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Request options; zero-initialise and set what you need. Nothing here is
 * kept after weft_fetch returns (the strings and body are copied when the
 * request starts), so all of it may be stack memory of the calling task. */
typedef struct weft_fetch_options {
  const char *method;          /* NULL: "GET" */
  const char *const *headers;  /* "Name: value" strings, NULL-terminated; may be NULL */
  const void *body;            /* request body (copied); may be NULL */
  size_t body_len;
  int64_t timeout_ms;          /* 0 or < 0: none. Otherwise (up to INT64_MAX) a limit on each
                                  wait: for the headers, then for each chunk of the body (an
                                  idle timeout, not a total; an unencoded body of known size up
                                  to 64 KiB is read in one piece, which then counts as one
                                  chunk). */
} weft_fetch_options;

/* A response whose headers have arrived; its body is read on demand. */
typedef struct weft_response weft_response;

/* Starts a request and suspends the current task until the response's
 * headers arrive. `url` may be relative in a browser (to the page).
 * `url` and `opts` are only read during the call. On success stores in *out
 * a response owned by the caller (free it with weft_response_free) and
 * returns 0. On failure *out is NULL and the code is one of:
 *   WEFT_ENOTTASK      not called from a task
 *   WEFT_EINVAL        NULL url/out, or a method/header the host rejects
 *   WEFT_EURL          the URL does not parse (`new URL()` throws)
 *   WEFT_ECONNREFUSED  nothing listens there (Node; browsers say ENETWORK)
 *   WEFT_ENETWORK      DNS failure, unreachable host, broken connection
 *   WEFT_ECORS         browsers: a cross-origin request failed (most likely CORS; best effort)
 *   WEFT_ETIMEDOUT     no headers within opts->timeout_ms
 *   WEFT_ECANCELED     the task was cancelled (the request is aborted)
 *   WEFT_ENOMEM, WEFT_ENOSYS (native builds)
 * weft_fetch_error_message() then says more. */
int weft_fetch(const char *url, const weft_fetch_options *opts, weft_response **out);

/* Status code (200, 404, …), status text ("OK"; HTTP/2 servers send none:
 * "") and final URL after redirects. The strings belong to the response and
 * stay valid until weft_response_free. A NULL response gives 0 / NULL; so
 * does running out of memory (the strings and headers are copied from the
 * host on first use). */
int weft_response_status(const weft_response *r);
const char *weft_response_status_text(const weft_response *r);
const char *weft_response_url(const weft_response *r);

/* The value of header `name` (case-insensitive), owned by the response and
 * valid until weft_response_free, or NULL when absent (or out of memory).
 * Repeated headers come joined with ", " (as the host's Headers.get). */
const char *weft_response_header(const weft_response *r, const char *name);

/* Reads the next chunk of the body as it arrives from the host's stream.
 * The host reads the stream only when asked (back-pressure), so memory stays
 * bounded whatever the body's size; only an unencoded body whose
 * Content-Length is at most 64 KiB is read whole when the headers arrive
 * (one chunk). A chunk is at most 64 KiB, however far the host decodes a
 * compressed body. Returns 0
 * with a malloc'd chunk in *chunk that the caller frees, and its size (> 0
 * in practice) in *len; WEFT_EDONE (with *chunk NULL) at the end of the
 * body, and on every later call; or WEFT_ENETWORK (the connection broke),
 * WEFT_ETIMEDOUT (no chunk within the timeout), WEFT_ECANCELED (the task
 * was cancelled), WEFT_ENOMEM, WEFT_ENOTTASK, WEFT_EINVAL. A failure aborts
 * the request: later calls return the same code. */
int weft_response_read(weft_response *r, void **chunk, size_t *len);

/* Reads the whole (remaining) body into one malloc'd buffer the caller
 * frees, NUL-terminated (*len excludes the NUL, and the body may itself
 * contain NULs). Returns 0, or as weft_response_read (never WEFT_EDONE: an
 * empty body gives a 0-length buffer), or WEFT_ENOMEM when the body does not
 * fit in memory (a body larger than the wasm memory can grow to: the request
 * is aborted, and weft_fetch_error_message says how much was read; stream
 * such a body with weft_response_read). On failure *data is NULL. */
int weft_response_bytes(weft_response *r, void **data, size_t *len);

/* weft_response_bytes for text: *text is a malloc'd, NUL-terminated string
 * the caller frees (NULL on failure). */
int weft_response_text(weft_response *r, char **text);

/* Aborts whatever is left of the body (the host closes the connection if
 * the body has not ended) and frees the response and its strings. NULL is
 * fine. Must not be called while another task is reading the response. */
void weft_response_free(weft_response *r);

/* A readable description of this thread's last fetch failure, e.g.
 * "fetch failed (connect ECONNREFUSED 127.0.0.1:9): http://127.0.0.1:9/".
 * Set by the failing call; read it before the task awaits anything else
 * (another task's failure replaces it). Static storage: do not free. "" when
 * nothing failed yet. */
const char *weft_fetch_error_message(void);

#ifdef __cplusplus
}
#endif
#endif
