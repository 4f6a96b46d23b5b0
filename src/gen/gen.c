/* Async generators (include/weft/gen.h).
 *
 * The body runs as a task of its own (gen_main). Two futures carry the
 * hand-offs, each created by the side that waits on it:
 *   - `stop`: the consumer (anext, aclose) waits on it until the body reaches
 *     its next yield or its end;
 *   - `resume`: the body, parked in weft_gen_yield, waits on it until the
 *     consumer asks for the next value (CMD_NEXT) or closes it (CMD_CLOSE).
 * The value itself travels in the struct, so a value yielded while nobody
 * waits (the consumer's anext was cancelled) is kept for the next anext.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/internal.h"
#include "weft/gen.h"

#define WEFT_MAGIC_AITER 0x77656169u /* "weai" (iter.c) */

enum { G_NEW, G_RUNNING, G_SUSPENDED, G_FINISHED };
enum { CMD_NEXT = 0, CMD_CLOSE = 1 };
/* Why the machinery waits (see gen_wait). */
enum { WAIT_STOP, WAIT_RESUME };

typedef struct gen {
  weft_aiter base; /* first: a generator is an iterator */
  weft_loop *loop;
  weft_gen_fn fn;
  void *arg;
  char name[48];
  size_t stack_size, asyncify_size;
  weft_task *task;      /* our reference, from the start to the end of the body */
  weft__waiter endw;    /* on `task`: notices a task that ended without running the body */
  int state;
  weft_future *stop;    /* borrowed: the consumer's, while it waits */
  weft_future *resume;  /* borrowed: the body's, while it is parked */
  intptr_t value;
  int has_value;
  int end_rc;           /* WEFT_EDONE or the body's error, once finished */
  int end_reported;
  int closing;          /* the close was delivered to the body */
  int ignored_close;    /* ... and it yielded again */
  int freed;            /* weft_aiter_free ran: free the memory when the body ends */
  int consumer_cancels; /* cancellations the consumer passed on to the body */
  uint32_t consumer_id; /* the task last waiting in anext (the trace's yield_value) */
} gen;

static intptr_t gen_main(void *arg);

/* Every suspension of the generator machinery goes through here: the
 * consumer waiting for the body (WAIT_STOP) and the body parked at a yield
 * (WAIT_RESUME). Tracing tags these waits (reason 'generator', and the
 * yielded value) in this one place. */
static int gen_wait(gen *g, weft_future *f, int why, intptr_t *out) {
  weft__task *self = weft__current();
  if (why == WAIT_STOP && self) {
    g->consumer_id = self->id;
  } else if (why == WAIT_RESUME && self) {
    WEFT__TRACE(g->loop, weft__trace_yield_value(g->loop, self->id, g->consumer_id, g->value, NULL));
  }
  weft__trace_reason(WEFT_REASON_GENERATOR);
  return weft_await(f, out);
}

static void gen_destroy(gen *g) {
  g->base.magic_ = WEFT_MAGIC_DEAD;
  weft__free(g);
}

static void signal_stop(gen *g) {
  if (g->stop && !weft_future_done(g->stop)) weft_future_resolve(g->stop, 0);
}

/* The body ended (from inside its task), or its task ended without running
 * it (on_task_end). */
static void gen_finished(gen *g, int rc) {
  g->state = G_FINISHED;
  g->has_value = 0;
  g->end_rc = rc;
  signal_stop(g);
}

static void on_task_end(weft_future *f, void *arg) {
  gen *g = arg;
  /* Cancelled before its first step: asyncio closes an unstarted generator
   * that gets an exception thrown in; the consumer saw WEFT_ECANCELED. */
  gen_finished(g, WEFT_EDONE);
  g->end_reported = 1;
  g->task = NULL;
  weft_release(f);
  if (g->freed) gen_destroy(g);
}

static intptr_t gen_main(void *arg) {
  gen *g = arg;
  int rc = g->fn(g->arg);
  if (rc > 0) rc = 0;
  if (rc == WEFT_ECLOSING && g->closing) rc = 0;
  if (g->ignored_close) rc = WEFT_EYIELD;
  gen_finished(g, rc ? rc : WEFT_EDONE);
  /* The cancellation the consumer passed on came back out: the consumer
   * has had its WEFT_ECANCELED already. */
  if (rc == WEFT_ECANCELED && g->consumer_cancels) g->end_reported = 1;
  weft__waiter_remove(&g->endw);
  weft_task *t = g->task;
  g->task = NULL;
  if (g->freed) gen_destroy(g);
  weft_release(t); /* ours; the loop keeps its own until the task finishes */
  return 0;
}

/* Wakes the parked body with `cmd`. */
static void gen_resume(gen *g, intptr_t cmd) {
  if (cmd == CMD_CLOSE) {
    g->closing = 1;
    g->has_value = 0;
  }
  g->state = G_RUNNING;
  weft_future *r = g->resume;
  g->resume = NULL;
  if (r) weft_future_resolve(r, cmd);
}

/* The consumer waits until the running body stops (yield or end). On
 * cancellation the body's current await is cancelled too. */
static int wait_stop(gen *g) {
  weft_future *f = weft_future_new(g->loop);
  if (!f) return WEFT_ENOMEM;
  g->stop = f;
  int rc = gen_wait(g, f, WAIT_STOP, NULL);
  if (g->stop == f) g->stop = NULL;
  weft_release(f);
  if (rc && g->state == G_RUNNING && g->task) {
    g->consumer_cancels++;
    weft_cancel(g->task);
  }
  return rc;
}

static int report_end(gen *g) {
  if (g->end_reported) return WEFT_EDONE;
  g->end_reported = 1;
  return g->end_rc;
}

static int gen_anext(weft_aiter *it, intptr_t *value) {
  gen *g = (gen *)it;
  if (g->state == G_FINISHED) return report_end(g);
  if (!(g->state == G_SUSPENDED && g->has_value)) {
    if (!weft_current()) return WEFT_ENOTTASK;
    if (g->state == G_NEW) {
      weft_task_options o = {.name = g->name, .stack_size = g->stack_size, .asyncify_size = g->asyncify_size};
      g->task = weft_spawn(g->loop, gen_main, g, &o);
      if (!g->task) return WEFT_ENOMEM;
      weft__waiter_add(g->task, &g->endw, on_task_end, g);
      g->state = G_RUNNING;
    } else if (g->state == G_SUSPENDED) {
      gen_resume(g, CMD_NEXT);
    }
    int rc = wait_stop(g);
    if (rc) return rc;
    if (g->state == G_FINISHED) return report_end(g);
  }
  *value = g->value;
  g->has_value = 0;
  return 0;
}

static int gen_aclose(weft_aiter *it) {
  gen *g = (gen *)it;
  if (g->state == G_NEW) {
    gen_finished(g, WEFT_EDONE);
    g->end_reported = 1;
    return 0;
  }
  if (g->state == G_FINISHED) return 0;
  if (!weft_current()) return WEFT_ENOTTASK;
  int rc;
  /* Still running after a cancelled anext: let it reach its next stop. */
  if (g->state == G_RUNNING && (rc = wait_stop(g)) != 0) return rc;
  if (g->state == G_SUSPENDED) {
    gen_resume(g, CMD_CLOSE);
    if ((rc = wait_stop(g)) != 0) return rc;
  }
  g->end_reported = 1;
  return g->end_rc == WEFT_EDONE ? 0 : g->end_rc;
}

static void gen_free(weft_aiter *it) {
  gen *g = (gen *)it;
  if (g->state == G_NEW || g->state == G_FINISHED) {
    if (g->task) { /* ended while the loop was shutting down: on_task_end never ran */
      weft__waiter_remove(&g->endw);
      weft_release(g->task);
    }
    gen_destroy(g);
    return;
  }
  /* Still alive: close it in the background (asyncio's finaliser hook
   * schedules aclose the same way); gen_main frees the memory. */
  g->freed = 1;
  if (g->state == G_SUSPENDED) gen_resume(g, CMD_CLOSE);
}

static const weft_aiter_vt gen_vt = {gen_anext, gen_aclose, gen_free};

weft_aiter *weft_gen_new(weft_loop *loop, weft_gen_fn fn, void *arg, const weft_task_options *opts) {
  if (!loop) loop = weft_running_loop();
  if (!fn || !loop || loop->magic != WEFT_MAGIC_LOOP || loop->closing) return NULL;
  gen *g = weft__calloc(1, sizeof *g);
  if (!g) return NULL;
  weft_aiter_init(&g->base, &gen_vt);
  g->loop = loop;
  g->fn = fn;
  g->arg = arg;
  snprintf(g->name, sizeof g->name, "%s", opts && opts->name ? opts->name : "generator");
  g->stack_size = opts ? opts->stack_size : 0;
  g->asyncify_size = opts ? opts->asyncify_size : 0;
  g->state = G_NEW;
  return &g->base;
}

int weft_gen_yield(intptr_t value) {
  weft__task *t = weft__current();
  if (!t) return WEFT_ENOTTASK;
  if (t->fn != gen_main) return WEFT_EINVAL;
  gen *g = t->arg;
  if (g->closing) { /* asyncio: "async generator ignored GeneratorExit" */
    g->ignored_close = 1;
    return WEFT_ECLOSING;
  }
  if (g->freed) { /* freed while running: this yield is where it learns */
    g->closing = 1;
    return WEFT_ECLOSING;
  }
  /* A cancellation the consumer passed on has been dealt with by now (the
   * body handled the WEFT_ECANCELED, or never awaited since): it must not
   * hit the wait below. */
  for (; g->consumer_cancels > 0; g->consumer_cancels--) weft_uncancel();
  weft_future *r = weft_future_new(g->loop);
  if (!r) return WEFT_ENOMEM;
  g->value = value;
  g->has_value = 1;
  g->state = G_SUSPENDED;
  g->resume = r;
  signal_stop(g);
  intptr_t cmd = CMD_NEXT;
  int rc = gen_wait(g, r, WAIT_RESUME, &cmd);
  if (g->resume == r) g->resume = NULL;
  weft_release(r);
  g->state = G_RUNNING;
  if (rc) {
    /* Our own task was cancelled while parked: nobody else holds it, so the
     * loop is shutting down (asyncio's shutdown_asyncgens): close. */
    while (weft_cancelling(&t->fut) > 0) weft_uncancel();
    g->closing = 1;
    g->has_value = 0;
    return WEFT_ECLOSING;
  }
  return cmd == CMD_CLOSE ? WEFT_ECLOSING : 0;
}

int weft_is_gen(const weft_aiter *it) { return it && it->magic_ == WEFT_MAGIC_AITER && it->vt_ == &gen_vt; }

weft_task *weft_gen_task(const weft_aiter *it) {
  if (!weft_is_gen(it)) return NULL;
  const gen *g = (const gen *)it;
  return g->state == G_RUNNING || g->state == G_SUSPENDED ? g->task : NULL;
}
