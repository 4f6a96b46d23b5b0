/* Seeds 000/002, "Async Iterators" and "Async Iterables": AsyncRange three
 * ways, consumed by the same `async for`.
 *
 *   v1: a class-style iterator (async_range_v1.py)
 *       class AsyncRange:
 *           def __aiter__(self): return self
 *           async def __anext__(self):
 *               if self.start < self.end:
 *                   await asyncio.sleep(0.5); value = self.start; self.start += 1; return value
 *               else: raise StopAsyncIteration
 *   v2: an iterable whose __aiter__ is an async generator (async_range_v2.py)
 *   v3: an async generator function (async_range_v3.py, the default)
 *   arange: seed 004's ARange, an iterable with nothing asynchronous in it,
 *       whose __aiter__ returns a new ARangeIterator (the asynchronous part):
 *       being separate, one ARange is iterated twice, from the start each time
 *       async def async_range(start, end):
 *           for i in range(start, end):
 *               await asyncio.sleep(0.5); yield i
 *
 *   async def main():
 *       async for i in AsyncRange(0, 5):   # or async_range(0, 5)
 *           print(i)
 *
 * Usage: async_range [v1|v2|v3|arange]. Each prints 0 to 4, one every 0.5 s
 * (arange: twice, "tour 1" and "tour 2"). (The
 * seed's v2 iterates AsyncRange(0, 10) but shows 0 to 4; this port uses
 * (0, 5) for all three so that their output is the same.)
 *
 * What to look at: WEFT_AFOR consumes all three the same way, because the
 * class and the generator both speak the protocol of weft/iter.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <weft.h>

/* --- v1: class AsyncRange with __aiter__ returning self and __anext__ ------ */

typedef struct async_range_v1 {
  weft_aiter base; /* the protocol's header comes first */
  int start, end;
} async_range_v1;

static int v1_anext(weft_aiter *it, intptr_t *value) {
  async_range_v1 *self = (async_range_v1 *)it;
  if (self->start < self->end) {
    int rc = weft_sleep(500);
    if (rc) return rc;
    *value = self->start++;
    return 0;
  }
  return WEFT_EDONE; /* raise StopAsyncIteration */
}

static const weft_aiter_vt v1_vt = {.anext = v1_anext}; /* nothing to close; lives on the stack */

/* --- v3: the async generator function -------------------------------------- */

typedef struct bounds {
  int start, end;
} bounds;

static int async_range(void *arg) {
  bounds *b = arg;
  for (int i = b->start; i < b->end; i++) {
    int rc = weft_sleep(500);
    if (rc) return rc;
    if ((rc = weft_gen_yield(i)) != 0) return rc; /* WEFT_ECLOSING: closed early */
  }
  return 0;
}

/* --- v2: an iterable: its __aiter__ returns a new generator ---------------- */

typedef struct async_range_v2 {
  bounds data; /* self.data = range(start, end) */
} async_range_v2;

static weft_aiter *v2_aiter(async_range_v2 *self) { return weft_gen_new(NULL, async_range, &self->data, NULL); }

/* --- arange: seed 004's ARange (iterable) and ARangeIterator (iterator) ---- */

typedef struct arange {
  int start, end; /* nothing asynchronous: just the bounds */
} arange;

typedef struct arange_iterator {
  weft_aiter base;
  int next, end;
} arange_iterator;

static int arange_anext(weft_aiter *it, intptr_t *value) {
  arange_iterator *self = (arange_iterator *)it;
  if (self->next >= self->end) return WEFT_EDONE;
  int rc = weft_sleep(500); /* the outside event each value waits for */
  if (rc) return rc;
  *value = self->next++;
  return 0;
}

static void arange_iterator_free(weft_aiter *it) { free(it); }

static const weft_aiter_vt arange_iterator_vt = {.anext = arange_anext, .free = arange_iterator_free};

/* ARange.__aiter__: a fresh iterator each time (NULL when out of memory,
 * which WEFT_AFOR reports as WEFT_EINVAL). */
static weft_aiter *arange_aiter(const arange *self) {
  arange_iterator *it = malloc(sizeof *it);
  if (!it) return NULL;
  it->next = self->start;
  it->end = self->end;
  return weft_aiter_init(&it->base, &arange_iterator_vt);
}

static const char *variant = "v3";

static intptr_t amain(void *arg) {
  (void)arg;
  int rc = 0;
  if (strcmp(variant, "v1") == 0) {
    async_range_v1 r = {.start = 0, .end = 5};
    WEFT_AFOR(int, i, weft_aiter_init(&r.base, &v1_vt), &rc) printf("%d\n", i);
  } else if (strcmp(variant, "v2") == 0) {
    async_range_v2 r = {{0, 5}};
    WEFT_AFOR(int, i, v2_aiter(&r), &rc) printf("%d\n", i);
  } else if (strcmp(variant, "arange") == 0) {
    arange r = {0, 5};
    for (int tour = 1; tour <= 2 && rc == 0; tour++) {
      printf("tour %d\n", tour);
      WEFT_AFOR(int, i, arange_aiter(&r), &rc) printf("%d\n", i);
    }
  } else {
    bounds b = {0, 5};
    WEFT_AFOR(int, i, weft_gen_new(NULL, async_range, &b, NULL), &rc) printf("%d\n", i);
  }
  return rc ? weft_fail(rc) : 0;
}

int main(int argc, char **argv) {
  if (argc > 1) variant = argv[1];
  if (strcmp(variant, "v1") && strcmp(variant, "v2") && strcmp(variant, "v3") && strcmp(variant, "arange")) {
    fprintf(stderr, "usage: async_range [v1|v2|v3|arange]\n");
    return 2;
  }
  int rc = weft_run(amain, NULL, NULL);
  if (rc) fprintf(stderr, "async_range: %s\n", weft_strerror(rc));
  return rc ? 1 : 0;
}
