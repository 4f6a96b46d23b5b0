/* Seed 004's AIOSocket echo server and client over real TCP (weft/net.h:
 * node:net, so wasm under Node only; natively it reports WEFT_ENOSYS).
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
 * Server and clients are tasks of one loop, as in the seed. The server
 * listens on 127.0.0.1 (port 0: a free port the clients are told; pass one
 * as the second argument) and serves each connection in a task of its own,
 * so several clients are served at once: `echo_tcp 3` runs three clients,
 * the first sending the seed's "Hello World!", the others "Hello World! 2",
 * "Hello World! 3". Each connection is an `async with`: WEFT_DEFER closes it
 * on every way out of the block (weft_stream_close flushes, waits for the
 * peer's end, at most a second, and frees it).
 *
 *   npm run example -- echo_tcp
 *   Received from client b'Hello World!'
 *   Received from server b'!dlroW olleH'
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <weft.h>
#include <weft/net.h>

static int clients = 1;
static int port;            /* the server's, once it listens */
static weft_event *listening;

static void close_stream(void *s) { weft_stream_close(s); }
static void close_listener(void *l) { weft_listener_close(l); }

/* One connection: async with await server.accept() as client. */
static intptr_t serve(void *arg) {
  weft_stream *client = arg;
  WEFT_DEFER(close_stream, client);
  const weft_bytes *msg;
  int rc = weft_stream_recv(client, &msg); /* client.recv(1024): one chunk */
  if (rc) return weft_fail(rc);
  printf("Received from client b'%.*s'\n", (int)msg->len, (const char *)msg->data);
  char reply[1024];
  size_t n = msg->len < sizeof reply ? msg->len : sizeof reply;
  for (size_t i = 0; i < n; i++) reply[i] = (char)msg->data[n - 1 - i];
  rc = weft_stream_send(client, reply, n);
  return rc ? weft_fail(rc) : 0;
}

static intptr_t server_coro(void *arg) {
  (void)arg;
  weft_listener *server;
  int rc = weft_tcp_listen("127.0.0.1", port, &server);
  if (rc) {
    fprintf(stderr, "echo_tcp: listen: %s (%s)\n", weft_strerror_name(rc), weft_net_error_message());
    return weft_fail(rc);
  }
  WEFT_DEFER(close_listener, server);
  port = weft_listener_port(server);
  weft_event_set(listening);
  weft_group g;
  WEFT_TASK_GROUP(g) {
    int served = 0;
    WEFT_AFOR(weft_stream *, client, weft_listener_iter(server), &rc) {
      weft_group_spawn(&g, serve, client, &(weft_task_options){.name = "serve"}, NULL);
      if (++served == clients) break;
    }
    int grc = weft_group_wait(&g);
    if (!rc) rc = grc;
  }
  return rc ? weft_fail(rc) : 0;
}

static intptr_t client_coro(void *arg) {
  int i = (int)(intptr_t)arg;
  char hello[32];
  if (i == 1) snprintf(hello, sizeof hello, "Hello World!");
  else snprintf(hello, sizeof hello, "Hello World! %d", i);
  int rc = weft_event_wait(listening);
  weft_stream *client;
  if (!rc) rc = weft_tcp_connect("127.0.0.1", port, &client);
  if (rc) {
    fprintf(stderr, "echo_tcp: connect: %s (%s)\n", weft_strerror_name(rc), weft_net_error_message());
    return weft_fail(rc);
  }
  WEFT_DEFER(close_stream, client);
  const weft_bytes *msg;
  rc = weft_stream_send_text(client, hello);
  if (!rc) rc = weft_stream_recv(client, &msg);
  if (rc) return weft_fail(rc);
  printf("Received from server b'%.*s'\n", (int)msg->len, (const char *)msg->data);
  return 0;
}

static intptr_t amain(void *arg) {
  (void)arg;
  listening = weft_event_new(NULL);
  weft_task *t[1 + 64];
  int n = 0;
  t[n++] = weft_spawn(NULL, server_coro, NULL, &(weft_task_options){.name = "server"});
  for (int i = 1; i <= clients; i++) t[n++] = weft_spawn(NULL, client_coro, (void *)(intptr_t)i, &(weft_task_options){.name = "client"});
  int rc = weft_gather(t, (size_t)n, WEFT_GATHER_FAIL_FAST, NULL, NULL);
  for (int i = 0; i < n; i++) weft_release(t[i]);
  weft_event_free(listening);
  if (rc) fprintf(stderr, "echo_tcp: %s\n", weft_strerror(rc));
  return rc ? weft_fail(rc) : 0;
}

int main(int argc, char **argv) {
  if (argc > 1) clients = atoi(argv[1]);
  if (argc > 2) port = atoi(argv[2]);
  if (clients < 1 || clients > 64) clients = 1;
  return weft_run(amain, NULL, NULL) ? 1 : 0;
}
