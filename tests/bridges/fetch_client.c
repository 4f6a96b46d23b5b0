/* Drives weft_fetch against tests/node/fetch.test.mjs's local server:
 *   fetch_client <base-url> <scenario> [extra-url]
 * Prints one line per observation; the test asserts them exactly. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <weft.h>

static const char *base;
static const char *scenario;
static const char *extra = "";

static char *url_of(const char *path) {
  static char buf[512];
  snprintf(buf, sizeof buf, "%s%s", base, path);
  return buf;
}

static int get_text(const char *url, const weft_fetch_options *o) {
  weft_response *r;
  int rc = weft_fetch(url, o, &r);
  if (rc) {
    printf("error %s\n", weft_strerror_name(rc));
    return rc;
  }
  void *body;
  size_t len;
  rc = weft_response_bytes(r, &body, &len);
  printf("%d %s type=%s len=%zu body=%s\n", weft_response_status(r), weft_response_status_text(r),
         weft_response_header(r, "Content-Type") ? weft_response_header(r, "Content-Type") : "-", len,
         rc ? weft_strerror_name(rc) : len > 60 ? "(long)" : (char *)body);
  if (!rc) free(body);
  weft_response_free(r);
  return rc;
}

static intptr_t ticker(void *arg) {
  int *ticks = arg;
  while (weft_sleep(10) == 0) (*ticks)++;
  return 0;
}

static intptr_t one(void *arg) { return get_text((const char *)arg, NULL) == 0; }

static intptr_t amain(void *arg) {
  (void)arg;
  if (!strcmp(scenario, "basic")) {
    get_text(url_of("/json"), NULL);
    get_text(url_of("/status/404"), NULL);
    get_text(url_of("/status/500"), NULL);
    weft_response *r;
    if (weft_fetch(url_of("/redirect"), NULL, &r) == 0) {
      const char *u = weft_response_url(r);
      printf("redirected to %s x-weft=%s\n", strstr(u, "/json") ? "/json" : u, weft_response_header(r, "X-WEFT"));
      weft_response_free(r);
    }
    const char *headers[] = {"X-Echo: hello", NULL};
    weft_fetch_options post = {.method = "POST", .headers = headers, .body = "ping", .body_len = 4};
    get_text(url_of("/echo"), &post);
  } else if (!strcmp(scenario, "errors")) {
    get_text("http://exa mple.com:99999/", NULL);
    get_text(extra, NULL); /* a port nothing listens on */
    get_text("http://weft-test.invalid/", NULL);
    weft_fetch_options t = {.timeout_ms = 200};
    get_text(url_of("/hang"), &t);  /* no headers within the timeout */
    get_text(url_of("/never"), &t); /* headers, then a body that stalls */
  } else if (!strcmp(scenario, "cancel")) {
    weft_task *t = weft_spawn(NULL, one, url_of("/hang"), NULL);
    weft_sleep(100);
    weft_cancel(t);
    intptr_t v;
    printf("cancelled: %s\n", weft_strerror_name(weft_await(t, &v)));
    weft_release(t);
    weft_sleep(100); /* lets the server see the connection close */
  } else if (!strcmp(scenario, "many")) {
    int ticks = 0;
    weft_task *tick = weft_spawn(NULL, ticker, &ticks, NULL);
    enum { N = 50 };
    weft_task *t[N];
    for (int i = 0; i < N; i++) t[i] = weft_spawn(NULL, one, url_of("/slow"), NULL);
    intptr_t ok[N];
    weft_gather(t, N, WEFT_GATHER_EACH, ok, NULL);
    int n = 0;
    for (int i = 0; i < N; i++) n += (int)ok[i], weft_release(t[i]);
    weft_cancel(tick);
    weft_await(tick, NULL);
    weft_release(tick);
    printf("fetched %d of %d; ticks while they were in flight: %s\n", n, N, ticks >= 10 ? "many" : "few");
  } else if (!strcmp(scenario, "stream")) {
    weft_response *r;
    int rc = weft_fetch(url_of("/big"), NULL, &r);
    if (rc) return weft_fail(rc);
    size_t total = 0, chunks = 0, biggest = 0;
    void *c;
    size_t len;
    while ((rc = weft_response_read(r, &c, &len)) == 0) {
      total += len, chunks++;
      if (len > biggest) biggest = len;
      free(c);
    }
    weft_response_free(r);
    printf("streamed %zu bytes in %s chunks: %s; heap %s\n", total, chunks > 10 ? "many" : "few", weft_strerror_name(rc),
           __builtin_wasm_memory_size(0) * 65536 < 64u * 1024 * 1024 ? "bounded" : "grew");
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: fetch_client <base-url> <scenario>\n");
    return 2;
  }
  base = argv[1];
  scenario = argv[2];
  if (argc > 3) extra = argv[3];
  return weft_run(amain, NULL, NULL) ? 1 : 0;
}
