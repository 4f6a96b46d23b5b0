/* Standard input as an async iterator of lines (include/weft/stdin.h). The
 * iterator splits lines out of the chunks it reads: under Node from the
 * host (src/js/library_stdin.js, one host future per chunk, which stays in
 * JS until taken, so a cancelled wait loses nothing), natively with fread. */
#include <stdio.h>
#include <string.h>

#include "../core/internal.h"
#include "weft/stdin.h"

typedef struct stdin_iter {
  weft_aiter base;
  uint8_t *buf;     /* bytes read and not yielded yet, from `start` to `len` */
  size_t start, len, cap;
  uint8_t *line;    /* the line yielded last (its own copy, NUL-terminated) */
  size_t line_cap;
  weft_bytes cur;
  int eof;
} stdin_iter;

static int open_iters;
static _Thread_local int last_error;

int weft_stdin_error(void) { return last_error; }

/* Room for n more bytes after what is buffered (moving it to the front). */
static int reserve(stdin_iter *s, size_t n) {
  if (s->start) {
    memmove(s->buf, s->buf + s->start, s->len - s->start);
    s->len -= s->start;
    s->start = 0;
  }
  if (s->len + n <= s->cap) return 0;
  size_t cap = s->cap ? s->cap : 4096;
  while (cap < s->len + n) cap *= 2;
  uint8_t *nb = weft__realloc(s->buf, cap);
  if (!nb) return WEFT_ENOMEM;
  s->buf = nb;
  s->cap = cap;
  return 0;
}

#if defined(__EMSCRIPTEN__)

extern int weft_js_stdin_open(void);                 /* library_stdin.js */
extern void weft_js_stdin_next(weft_future *f);
extern int weft_js_stdin_chunk_len(void);
extern void weft_js_stdin_take(uint8_t *buf);
extern void weft_js_stdin_cancel(weft_future *f);
extern void weft_js_stdin_close(void);

static void cancel_next(weft_future *f, void *arg) {
  (void)arg;
  weft_js_stdin_cancel(f);
}

/* Appends the next chunk; 0, WEFT_EDONE at the end, or an error. */
static int fill(stdin_iter *s) {
  if (!weft__current()) return WEFT_ENOTTASK;
  weft_future *f = weft_host_future(NULL, cancel_next, NULL);
  if (!f) return WEFT_ENOMEM;
  weft_js_stdin_next(f);
  if (!weft_future_done(f)) weft__trace_reason(WEFT_REASON_FILE);
  intptr_t v = 0;
  int rc = weft_await(f, &v);
  weft_release(f);
  if (rc) return rc;
  if (!v) return WEFT_EDONE;
  size_t n = (size_t)weft_js_stdin_chunk_len();
  if ((rc = reserve(s, n))) return rc; /* the chunk stays in JS */
  weft_js_stdin_take(s->buf + s->len);
  s->len += n;
  return 0;
}

static int host_open(void) { return weft_js_stdin_open(); }
static void host_close(void) { weft_js_stdin_close(); }

#else

static int fill(stdin_iter *s) {
  int rc = reserve(s, 4096);
  if (rc) return rc;
  size_t n = fread(s->buf + s->len, 1, s->cap - s->len, stdin);
  if (n == 0) return ferror(stdin) ? WEFT_EIO : WEFT_EDONE;
  s->len += n;
  return 0;
}

static int host_open(void) { return 0; }
static void host_close(void) {}

#endif

/* Hands out buf[start, start + n) as the current line (its end of line cut). */
static int yield_line(stdin_iter *s, size_t n, size_t skip, intptr_t *value) {
  size_t len = n;
  if (skip && len && s->buf[s->start + len - 1] == '\r') len--;
  if (len + 1 > s->line_cap) {
    uint8_t *nl = weft__realloc(s->line, len + 1);
    if (!nl) return WEFT_ENOMEM;
    s->line = nl;
    s->line_cap = len + 1;
  }
  memcpy(s->line, s->buf + s->start, len);
  s->line[len] = 0;
  s->start += n + skip;
  s->cur.data = s->line;
  s->cur.len = len;
  *value = (intptr_t)&s->cur;
  return 0;
}

static int stdin_anext(weft_aiter *it, intptr_t *value) {
  stdin_iter *s = (stdin_iter *)it;
  size_t scanned = 0;
  for (;;) {
    uint8_t *p = s->buf ? memchr(s->buf + s->start + scanned, '\n', s->len - s->start - scanned) : NULL;
    if (p) return yield_line(s, (size_t)(p - (s->buf + s->start)), 1, value);
    scanned = s->len - s->start;
    if (s->eof) return scanned ? yield_line(s, scanned, 0, value) : WEFT_EDONE;
    int rc = fill(s);
    if (rc == WEFT_EDONE) s->eof = 1;
    else if (rc) return rc;
  }
}

static void stdin_free(weft_aiter *it) {
  stdin_iter *s = (stdin_iter *)it;
  host_close();
  open_iters--;
  weft__free(s->buf);
  weft__free(s->line);
  weft__free(s);
}

static const weft_aiter_vt stdin_vt = {stdin_anext, NULL, stdin_free};

weft_aiter *weft_stdin_lines(void) {
  last_error = 0;
  if (open_iters) {
    last_error = WEFT_EBUSY;
    return NULL;
  }
  int rc = host_open();
  if (rc) {
    last_error = rc;
    return NULL;
  }
  stdin_iter *s = weft__calloc(1, sizeof *s);
  if (!s) {
    host_close();
    last_error = WEFT_ENOMEM;
    return NULL;
  }
  open_iters++;
  return weft_aiter_init(&s->base, &stdin_vt);
}
