/* Every allocation the runtime makes goes through here, so that tests can
 * make the Nth one fail (fault injection) and count what is still allocated
 * (leak checks that do not depend on a sanitizer). The cost when no fault is
 * armed is one counter increment and one compare per allocation. */
#include <stdlib.h>

#include "internal.h"

/* The caller's address names the allocation site. Emscripten implements it
 * only with its offset converter, so wasm builds go without. */
#if defined(__EMSCRIPTEN__)
#define CALLER() ((const void *)0)
#else
#define CALLER() __builtin_return_address(0)
#endif

static long attempts;   /* allocations attempted since the last weft__alloc_fail_nth */
static long fail_at;    /* the attempt that fails (1-based); 0: none */
static long fail_every; /* non-zero: every attempt from fail_at on fails */
static long live;       /* blocks (and task stacks) allocated and not freed */
static long failed;     /* attempts that were made to fail */
static const void *failed_site; /* return address of the last failed allocation's caller */

static int fault_at(const void *site) {
  attempts++;
  if (fail_at && (attempts == fail_at || (fail_every && attempts > fail_at))) {
    failed++;
    failed_site = site;
    return 1;
  }
  return 0;
}

__attribute__((noinline)) int weft__alloc_fault(void) { return fault_at(CALLER()); }

void weft__alloc_track(int delta) { live += delta; }

__attribute__((noinline)) void *weft__malloc(size_t n) {
  if (fault_at(CALLER())) return NULL;
  void *p = malloc(n);
  if (p) live++;
  return p;
}

__attribute__((noinline)) void *weft__calloc(size_t n, size_t size) {
  if (fault_at(CALLER())) return NULL;
  void *p = calloc(n, size);
  if (p) live++;
  return p;
}

__attribute__((noinline)) void *weft__realloc(void *p, size_t n) {
  if (fault_at(CALLER())) return NULL;
  void *q = realloc(p, n);
  if (q && !p) live++;
  return q;
}

void weft__free(void *p) {
  if (!p) return;
  live--;
  free(p);
}

void weft__alloc_fail_nth(long n, int and_after) {
  attempts = 0;
  fail_at = n > 0 ? n : 0;
  fail_every = and_after;
}

long weft__alloc_attempts(void) { return attempts; }
long weft__alloc_live(void) { return live; }
long weft__alloc_failed(void) { return failed; }
const void *weft__alloc_failed_site(void) { return failed_site; }

int weft__check_stack_sizes(size_t stack_size, size_t async_size) {
  const size_t max = SIZE_MAX / 4;
  return stack_size > max || async_size > max ? WEFT_EINVAL : 0;
}
