/* Queue (asyncio.Queue, LifoQueue, PriorityQueue; shutdown as in 3.13).
 *
 * FIFO fairness by hand-off, both ways:
 * - an item put while getters wait goes straight to the first getter
 *   (`handed` counts such items until their getter runs; they still count
 *   in qsize, as asyncio counts an item its woken getter has not taken);
 * - a slot freed while putters wait is reserved for the first putter
 *   (`reserved`), which puts its item when it runs; a later put_nowait
 *   finds the queue full.
 * A getter cancelled after an item was handed to it puts the item back in
 * its insertion-order place (as if never taken) and hands it on; a putter cancelled after a
 * slot was reserved for it passes the slot on and has put nothing.
 *
 * Storage: a ring buffer (FIFO, LIFO) or a binary min-heap on
 * (priority, insertion sequence). Its capacity is kept at least
 * len + handed, so putting a handed item back never needs memory. */
#include <stdlib.h>

#include "sync_internal.h"

typedef struct entry {
  intptr_t value;
  int64_t priority;
  uint64_t seq;
} entry;

struct weft_queue {
  weft_loop *loop;
  weft_queue_kind kind;
  size_t maxsize;
  entry *items;
  size_t cap, head, len; /* ring buffer: items[(head + i) % cap]; heap: items[i] */
  size_t handed, reserved, unfinished;
  uint64_t seq;
  int shutdown;
  weft__sync_list getters, putters, joiners;
};

/* --- storage ------------------------------------------------------------- */

static int reserve(weft_queue *q, size_t need) {
  if (need <= q->cap) return 0;
  size_t cap = q->cap ? q->cap * 2 : 8;
  while (cap < need) cap *= 2;
  entry *items = weft__malloc(cap * sizeof *items);
  if (!items) return WEFT_ENOMEM;
  if (q->kind == WEFT_QUEUE_PRIORITY) {
    for (size_t i = 0; i < q->len; i++) items[i] = q->items[i];
  } else {
    for (size_t i = 0; i < q->len; i++) items[i] = q->items[(q->head + i) % q->cap];
    q->head = 0;
  }
  weft__free(q->items);
  q->items = items;
  q->cap = cap;
  return 0;
}

static int before(const entry *a, const entry *b) {
  return a->priority < b->priority || (a->priority == b->priority && a->seq < b->seq);
}

static void heap_push(weft_queue *q, entry e) {
  size_t i = q->len++;
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!before(&e, &q->items[parent])) break;
    q->items[i] = q->items[parent];
    i = parent;
  }
  q->items[i] = e;
}

static entry heap_pop(weft_queue *q) {
  entry top = q->items[0], last = q->items[--q->len];
  size_t i = 0;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= q->len) break;
    if (c + 1 < q->len && before(&q->items[c + 1], &q->items[c])) c++;
    if (!before(&q->items[c], &last)) break;
    q->items[i] = q->items[c];
    i = c;
  }
  if (q->len) q->items[i] = last;
  return top;
}

/* Capacity must already be there (reserve). */
static void insert(weft_queue *q, entry e) {
  if (q->kind == WEFT_QUEUE_PRIORITY)
    heap_push(q, e);
  else
    q->items[(q->head + q->len++) % q->cap] = e;
}

/* An item taken out goes back where it was: ring buffers are in insertion
 * order (seq ascending from the head), so it goes to its seq's place,
 * usually the very front (FIFO) or top (LIFO); a heap orders by seq
 * anyway. */
static void put_back(weft_queue *q, entry e) {
  if (q->kind == WEFT_QUEUE_PRIORITY) {
    heap_push(q, e);
    return;
  }
  size_t cap = q->cap, i;
#define AT(k) q->items[(q->head + (k)) % cap]
  if (q->kind == WEFT_QUEUE_FIFO) { /* open a slot at the front, move older entries into it */
    q->head = (q->head + cap - 1) % cap;
    for (i = 0; i < q->len && AT(i + 1).seq < e.seq; i++) AT(i) = AT(i + 1);
  } else { /* open a slot at the top, move newer entries up */
    for (i = q->len; i > 0 && AT(i - 1).seq > e.seq; i--) AT(i) = AT(i - 1);
  }
  AT(i) = e;
#undef AT
  q->len++;
}

static entry take(weft_queue *q) {
  if (q->kind == WEFT_QUEUE_PRIORITY) return heap_pop(q);
  if (q->kind == WEFT_QUEUE_LIFO) return q->items[(q->head + --q->len) % q->cap];
  entry e = q->items[q->head];
  q->head = (q->head + 1) % q->cap;
  q->len--;
  return e;
}

/* --- hand-off ------------------------------------------------------------ */

static int is_full(const weft_queue *q) { return q->maxsize && q->len + q->handed + q->reserved >= q->maxsize; }

/* An item enters the queue: to the first waiting getter, else storage. */
static void deliver(weft_queue *q, entry e) {
  weft__sync_node *g = weft__sync_first_waiting(&q->getters);
  if (g) {
    g->value = e.value;
    g->priority = e.priority;
    g->seq = e.seq;
    q->handed++;
    weft__sync_wake(g);
  } else {
    insert(q, e);
  }
}

/* Stored items go to waiting getters (after an item was put back). */
static void feed_getters(weft_queue *q) {
  while (q->len && weft__sync_first_waiting(&q->getters)) deliver(q, take(q));
}

/* Free slots go to waiting putters, in order. */
static void refill(weft_queue *q) {
  for (weft__sync_node *p; !is_full(q) && (p = weft__sync_first_waiting(&q->putters));) {
    q->reserved++;
    weft__sync_wake(p);
  }
}

static void wake_joiners(weft_queue *q) {
  for (weft__sync_node *j; (j = weft__sync_first_waiting(&q->joiners));) weft__sync_wake(j);
}

/* --- public API ---------------------------------------------------------- */

weft_queue *weft_queue_new(weft_loop *loop, weft_queue_kind kind, size_t maxsize) {
  if (!loop) loop = weft_running_loop();
  if (!loop || (kind != WEFT_QUEUE_FIFO && kind != WEFT_QUEUE_LIFO && kind != WEFT_QUEUE_PRIORITY)) return NULL;
  weft_queue *q = weft__calloc(1, sizeof *q);
  if (!q) return NULL;
  q->loop = loop;
  q->kind = kind;
  q->maxsize = maxsize;
  weft__sync_list_init(&q->getters);
  weft__sync_list_init(&q->putters);
  weft__sync_list_init(&q->joiners);
  return q;
}

int weft_queue_free(weft_queue *q) {
  if (!q) return WEFT_EINVAL;
  int n = weft__sync_fail_all(&q->getters, WEFT_EFREED);
  n += weft__sync_fail_all(&q->putters, WEFT_EFREED);
  n += weft__sync_fail_all(&q->joiners, WEFT_EFREED);
  weft__free(q->items);
  weft__free(q);
  return n;
}

static int add(weft_queue *q, int64_t priority, intptr_t value) {
  int rc = reserve(q, q->len + q->handed + 1);
  if (rc) return rc;
  q->unfinished++;
  entry e = {value, q->kind == WEFT_QUEUE_PRIORITY ? priority : 0, q->seq++};
  deliver(q, e);
  return 0;
}

int weft_queue_put_priority_nowait(weft_queue *q, int64_t priority, intptr_t value) {
  if (!q) return WEFT_EINVAL;
  if (q->shutdown) return WEFT_ESHUTDOWN;
  if (is_full(q)) return WEFT_EQUEUEFULL;
  return add(q, priority, value);
}

int weft_queue_put_nowait(weft_queue *q, intptr_t value) { return weft_queue_put_priority_nowait(q, 0, value); }

int weft_queue_put_priority(weft_queue *q, int64_t priority, intptr_t value) {
  if (!q) return WEFT_EINVAL;
  int rc = weft__sync_check_task(q->loop);
  if (rc) return rc;
  if (q->shutdown) return WEFT_ESHUTDOWN;
  if (!is_full(q)) return add(q, priority, value);
  weft__sync_node n;
  int handed;
  rc = weft__sync_block(&q->putters, &n, q->loop, "queue", &handed);
  if (!handed) return rc; /* a status (WEFT_EFREED), WEFT_ECANCELED, WEFT_ESHUTDOWN */
  q->reserved--; /* our slot: use it, or pass it on */
  if (rc == 0 && q->shutdown) rc = WEFT_ESHUTDOWN;
  if (rc == 0) rc = add(q, priority, value);
  if (rc) refill(q);
  return rc;
}

int weft_queue_put(weft_queue *q, intptr_t value) { return weft_queue_put_priority(q, 0, value); }

static void give(entry e, int64_t *priority, intptr_t *value) {
  if (priority) *priority = e.priority;
  if (value) *value = e.value;
}

int weft_queue_get_priority_nowait(weft_queue *q, int64_t *priority, intptr_t *value) {
  if (!q) return WEFT_EINVAL;
  if (!q->len) return q->shutdown ? WEFT_ESHUTDOWN : WEFT_EQUEUEEMPTY;
  give(take(q), priority, value);
  refill(q);
  return 0;
}

int weft_queue_get_nowait(weft_queue *q, intptr_t *value) { return weft_queue_get_priority_nowait(q, NULL, value); }

int weft_queue_get_priority(weft_queue *q, int64_t *priority, intptr_t *value) {
  if (!q) return WEFT_EINVAL;
  int rc = weft__sync_check_task(q->loop);
  if (rc) return rc;
  if (q->len || q->shutdown) return weft_queue_get_priority_nowait(q, priority, value);
  weft__sync_node n;
  int handed;
  rc = weft__sync_block(&q->getters, &n, q->loop, "queue", &handed);
  /* A status: freed, or the item was discarded by an immediate shutdown;
   * else WEFT_ECANCELED, WEFT_ESHUTDOWN. */
  if (!handed) return rc;
  q->handed--;
  entry e = {n.value, n.priority, n.seq};
  if (rc) { /* cancelled as the item reached us: it goes back, to the next getter if any */
    put_back(q, e);
    feed_getters(q);
    return rc;
  }
  give(e, priority, value);
  refill(q);
  return 0;
}

int weft_queue_get(weft_queue *q, intptr_t *value) { return weft_queue_get_priority(q, NULL, value); }

int weft_queue_task_done(weft_queue *q) {
  if (!q) return WEFT_EINVAL;
  if (!q->unfinished) return WEFT_ENOTACQUIRED;
  if (--q->unfinished == 0) wake_joiners(q);
  return 0;
}

int weft_queue_join(weft_queue *q) {
  if (!q) return WEFT_EINVAL;
  int rc = weft__sync_check_task(q->loop);
  if (rc) return rc;
  if (!q->unfinished) return 0;
  weft__sync_node n;
  return weft__sync_block(&q->joiners, &n, q->loop, "queue", NULL);
}

size_t weft_queue_qsize(const weft_queue *q) { return q ? q->len + q->handed : 0; }

int weft_queue_empty(const weft_queue *q) { return weft_queue_qsize(q) == 0; }

int weft_queue_full(const weft_queue *q) { return q ? is_full(q) : 0; }

size_t weft_queue_maxsize(const weft_queue *q) { return q ? q->maxsize : 0; }

int weft_queue_is_shutdown(const weft_queue *q) { return q ? q->shutdown : 0; }

static void fail_waiting(weft__sync_list *l, int code) {
  for (weft__sync_node *n; (n = weft__sync_first_waiting(l));) weft_future_fail(n->fut, code);
}

int weft_queue_shutdown(weft_queue *q, int immediate) {
  if (!q) return WEFT_EINVAL;
  q->shutdown = 1;
  if (immediate) {
    size_t discarded = q->len;
    q->len = 0;
    q->head = 0;
    /* Items handed to getters that have not run yet are discarded too. */
    for (weft__sync_node *n = q->getters.head.next; n != &q->getters.head; n = n->next) {
      if (!n->status && weft__sync_handed(n)) {
        n->status = WEFT_ESHUTDOWN;
        q->handed--;
        discarded++;
      }
    }
    q->unfinished = discarded < q->unfinished ? q->unfinished - discarded : 0;
    if (!q->unfinished) wake_joiners(q);
  }
  fail_waiting(&q->getters, WEFT_ESHUTDOWN);
  fail_waiting(&q->putters, WEFT_ESHUTDOWN);
  return 0;
}
