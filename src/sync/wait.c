/* The waiter lists and the one suspension point shared by every
 * synchronisation primitive. */
#include <string.h>

#include "sync_internal.h"

void weft__sync_list_init(weft__sync_list *l) { l->head.next = l->head.prev = &l->head; }

int weft__sync_list_empty(const weft__sync_list *l) { return l->head.next == &l->head; }

int weft__sync_check_task(weft_loop *loop) {
  weft__task *t = weft__current();
  if (!t) return WEFT_ENOTTASK;
  if (t->fut.loop != loop) return WEFT_EINVAL;
  return 0;
}

int weft__sync_enqueue(weft__sync_list *l, weft__sync_node *n, weft_loop *loop) {
  n->fut = weft_future_new(loop);
  if (!n->fut) return loop->closing ? WEFT_ECLOSED : WEFT_ENOMEM;
  n->status = 0;
  n->prev = l->head.prev;
  n->next = &l->head;
  l->head.prev->next = n;
  l->head.prev = n;
  return 0;
}

/* The trace's name for a primitive's wait; a Waiter is a countdown future. */
static weft_trace_reason reason_of(const char *reason) {
  static const struct { const char *name; weft_trace_reason reason; } names[] = {
    {"event", WEFT_REASON_EVENT},         {"lock", WEFT_REASON_LOCK},
    {"semaphore", WEFT_REASON_SEMAPHORE}, {"condition", WEFT_REASON_CONDITION},
    {"queue", WEFT_REASON_QUEUE},
  };
  for (size_t i = 0; reason && i < sizeof names / sizeof names[0]; i++)
    if (strcmp(reason, names[i].name) == 0) return names[i].reason;
  return WEFT_REASON_FUTURE;
}

int weft__sync_wait(weft_future *f, const char *reason) {
  weft__trace_reason(reason_of(reason));
  return weft_await(f, NULL);
}

int weft__sync_block(weft__sync_list *l, weft__sync_node *n, weft_loop *loop, const char *reason, int *handed) {
  int rc = weft__sync_enqueue(l, n, loop);
  if (rc) {
    if (handed) *handed = 0;
    return rc;
  }
  rc = weft__sync_wait(n->fut, reason);
  int status = n->status, got = weft__sync_handed(n);
  weft__sync_leave(n);
  if (handed) *handed = status ? 0 : got;
  return status ? status : rc;
}

int weft__sync_handed(const weft__sync_node *n) { return weft_future_state_of(n->fut) == WEFT_RESOLVED; }

static void unlink_node(weft__sync_node *n) {
  if (!n->next) return;
  n->prev->next = n->next;
  n->next->prev = n->prev;
  n->next = n->prev = NULL;
}

void weft__sync_leave(weft__sync_node *n) {
  unlink_node(n);
  if (n->fut) weft_release(n->fut);
  n->fut = NULL;
}

weft__sync_node *weft__sync_first_waiting(weft__sync_list *l) {
  for (weft__sync_node *n = l->head.next; n != &l->head; n = n->next)
    if (n->fut->state == WEFT_PENDING) return n;
  return NULL;
}

void weft__sync_wake(weft__sync_node *n) { weft_future_resolve(n->fut, 0); }

int weft__sync_fail_all(weft__sync_list *l, int status) {
  int count = 0;
  while (!weft__sync_list_empty(l)) {
    weft__sync_node *n = l->head.next;
    n->status = status;
    if (n->fut->state == WEFT_PENDING) weft_future_fail(n->fut, status);
    unlink_node(n);
    count++;
  }
  return count;
}
