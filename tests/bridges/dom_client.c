/* weft/dom.h, driven by tests/node/dom.test.mjs (Node: the fallbacks) and
 * tests/browser/dom.test.mjs (Chromium, Firefox):
 *
 *   dom_client frames    three frames, a cancelled frame wait, idle waits,
 *                        and what the host says to DOM event waits
 *   dom_client events    (a page) awaits events the test dispatches: prints
 *                        "waiting: <what>" before each, so the test knows
 *                        when to dispatch
 *
 * A ticker task runs throughout and reports whether it ticked. */
#include <stdio.h>
#include <string.h>
#include <weft.h>

/* These tasks print and trace through libc: more than the 2 KiB default stack (weft/task.h). */
static const weft_task_options TASK_SIZES = {.stack_size = 16 * 1024, .asyncify_size = 4096};

static int ticks, done;

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

static void report(const char *what, int rc) { printf("%s %s\n", what, rc ? weft_strerror_name(rc) : "ok"); }

static intptr_t frame_task(void *arg) {
  (void)arg;
  return weft_next_frame(NULL) ? weft_fail(WEFT_ECANCELED) : 0;
}

static intptr_t idle_task(void *arg) {
  (void)arg;
  return weft_idle(-1, NULL) ? weft_fail(WEFT_ECANCELED) : 0;
}

/* Spawns fn, lets it start waiting, cancels it: its status. */
static int cancelled(weft_task_fn fn) {
  weft_task *t = weft_spawn(NULL, fn, NULL, &TASK_SIZES);
  weft_yield();
  weft_cancel(t);
  int rc = weft_await(t, NULL);
  weft_release(t);
  return rc;
}

static int frames(void) {
  double t[3];
  int rc = 0;
  for (int i = 0; i < 3 && !rc; i++) rc = weft_next_frame(&t[i]);
  report("three frames", rc);
  printf("timestamps increase: %s\n", !rc && t[0] < t[1] && t[1] < t[2] ? "yes" : "no");
  report("frame (cancelled)", cancelled(frame_task));
  double left = -1;
  rc = weft_idle(200, &left);
  report("idle", rc);
  printf("time left in [0, 50]: %s\n", left >= 0 && left <= 50 ? "yes" : "no");
  report("idle (cancelled)", cancelled(idle_task));
  weft_dom_event ev;
  report("dom wait #nope", weft_dom_wait("#nope", "click", 10, &ev));
  report("dom wait [[", weft_dom_wait("[[", "click", 10, &ev));
  weft_aiter *it = weft_dom_events("document", "click", 4);
  printf("dom events on document: %s %s\n", it ? "iterator" : "NULL", it ? "" : weft_strerror_name(weft_dom_error()));
  if (it) weft_aiter_free(it);
  return 0;
}

static int events(void) {
  weft_dom_event ev;
  printf("waiting: go\n");
  int rc = weft_dom_wait("document", "weft-go", -1, &ev);
  report("go", rc);
  printf("  type %s\n", ev.type);

  rc = weft_dom_wait("document", "click", 30, &ev);
  report("click (timed out)", rc);

  /* a wait cancelled: its listener goes */
  weft_scope sc;
  WEFT_TIMEOUT(sc, 20) { rc = weft_dom_wait("#status", "click", -1, &ev); }
  report("click on #status (cancelled)", rc);

  /* clicks in order, through the iterator, its buffer bounded at 8 */
  weft_aiter *it = weft_dom_events("document", "click", 8);
  printf("waiting: clicks\n");
  int n = 0;
  WEFT_AFOR(const weft_dom_event *, e, it, &rc) {
    printf("  %s at %g,%g button %d\n", e->type, e->x, e->y, e->button);
    if (++n == 5) break;
  }
  report("five clicks", rc);

  it = weft_dom_events("document", "click", 8);
  printf("waiting: burst\n");
  n = 0;
  size_t dropped = 0;
  WEFT_AFOR(const weft_dom_event *, e, it, &rc) {
    if (++n == 1) printf("  first at %g\n", e->x);
    if (n == 8) {
      printf("  eighth at %g\n", e->x);
      dropped = weft_dom_events_dropped(it);
      break;
    }
  }
  printf("  burst of 20: 8 kept, %zu dropped\n", dropped);

  printf("waiting: key\n");
  rc = weft_dom_wait("window", "keydown", -1, &ev);
  report("key", rc);
  printf("  %s '%s'\n", ev.type, ev.key);
  return 0;
}

static intptr_t amain(void *arg) {
  const char *scenario = arg;
  weft_trace_enable(weft_running_loop(), 1024);
  weft_task *tick = weft_spawn(NULL, ticker, NULL, &(weft_task_options){.name = "ticker", .stack_size = 16 * 1024, .asyncify_size = 4096});
  int rc = 2;
  if (!strcmp(scenario, "frames")) rc = frames();
  else if (!strcmp(scenario, "events")) rc = events();
  done = 1;
  weft_await(tick, NULL);
  weft_release(tick);
  collect();
  printf("traced waits:");
  int any = 0;
  for (int r = WEFT_REASON_FRAME; r <= WEFT_REASON_DOM; r++)
    if (seen[r]) printf(" %s", weft_trace_reason_name(r)), any = 1;
  printf("%s\n", any ? "" : " none");
  printf("ticker %s\n", ticks > 0 ? "ticked" : "did not tick");
  return rc;
}

int main(int argc, char **argv) {
  intptr_t rc = 0;
  weft_run(amain, argc > 1 ? argv[1] : "", &rc);
  return (int)rc;
}
