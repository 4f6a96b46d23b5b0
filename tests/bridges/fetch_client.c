/* Drives weft_fetch against tests/node/fetch.test.mjs's local server:
 *   fetch_client <base-url> [warm:]<scenario> [extra-url] [mode]
 * Prints one line per observation; the test asserts them exactly. With
 * "warm:", one quiet fetch comes first: in Node, a process's first request
 * carries an AbortSignal and later ones are aborted through undici's
 * dispatcher (src/js/library_fetch.js), and both must behave alike. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <emscripten.h>
#include <weft.h>

static const char *base;
static const char *scenario;
static const char *extra = "";
static const char *mode = "";

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
    printf("  why: %s\n", weft_fetch_error_message());
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

/* Requests started and not finished yet (scenario "many"). */
static int in_flight;

/* Ticks every 10 ms, printing the first three with the fetches in flight. */
static intptr_t ticker(void *arg) {
  int *ticks = arg;
  while (weft_sleep(10) == 0)
    if (++*ticks <= 3) printf("tick %d: %d in flight\n", *ticks, in_flight);
  return 0;
}

/* Fetches /slow quietly; 1 when the whole body arrived. */
static intptr_t one(void *arg) {
  in_flight++;
  weft_response *r;
  char *text = NULL;
  int rc = weft_fetch((const char *)arg, NULL, &r);
  if (!rc) {
    rc = weft_response_text(r, &text);
    weft_response_free(r);
  }
  in_flight--;
  int ok = !rc && !strcmp(text, "chunk0 chunk1 chunk2 chunk3 ");
  free(text);
  return ok;
}

/* A URL of `path` no other process asks for ("/hang?id=…"), so that the
 * server can tell when it saw this very request. */
static const char *unique(const char *path) {
  static char buf[128];
  snprintf(buf, sizeof buf, "%s?id=%.0f", path, emscripten_get_now() * 1000.0);
  return buf;
}

/* Waits until the server has seen a request for `path_query` (its /seen
 * answers then): what a cancellation test synchronises on, never a delay. */
static int wait_seen(const char *path_query) {
  char u[256];
  /* "?" and "=" of the inner URL are percent-encoded. */
  size_t n = 0;
  n += snprintf(u, sizeof u, "/seen?url=");
  for (const char *c = path_query; *c && n + 4 < sizeof u; c++) {
    if (*c == '?' || *c == '=' || *c == '&') n += snprintf(u + n, sizeof u - n, "%%%02X", *c);
    else u[n++] = *c, u[n] = 0;
  }
  weft_response *r;
  int rc = weft_fetch(url_of(u), NULL, &r);
  if (rc) return rc;
  char *text;
  rc = weft_response_text(r, &text);
  if (!rc) free(text);
  weft_response_free(r);
  return rc;
}

/* get_text as a task (scenario "cancel"). */
static intptr_t get_task(void *arg) { return get_text((const char *)arg, NULL); }

/* Set once read_all has its headers (scenario "wait_for"). */
static weft_event *have_headers;

/* Reads the whole body of arg's URL (scenario "wait_for"). */
static intptr_t read_all(void *arg) {
  weft_response *r;
  int rc = weft_fetch((const char *)arg, NULL, &r);
  if (rc) return weft_fail(rc);
  printf("headers: %d\n", weft_response_status(r));
  weft_event_set(have_headers);
  char *text;
  rc = weft_response_text(r, &text);
  printf("body: %s\n", weft_strerror_name(rc)); /* the cancellation, as wait_for times out */
  weft_response_free(r);
  if (rc) return weft_fail(rc);
  free(text);
  return 0;
}

/* A generator yielding one document per fetched page (scenario "gen_cancel"):
 * the first page answers, the second (/hang) never does. */
static int pages(void *arg) {
  const char *paths[] = {"/json", arg};
  for (int i = 0; i < 2; i++) {
    weft_response *r;
    int rc = weft_fetch(url_of(paths[i]), NULL, &r);
    printf("gen: fetch %s: %s\n", i ? "/hang" : paths[i], weft_strerror_name(rc));
    if (rc) return rc;
    int status = weft_response_status(r);
    weft_response_free(r);
    if ((rc = weft_gen_yield(status)) != 0) return rc;
  }
  return 0;
}

/* Cancels task `arg` (scenario "cancel_at_once"). */
static intptr_t canceller(void *arg) { return weft_cancel(arg); }

/* Consumes `pages` until cancelled (scenario "gen_cancel"). */
static intptr_t consume_pages(void *arg) {
  int rc;
  WEFT_AFOR(int, status, weft_gen_new(NULL, pages, arg, NULL), &rc) printf("consumer: page %d\n", status);
  printf("consumer: %s\n", weft_strerror_name(rc));
  return rc ? weft_fail(rc) : 0;
}

/* Ticks every 1 ms until cancelled (scenario "hostile"). */
static intptr_t quiet_ticker(void *arg) {
  int *ticks = arg;
  while (weft_sleep(1) == 0) ++*ticks;
  return 0;
}

/* Scenario "hostile": fetches `extra` (a misbehaving server's URL) with
 * `mode` ("stream" or "whole", then ",timeout=<ms>" for an idle timeout),
 * while a ticker task runs. Prints what each step gave, then whether the
 * ticker still runs afterwards (the loop survived; exact, not timed: the
 * 1 ms ticker must fire before a 5 ms sleep ends). */
static void hostile(const char *mode) {
  int ticks = 0;
  weft_task *tick = weft_spawn(NULL, quiet_ticker, &ticks, NULL);
  weft_fetch_options o = {0};
  const char *t = strstr(mode, "timeout=");
  if (t) o.timeout_ms = strtoll(t + 8, NULL, 10);
  weft_response *r;
  int rc = weft_fetch(extra, &o, &r);
  if (rc) {
    printf("fetch: %s\n", weft_strerror_name(rc));
  } else {
    printf("fetch: %d\n", weft_response_status(r));
    if (!strncmp(mode, "stream", 6)) {
      size_t total = 0, chunks = 0, biggest = 0;
      void *c;
      size_t len;
      while ((rc = weft_response_read(r, &c, &len)) == 0) {
        total += len, chunks++;
        if (len > biggest) biggest = len;
        free(c);
      }
      int again = weft_response_read(r, &c, &len); /* after the end or a failure: the same again */
      printf("stream: %s, %zu bytes, chunks of at most 64 KiB: %s, then %s\n", weft_strerror_name(rc), total,
             biggest <= 64 * 1024 ? "yes" : "no", weft_strerror_name(again));
    } else {
      void *body;
      size_t len;
      rc = weft_response_bytes(r, &body, &len);
      printf("whole: %s", weft_strerror_name(rc));
      if (!rc) printf(", %zu bytes", len), free(body);
      printf("\n");
    }
    weft_response_free(r);
  }
  int before = ticks;
  weft_sleep(5);
  printf("ticker: %s\n", ticks > before ? "alive" : "stopped");
  weft_cancel(tick);
  weft_await(tick, NULL);
  weft_release(tick);
}

static intptr_t amain(void *arg) {
  (void)arg;
  if (!strncmp(scenario, "warm:", 5)) {
    scenario += 5;
    weft_response *r = NULL;
    void *body;
    size_t len;
    int rc = weft_fetch(url_of("/json"), NULL, &r);
    if (!rc && !(rc = weft_response_bytes(r, &body, &len))) free(body);
    if (r) weft_response_free(r);
    if (rc) return weft_fail(rc);
  }
  if (!strcmp(scenario, "basic")) {
    get_text(url_of("/json"), NULL);
    get_text(url_of("/status/404"), NULL);
    get_text(url_of("/status/500"), NULL);
    get_text(url_of("/late"), NULL); /* the body comes after the task asks for it */
    weft_response *r;
    if (weft_fetch(url_of("/redirect"), NULL, &r) == 0) {
      const char *u = weft_response_url(r);
      printf("redirected to %s x-weft=%s\n", strstr(u, "/json") ? "/json" : u, weft_response_header(r, "X-WEFT"));
      weft_response_free(r);
    }
    /* A small body of known size read chunk by chunk (taken whole when the
     * headers came: one chunk), then the end; the whole of what is left
     * after that is empty. */
    if (weft_fetch(url_of("/json"), NULL, &r) == 0) {
      void *c, *rest;
      size_t len, total = 0, rest_len = 99;
      int chunks = 0, rc;
      while ((rc = weft_response_read(r, &c, &len)) == 0) total += len, chunks++, free(c);
      int rc_rest = weft_response_bytes(r, &rest, &rest_len);
      printf("json streamed: %d chunk, %zu bytes, then %s; the rest: %d, %zu bytes\n", chunks, total,
             weft_strerror_name(rc), rc_rest, rest_len);
      if (!rc_rest) free(rest);
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
    const char *bad_header[] = {"Bad Name: x", NULL};
    weft_fetch_options h = {.headers = bad_header};
    get_text(url_of("/json"), &h);
    weft_fetch_options m = {.method = "GET", .body = "x", .body_len = 1}; /* a GET cannot have a body */
    get_text(url_of("/json"), &m);
  } else if (!strcmp(scenario, "wait_for")) {
    /* The wait starts once the headers are in (however long a loaded machine
     * takes for them): it then times out in the body, which never ends. */
    have_headers = weft_event_new(NULL);
    weft_task *t = weft_spawn(NULL, read_all, url_of("/never"), NULL);
    weft_event_wait(have_headers);
    printf("wait_for: %s\n", weft_strerror_name(weft_wait_for(t, 50, NULL)));
    weft_release(t);
    weft_event_free(have_headers);
    weft_sleep(100); /* lets the server see the connection close */
  } else if (!strcmp(scenario, "browser")) {
    /* Run with a fake browser global (tests/node/fetch.test.mjs): relative
     * URLs resolve against location; other origins fail as CORS does. */
    get_text("/json", NULL);
    get_text(extra, NULL);
  } else if (!strcmp(scenario, "cancel")) {
    char path[128];
    snprintf(path, sizeof path, "%s", unique("/hang"));
    char url[512];
    snprintf(url, sizeof url, "%s%s", base, path);
    weft_task *t = weft_spawn(NULL, get_task, url, NULL);
    int seen = wait_seen(path); /* the request reached the server: now cancel it */
    if (seen) printf("seen: %s\n", weft_strerror_name(seen));
    weft_cancel(t);
    intptr_t v;
    printf("cancelled: %s\n", weft_strerror_name(weft_await(t, &v)));
    weft_release(t);
    weft_sleep(100); /* lets the server see the connection close */
  } else if (!strcmp(scenario, "cancel_at_once")) {
    /* Cancelled in the loop pass that started its request, before the host
     * ran again. To another origin (extra-url): in Node, a request to a new
     * connection, cancelled before undici has connected it. */
    weft_task *t = weft_spawn(NULL, get_task, (void *)(extra[0] ? extra : url_of("/hang")), NULL);
    weft_task *c = weft_spawn(NULL, canceller, t, NULL);
    printf("cancelled: %s\n", weft_strerror_name(weft_await(t, NULL)));
    weft_release(t);
    weft_release(c);
  } else if (!strcmp(scenario, "gen_cancel")) {
    char path[128];
    snprintf(path, sizeof path, "%s", unique("/hang"));
    weft_task *t = weft_spawn(NULL, consume_pages, path, NULL);
    int seen = wait_seen(path); /* the first page is in and the second request reached the server */
    if (seen) printf("seen: %s\n", weft_strerror_name(seen));
    weft_cancel(t); /* the consumer waits in anext; the generator in its fetch */
    printf("cancelled: %s\n", weft_strerror_name(weft_await(t, NULL)));
    weft_release(t);
    weft_sleep(100); /* lets the server see the connection close */
  } else if (!strcmp(scenario, "hostile")) {
    hostile(mode);
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
    printf("fetched %d of %d\n", n, N);
  } else if (!strcmp(scenario, "too_big")) {
    /* fetch_client_small: the wasm memory cannot grow past 32 MiB. The
     * 50 MiB body read whole cannot fit and says so; streamed it works. */
    weft_response *r;
    int rc = weft_fetch(url_of("/big"), NULL, &r);
    if (rc) return weft_fail(rc);
    void *body;
    size_t len;
    rc = weft_response_bytes(r, &body, &len);
    printf("whole: %s\n", weft_strerror_name(rc));
    printf("  why: %s\n", weft_fetch_error_message());
    if (!rc) free(body);
    weft_response_free(r);
    scenario = "stream";
    return amain(arg);
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
    printf("streamed %zu bytes in %s chunks (largest %zu KiB): %s\n", total, chunks > 10 ? "many" : "few",
           biggest >> 10, weft_strerror_name(rc));
    printf("wasm memory: %zu MiB\n", (size_t)__builtin_wasm_memory_size(0) * 65536 >> 20); /* HEAP8.length */
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
  if (argc > 4) mode = argv[4];
  return weft_run(amain, NULL, NULL) ? 1 : 0;
}
