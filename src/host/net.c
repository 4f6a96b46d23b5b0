/* Network streams as futures (include/weft/net.h). A stream or listener
 * lives in JS (src/js/library_net.js), named by an integer id; each step
 * that waits (connect, listen, a chunk, room to send, an incoming
 * connection, the close) is one host future the JS side completes.
 *
 * What a step hands back is kept on the JS side until C takes it: a chunk
 * stays queued in JS until weft_js_net_take copies it into the stream's
 * buffer, a connection stays in the listener's queue until C has it. So a
 * step cancelled after the host completed it loses nothing: the next call
 * finds the same chunk or connection. */
#include <stdio.h>
#include <string.h>

#include "../core/internal.h"
#include "weft/net.h"

enum { KIND_TCP = 1, KIND_WS = 2 };

struct weft_stream {
  int id;           /* the JS record */
  int kind;
  uint8_t *buf;     /* the current chunk, NUL-terminated (weft__malloc'd) */
  size_t cap;
  weft_bytes cur;
  int text;         /* the current chunk was a text message */
  int ended;        /* the peer closed cleanly: WEFT_EDONE from now on */
  int failed;       /* the stream's failure, from now on */
  int receiving, sending;
  int close_code;
  char close_reason[128];
};

struct weft_listener {
  int id;
  int port;
  int accepting;
};

static _Thread_local char last_error[256];

static int set_error(int rc, const char *msg) {
  snprintf(last_error, sizeof last_error, "%s", msg ? msg : weft_strerror(rc));
  return rc;
}

const char *weft_net_error_message(void) { return last_error; }

int weft_stream_is_text(const weft_stream *s) { return s ? s->text : 0; }
int weft_stream_close_code(const weft_stream *s) { return s ? s->close_code : 0; }
const char *weft_stream_close_reason(const weft_stream *s) { return s ? s->close_reason : ""; }
int weft_listener_port(const weft_listener *l) { return l ? l->port : WEFT_EINVAL; }

static int send_bytes(weft_stream *s, const void *data, size_t len, int text);

int weft_stream_send(weft_stream *s, const void *data, size_t len) { return send_bytes(s, data, len, 0); }

int weft_stream_send_text(weft_stream *s, const char *text) {
  if (!text) return set_error(WEFT_EINVAL, NULL);
  return send_bytes(s, text, strlen(text), 1);
}

int weft_stream_close(weft_stream *s) { return weft_ws_close(s, 1000, NULL); }

/* --- the iterators (the same on every build) --------------------------------- */

typedef struct stream_iter {
  weft_aiter base;
  weft_stream *s;
} stream_iter;

static int stream_iter_anext(weft_aiter *it, intptr_t *value) {
  const weft_bytes *b;
  int rc = weft_stream_recv(((stream_iter *)it)->s, &b);
  if (!rc) *value = (intptr_t)b;
  return rc;
}

static void net_iter_free(weft_aiter *it) { weft__free(it); }

static const weft_aiter_vt stream_iter_vt = {stream_iter_anext, NULL, net_iter_free};

weft_aiter *weft_stream_iter(weft_stream *s) {
  stream_iter *it = s ? weft__calloc(1, sizeof *it) : NULL;
  if (!it) return NULL;
  it->s = s;
  return weft_aiter_init(&it->base, &stream_iter_vt);
}

typedef struct listener_iter {
  weft_aiter base;
  weft_listener *l;
} listener_iter;

static int listener_iter_anext(weft_aiter *it, intptr_t *value) {
  weft_stream *s;
  int rc = weft_listener_accept(((listener_iter *)it)->l, &s);
  if (!rc) *value = (intptr_t)s;
  return rc;
}

static const weft_aiter_vt listener_iter_vt = {listener_iter_anext, NULL, net_iter_free};

weft_aiter *weft_listener_iter(weft_listener *l) {
  listener_iter *it = l ? weft__calloc(1, sizeof *it) : NULL;
  if (!it) return NULL;
  it->l = l;
  return weft_aiter_init(&it->base, &listener_iter_vt);
}

#if defined(__EMSCRIPTEN__)

/* library_net.js */
extern int weft_js_net_new(void);
extern void weft_js_tcp_connect(weft_future *f, int id, const char *host, int port);
extern void weft_js_ws_connect(weft_future *f, int id, const char *url);
extern void weft_js_tcp_listen(weft_future *f, int id, const char *host, int port);
extern void weft_js_net_read(weft_future *f, int id);
extern int weft_js_net_chunk_len(int id);
extern int weft_js_net_take(int id, uint8_t *buf);
extern void weft_js_net_write(weft_future *f, int id, const void *data, size_t len, int text);
extern void weft_js_net_close(weft_future *f, int id, int code, const char *reason);
extern int weft_js_net_close_info(int id, char *reason, size_t size);
extern void weft_js_net_accept(weft_future *f, int id);
extern void weft_js_net_unaccept(int id, int conn);
extern void weft_js_net_cancel(int id, weft_future *f);
extern void weft_js_net_forget(int id);
extern void weft_js_net_message(int id, char *buf, size_t size);

/* The cancel hook of every step: JS ends that step's wait (and, for a
 * connect or a close, drops the connection). */
static void cancel_step(weft_future *f, void *arg) { weft_js_net_cancel((int)(intptr_t)arg, f); }

/* Awaits step `f` of record `id`. On failure keeps the host's message for
 * weft_net_error_message. *late is set when the task was cancelled after
 * the host had completed the step (what it produced is still the host's). */
static int await_step(weft_future *f, int id, intptr_t *value, int *late) {
  if (!weft_future_done(f)) weft__trace_reason(WEFT_REASON_SOCKET);
  intptr_t v = 0;
  int rc = weft_await(f, &v);
  int was_late = rc && weft_future_state_of(f) == WEFT_RESOLVED && weft_future_result(f, &v) == 0;
  if (late) *late = was_late;
  if (value) *value = v;
  weft_release(f);
  if (rc) {
    last_error[0] = 0;
    weft_js_net_message(id, last_error, sizeof last_error);
    if (rc == WEFT_ECANCELED) set_error(rc, "the awaiting task was cancelled");
    else if (!last_error[0]) set_error(rc, NULL);
  }
  return rc;
}

/* A step of record `id`, or NULL (out of memory: the message is set). */
static weft_future *step_future(int id) {
  weft_future *f = weft_host_future(NULL, cancel_step, (void *)(intptr_t)id);
  if (!f) set_error(WEFT_ENOMEM, NULL);
  return f;
}

/* A new stream's record and its connect step, started by `start`; awaits
 * it. A connect that fails or is cancelled leaves nothing behind. */
static int open_stream(int kind, const char *where, int port, weft_stream **out) {
  weft_stream *s = weft__calloc(1, sizeof *s);
  if (!s) return set_error(WEFT_ENOMEM, NULL);
  int id = weft_js_net_new();
  weft_future *f = step_future(id);
  if (!f) {
    weft_js_net_forget(id);
    weft__free(s);
    return WEFT_ENOMEM;
  }
  if (kind == KIND_TCP) weft_js_tcp_connect(f, id, where, port);
  else weft_js_ws_connect(f, id, where);
  int rc = await_step(f, id, NULL, NULL);
  if (rc) {
    weft_js_net_forget(id); /* a connection made after all is dropped */
    weft__free(s);
    return rc;
  }
  s->id = id;
  s->kind = kind;
  *out = s;
  return 0;
}

int weft_tcp_connect(const char *host, int port, weft_stream **out) {
  if (out) *out = NULL;
  if (!weft__current()) return set_error(WEFT_ENOTTASK, NULL);
  if (!host || !out || port <= 0 || port > 65535) return set_error(WEFT_EINVAL, NULL);
  return open_stream(KIND_TCP, host, port, out);
}

int weft_ws_connect(const char *url, weft_stream **out) {
  if (out) *out = NULL;
  if (!weft__current()) return set_error(WEFT_ENOTTASK, NULL);
  if (!url || !out) return set_error(WEFT_EINVAL, NULL);
  return open_stream(KIND_WS, url, 0, out);
}

/* The stream's end or failure, as later calls report it. */
static int stream_over(weft_stream *s) {
  if (s->failed) return set_error(s->failed, NULL);
  return WEFT_EDONE;
}

int weft_stream_recv(weft_stream *s, const weft_bytes **chunk) {
  if (chunk) *chunk = NULL;
  if (!s || !chunk) return set_error(WEFT_EINVAL, NULL);
  if (s->ended || s->failed) return stream_over(s);
  if (!weft__current()) return set_error(WEFT_ENOTTASK, NULL);
  if (s->receiving) return set_error(WEFT_EINPROGRESS, NULL);
  weft_future *f = step_future(s->id);
  if (!f) return WEFT_ENOMEM;
  s->receiving = 1;
  weft_js_net_read(f, s->id);
  intptr_t v = 0;
  int rc = await_step(f, s->id, &v, NULL);
  s->receiving = 0;
  if (rc == WEFT_ECANCELED) return rc; /* a chunk that came meanwhile stays in JS */
  if (rc || v == 0) {
    /* The end (0) or the stream's failure: both for good. */
    if (rc) s->failed = rc;
    else s->ended = 1;
    s->close_code = weft_js_net_close_info(s->id, s->close_reason, sizeof s->close_reason);
    return rc ? rc : WEFT_EDONE;
  }
  size_t n = (size_t)weft_js_net_chunk_len(s->id);
  if (n + 1 > s->cap) {
    uint8_t *nb = weft__realloc(s->buf, n + 1);
    if (!nb) return set_error(WEFT_ENOMEM, NULL); /* the chunk stays in JS */
    s->buf = nb;
    s->cap = n + 1;
  }
  s->text = weft_js_net_take(s->id, s->buf);
  s->buf[n] = 0;
  s->cur.data = s->buf;
  s->cur.len = n;
  *chunk = &s->cur;
  return 0;
}

static int send_bytes(weft_stream *s, const void *data, size_t len, int text) {
  if (!s || (!data && len)) return set_error(WEFT_EINVAL, NULL);
  if (!weft__current()) return set_error(WEFT_ENOTTASK, NULL);
  if (s->sending) return set_error(WEFT_EINPROGRESS, NULL);
  if (s->failed) return set_error(s->failed, NULL);
  weft_future *f = step_future(s->id);
  if (!f) return WEFT_ENOMEM;
  s->sending = 1;
  weft_js_net_write(f, s->id, data ? data : "", len, s->kind == KIND_WS && text);
  int rc = await_step(f, s->id, NULL, NULL);
  s->sending = 0;
  return rc;
}

int weft_ws_close(weft_stream *s, int code, const char *reason) {
  if (!s) return 0;
  int rc = 0;
  if (code != 1000 && (code < 3000 || code > 4999)) {
    rc = set_error(WEFT_EINVAL, "a close code is 1000 or 3000-4999");
    code = 1000;
    reason = NULL;
  }
  if (weft__current()) {
    weft_future *f = step_future(s->id);
    if (f) {
      weft_js_net_close(f, s->id, code, reason);
      int crc = await_step(f, s->id, NULL, NULL);
      if (!rc) rc = crc;
    }
  }
  weft_js_net_forget(s->id); /* whatever is left is dropped */
  weft__free(s->buf);
  weft__free(s);
  return rc;
}

int weft_tcp_listen(const char *host, int port, weft_listener **out) {
  if (out) *out = NULL;
  if (!weft__current()) return set_error(WEFT_ENOTTASK, NULL);
  if (!host || !out || port < 0 || port > 65535) return set_error(WEFT_EINVAL, NULL);
  weft_listener *l = weft__calloc(1, sizeof *l);
  if (!l) return set_error(WEFT_ENOMEM, NULL);
  int id = weft_js_net_new();
  weft_future *f = step_future(id);
  if (!f) {
    weft_js_net_forget(id);
    weft__free(l);
    return WEFT_ENOMEM;
  }
  weft_js_tcp_listen(f, id, host, port);
  intptr_t v = 0;
  int rc = await_step(f, id, &v, NULL);
  if (rc) {
    weft_js_net_forget(id);
    weft__free(l);
    return rc;
  }
  l->id = id;
  l->port = (int)v;
  *out = l;
  return 0;
}

int weft_listener_accept(weft_listener *l, weft_stream **out) {
  if (out) *out = NULL;
  if (!l || !out) return set_error(WEFT_EINVAL, NULL);
  if (!weft__current()) return set_error(WEFT_ENOTTASK, NULL);
  if (l->accepting) return set_error(WEFT_EINPROGRESS, NULL);
  weft_stream *s = weft__calloc(1, sizeof *s);
  if (!s) return set_error(WEFT_ENOMEM, NULL);
  weft_future *f = step_future(l->id);
  if (!f) {
    weft__free(s);
    return WEFT_ENOMEM;
  }
  l->accepting = 1;
  weft_js_net_accept(f, l->id);
  intptr_t conn = 0;
  int late = 0;
  int rc = await_step(f, l->id, &conn, &late);
  l->accepting = 0;
  if (rc) {
    /* Accepted by the host as the task was cancelled: back to the front of
     * the queue, for the next accept. */
    if (late && conn > 0) weft_js_net_unaccept(l->id, (int)conn);
    weft__free(s);
    return rc;
  }
  s->id = (int)conn;
  s->kind = KIND_TCP;
  *out = s;
  return 0;
}

int weft_listener_close(weft_listener *l) {
  if (!l) return 0;
  weft_js_net_forget(l->id);
  weft__free(l);
  return 0;
}

#else /* native: no host sockets */

#define NO_NET "weft's sockets need the host (node:net, WebSocket): build for wasm"

int weft_tcp_connect(const char *host, int port, weft_stream **out) {
  (void)host, (void)port;
  if (out) *out = NULL;
  return set_error(WEFT_ENOSYS, NO_NET);
}
int weft_ws_connect(const char *url, weft_stream **out) {
  (void)url;
  if (out) *out = NULL;
  return set_error(WEFT_ENOSYS, NO_NET);
}
int weft_tcp_listen(const char *host, int port, weft_listener **out) {
  (void)host, (void)port;
  if (out) *out = NULL;
  return set_error(WEFT_ENOSYS, NO_NET);
}
/* No stream or listener exists natively: these only see NULL. */
int weft_stream_recv(weft_stream *s, const weft_bytes **chunk) {
  (void)s;
  if (chunk) *chunk = NULL;
  return set_error(WEFT_EINVAL, NULL);
}
static int send_bytes(weft_stream *s, const void *data, size_t len, int text) {
  (void)s, (void)data, (void)len, (void)text;
  return set_error(WEFT_EINVAL, NULL);
}
int weft_ws_close(weft_stream *s, int code, const char *reason) {
  (void)code, (void)reason;
  weft__free(s);
  return 0;
}
int weft_listener_accept(weft_listener *l, weft_stream **out) {
  (void)l;
  if (out) *out = NULL;
  return set_error(WEFT_EINVAL, NULL);
}
int weft_listener_close(weft_listener *l) {
  weft__free(l);
  return 0;
}

#endif
