/* The timer heap: a binary min-heap of handles in an array, keyed by
 * (deadline, arming sequence). The sequence makes equal deadlines fire in
 * the order they were armed. Each handle stores its index, so cancelling
 * one removes it in O(log n) and the heap never holds dead entries. */
#include <stdlib.h>

#include "internal.h"

static int less(const weft_handle *a, const weft_handle *b) {
  if (a->when_ != b->when_) return a->when_ < b->when_;
  return a->seq_ < b->seq_;
}

static void place(weft__heap *hp, uint32_t i, weft_handle *h) {
  hp->items[i] = h;
  h->heap_index_ = i;
}

static void sift_up(weft__heap *hp, uint32_t i) {
  weft_handle *h = hp->items[i];
  while (i > 0) {
    uint32_t parent = (i - 1) / 2;
    if (!less(h, hp->items[parent])) break;
    place(hp, i, hp->items[parent]);
    i = parent;
  }
  place(hp, i, h);
}

static void sift_down(weft__heap *hp, uint32_t i) {
  weft_handle *h = hp->items[i];
  for (;;) {
    uint32_t l = 2 * i + 1, r = l + 1, m = i;
    const weft_handle *best = h;
    if (l < hp->len && less(hp->items[l], best)) m = l, best = hp->items[l];
    if (r < hp->len && less(hp->items[r], best)) m = r;
    if (m == i) break;
    place(hp, i, hp->items[m]);
    i = m;
  }
  place(hp, i, h);
}

int weft__heap_push(weft__heap *hp, weft_handle *h) {
  if (hp->len == hp->cap) {
    uint32_t cap = hp->cap ? hp->cap * 2 : 64;
    weft_handle **items = weft__realloc(hp->items, cap * sizeof *items);
    if (!items) return WEFT_ENOMEM;
    hp->items = items;
    hp->cap = cap;
  }
  place(hp, hp->len++, h);
  sift_up(hp, h->heap_index_);
  return 0;
}

weft_handle *weft__heap_min(const weft__heap *hp) { return hp->len ? hp->items[0] : NULL; }

void weft__heap_remove(weft__heap *hp, weft_handle *h) {
  uint32_t i = h->heap_index_;
  weft_handle *last = hp->items[--hp->len];
  h->heap_index_ = UINT32_MAX;
  if (last == h) return;
  place(hp, i, last);
  if (i > 0 && less(last, hp->items[(i - 1) / 2]))
    sift_up(hp, i);
  else
    sift_down(hp, i);
}

void weft__heap_free(weft__heap *hp) {
  weft__free(hp->items);
  hp->items = NULL;
  hp->len = hp->cap = 0;
}
