/* Natively there are no host sockets, frames or DOM: weft/net.h and
 * weft/dom.h still link, and every call that would need the host says so
 * with WEFT_ENOSYS; the calls on a stream or listener (none can exist) take
 * NULL without crashing. */
#include <stdio.h>
#include <string.h>
#include <weft.h>

static int passed, failed;
#define CHECK(cond)                                                   \
  do {                                                                \
    if (cond) passed++;                                               \
    else failed++, printf("FAIL line %d: %s\n", __LINE__, #cond);   \
  } while (0)

static intptr_t amain(void *arg) {
  (void)arg;
  weft_stream *s = (weft_stream *)1;
  CHECK(weft_tcp_connect("127.0.0.1", 80, &s) == WEFT_ENOSYS && s == NULL);
  CHECK(strstr(weft_net_error_message(), "wasm") != NULL);
  s = (weft_stream *)1;
  CHECK(weft_ws_connect("ws://127.0.0.1/", &s) == WEFT_ENOSYS && s == NULL);
  weft_listener *l = (weft_listener *)1;
  CHECK(weft_tcp_listen("127.0.0.1", 0, &l) == WEFT_ENOSYS && l == NULL);
  const weft_bytes *b = (const weft_bytes *)1;
  CHECK(weft_stream_recv(NULL, &b) == WEFT_EINVAL && b == NULL);
  CHECK(weft_stream_send(NULL, "x", 1) == WEFT_EINVAL);
  CHECK(weft_stream_send_text(NULL, NULL) == WEFT_EINVAL);
  CHECK(weft_stream_close(NULL) == 0 && weft_listener_close(NULL) == 0);
  CHECK(weft_stream_iter(NULL) == NULL && weft_listener_iter(NULL) == NULL);
  CHECK(weft_listener_port(NULL) == WEFT_EINVAL && weft_stream_close_code(NULL) == 0);
  CHECK(!strcmp(weft_strerror_name(WEFT_ECONNRESET), "WEFT_ECONNRESET"));
  CHECK(!strcmp(weft_strerror_name(WEFT_EPIPE), "WEFT_EPIPE"));
  double t = -1;
  CHECK(weft_next_frame(&t) == WEFT_ENOSYS && t == -1);
  CHECK(weft_idle(10, &t) == WEFT_ENOSYS);
  CHECK(weft_dom_wait("document", "click", 10, NULL) == WEFT_ENOSYS);
  CHECK(weft_dom_events("document", "click", 4) == NULL && weft_dom_error() == WEFT_ENOSYS);
  CHECK(weft_dom_events_dropped(NULL) == 0);
  printf("weft/net.h natively: %s\n", weft_strerror(WEFT_ENOSYS));
  return 0;
}

int main(void) {
  int rc = weft_run(amain, NULL, NULL);
  printf("%d passed, %d failed\n", passed, failed);
  return rc || failed ? 1 : 0;
}
