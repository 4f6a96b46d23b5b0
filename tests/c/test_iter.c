/* The async iterator protocol: a class-style iterator and generators consumed
 * the same way, WEFT_AFOR, the comprehension helpers (collect, map, filter,
 * take) and merge (arrival order, early close, errors), exact orders on the
 * virtual clock, no leaks. */
#include <stdint.h>

#include "harness.h"

/* A class-style iterator (seed 003's shape): a FIFO buffer refilled by an
 * awaiting "prefetch" of `page` values, over `pages` pages. Lives on the
 * consumer's stack (no free in its vtable). */
typedef struct paged {
  weft_aiter base;
  int page, pages, per_page;
  int buf[8], head, count;
  int closed;
} paged;

static int paged_anext(weft_aiter *it, intptr_t *value) {
  paged *p = (paged *)it;
  if (p->head == p->count) {
    if (p->page == p->pages) return WEFT_EDONE;
    int rc = weft_sleep(100); /* _prefetch */
    if (rc) return rc;
    LOG("prefetch%d@%lld", p->page, now_ms());
    for (int i = 0; i < p->per_page; i++) p->buf[i] = p->page * 10 + i;
    p->head = 0;
    p->count = p->per_page;
    p->page++;
  }
  *value = p->buf[p->head++];
  return 0;
}

static int paged_aclose(weft_aiter *it) {
  paged *p = (paged *)it;
  int rc = weft_sleep(5); /* an awaiting release */
  LOG("paged-closed@%lld", now_ms());
  p->closed = 1;
  return rc;
}

static const weft_aiter_vt paged_vt = {paged_anext, paged_aclose, NULL};

/* A generator: values from..to-1, `ms` apart. */
typedef struct range {
  int from, to;
  int64_t ms;
  const char *name;
} range;

static int ranging(void *arg) {
  range *r = arg;
  if (r->from > r->to) { /* an error, for the tests */
    weft_sleep(r->ms);
    return WEFT_EFAILED;
  }
  for (int i = r->from; i < r->to; i++) {
    int rc = weft_sleep(r->ms);
    if (rc) return rc;
    rc = weft_gen_yield(i);
    if (rc) {
      LOG("%s:%s@%lld", r->name, weft_strerror_name(rc), now_ms());
      return rc;
    }
  }
  return 0;
}

/* --- a class-style iterator ---------------------------------------------------------- */

static intptr_t class_main(void *arg) {
  paged p = {.pages = 2, .per_page = 3};
  weft_aiter *it = weft_aiter_init(&p.base, &paged_vt);
  intptr_t v;
  CHECK_EQ(weft_anext(it, &v), 0); /* skip a "header" with anext */
  LOG("skip%d", (int)v);
  int status = 1;
  WEFT_AFOR(int, x, it, &status) LOG("%d", x);
  LOG("status=%d closed=%d", status, p.closed); /* exhausted: aclose not needed */
  paged q = {.pages = 3, .per_page = 2};
  WEFT_AFOR(int, x, weft_aiter_init(&q.base, &paged_vt), &status) {
    LOG("%d", x);
    if (x == 11) break;
  }
  LOG("status=%d closed=%d@%lld", status, q.closed, now_ms());
  CHECK(weft_aiter_init(NULL, &paged_vt) == NULL);
  CHECK(weft_aiter_init(&q.base, &(weft_aiter_vt){0}) == NULL);
  return 0;
}

/* An iterator whose anext fails, and whose close fails too: as the
 * exception raised by aclose in `async with aclosing(it)` replaces the one in
 * flight, WEFT_AFOR's status is the close's error. */
static int failing_anext(weft_aiter *it, intptr_t *value) {
  (void)it;
  (void)value;
  return WEFT_ETIMEDOUT;
}

static int failing_aclose(weft_aiter *it) {
  (void)it;
  LOG("close");
  return WEFT_EBUSY;
}

static const weft_aiter_vt failing_vt = {failing_anext, failing_aclose, NULL};

static intptr_t close_error_main(void *arg) {
  (void)arg;
  weft_aiter it;
  int status = 1;
  WEFT_AFOR(int, x, weft_aiter_init(&it, &failing_vt), &status) LOG("never %d", x);
  LOG("status=%s", weft_strerror_name(status));
  return 0;
}

static void afor_close_error_replaces(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, close_error_main, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("close status=WEFT_EBUSY");
  weft_release(t);
  FREE_LOOP(loop);
}

static void class_style_iterator(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, class_main, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("prefetch0@100 skip0 1 2 prefetch1@200 10 11 12 status=0 closed=0 "
            "prefetch0@300 0 1 prefetch1@400 10 11 paged-closed@405 status=0 closed=1@405");
  weft_release(t);
  FREE_LOOP(loop);
}

/* --- comprehensions -------------------------------------------------------------------- */

static int square(intptr_t in, intptr_t *out, void *ctx) {
  (void)ctx;
  int rc = weft_sleep(1); /* a map step may await */
  *out = in * in;
  return rc;
}

static int is_odd(intptr_t v, void *ctx) {
  (void)ctx;
  return (int)(v & 1);
}

static int fail_on_3(intptr_t v, void *ctx) {
  (void)ctx;
  return v == 3 ? WEFT_EFAILED : 1;
}

static intptr_t comp_main(void *arg) {
  range r = {0, 5, 200, "r"};
  intptr_t *a;
  size_t n;
  /* [i async for i in async_range(0, 5)] */
  CHECK_EQ(weft_aiter_collect(weft_gen_new(NULL, ranging, &r, NULL), &a, &n), 0);
  CHECK_EQ(n, 5);
  for (size_t i = 0; i < n; i++) CHECK_EQ(a[i], (intptr_t)i);
  free(a);
  LOG("collected@%lld", now_ms());
  /* [i * i async for i in async_range(0, 10) if i % 2] */
  range r10 = {0, 10, 0, "r10"};
  weft_aiter *it = weft_aiter_map(weft_aiter_filter(weft_gen_new(NULL, ranging, &r10, NULL), is_odd, NULL), square, NULL);
  CHECK_EQ(weft_aiter_collect(it, &a, &n), 0);
  CHECK_EQ(n, 5);
  if (n == 5) LOG("%d %d %d %d %d@%lld", (int)a[0], (int)a[1], (int)a[2], (int)a[3], (int)a[4], now_ms());
  free(a);
  /* take: the first 3 of an endless generator, which is then closed. */
  range endless = {0, 1 << 30, 10, "endless"};
  CHECK_EQ(weft_aiter_collect(weft_aiter_take(weft_gen_new(NULL, ranging, &endless, NULL), 3), &a, &n), 0);
  CHECK_EQ(n, 3);
  free(a);
  LOG("took@%lld", now_ms());
  /* An error in a step ends the collection with it. */
  range r5 = {0, 5, 0, "r5"};
  CHECK_EQ(weft_aiter_collect(weft_aiter_filter(weft_gen_new(NULL, ranging, &r5, NULL), fail_on_3, NULL), &a, &n),
           WEFT_EFAILED);
  CHECK(a == NULL);
  CHECK_EQ(n, 0);
  /* An empty iterator: NULL and 0. */
  range empty = {0, 0, 0, "empty"};
  CHECK_EQ(weft_aiter_collect(weft_gen_new(NULL, ranging, &empty, NULL), &a, &n), 0);
  CHECK(a == NULL);
  CHECK_EQ(n, 0);
  /* Bad arguments free what they were given. */
  CHECK(weft_aiter_map(weft_gen_new(NULL, ranging, &r, NULL), NULL, NULL) == NULL);
  CHECK(weft_aiter_map(NULL, square, NULL) == NULL);
  CHECK_EQ(weft_aiter_collect(NULL, &a, &n), WEFT_EINVAL);
  return 0;
}

static void comprehensions(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, comp_main, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("collected@1000 1 9 25 49 81@1005 endless:WEFT_ECLOSING@1035 took@1035 r5:WEFT_ECLOSING@1035");
  CHECK_EQ(weft_future_state_of(t), WEFT_RESOLVED);
  weft_release(t);
  FREE_LOOP(loop);
}

/* --- merge -------------------------------------------------------------------------------- */

static intptr_t merge_main(void *arg) {
  range a = {0, 3, 100, "a"}, b = {10, 13, 150, "b"};
  weft_aiter *srcs[2] = {weft_gen_new(NULL, ranging, &a, NULL), weft_gen_new(NULL, ranging, &b, NULL)};
  WEFT_AFOR(int, x, weft_aiter_merge(NULL, srcs, 2), NULL) LOG("%d@%lld", x, now_ms());
  LOG("end@%lld", now_ms());
  /* Closed early: the pulls are cancelled and every source is closed. */
  range c = {0, 100, 100, "c"}, d = {100, 200, 70, "d"};
  weft_aiter *srcs2[2] = {weft_gen_new(NULL, ranging, &c, NULL), weft_gen_new(NULL, ranging, &d, NULL)};
  WEFT_AFOR(int, x, weft_aiter_merge(NULL, srcs2, 2), NULL) {
    LOG("%d@%lld", x, now_ms());
    if (x == 1) break;
  }
  LOG("closed@%lld", now_ms());
  /* An error from one source ends it; the other is closed. */
  range e = {5, 0, 50, "e"}, f = {0, 100, 30, "f"};
  weft_aiter *srcs3[2] = {weft_gen_new(NULL, ranging, &e, NULL), weft_gen_new(NULL, ranging, &f, NULL)};
  int status = 0;
  WEFT_AFOR(int, x, weft_aiter_merge(NULL, srcs3, 2), &status) LOG("%d@%lld", x, now_ms());
  LOG("status=%s@%lld", weft_strerror_name(status), now_ms());
  CHECK(weft_aiter_merge(NULL, NULL, 2) == NULL);
  return 0;
}

static void merge_in_arrival_order(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, merge_main, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  /* At 300 b's timer (armed at 150) fires before a's (armed at 200). At the
   * break, d is in its sleep (cancelled, it ends) and c is parked at its
   * yield (closed). When e fails, f is in its sleep. */
  CHECK_LOG("0@100 10@150 1@200 11@300 2@300 12@450 end@450 "
            "100@520 0@550 101@590 1@650 c:WEFT_ECLOSING@650 closed@650 "
            "0@680 status=WEFT_EFAILED@700");
  weft_release(t);
  FREE_LOOP(loop);
}

/* Two consumers iterate concurrently under gather (seed 002's counter):
 * values interleave on the clock. */
typedef struct consumer_args {
  const char *name;
  int64_t ms;
} consumer_args;

static intptr_t consume(void *arg) {
  consumer_args *c = arg;
  range r = {1, 4, c->ms, c->name};
  WEFT_AFOR(int, x, weft_gen_new(NULL, ranging, &r, NULL), NULL) LOG("%s%d@%lld", c->name, x, now_ms());
  return 0;
}

static intptr_t gather_main(void *arg) {
  consumer_args a = {"a", 100}, b = {"b", 150};
  weft_task *t[2] = {weft_spawn(NULL, consume, &a, NULL), weft_spawn(NULL, consume, &b, NULL)};
  CHECK_EQ(weft_gather(t, 2, WEFT_GATHER_FAIL_FAST, NULL, NULL), 0);
  weft_release(t[0]);
  weft_release(t[1]);
  return 0;
}

static void concurrent_iteration_under_gather(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, gather_main, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("a1@100 b1@150 a2@200 b2@300 a3@300 b3@450"); /* at 300: b armed first */
  weft_release(t);
  FREE_LOOP(loop);
}

/* Nested loops, both on one line: each WEFT_AFOR has its own state. The
 * inner generator is created and closed once per outer value. */
static intptr_t nested_main(void *arg) {
  range outer = {0, 2, 0, "outer"}, inner = {0, 3, 0, "inner"};
  int rc1, rc2;
  WEFT_AFOR(int, a, weft_gen_new(NULL, ranging, &outer, NULL), &rc1) WEFT_AFOR(int, b, weft_gen_new(NULL, ranging, &inner, NULL), &rc2) { if (b == 2) break; LOG("%d%d", a, b); }
  LOG("rc=%d,%d", rc1, rc2);
  return 0;
}

static void nested_loops(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = weft_spawn(loop, nested_main, NULL, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("00 01 inner:WEFT_ECLOSING@0 10 11 inner:WEFT_ECLOSING@0 rc=0,0");
  weft_release(t);
  FREE_LOOP(loop);
}

int main(void) {
  RUN(class_style_iterator);
  RUN(afor_close_error_replaces);
  RUN(nested_loops);
  RUN(comprehensions);
  RUN(merge_in_arrival_order);
  RUN(concurrent_iteration_under_gather);
  return DONE();
}
