/* Seeds 000/002, "Async Iterators in Concurrent Code": AsyncCounterIterator,
 * two loops run one after the other, then concurrently under gather.
 *
 *   class AsyncCounterIterator:
 *       def __init__(self, name="", end=5):
 *           self.counter = 0; self.name = name; self.end = end
 *       def __aiter__(self): return self
 *       async def __anext__(self):
 *           if self.counter >= self.end: raise StopAsyncIteration
 *           self.counter += 1
 *           await asyncio.sleep(randint(1, 3) / 10)
 *           return self.counter
 *
 *   async def task(iterator):
 *       async for item in iterator:
 *           print(item, f"from iterator {iterator.name}")
 *
 *   await task(AsyncCounterIterator("#1")); await task(AsyncCounterIterator("#2"))   # sequential
 *   await asyncio.gather(task(AsyncCounterIterator("#1")), task(AsyncCounterIterator("#2")))  # --gather
 *
 * The delays come from a seeded generator (seed 694), so the run is the same
 * every time; with that seed the concurrent order is the one the seed
 * document shows (1 #1, 2 #1, 1 #2, 2 #2, 3 #1, 3 #2, 4 #1, 4 #2, 5 #1, 5 #2),
 * one line every 0.1 s, and no two wake-ups fall at the same time, so the
 * real clock gives the same order as the virtual one.
 *
 * Usage: counter [--gather]
 */
#include <stdio.h>
#include <string.h>
#include <weft.h>

/* randint(1, 3), from a small LCG so that runs are reproducible. */
static uint32_t rng_state = 694;
static int randint_1_3(void) {
  rng_state = rng_state * 1103515245u + 12345u;
  return 1 + (int)((rng_state >> 16) & 0x7fff) % 3;
}

typedef struct async_counter_iterator {
  weft_aiter base;
  int counter, end;
  const char *name;
} async_counter_iterator;

static int counter_anext(weft_aiter *it, intptr_t *value) {
  async_counter_iterator *self = (async_counter_iterator *)it;
  if (self->counter >= self->end) return WEFT_EDONE;
  self->counter += 1;
  int rc = weft_sleep(randint_1_3() * 100);
  if (rc) return rc;
  *value = self->counter;
  return 0;
}

static const weft_aiter_vt counter_vt = {.anext = counter_anext};

/* async def task(iterator) */
static int run(async_counter_iterator *iterator) {
  int rc;
  WEFT_AFOR(int, item, weft_aiter_init(&iterator->base, &counter_vt), &rc)
    printf("%d from iterator %s\n", item, iterator->name);
  return rc;
}

static intptr_t task(void *arg) {
  int rc = run(arg);
  return rc ? weft_fail(rc) : 0;
}

static int concurrent;

static intptr_t amain(void *arg) {
  (void)arg;
  async_counter_iterator c1 = {.end = 5, .name = "#1"}, c2 = {.end = 5, .name = "#2"};
  if (!concurrent) { /* await task(...); await task(...) */
    int rc = run(&c1);
    if (rc == 0) rc = run(&c2);
    return rc ? weft_fail(rc) : 0;
  }
  weft_task *t[2] = {weft_spawn(NULL, task, &c1, NULL), weft_spawn(NULL, task, &c2, NULL)};
  int rc = t[0] && t[1] ? weft_gather(t, 2, WEFT_GATHER_FAIL_FAST, NULL, NULL) : WEFT_ENOMEM;
  for (int i = 0; i < 2; i++)
    if (t[i]) weft_release(t[i]);
  return rc ? weft_fail(rc) : 0;
}

int main(int argc, char **argv) {
  concurrent = argc > 1 && strcmp(argv[1], "--gather") == 0;
  int rc = weft_run(amain, NULL, NULL);
  if (rc) fprintf(stderr, "counter: %s\n", weft_strerror(rc));
  return rc ? 1 : 0;
}
