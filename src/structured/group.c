/* Task groups.
 *
 * Each child is watched through a waiter on its task (no allocation per
 * completion); the waiting task awaits a private "signal" future that the
 * last child's completion resolves. As in wait and as_completed, awaiting a
 * plain future means the waiter's own cancellation needs no special case:
 * the signal is cancelled, the await returns WEFT_ECANCELED, and the wait
 * cancels the children and awaits a fresh signal until they have finished.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/internal.h"

#define GROUP_MAGIC 0x77656667u /* "wefg" */
#define GROUP_DEAD 0x64656667u

typedef struct weft__group_child {
  weft__waiter w;
  weft_group *g;
  weft_task *task;
  size_t index; /* spawn order */
  int status;
  intptr_t result;
  uint8_t done;
} child;

static int check(const weft_group *g) { return g && g->magic_ == GROUP_MAGIC ? 0 : WEFT_EINVAL; }

/* Closes the group and cancels the children still running, once: a child
 * already cleaning up after the first cancellation must not have its
 * cleanup cut by a second one (when the waiting task is cancelled after a
 * failure, say). */
static void cancel_kids(weft_group *g) {
  if (g->closing_) return;
  g->closing_ = 1;
  for (size_t i = 0; i < g->n_; i++)
    if (!g->kids_[i]->done && g->kids_[i]->task->state == WEFT_PENDING) weft_cancel(g->kids_[i]->task);
}

static void on_child_done(weft_future *f, void *arg) {
  child *c = arg;
  weft_group *g = c->g;
  c->done = 1;
  c->status = weft_future_result(f, &c->result);
  g->npending_--;
  if (c->status != 0 && c->status != WEFT_ECANCELED) {
    g->failed_[g->nfailed_++] = c->index;
    if (!g->first_err_) {
      g->first_err_ = c->status;
      cancel_kids(g);
      /* The owner is busy elsewhere in its body: interrupt it so it gets to
       * the wait (asyncio's TaskGroup does the same). */
      weft_task *o = g->owner_;
      if (o && !g->waiting_ && !g->waited_ && o->state == WEFT_PENDING) {
        g->owner_cancelled_ = 1;
        weft_cancel(o);
      }
    }
  }
  if (g->npending_ == 0 && g->sig_ && g->sig_->state == WEFT_PENDING) weft_future_resolve(g->sig_, 0);
}

int weft_group_init(weft_group *g, weft_loop *loop) {
  if (!g) return WEFT_EINVAL;
  if (!loop) loop = weft_running_loop();
  if (!loop || loop->magic != WEFT_MAGIC_LOOP) return WEFT_EINVAL;
  if (loop->closing) return WEFT_ECLOSED;
  memset(g, 0, sizeof *g);
  g->magic_ = GROUP_MAGIC;
  g->loop_ = loop;
  weft__task *t = weft__current();
  if (t && t->fut.loop == loop) g->owner_ = weft_retain(&t->fut);
  return 0;
}

int weft_group_spawn(weft_group *g, weft_task_fn fn, void *arg, const weft_task_options *opts, weft_task **out) {
  if (check(g) || !fn) return WEFT_EINVAL;
  if (g->closing_) return WEFT_ECLOSING;
  if (g->loop_->closing) return WEFT_ECLOSED;
  if (g->n_ == g->cap_) {
    size_t cap = g->cap_ ? g->cap_ * 2 : 8;
    child **kids = realloc(g->kids_, cap * sizeof *kids);
    if (!kids) return WEFT_ENOMEM;
    g->kids_ = kids;
    size_t *failed = realloc(g->failed_, cap * sizeof *failed);
    if (!failed) return WEFT_ENOMEM;
    g->failed_ = failed;
    g->cap_ = cap;
  }
  child *c = calloc(1, sizeof *c);
  if (!c) return WEFT_ENOMEM;
  weft_task *task = weft_spawn(g->loop_, fn, arg, opts);
  if (!task) {
    free(c);
    return WEFT_ENOMEM;
  }
  c->g = g;
  c->task = task; /* the group keeps the spawn reference */
  c->status = WEFT_EPENDING;
  c->index = g->n_;
  weft__waiter_add(task, &c->w, on_child_done, c);
  g->kids_[g->n_++] = c;
  g->npending_++;
  if (out) *out = task;
  return 0;
}

int weft_group_wait(weft_group *g) {
  weft__task *t = weft__current();
  if (!t) return WEFT_ENOTTASK;
  if (check(g)) return WEFT_EINVAL;
  if (g->waited_) return g->wait_rc_;
  if (g->waiting_) return WEFT_EBUSY;
  for (size_t i = 0; i < g->n_; i++)
    if (g->kids_[i]->task == &t->fut && !g->kids_[i]->done) return WEFT_EDEADLK;
  g->waiting_ = 1;
  if (g->owner_cancelled_ && g->owner_ == &t->fut) {
    /* The cancellation this group sent its owner has served its purpose. */
    g->owner_cancelled_ = 0;
    weft_uncancel();
  }
  int cancelled = 0;
  while (g->npending_ > 0) {
    g->sig_ = weft_future_new(g->loop_);
    int rc;
    if (g->sig_) {
      rc = weft_await(g->sig_, NULL);
      weft_release(g->sig_);
      g->sig_ = NULL;
    } else {
      rc = weft_yield(); /* out of memory: poll rather than let a child outlive the group */
    }
    if (rc == WEFT_ECANCELED) {
      cancelled = 1;
      cancel_kids(g);
    }
  }
  g->waiting_ = 0;
  g->waited_ = 1;
  g->closing_ = 1;
  g->wait_rc_ = cancelled ? WEFT_ECANCELED : g->first_err_;
  return g->wait_rc_;
}

int weft_group_cancel(weft_group *g) {
  if (check(g)) return WEFT_EINVAL;
  cancel_kids(g);
  return 0;
}

size_t weft_group_size(const weft_group *g) { return check(g) ? 0 : g->n_; }

static void outcome(const child *c, weft_group_outcome *out) {
  out->task = c->task;
  out->status = c->status;
  out->result = c->status == 0 ? c->result : 0;
}

int weft_group_outcome_at(const weft_group *g, size_t i, weft_group_outcome *out) {
  if (check(g) || !out || i >= g->n_) return WEFT_EINVAL;
  outcome(g->kids_[i], out);
  return 0;
}

size_t weft_group_failures(const weft_group *g, weft_group_outcome *out, size_t cap) {
  if (check(g)) return 0;
  for (size_t i = 0; out && i < cap && i < g->nfailed_; i++) outcome(g->kids_[g->failed_[i]], &out[i]);
  return g->nfailed_;
}

int weft_group_destroy(weft_group *g) {
  if (check(g)) return WEFT_EINVAL;
  if (g->waiting_) return WEFT_EBUSY;
  if (g->npending_ > 0) {
    cancel_kids(g);
    return WEFT_EBUSY;
  }
  for (size_t i = 0; i < g->n_; i++) {
    weft__waiter_remove(&g->kids_[i]->w);
    weft_release(g->kids_[i]->task);
    free(g->kids_[i]);
  }
  free(g->kids_);
  free(g->failed_);
  if (g->owner_) weft_release(g->owner_);
  memset(g, 0, sizeof *g);
  g->magic_ = GROUP_DEAD;
  return 0;
}

void weft__group_autoclose(weft_group **gp) {
  weft_group *g = *gp;
  if (!g) return;
  *gp = NULL;
  if (check(g)) return; /* the block destroyed it itself */
  if (!g->waited_) weft_group_wait(g);
  weft_group_destroy(g);
}
