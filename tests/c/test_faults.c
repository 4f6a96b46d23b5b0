/* Fault injection: a representative program (spawn tree, sleep, gather in
 * both modes, wait_for that times out, wait, shield, futures resolved by
 * another task, as_completed, done callbacks, a host future) is run once to count its
 * allocations, then once per allocation with that one made to fail, then
 * once per allocation with it and every later one failing. Every public
 * call must return its fault-free result or WEFT_ENOMEM (a task whose stack
 * could not be allocated fails with WEFT_ENOMEM, which its awaiters see),
 * nothing may crash, and after weft_loop_free nothing may be left allocated
 * (weft__alloc_live() == 0, and LeakSanitizer checks the process).
 *
 * Prints "FIGURE faults.* = N" lines that scripts/reliability.mjs collects
 * into docs/reliability.md. */
#include <stdint.h>

#include "harness.h"
#include "../../src/core/internal.h"

static int bad;       /* calls that returned neither their result nor ENOMEM */
static int enomem;    /* calls that returned ENOMEM */

#define OKOR(rc, expected)                                                                        \
  do {                                                                                            \
    long long r_ = (long long)(rc), e_ = (long long)(expected);                                   \
    if (r_ == WEFT_ENOMEM) enomem++;                                                              \
    else if (r_ != e_) {                                                                          \
      bad++;                                                                                      \
      printf("  %s:%d: %s gave %lld, expected %lld or WEFT_ENOMEM\n", __FILE__, __LINE__, #rc, r_, \
             e_);                                                                                 \
    }                                                                                             \
  } while (0)

static intptr_t sleeper(void *arg) {
  intptr_t ms = (intptr_t)arg;
  int rc = weft_sleep(ms);
  if (rc) return weft_fail(rc);
  return ms;
}

static intptr_t failer(void *arg) {
  (void)arg;
  int rc = weft_sleep(2);
  return weft_fail(rc ? rc : WEFT_EFAILED);
}

static intptr_t resolver(void *arg) {
  weft_future *f = arg;
  int rc = weft_sleep(3);
  if (rc) return weft_fail(rc);
  return weft_future_resolve(f, 42);
}

/* A task spawning a grandchild and awaiting it. */
static intptr_t parent(void *arg) {
  (void)arg;
  weft_task *c = weft_spawn(NULL, sleeper, (void *)4, NULL);
  if (!c) return weft_fail(WEFT_ENOMEM);
  intptr_t v = 0;
  int rc = weft_await(c, &v);
  weft_release(c);
  if (rc) return weft_fail(rc);
  return v + 1;
}

static int callbacks_run;
static void on_done(weft_future *f, void *arg) {
  (void)f;
  (void)arg;
  callbacks_run++;
}

/* Spawns fn; a NULL (out of memory) counts as such. */
static weft_task *sp(weft_task_fn fn, intptr_t arg) {
  weft_task *t = weft_spawn(NULL, fn, (void *)arg, NULL);
  if (!t) enomem++;
  return t;
}

static void rel(weft_future *f) {
  if (f) CHECK_EQ(weft_release(f), 0);
}

static intptr_t program(void *arg) {
  weft_loop *loop = arg;
  weft_future *fut = weft_future_new(loop);
  if (!fut) enomem++;

  /* A spawn tree, gathered fail-fast (all succeed). */
  weft_task *a = sp(sleeper, 5), *b = sp(parent, 0);
  if (a && b) {
    weft_task *ab[2] = {a, b};
    intptr_t res[2] = {0, 0};
    int rc = weft_gather(ab, 2, WEFT_GATHER_FAIL_FAST, res, NULL);
    OKOR(rc, 0);
    if (rc == 0) CHECK(res[0] == 5 && res[1] == 5);
    if (a) OKOR(weft_future_on_done(a, on_done, NULL), 0);
  }
  rel(a);
  rel(b);

  /* gather(return_exceptions): one child fails, each slot has its status. */
  weft_task *c = sp(failer, 0), *d = sp(sleeper, 1);
  if (c && d) {
    weft_task *cd[2] = {c, d};
    int st[2] = {0, 0};
    int rc = weft_gather(cd, 2, WEFT_GATHER_EACH, NULL, st);
    OKOR(rc, 0);
    if (rc == 0) {
      OKOR(st[0], WEFT_EFAILED);
      OKOR(st[1], 0);
    }
  }
  rel(c);
  rel(d);

  /* wait_for that times out: the child is cancelled and cleaned up. */
  weft_task *e = sp(sleeper, 1000);
  if (e) {
    OKOR(weft_wait_for(e, 5, NULL), WEFT_ETIMEDOUT);
    CHECK(weft_future_done(e));
  }
  rel(e);

  /* wait: the first of two completes. */
  weft_task *f1 = sp(sleeper, 2), *f2 = sp(sleeper, 9);
  if (f1 && f2) {
    weft_task *ff[2] = {f1, f2};
    /* Both done at once only when the slow one could not start either. */
    int rc = weft_wait(ff, 2, WEFT_FIRST_COMPLETED, -1);
    OKOR(rc, rc == 2 && weft_future_result(f2, NULL) == WEFT_ENOMEM ? 2 : 1);
    OKOR(weft_wait(ff, 2, WEFT_ALL_COMPLETED, 100), 2);
  }
  rel(f1);
  rel(f2);

  /* A future resolved by another task, awaited through a shield. If the
   * resolver could not start (no memory for its stack), resolve it here. */
  if (fut) {
    weft_future *s = weft_shield(fut);
    if (!s) enomem++;
    weft_task *r = sp(resolver, (intptr_t)fut);
    int rc = r ? weft_await(r, NULL) : WEFT_ENOMEM;
    OKOR(rc, 0);
    if (rc == WEFT_ENOMEM) weft_future_resolve(fut, 42);
    rel(r);
    intptr_t v = 0;
    if (s) {
      rc = weft_await(s, &v);
      OKOR(rc, 0);
      if (rc == 0) CHECK_EQ(v, 42);
    }
    rel(s);
  }

  /* as_completed over two children. */
  weft_task *g1 = sp(sleeper, 7), *g2 = sp(sleeper, 3);
  if (g1 && g2) {
    weft_task *gg[2] = {g1, g2};
    weft_as_completed it;
    int rc = weft_as_completed_init(&it, gg, 2, -1);
    OKOR(rc, 0);
    if (rc == 0) {
      weft_future *out = NULL;
      int n = 0;
      while ((rc = weft_as_completed_next(&it, &out)) == 0) n++;
      OKOR(rc, WEFT_EDONE);
      if (rc == WEFT_EDONE) CHECK_EQ(n, 2);
      weft_as_completed_close(&it);
    }
  }
  rel(g1);
  rel(g2);

  /* A host future (the bridge mechanism), completed as the host would. */
  weft_future *hf = weft_host_future(loop, NULL, NULL);
  if (hf) {
    OKOR(weft_host_resolve(hf, 5), 0);
    intptr_t v = 0;
    OKOR(weft_await(hf, &v), 0);
    rel(hf);
  } else {
    enomem++;
  }

  OKOR(weft_sleep(1), 0);
  rel(fut);
  return 7;
}

/* One run under the current fault setting. Returns the allocations made. */
static long run_once(void) {
  weft__alloc_live();
  weft_loop *loop = new_vloop();
  if (!loop) {
    enomem++;
    return weft__alloc_attempts();
  }
  weft_task *t = weft_spawn(loop, program, loop, NULL);
  if (!t) {
    enomem++;
  } else {
    OKOR(weft_future_on_done(t, on_done, NULL), 0);
    CHECK_EQ(weft_loop_run(loop), 0);
    intptr_t v = 0;
    int rc = weft_future_result(t, &v);
    OKOR(rc, 0);
    if (rc == 0) CHECK_EQ(v, 7);
    CHECK_EQ(weft_release(t), 0);
  }
  CHECK_EQ(weft_loop_alive_tasks(loop), 0);
  long n = weft__alloc_attempts();
  FREE_LOOP(loop);
  return n;
}

static long allocations, runs, sites;

static void fault_free_baseline(void) {
  weft__alloc_fail_nth(0, 0);
  bad = enomem = 0;
  callbacks_run = 0;
  allocations = run_once();
  CHECK_EQ(bad, 0);
  CHECK_EQ(enomem, 0);
  CHECK_EQ(callbacks_run, 2);
  CHECK_EQ(weft__alloc_live(), 0);
  CHECK(allocations > 20);
}

#define MAX_SITES 256
static const void *site_seen[MAX_SITES];

static void note_site(void) {
  const void *s = weft__alloc_failed_site();
  for (long i = 0; i < sites; i++)
    if (site_seen[i] == s) return;
  if (sites < MAX_SITES) site_seen[sites++] = s;
}

static void fail_each_allocation(int and_after) {
  long injected = 0;
  for (long k = 1; k <= allocations; k++) {
    weft__alloc_fail_nth(k, and_after);
    bad = enomem = 0;
    long before = weft__alloc_failed();
    run_once();
    runs++;
    long now = weft__alloc_failed();
    if (now > before) note_site();
    injected += now > before;
    if (bad || weft__alloc_live() != 0) {
      printf("  allocation %ld%s failed: %d bad results, %ld blocks left\n", k, and_after ? " and after" : "", bad,
             weft__alloc_live());
      CHECK_EQ(bad, 0);
      CHECK_EQ(weft__alloc_live(), 0);
      break;
    }
  }
  weft__alloc_fail_nth(0, 0);
  CHECK_EQ(injected, allocations); /* every allocation of the baseline was reached and failed */
}

static void fail_one(void) { fail_each_allocation(0); }
static void fail_from_then_on(void) { fail_each_allocation(1); }

int main(void) {
  RUN(fault_free_baseline);
  RUN(fail_one);
  RUN(fail_from_then_on);
  printf("FIGURE faults.allocations_per_run = %ld\n", allocations);
  printf("FIGURE faults.runs = %ld\n", runs);
  printf("FIGURE faults.injected = %ld\n", weft__alloc_failed());
  printf("FIGURE faults.sites = %ld\n", sites);
  return DONE();
}
