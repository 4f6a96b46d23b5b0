/* Seed 004, "Boucles événementielles - utilitaires réseau": a server and a
 * client in the same event loop; the server sends the message back
 * reversed.
 *
 *   async def server_coro():
 *       async with aiosocket() as server:
 *           await server.bind(('localhost', 8080))
 *           await server.listen()
 *           async with await server.accept() as client:
 *               msg = await client.recv(1024)
 *               print('Received from client', msg)
 *               await client.send(msg[::-1])
 *   async def client_coro():
 *       async with aiosocket() as client:
 *           await client.connect(('localhost', 8080))
 *           await client.send(b'Hello World!')
 *           msg = await client.recv(1024)
 *           print('Received from server', msg)
 *   loop.run_task(gather(server_coro(), client_coro()))
 *
 * (seed 004, 6.8: the same server with asynchronous context managers, whose
 * __aexit__ is a coroutine). Here the close is asynchronous for real: a
 * socket stops sending and lingers until its peer has read everything it
 * sent, at most LINGER_MS (SO_LINGER). The server writes `async with` as
 * WEFT_DEFER (include/weft/scope.h): the close runs on every way out of the
 * block, return, error or cancellation, shielded from that cancellation; the
 * client writes it as weft_with(connect, exchange, close).
 *
 * The seed's outline gives no output; these lines are the ones its author's
 * article prints:
 *
 *   Received from client b'Hello World!'
 *   Received from server b'!dlroW olleH'
 *
 * Honest note: the seed uses real TCP sockets and select(). Browsers cannot
 * listen on a socket, so here the "network" is in memory: an address table
 * of listening sockets, a connection is a pair of weft queues (one per
 * direction), accept awaits the listener's backlog queue, recv awaits the
 * incoming queue and send the outgoing one (bounded: a sender that runs
 * ahead waits). Client and server are two tasks of one loop, as in the
 * seed, and run the same way natively and as wasm, in Node or a browser.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <weft.h>

/* --- an in-memory socket ------------------------------------------------- */

typedef struct chunk {
  size_t len;
  char data[];
} chunk;

/* One direction of a connection, shared by both ends. */
typedef struct pipe_ {
  weft_queue *q; /* of chunk *, bounded */
  int refs;
} pipe_;

typedef struct aiosocket {
  char addr[64];
  weft_queue *backlog;   /* listening: connections waiting for accept */
  pipe_ *in, *out;       /* connected */
} aiosocket;

enum { MAX_LISTENERS = 4, WINDOW = 4, LINGER_MS = 1000 };
static aiosocket *listeners[MAX_LISTENERS]; /* the "network": bound and listening */

static aiosocket *aiosocket_new(void) { return calloc(1, sizeof(aiosocket)); }

static void pipe_drop(pipe_ *p) {
  if (!p || --p->refs) return;
  intptr_t v;
  while (weft_queue_get_nowait(p->q, &v) == 0) free((chunk *)v);
  weft_queue_free(p->q);
  free(p);
}

static void aiosocket_close(aiosocket *s) {
  for (int i = 0; i < MAX_LISTENERS; i++)
    if (listeners[i] == s) listeners[i] = NULL;
  if (s->backlog) {
    intptr_t v;
    while (weft_queue_get_nowait(s->backlog, &v) == 0) aiosocket_close((aiosocket *)v);
    weft_queue_free(s->backlog);
  }
  if (s->out) weft_queue_shutdown(s->out->q, 0); /* the peer reads what is left, then EOF */
  pipe_drop(s->in);
  pipe_drop(s->out);
  free(s);
}

static int aiosocket_bind(aiosocket *s, const char *host, int port) {
  snprintf(s->addr, sizeof s->addr, "%s:%d", host, port);
  return 0;
}

static int aiosocket_listen(aiosocket *s) {
  for (int i = 0; i < MAX_LISTENERS; i++) {
    if (!listeners[i]) {
      s->backlog = weft_queue_new(NULL, WEFT_QUEUE_FIFO, 0);
      if (!s->backlog) return WEFT_ENOMEM;
      listeners[i] = s;
      return 0;
    }
  }
  return WEFT_ENOMEM;
}

static pipe_ *pipe_new(void) {
  pipe_ *p = calloc(1, sizeof *p);
  if (p && !(p->q = weft_queue_new(NULL, WEFT_QUEUE_FIFO, WINDOW))) {
    free(p);
    p = NULL;
  }
  if (p) p->refs = 2;
  return p;
}

static int aiosocket_connect(aiosocket *s, const char *host, int port) {
  char addr[64];
  snprintf(addr, sizeof addr, "%s:%d", host, port);
  aiosocket *l = NULL;
  for (int i = 0; i < MAX_LISTENERS; i++)
    if (listeners[i] && strcmp(listeners[i]->addr, addr) == 0) l = listeners[i];
  if (!l) return WEFT_ECONNREFUSED;
  aiosocket *peer = aiosocket_new();
  pipe_ *up = pipe_new(), *down = pipe_new();
  if (!peer || !up || !down) {
    free(peer);
    if (up) {
      up->refs = 1;
      pipe_drop(up);
    }
    if (down) {
      down->refs = 1;
      pipe_drop(down);
    }
    return WEFT_ENOMEM;
  }
  s->out = peer->in = up;
  s->in = peer->out = down;
  int rc = weft_queue_put(l->backlog, (intptr_t)peer);
  if (rc) aiosocket_close(peer); /* never accepted */
  return rc;
}

/* Returns the connection's socket (the caller closes it) or NULL. */
static aiosocket *aiosocket_accept(aiosocket *s, int *rc) {
  intptr_t v = 0;
  *rc = weft_queue_get(s->backlog, &v);
  return *rc ? NULL : (aiosocket *)v;
}

/* Returns the number of bytes received (0: the peer closed), or an error. */
static long aiosocket_recv(aiosocket *s, char *buf, size_t size) {
  intptr_t v;
  int rc = weft_queue_get(s->in->q, &v);
  if (rc == WEFT_ESHUTDOWN) return 0;
  if (rc) return rc;
  weft_queue_task_done(s->in->q); /* read: what the sender's linger waits for */
  chunk *c = (chunk *)v;
  size_t n = c->len < size ? c->len : size; /* a message longer than `size` is cut, like a datagram */
  memcpy(buf, c->data, n);
  free(c);
  return (long)n;
}

static long aiosocket_send(aiosocket *s, const char *data, size_t len) {
  chunk *c = malloc(sizeof *c + len);
  if (!c) return WEFT_ENOMEM;
  c->len = len;
  memcpy(c->data, data, len);
  int rc = weft_queue_put(s->out->q, (intptr_t)c);
  if (rc) {
    free(c);
    return rc;
  }
  return (long)len;
}

/* The `async with` exit (__aexit__): stop sending (the peer reads what is
 * left, then end of stream), linger until the peer has read it all, at most
 * LINGER_MS, then free. It awaits, and runs shielded from the task's
 * cancellation, so a cancelled task still closes its sockets properly. */
static void aiosocket_aclose(void *arg) {
  aiosocket *s = arg;
  if (s->out) {
    weft_queue_shutdown(s->out->q, 0);
    weft_scope linger;
    WEFT_TIMEOUT(linger, LINGER_MS) {
      weft_queue_join(s->out->q);
    }
  }
  aiosocket_close(s);
}

/* --- the seed's coroutines ----------------------------------------------- */

static intptr_t server_coro(void *arg) {
  (void)arg;
  aiosocket *server = aiosocket_new(); /* async with aiosocket() as server: */
  if (!server) return weft_fail(WEFT_ENOMEM);
  WEFT_DEFER(aiosocket_aclose, server);
  int rc = aiosocket_bind(server, "localhost", 8080);
  if (!rc) rc = aiosocket_listen(server);
  if (rc) return weft_fail(rc);
  aiosocket *client = aiosocket_accept(server, &rc); /* async with await server.accept() as client: */
  if (!client) return weft_fail(rc);
  WEFT_DEFER(aiosocket_aclose, client);
  char msg[1024];
  long n = aiosocket_recv(client, msg, sizeof msg);
  if (n < 0) return weft_fail((int)n);
  printf("Received from client b'%.*s'\n", (int)n, msg);
  for (long i = 0; i < n / 2; i++) {
    char t = msg[i];
    msg[i] = msg[n - 1 - i];
    msg[n - 1 - i] = t;
  }
  n = aiosocket_send(client, msg, (size_t)n);
  return n < 0 ? weft_fail((int)n) : 0; /* both sockets close here, client first */
}

/* The client's `async with`, as weft_with's three callbacks. */
static int client_connect(void *arg, void **res) {
  (void)arg;
  aiosocket *client = aiosocket_new();
  if (!client) return WEFT_ENOMEM;
  int rc = aiosocket_connect(client, "localhost", 8080);
  if (rc) {
    aiosocket_close(client); /* __aenter__ failed: no __aexit__ */
    return rc;
  }
  *res = client;
  return 0;
}

static int client_exchange(void *arg, void *res) {
  (void)arg;
  aiosocket *client = res;
  const char *hello = "Hello World!";
  long n = aiosocket_send(client, hello, strlen(hello));
  char msg[1024];
  if (n >= 0) n = aiosocket_recv(client, msg, sizeof msg);
  if (n < 0) return (int)n;
  printf("Received from server b'%.*s'\n", (int)n, msg);
  return 0;
}

static int client_close(void *arg, void *res, int status) {
  (void)arg, (void)status;
  aiosocket_aclose(res);
  return 0;
}

static intptr_t client_coro(void *arg) {
  (void)arg;
  int rc = weft_with(client_connect, client_exchange, client_close, NULL);
  return rc ? weft_fail(rc) : 0;
}

static intptr_t amain(void *arg) {
  (void)arg;
  weft_task *t[2] = {weft_spawn(NULL, server_coro, NULL, NULL), weft_spawn(NULL, client_coro, NULL, NULL)};
  int rc = weft_gather(t, 2, WEFT_GATHER_FAIL_FAST, NULL, NULL);
  weft_release(t[0]);
  weft_release(t[1]);
  if (rc) fprintf(stderr, "echo_server: %s\n", weft_strerror(rc));
  return rc ? weft_fail(rc) : 0;
}

int main(void) { return weft_run(amain, NULL, NULL) ? 1 : 0; }
