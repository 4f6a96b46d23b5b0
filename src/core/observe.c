/* The loop's observer: the dispatchers the core and the tasks call (through
 * WEFT__TRACE, so only while the loop traces) and which hand each event to
 * the observer src/trace/trace.c installed with loop->trace. The core thus
 * reports to tracing without knowing it (internal.h: weft__observer). */
#include "internal.h"

void weft__trace_spawn(weft_loop *loop, weft__task *t) { loop->observer->spawn(loop, t); }
void weft__trace_resume(weft_loop *loop, weft__task *t) { loop->observer->resume(loop, t); }
void weft__trace_suspend(weft_loop *loop, weft__task *t, uint32_t other) { loop->observer->suspend(loop, t, other); }
void weft__trace_wake(weft_loop *loop, weft__task *t, uint32_t waker) { loop->observer->wake(loop, t, waker); }

void weft__trace_event(weft_loop *loop, int kind, uint32_t task, uint32_t other, int64_t value) {
  loop->observer->event(loop, kind, task, other, value);
}

void weft__trace_text(weft_loop *loop, int kind, uint32_t task, int32_t code, const char *text) {
  loop->observer->text(loop, kind, task, code, text);
}

void weft__trace_finish(weft_loop *loop, weft__task *t, int ran) { loop->observer->finish(loop, t, ran); }
void weft__trace_release(weft_future *f) { f->loop->observer->release(f); }

void weft__trace_free(weft_loop *loop) { loop->observer->free(loop); }

WEFT__NOT_INLINED(weft__trace_spawn)
WEFT__NOT_INLINED(weft__trace_resume)
WEFT__NOT_INLINED(weft__trace_suspend)
WEFT__NOT_INLINED(weft__trace_wake)
WEFT__NOT_INLINED(weft__trace_event)
WEFT__NOT_INLINED(weft__trace_text)
WEFT__NOT_INLINED(weft__trace_finish)
WEFT__NOT_INLINED(weft__trace_release)
WEFT__NOT_INLINED(weft__trace_free)

uint32_t weft__actor(const weft_loop *loop) {
  if (loop->current) return loop->current->id;
  return loop->finishing;
}
