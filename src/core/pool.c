/* The object pool behind futures and tasks, one per kind of future.
 *
 * Freed futures and tasks are not handed back to malloc at once: they wait
 * in a FIFO quarantine (marked dead) before their memory is reused. A second
 * weft_release of the same pointer therefore finds a dead object and gets
 * WEFT_EBADHANDLE instead of corrupting the heap. It also makes spawn and
 * future creation cheap, since slots are recycled. */
#include <string.h>

#include "internal.h"

#define QUARANTINE 64

void *weft__obj_alloc(weft_loop *loop, const weft__kind *kind) {
  struct weft__pool *pool = &loop->pools[kind->pool];
  size_t size = kind->size;
  void *p;
  if (pool->len > QUARANTINE) {
    weft_future *f = pool->head;
    pool->head = f->pool_next;
    if (!pool->head) pool->tail = NULL;
    pool->len--;
    p = f;
  } else {
    p = weft__malloc(size);
    if (!p) return NULL;
  }
  memset(p, 0, size);
  loop->live_objects++;
  return p;
}

void weft__obj_free(weft_future *f) {
  weft_loop *loop = f->loop;
  struct weft__pool *pool = &loop->pools[f->kind->pool];
  f->magic = WEFT_MAGIC_DEAD;
  f->pool_next = NULL;
  if (pool->tail)
    pool->tail->pool_next = f;
  else
    pool->head = f;
  pool->tail = f;
  pool->len++;
  loop->live_objects--;
}

void weft__loop_drain_pool(weft_loop *loop) {
  for (int k = 0; k < WEFT__POOLS; k++) {
    weft_future *f = loop->pools[k].head;
    while (f) {
      weft_future *next = f->pool_next;
      weft__free(f);
      f = next;
    }
    loop->pools[k].head = loop->pools[k].tail = NULL;
    loop->pools[k].len = 0;
  }
}
