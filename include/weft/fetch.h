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
 * requests are in flight at once while tasks keep running. Cancelling the
 * awaiting task, or the timeout, aborts the request (AbortController).
 * HTTP 4xx/5xx are responses, not errors.
 */
#ifndef WEFT_FETCH_H
#define WEFT_FETCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct weft_fetch_options {
  const char *method;          /* NULL: "GET" */
  const char *const *headers;  /* "Name: value" strings, NULL-terminated; may be NULL */
  const void *body;            /* request body (copied); may be NULL */
  size_t body_len;
  int64_t timeout_ms;          /* < 0 or 0: none. Covers the headers and every body read. */
} weft_fetch_options;

typedef struct weft_response weft_response;

/* Starts a request and suspends the current task until the response's
 * headers arrive. `opts` may be NULL. On success stores a response owned by
 * the caller (weft_response_free) in *out and returns 0. Errors:
 * WEFT_ENOTTASK, WEFT_EINVAL (NULL url/out), WEFT_EURL, WEFT_ECONNREFUSED,
 * WEFT_ENETWORK, WEFT_ECORS, WEFT_ETIMEDOUT, WEFT_ECANCELED (the task was
 * cancelled: the request is aborted), WEFT_ENOMEM, WEFT_ENOSYS (native). */
int weft_fetch(const char *url, const weft_fetch_options *opts, weft_response **out);

/* Status code, status text and final URL (after redirects). Strings are
 * owned by the response. */
int weft_response_status(const weft_response *r);
const char *weft_response_status_text(const weft_response *r);
const char *weft_response_url(const weft_response *r);

/* The value of header `name` (case-insensitive), owned by the response, or
 * NULL when absent. */
const char *weft_response_header(const weft_response *r, const char *name);

/* Reads the next chunk of the body as it arrives from the host's stream (the
 * host reads only when asked, so memory stays bounded). Returns 0 with a
 * malloc'd chunk the caller frees in *chunk and its size in *len; WEFT_EDONE
 * at the end of the body; WEFT_ENETWORK, WEFT_ETIMEDOUT, WEFT_ECANCELED. */
int weft_response_read(weft_response *r, void **chunk, size_t *len);

/* Reads the whole (remaining) body into one malloc'd buffer the caller frees,
 * NUL-terminated (so text can be used as a string; *len excludes the NUL).
 * Returns 0 or as weft_response_read (never WEFT_EDONE), WEFT_ENOMEM. */
int weft_response_bytes(weft_response *r, void **data, size_t *len);

/* Aborts whatever is left of the body and frees the response. NULL is fine. */
void weft_response_free(weft_response *r);

#ifdef __cplusplus
}
#endif
#endif
