/* Seed 004's echo client over a WebSocket (weft/net.h: the host's
 * WebSocket, so wasm in a browser or in Node >= 22; natively it reports
 * WEFT_ENOSYS). The server is seed 004's too, the message coming back
 * reversed, but in JS: a browser cannot listen, so the test (or your own
 * `ws` server) serves ws://127.0.0.1:<port>/reverse.
 *
 *   async def client_coro():
 *       async with aiosocket() as client:
 *           await client.connect(('localhost', 8080))
 *           await client.send(b'Hello World!')
 *           msg = await client.recv(1024)
 *           print('Received from server', msg)
 *
 *   echo_ws ws://127.0.0.1:8080/reverse [message...]
 *   Received from server b'!dlroW olleH'
 *
 * Each further argument is sent as one more text message, in turn. The
 * `async with` is WEFT_DEFER(weft_stream_close): a close frame, then the
 * server's, on every way out of the task.
 */
#include <stdio.h>
#include <weft.h>
#include <weft/net.h>

static int argc_;
static char **argv_;

static void close_stream(void *s) { weft_stream_close(s); }

static intptr_t client_coro(void *arg) {
  (void)arg;
  weft_stream *client;
  int rc = weft_ws_connect(argv_[1], &client);
  if (rc) {
    fprintf(stderr, "echo_ws: connect: %s (%s)\n", weft_strerror_name(rc), weft_net_error_message());
    return weft_fail(rc);
  }
  WEFT_DEFER(close_stream, client);
  for (int i = 2; i < argc_ || i == 2; i++) {
    const weft_bytes *msg;
    rc = weft_stream_send_text(client, i < argc_ ? argv_[i] : "Hello World!");
    if (!rc) rc = weft_stream_recv(client, &msg);
    if (rc) {
      fprintf(stderr, "echo_ws: %s (%s)\n", weft_strerror_name(rc), weft_net_error_message());
      return weft_fail(rc);
    }
    printf("Received from server b'%.*s'\n", (int)msg->len, (const char *)msg->data);
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: echo_ws ws://host:port/reverse [message...]\n");
    return 2;
  }
  argc_ = argc;
  argv_ = argv;
  return weft_run(client_coro, NULL, NULL) ? 1 : 0;
}
