/* The timer heap: a binary min-heap keyed by (deadline, arming sequence).
 * The sequence makes equal deadlines fire in the order they were armed.
 * Each handle stores its index, so cancelling one removes it in O(log n)
 * and the heap never holds dead entries.
 *
 * The keys are copied into the array next to the handle pointer: sifting
 * then compares entries that sit together instead of dereferencing handles
 * that live inside tasks and futures spread over the whole heap. With
 * 100 000 sleeping tasks that was one cache (and often TLB) miss per
 * comparison, and the heap's largest cost; now only the moved entries'
 * index fields are written through the pointers. */
#include <stdlib.h>

#include "internal.h"

static int less(const weft__heap_entry *a, const weft__heap_entry *b) {
  if (a->when != b->when) return a->when < b->when;
  return a->seq < b->seq;
}

static void place(weft__heap *hp, uint32_t i, weft__heap_entry e) {
  hp->items[i] = e;
  e.h->heap_index_ = i;
}

static void sift_up(weft__heap *hp, uint32_t i) {
  weft__heap_entry e = hp->items[i];
  while (i > 0) {
    uint32_t parent = (i - 1) / 2;
    if (!less(&e, &hp->items[parent])) break;
    place(hp, i, hp->items[parent]);
    i = parent;
  }
  place(hp, i, e);
}

static void sift_down(weft__heap *hp, uint32_t i) {
  weft__heap_entry e = hp->items[i];
  for (;;) {
    uint32_t l = 2 * i + 1, r = l + 1, m = i;
    const weft__heap_entry *best = &e;
    if (l < hp->len && less(&hp->items[l], best)) m = l, best = &hp->items[l];
    if (r < hp->len && less(&hp->items[r], best)) m = r;
    if (m == i) break;
    place(hp, i, hp->items[m]);
    i = m;
  }
  place(hp, i, e);
}

int weft__heap_push(weft__heap *hp, weft_handle *h) {
  if (hp->len == hp->cap) {
    uint32_t cap = hp->cap ? hp->cap * 2 : 64;
    weft__heap_entry *items = weft__realloc(hp->items, cap * sizeof *items);
    if (!items) return WEFT_ENOMEM;
    hp->items = items;
    hp->cap = cap;
  }
  uint32_t i = hp->len++;
  hp->items[i] = (weft__heap_entry){h->when_, h->seq_, h};
  sift_up(hp, i);
  return 0;
}

weft_handle *weft__heap_min(const weft__heap *hp) { return hp->len ? hp->items[0].h : NULL; }

void weft__heap_remove(weft__heap *hp, weft_handle *h) {
  uint32_t i = h->heap_index_;
  weft__heap_entry last = hp->items[--hp->len];
  h->heap_index_ = UINT32_MAX;
  if (last.h == h) return;
  place(hp, i, last);
  if (i > 0 && less(&last, &hp->items[(i - 1) / 2]))
    sift_up(hp, i);
  else
    sift_down(hp, i);
}

void weft__heap_free(weft__heap *hp) {
  weft__free(hp->items);
  hp->items = NULL;
  hp->len = hp->cap = 0;
}
