/* Event (asyncio.Event). */
#include <stdlib.h>

#include "sync_internal.h"

struct weft_event {
  weft_loop *loop;
  int is_set;
  weft__sync_list waiters;
};

weft_event *weft_event_new(weft_loop *loop) {
  if (!loop) loop = weft_running_loop();
  if (!loop) return NULL;
  weft_event *e = weft__calloc(1, sizeof *e);
  if (!e) return NULL;
  e->loop = loop;
  weft__sync_list_init(&e->waiters);
  return e;
}

int weft_event_free(weft_event *e) {
  if (!e) return WEFT_EINVAL;
  int n = weft__sync_fail_all(&e->waiters, WEFT_EFREED);
  weft__free(e);
  return n;
}

int weft_event_set(weft_event *e) {
  if (!e) return WEFT_EINVAL;
  if (e->is_set) return 0;
  e->is_set = 1;
  for (weft__sync_node *n; (n = weft__sync_first_waiting(&e->waiters));) weft__sync_wake(n);
  return 0;
}

int weft_event_clear(weft_event *e) {
  if (!e) return WEFT_EINVAL;
  e->is_set = 0;
  return 0;
}

int weft_event_is_set(const weft_event *e) { return e ? e->is_set : 0; }

int weft_event_wait(weft_event *e) {
  if (!e) return WEFT_EINVAL;
  int rc = weft__sync_check_task(e->loop);
  if (rc) return rc;
  if (e->is_set) return 0;
  weft__sync_node n;
  return weft__sync_block(&e->waiters, &n, e->loop, "event", NULL);
}
