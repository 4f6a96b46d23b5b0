/* weft/net.h against real sockets on 127.0.0.1, driven by
 * tests/node/net.test.mjs (TCP) and tests/node/ws.test.mjs,
 * tests/browser/ws.test.mjs (WebSocket), which start the servers:
 *
 *   net_client refused <port>      connect to a closed port
 *   net_client peer <port>         read what a test server sends until its end or reset
 *                                  ("ack" after the first chunk)
 *   net_client shielded            a serving task cancelled in recv still closes its
 *                                  connection (WEFT_DEFER): the client sees a clean end
 *   net_client listen <port>       listen on a port that is taken
 *   net_client cancel              cancel connect, recv, accept and a blocked send (C server)
 *   net_client slow <port>         read a large stream slowly (back-pressure)
 *   net_client ws <url>            text and binary echo, then the server's close code
 *   net_client wscancel <url>      cancel a connect and a recv; a 4 MiB message there and back
 *   net_client wsfail <url>        connect to a URL that fails
 *   net_client wsdrop <url> [msg]  send msg ("drop"), read until the server ends the connection
 *
 * A ticker task runs throughout and reports how often it ticked, so the
 * loop is seen serving other tasks while every wait is pending. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <weft.h>

/* These tasks print and trace through libc: more than the 2 KiB default stack (weft/task.h). */
static const weft_task_options TASK_SIZES = {.stack_size = 16 * 1024, .asyncify_size = 4096};
#include <weft/net.h>

static const char *scenario, *where, *extra;
static int ticks;
static int done;

/* The trace reasons of the suspensions recorded so far (the ring is
 * drained by the ticker, so it never overflows). */
static int seen[64];

static void collect(void) {
  weft_trace_record r[64];
  int n;
  while ((n = weft_trace_drain(weft_running_loop(), r, 64)) > 0)
    for (int i = 0; i < n; i++)
      if (r[i].kind == WEFT_TRACE_SUSPEND && r[i].reason < 64) seen[r[i].reason] = 1;
}

static intptr_t ticker(void *arg) {
  (void)arg;
  while (!done && weft_sleep(5) == 0) {
    ticks++;
    collect();
  }
  return 0;
}

static void report(const char *what, int rc) {
  printf("%s %s\n", what, rc ? weft_strerror_name(rc) : "ok");
  if (rc && rc != WEFT_ECANCELED && rc != WEFT_EDONE) printf("  why: %s\n", weft_net_error_message());
}

static int refused(void) {
  weft_stream *s = (weft_stream *)1;
  int rc = weft_tcp_connect("127.0.0.1", atoi(where), &s);
  report("connect", rc);
  printf("stream %s\n", s ? "set" : "NULL");
  return rc == WEFT_ECONNREFUSED ? 0 : 1;
}

/* Chunks until the end: their bytes joined, then how it ended. */
static int peer(void) {
  weft_stream *s;
  int rc = weft_tcp_connect("127.0.0.1", atoi(where), &s);
  report("connect", rc);
  if (rc) return 1;
  size_t total = 0;
  char text[256] = "";
  int chunks = 0;
  WEFT_AFOR(const weft_bytes *, b, weft_stream_iter(s), &rc) {
    if (total + b->len < sizeof text) memcpy(text + total, b->data, b->len), text[total + b->len] = 0;
    total += b->len;
    /* Tell the server the first chunk was read: it ends or resets only
     * then (a reset discards what the kernel has not handed over yet). */
    if (chunks++ == 0 && weft_stream_send_text(s, "ack")) break;
  }
  printf("received '%s'\n", text);
  report("end", rc);
  const weft_bytes *b;
  report("again", weft_stream_recv(s, &b)); /* the end stays the end */
  report("send", weft_stream_send_text(s, "late"));
  report("close", weft_stream_close(s));
  return 0;
}

static int listen_taken(void) {
  weft_listener *l = (weft_listener *)1;
  int rc = weft_tcp_listen("127.0.0.1", atoi(where), &l);
  report("listen", rc);
  printf("listener %s\n", l ? "set" : "NULL");
  if (l) weft_listener_close(l);
  return 0;
}

static void close_stream(void *s) { report("  deferred close", weft_stream_close(s)); }

static intptr_t serve_one(void *arg) {
  weft_stream *c;
  int rc = weft_listener_accept(arg, &c);
  if (rc) return weft_fail(rc);
  WEFT_DEFER(close_stream, c); /* async with: runs shielded when the task is cancelled */
  const weft_bytes *b;
  rc = weft_stream_recv(c, &b); /* the client sends nothing: cancelled here */
  report("server recv", rc);
  return rc ? weft_fail(rc) : 0;
}

static int shielded(void) {
  weft_listener *l;
  int rc = weft_tcp_listen("127.0.0.1", 0, &l);
  if (rc) return 1;
  weft_task *server = weft_spawn(NULL, serve_one, l, &TASK_SIZES);
  weft_stream *c;
  rc = weft_tcp_connect("127.0.0.1", weft_listener_port(l), &c);
  report("connect", rc);
  if (rc) return 1;
  weft_sleep(20); /* the server accepted and waits in recv */
  weft_cancel(server);
  report("server task", weft_await(server, NULL));
  weft_release(server);
  const weft_bytes *b;
  report("client recv", weft_stream_recv(c, &b));
  weft_stream_close(c);
  weft_listener_close(l);
  return 0;
}

static int connect_to(int port, weft_stream **s) { return weft_tcp_connect("127.0.0.1", port, s); }

static intptr_t connect_task(void *arg) {
  weft_stream *s = NULL;
  int rc = connect_to((int)(intptr_t)arg, &s);
  if (!rc) weft_stream_close(s);
  return rc ? weft_fail(rc) : 0;
}

static int cancel(void) {
  weft_listener *l;
  int rc = weft_tcp_listen("127.0.0.1", 0, &l);
  report("listen", rc);
  if (rc) return 1;
  int port = weft_listener_port(l);

  /* connect, cancelled before the host had a turn to complete it */
  weft_task *t = weft_spawn(NULL, connect_task, (void *)(intptr_t)port, &TASK_SIZES);
  weft_sleep(0);
  weft_cancel(t);
  report("connect (cancelled)", weft_await(t, NULL));
  weft_release(t);

  /* accept, under a timeout: nobody connects */
  weft_stream *srv = NULL, *cli = NULL;
  weft_scope sc;
  WEFT_TIMEOUT(sc, 30) { rc = weft_listener_accept(l, &srv); }
  report("accept (timed out)", rc);
  /* the cancelled connect left nothing in the queue: this one is next */
  rc = connect_to(port, &cli);
  report("connect", rc);
  if (!rc) rc = weft_listener_accept(l, &srv);
  report("accept", rc);
  if (rc) return 1;

  /* recv, under a timeout: the server sends nothing yet */
  const weft_bytes *b;
  WEFT_TIMEOUT(sc, 30) { rc = weft_stream_recv(cli, &b); }
  report("recv (timed out)", rc);
  rc = weft_stream_send_text(srv, "after");
  report("send", rc);
  rc = weft_stream_recv(cli, &b);
  report("recv", rc);
  if (!rc) printf("got '%s'\n", (const char *)b->data);

  /* send, blocked: the server does not read. Each send waits while the
   * host holds more than the high-water mark, so what the client has handed
   * over stays near what the kernel buffers take. */
  static char block[WEFT_STREAM_HIGH_WATER];
  memset(block, 'x', sizeof block);
  size_t sent = 0;
  WEFT_TIMEOUT(sc, 300) {
    while ((rc = weft_stream_send(cli, block, sizeof block)) == 0) sent += sizeof block;
  }
  report("send (blocked, timed out)", rc);
  printf("sent bounded: %s\n", sent > 0 && sent < ((size_t)64 << 20) ? "yes" : "no");
  if (sent >= ((size_t)64 << 20)) printf("  sent %zu bytes\n", sent);

  report("close server side", weft_stream_close(srv));
  report("close client side", weft_stream_close(cli));
  report("close listener", weft_listener_close(l));
  return 0;
}

/* A large stream, read slowly: the test server sees its writes wait. */
static int slow(void) {
  weft_stream *s;
  int rc = weft_tcp_connect("127.0.0.1", atoi(where), &s);
  report("connect", rc);
  if (rc) return 1;
  size_t total = 0;
  int n = 0;
  WEFT_AFOR(const weft_bytes *, b, weft_stream_iter(s), &rc) {
    total += b->len;
    if (++n == 1) weft_sleep(300); /* the reader stalls; the host must stop reading */
  }
  report("end", rc);
  printf("received %zu bytes\n", total);
  weft_stream_close(s);
  return 0;
}

static int ws(void) {
  weft_stream *s;
  int rc = weft_ws_connect(where, &s);
  report("connect", rc);
  if (rc) return 1;
  const weft_bytes *b;
  rc = weft_stream_send_text(s, "Hello World!");
  if (!rc) rc = weft_stream_recv(s, &b);
  report("text", rc);
  if (!rc) printf("  %s '%s' (%zu bytes)\n", weft_stream_is_text(s) ? "text" : "binary", (const char *)b->data, b->len);
  const uint8_t bin[5] = {0, 1, 2, 255, 0};
  rc = weft_stream_send(s, bin, sizeof bin);
  if (!rc) rc = weft_stream_recv(s, &b);
  report("binary", rc);
  if (!rc) {
    printf("  %s", weft_stream_is_text(s) ? "text" : "binary");
    for (size_t i = 0; i < b->len; i++) printf(" %d", b->data[i]);
    printf("\n");
  }
  /* ask the server to close with a code and a reason */
  rc = weft_stream_send_text(s, "close 4001 bye now");
  while (!rc) rc = weft_stream_recv(s, &b);
  report("end", rc);
  printf("  close %d '%s'\n", weft_stream_close_code(s), weft_stream_close_reason(s));
  report("send after end", weft_stream_send_text(s, "x"));
  report("close", weft_stream_close(s));

  /* a second connection, closed by us with a code */
  rc = weft_ws_connect(where, &s);
  if (!rc) rc = weft_stream_send_text(s, "Hi");
  if (!rc) rc = weft_stream_recv(s, &b);
  report("again", rc);
  report("close 4000", weft_ws_close(s, 4000, "done"));
  return 0;
}

static intptr_t ws_connect_task(void *arg) {
  (void)arg;
  weft_stream *s = NULL;
  int rc = weft_ws_connect(where, &s);
  if (!rc) weft_stream_close(s);
  return rc ? weft_fail(rc) : 0;
}

static int wscancel(void) {
  weft_task *t = weft_spawn(NULL, ws_connect_task, NULL, &TASK_SIZES);
  weft_yield();
  weft_cancel(t);
  report("connect (cancelled)", weft_await(t, NULL));
  weft_release(t);
  weft_stream *s;
  int rc = weft_ws_connect(where, &s);
  report("connect", rc);
  if (rc) return 1;
  const weft_bytes *b;
  weft_scope sc;
  WEFT_TIMEOUT(sc, 30) { rc = weft_stream_recv(s, &b); }
  report("recv (timed out)", rc);
  rc = weft_stream_send_text(s, "still there");
  if (!rc) rc = weft_stream_recv(s, &b);
  report("recv", rc);
  if (!rc) printf("  '%s'\n", (const char *)b->data);
  /* More than the high-water mark at once: the send waits for the host's
   * buffer to drain, then the echo comes back whole. */
  static uint8_t big[4 << 20];
  for (size_t i = 0; i < sizeof big; i++) big[i] = (uint8_t)(i * 7);
  rc = weft_stream_send(s, big, sizeof big);
  report("send 4 MiB", rc);
  if (!rc) rc = weft_stream_recv(s, &b);
  report("recv 4 MiB", rc);
  if (!rc) printf("  %zu bytes, %s\n", b->len, b->len == sizeof big && !memcmp(b->data, big, sizeof big) ? "the same" : "different");
  report("close", weft_stream_close(s));
  return 0;
}

static int wsfail(void) {
  weft_stream *s = (weft_stream *)1;
  int rc = weft_ws_connect(where, &s);
  report("connect", rc);
  printf("stream %s\n", s ? "set" : "NULL");
  return 0;
}

static int wsdrop(void) {
  weft_stream *s;
  int rc = weft_ws_connect(where, &s);
  report("connect", rc);
  if (rc) return 1;
  const weft_bytes *b;
  rc = weft_stream_send_text(s, extra ? extra : "drop");
  while (!rc) rc = weft_stream_recv(s, &b);
  report("end", rc);
  printf("  close %d\n", weft_stream_close_code(s));
  weft_stream_close(s);
  return 0;
}

static intptr_t amain(void *arg) {
  (void)arg;
  weft_trace_enable(weft_running_loop(), 1024);
  weft_task *tick = weft_spawn(NULL, ticker, NULL, &(weft_task_options){.name = "ticker", .stack_size = 16 * 1024, .asyncify_size = 4096});
  int rc = 2;
  if (!strcmp(scenario, "refused")) rc = refused();
  else if (!strcmp(scenario, "peer")) rc = peer();
  else if (!strcmp(scenario, "cancel")) rc = cancel();
  else if (!strcmp(scenario, "listen")) rc = listen_taken();
  else if (!strcmp(scenario, "shielded")) rc = shielded();
  else if (!strcmp(scenario, "slow")) rc = slow();
  else if (!strcmp(scenario, "ws")) rc = ws();
  else if (!strcmp(scenario, "wsfail")) rc = wsfail();
  else if (!strcmp(scenario, "wscancel")) rc = wscancel();
  else if (!strcmp(scenario, "wsdrop")) rc = wsdrop();
  else printf("unknown scenario %s\n", scenario);
  done = 1;
  weft_await(tick, NULL);
  weft_release(tick);
  collect();
  printf("traced waits:");
  int any = 0;
  for (int r = WEFT_REASON_SOCKET; r <= WEFT_REASON_SOCKET; r++)
    if (seen[r]) printf(" %s", weft_trace_reason_name(r)), any = 1;
  printf("%s\n", any ? "" : " none");
  printf("ticker %s\n", ticks > 0 ? "ticked" : "did not tick (nothing waited)");
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  scenario = argv[1];
  where = argc > 2 ? argv[2] : "";
  extra = argc > 3 ? argv[3] : NULL;
  intptr_t rc = 0;
  weft_run(amain, NULL, &rc);
  return (int)rc;
}
