/* weft — network streams as futures and async iterators: TCP in Node
 * (node:net), WebSocket in browsers and in Node >= 22 (wasm only; natively
 * every call returns WEFT_ENOSYS).
 *
 *   weft_stream *s;
 *   int rc = weft_tcp_connect("127.0.0.1", 8080, &s);  // or weft_ws_connect("ws://…", &s)
 *   if (rc) return weft_fail(rc);                     // WEFT_ECONNREFUSED, …
 *   rc = weft_stream_send(s, "Hello", 5);              // waits while the host's buffer is full
 *   WEFT_AFOR(const weft_bytes *, b, weft_stream_iter(s), &rc)
 *     printf("%.*s\n", (int)b->len, (const char *)b->data);   // each chunk (TCP) or message (WebSocket)
 *   weft_stream_close(s);                              // async: flushes, then frees s
 *
 *   weft_listener *l;
 *   rc = weft_tcp_listen("127.0.0.1", 0, &l);          // port 0: any free port, weft_listener_port(l)
 *   WEFT_AFOR(weft_stream *, c, weft_listener_iter(l), &rc)
 *     spawn_a_task_that_serves(c);                     // each connection is the caller's to close
 *   weft_listener_close(l);
 *
 * The host does the I/O, so many streams are open at once while tasks keep
 * running; each call that waits suspends only the calling task, and
 * cancelling it ends that wait (see each call for what happens to the
 * stream). Waits are traced with the reason "socket".
 *
 * Back-pressure: a send returns once the host has taken the bytes and its
 * buffer is below WEFT_STREAM_HIGH_WATER (Node's socket.write / 'drain';
 * WebSocket's bufferedAmount), so a writer cannot make memory grow without
 * bound. A TCP socket stops reading (socket.pause) while more than
 * WEFT_STREAM_HIGH_WATER bytes wait for C, so a slow reader does not either.
 * The WebSocket API cannot pause its reader: messages C has not read yet
 * wait in JS.
 *
 * Ownership: the caller owns each stream (weft_stream_close frees it) and
 * listener (weft_listener_close); a chunk belongs to the stream and is
 * valid until the next receive or close on it. One task at a time may wait
 * in a receive, one in a send; close must not run while another task waits
 * on the stream. See docs/bridges.md.
 */
#ifndef WEFT_NET_H
#define WEFT_NET_H

#include <stddef.h>
#include <stdint.h>
#include "bytes.h"
#include "iter.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes the host may hold for one stream and direction before a send waits
 * or a TCP socket stops reading. */
#define WEFT_STREAM_HIGH_WATER (64 * 1024)

/* How long weft_stream_close waits for the peer to take what was sent
 * before it drops the connection. */
#define WEFT_STREAM_LINGER_MS 1000

typedef struct weft_stream weft_stream;
typedef struct weft_listener weft_listener;

/* Connects to `host`:`port` over TCP (Node only) and suspends the calling
 * task until the connection is up. `host` is only read during the call. On
 * success stores a stream owned by the caller in *out and returns 0; on
 * failure *out is NULL and the code is one of:
 *   WEFT_ECONNREFUSED  nothing listens there
 *   WEFT_ENETWORK      DNS failure, unreachable host, other socket error
 *   WEFT_ECANCELED     the task was cancelled (the attempt is dropped)
 *   WEFT_ENOSYS        no node:net here (a browser; native builds)
 *   WEFT_EINVAL, WEFT_ENOTTASK, WEFT_ENOMEM
 * weft_net_error_message() then says more. */
int weft_tcp_connect(const char *host, int port, weft_stream **out);

/* Opens a WebSocket to `url` (ws: or wss:) with the host's WebSocket: the
 * global one (browsers, Node >= 22; Node 20 with --experimental-websocket),
 * or the constructor a program is given as Module.weftWebSocket (say the
 * `ws` package's, through createWeft's moduleArgs). Suspends until the
 * handshake is done. Returns 0 with the stream in *out, or (with *out NULL):
 *   WEFT_EURL          `url` does not parse, or is not ws:/wss:
 *   WEFT_ECONNREFUSED  the connection was refused, when the host says so (the ws
 *                      package does; browsers and Node's own WebSocket say ENETWORK)
 *   WEFT_ENETWORK      the connection or the handshake failed
 *   WEFT_ECANCELED     the task was cancelled (the socket is closed)
 *   WEFT_ENOSYS        no WebSocket constructor (see above; native builds)
 *   WEFT_EINVAL, WEFT_ENOTTASK, WEFT_ENOMEM */
int weft_ws_connect(const char *url, weft_stream **out);

/* Sends `len` bytes (a binary message on a WebSocket), copied at the call,
 * then waits while the host's send buffer is above WEFT_STREAM_HIGH_WATER.
 * Returns 0 once the bytes are the host's; WEFT_EPIPE after the stream was
 * closed for writing (by weft_stream_close, or the peer's end); the
 * stream's failure (WEFT_ECONNRESET, WEFT_ENETWORK); WEFT_ECANCELED when the
 * task was cancelled while it waited (the bytes are queued already and will
 * still be sent); WEFT_EINVAL, WEFT_ENOTTASK, WEFT_EINPROGRESS (another task
 * is sending), WEFT_ENOMEM. len 0 sends nothing on TCP. */
int weft_stream_send(weft_stream *s, const void *data, size_t len);

/* weft_stream_send of a NUL-terminated UTF-8 string: a text message on a
 * WebSocket, its bytes on TCP. */
int weft_stream_send_text(weft_stream *s, const char *text);

/* Receives the next chunk (TCP: what one read of the host gave, at most
 * 64 KiB) or message (WebSocket), suspending until one arrives. Returns 0
 * with *chunk pointing at it: it belongs to the stream, is followed by a
 * NUL byte, and stays valid until the next receive or close. At the end
 * returns WEFT_EDONE (the peer closed cleanly: on a WebSocket see
 * weft_stream_close_code), and every later call does too. Otherwise:
 *   WEFT_ECONNRESET  the peer dropped the connection (TCP reset; WebSocket
 *                    closed without a close frame, code 1006)
 *   WEFT_EPROTO      WebSocket: the peer broke the protocol (code 1002)
 *   WEFT_ENETWORK    another failure of the connection
 *   WEFT_ECANCELED   the task was cancelled; nothing is lost (a chunk
 *                    arriving meanwhile waits for the next call)
 *   WEFT_EINVAL, WEFT_ENOTTASK, WEFT_EINPROGRESS (another task is receiving)
 * A failure is the stream's: later calls return it again. */
int weft_stream_recv(weft_stream *s, const weft_bytes **chunk);

/* 1 when the chunk weft_stream_recv last gave was a WebSocket text message,
 * else 0. */
int weft_stream_is_text(const weft_stream *s);

/* An async iterator over the stream's chunks (weft_stream_recv): values are
 * `const weft_bytes *` owned by the stream, valid until the next anext. It
 * ends at the stream's clean end and reports its failure. It does not own
 * the stream: freeing the iterator leaves the stream open. NULL for a NULL
 * stream or out of memory. */
weft_aiter *weft_stream_iter(weft_stream *s);

/* Closes the stream and frees it, suspending until the host is done: TCP
 * ends its side (FIN) and waits for the socket to close, at most
 * WEFT_STREAM_LINGER_MS, then drops it; a WebSocket sends a close frame
 * (code 1000) and waits for the peer's, as long. Unread chunks are dropped.
 * Returns 0; WEFT_ECANCELED when the task was cancelled meanwhile (the
 * connection is dropped at once; the stream is freed all the same); the
 * pointer is invalid afterwards in every case. Outside a task it drops the
 * connection without waiting. NULL is fine. Run it under a shield, as
 * WEFT_DEFER does, to close properly from a cancelled task. */
int weft_stream_close(weft_stream *s);

/* weft_stream_close of a WebSocket with a close code (1000, or 3000-4999)
 * and a reason (UTF-8, at most 123 bytes; may be NULL). On TCP the same as
 * weft_stream_close. WEFT_EINVAL for another code (the stream is closed
 * with 1000 all the same). */
int weft_ws_close(weft_stream *s, int code, const char *reason);

/* After a WebSocket's end (WEFT_EDONE or a failure from weft_stream_recv):
 * the close code the peer sent (1000, 1001, …, 1006 for none) and its
 * reason (owned by the stream, "" for none). 0 and "" before the end, and
 * on TCP. */
int weft_stream_close_code(const weft_stream *s);
const char *weft_stream_close_reason(const weft_stream *s);

/* Listens on `host`:`port` over TCP (Node only; port 0 picks a free port:
 * weft_listener_port). Suspends until the host listens. Returns 0 with the
 * listener in *out (the caller closes it), or WEFT_EADDRINUSE, WEFT_EACCES
 * (a privileged port), WEFT_ENETWORK, WEFT_ENOSYS, WEFT_EINVAL,
 * WEFT_ENOTTASK, WEFT_ECANCELED, WEFT_ENOMEM (*out NULL). */
int weft_tcp_listen(const char *host, int port, weft_listener **out);

/* The port the listener is bound to, or WEFT_EINVAL for NULL. */
int weft_listener_port(const weft_listener *l);

/* Awaits the next incoming connection: 0 with a stream the caller owns (and
 * closes) in *out; WEFT_ECANCELED (no connection is lost: the next one
 * waits for the next call); WEFT_EINVAL, WEFT_ENOTTASK, WEFT_EINPROGRESS (another task is accepting).
 * Connections arriving while no task accepts wait in the host, in order. */
int weft_listener_accept(weft_listener *l, weft_stream **out);

/* An async iterator of weft_listener_accept's connections: values are
 * `weft_stream *` that the consumer owns and closes. It never ends by
 * itself (leave it with break, or cancel the task); it does not own the
 * listener. NULL for NULL or out of memory. */
weft_aiter *weft_listener_iter(weft_listener *l);

/* Stops listening, drops the connections nobody accepted and frees the
 * listener (the accepted streams stay open: they are their owners'). Does
 * not suspend. Must not run while a task waits in weft_listener_accept.
 * Returns 0; NULL is fine. */
int weft_listener_close(weft_listener *l);

/* A readable description of this thread's last network failure, e.g.
 * "connect ECONNREFUSED 127.0.0.1:9". Read it before the task awaits
 * anything else. Static storage; "" when nothing failed yet. */
const char *weft_net_error_message(void);

#ifdef __cplusplus
}
#endif
#endif
