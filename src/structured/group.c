/* Task groups.
 *
 * The caller's weft_group only points to the group's state (the "core"),
 * which lives on the heap: children's watchers and the owner task refer to
 * the core, never to the caller's storage, so a group left on the stack of a
 * task that finished without destroying it cannot be written through later.
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

typedef struct weft__group_core core;
static void groups_abandon(weft__task *t);

typedef struct child {
  weft__waiter w;
  core *g;
  weft_task *task;
  size_t index; /* spawn order */
  int status;
  intptr_t result;
  uint8_t done;
} child;

struct weft__group_core {
  uint8_t closing, waiting, waited, owner_cancelled;
  int first_err, wait_rc;
  weft_loop *loop;
  weft__task *owner;     /* retained; NULL when made outside a task */
  const weft_group *pub; /* the storage it was initialised in */
  core *next_owned;      /* the owner's list (weft__task.groups) */
  child **kids;
  size_t n, cap, npending, nfailed;
  size_t *failed;        /* indices of failed children, in failure order */
  weft_future *sig;
};

static core *get(const weft_group *g) { return g && g->magic_ == GROUP_MAGIC ? g->core_ : NULL; }

/* Closes the group and cancels the children still running, once: a child
 * already cleaning up after the first cancellation must not have its
 * cleanup cut by a second one (when the waiting task is cancelled after a
 * failure, say). */
static void cancel_kids(core *g) {
  if (g->closing) return;
  g->closing = 1;
  for (size_t i = 0; i < g->n; i++)
    if (!g->kids[i]->done && g->kids[i]->task->state == WEFT_PENDING) weft_cancel(g->kids[i]->task);
}

static void on_child_done(weft_future *f, void *arg) {
  child *c = arg;
  core *g = c->g;
  c->done = 1;
  c->status = weft_future_result(f, &c->result);
  g->npending--;
  if (c->status != 0 && c->status != WEFT_ECANCELED) {
    g->failed[g->nfailed++] = c->index;
    if (!g->first_err) {
      g->first_err = c->status;
      cancel_kids(g);
      /* The owner is busy elsewhere in its body: interrupt it so it gets to
       * the wait (asyncio's TaskGroup does the same). */
      weft__task *o = g->owner;
      if (o && !g->waiting && !g->waited && o->fut.state == WEFT_PENDING) {
        g->owner_cancelled = 1;
        weft_cancel(&o->fut);
      } else if (g->waiting && g->sig && g->sig->state == WEFT_PENDING) {
        /* asyncio cancels the parent in __aexit__'s wait too: it wakes one
         * iteration later and waits again for the children still running.
         * The wake-up, without the cancellation (which __aexit__ takes
         * back), keeps the order of what runs after it. */
        weft_future_resolve(g->sig, 0);
      }
    }
  }
  if (g->npending == 0 && g->sig && g->sig->state == WEFT_PENDING) weft_future_resolve(g->sig, 0);
}

int weft_group_init(weft_group *g, weft_loop *loop) {
  if (!g) return WEFT_EINVAL;
  if (!loop) loop = weft_running_loop();
  if (!loop || loop->magic != WEFT_MAGIC_LOOP) return WEFT_EINVAL;
  if (loop->closing) return WEFT_ECLOSED;
  /* `*g` is not read: before the first init it is uninitialised storage. A
   * live group is recognised among those the current task owns. */
  weft__task *t = weft__current();
  for (core *o = t ? t->groups : NULL; o; o = o->next_owned)
    if (o->pub == g) return WEFT_EBUSY;
  core *c = weft__calloc(1, sizeof *c);
  if (!c) return WEFT_ENOMEM;
  c->loop = loop;
  c->pub = g;
  if (t && t->fut.loop == loop) {
    weft_retain(&t->fut);
    c->owner = t;
    c->next_owned = t->groups;
    t->groups = c;
    loop->task_exit = groups_abandon; /* the task's exit tears down what it left */
  }
  g->magic_ = GROUP_MAGIC;
  g->core_ = c;
  return 0;
}

int weft_group_spawn(weft_group *gp, weft_task_fn fn, void *arg, const weft_task_options *opts, weft_task **out) {
  core *g = get(gp);
  if (!g || !fn) return WEFT_EINVAL;
  if (g->closing) return WEFT_ECLOSING;
  if (g->loop->closing) return WEFT_ECLOSED;
  if (g->n == g->cap) {
    size_t cap = g->cap ? g->cap * 2 : 8;
    child **kids = weft__realloc(g->kids, cap * sizeof *kids);
    if (!kids) return WEFT_ENOMEM;
    g->kids = kids;
    size_t *failed = weft__realloc(g->failed, cap * sizeof *failed);
    if (!failed) return WEFT_ENOMEM;
    g->failed = failed;
    g->cap = cap;
  }
  child *c = weft__calloc(1, sizeof *c);
  if (!c) return WEFT_ENOMEM;
  weft_task *task = weft_spawn(g->loop, fn, arg, opts);
  if (!task) {
    weft__free(c);
    return WEFT_ENOMEM;
  }
  c->g = g;
  c->task = task; /* the group keeps the spawn reference */
  c->index = g->n;
  c->status = WEFT_EPENDING;
  weft__waiter_add(task, &c->w, on_child_done, c);
  g->kids[g->n++] = c;
  g->npending++;
  if (out) *out = task;
  return 0;
}

int weft_group_wait(weft_group *gp) {
  weft__task *t = weft__current();
  if (!t) return WEFT_ENOTTASK;
  core *g = get(gp);
  if (!g) return WEFT_EINVAL;
  if (g->waited) return g->wait_rc;
  if (g->waiting) return WEFT_EBUSY;
  for (size_t i = 0; i < g->n; i++)
    if (g->kids[i]->task == &t->fut && !g->kids[i]->done) return WEFT_EDEADLK;
  g->waiting = 1;
  if (g->owner_cancelled && g->owner == t) {
    /* The cancellation this group sent its owner has served its purpose. */
    g->owner_cancelled = 0;
    weft_uncancel();
  }
  int cancelled = 0;
  while (g->npending > 0) {
    g->sig = weft_future_new(g->loop);
    int rc;
    if (g->sig) {
      rc = weft_await(g->sig, NULL);
      weft_release(g->sig);
      g->sig = NULL;
    } else {
      rc = weft_yield(); /* out of memory: poll rather than let a child outlive the group */
    }
    if (rc == WEFT_ECANCELED) {
      cancelled = 1;
      cancel_kids(g);
    }
  }
  g->waiting = 0;
  g->waited = 1;
  g->closing = 1;
  /* asyncio's TaskGroup.__aexit__: the children's errors win over a
   * cancellation of the waiting task (it raises the ExceptionGroup); the
   * request stays counted, so the cancellation is not lost. */
  g->wait_rc = g->first_err ? g->first_err : cancelled ? WEFT_ECANCELED : 0;
  /* ... and 3.14's re-cancels the parent then, so that the cancellation is
   * delivered again at its next await. */
  if (g->first_err && t->cancel_requests > 0 && t->shield_depth == 0) t->must_cancel = 1;
  return g->wait_rc;
}

int weft_group_cancel(weft_group *gp) {
  core *g = get(gp);
  if (!g) return WEFT_EINVAL;
  cancel_kids(g);
  return 0;
}

size_t weft_group_size(const weft_group *gp) {
  core *g = get(gp);
  return g ? g->n : 0;
}

static void outcome(const child *c, weft_group_outcome *out) {
  out->task = c->task;
  out->status = c->status;
  out->result = c->status == 0 ? c->result : 0;
}

int weft_group_outcome_at(const weft_group *gp, size_t i, weft_group_outcome *out) {
  core *g = get(gp);
  if (!g || !out || i >= g->n) return WEFT_EINVAL;
  outcome(g->kids[i], out);
  return 0;
}

size_t weft_group_failures(const weft_group *gp, weft_group_outcome *out, size_t cap) {
  core *g = get(gp);
  if (!g) return 0;
  for (size_t i = 0; out && i < cap && i < g->nfailed; i++) outcome(g->kids[g->failed[i]], &out[i]);
  return g->nfailed;
}

static void disown(core *g) {
  if (!g->owner) return;
  for (core **p = &g->owner->groups; *p; p = &(*p)->next_owned)
    if (*p == g) {
      *p = g->next_owned;
      break;
    }
  weft_release(&g->owner->fut);
  g->owner = NULL;
  g->next_owned = NULL;
}

/* Frees the core, finished children or not (a running child only loses the
 * group's reference and its watcher). */
static void free_core(core *g) {
  for (size_t i = 0; i < g->n; i++) {
    weft__waiter_remove(&g->kids[i]->w);
    weft_release(g->kids[i]->task);
    weft__free(g->kids[i]);
  }
  weft__free(g->kids);
  weft__free(g->failed);
  disown(g);
  weft__free(g);
}

int weft_group_destroy(weft_group *gp) {
  core *g = get(gp);
  if (!g) return WEFT_EINVAL;
  if (g->waiting) return WEFT_EBUSY;
  if (g->npending > 0) {
    cancel_kids(g);
    return WEFT_EBUSY;
  }
  free_core(g);
  gp->magic_ = GROUP_DEAD;
  gp->core_ = NULL;
  return 0;
}

static void groups_abandon(weft__task *t) {
  while (t->groups) {
    core *g = t->groups;
    if (g->waiting) {
      /* Another task is waiting on it, so its storage is not this task's
       * stack: that task carries on with it, ownerless. */
      disown(g);
      continue;
    }
    cancel_kids(g);
    free_core(g); /* unlinks it from t->groups */
  }
}

void weft__group_autoclose(weft_group **gp) {
  weft_group *g = *gp;
  if (!g) return;
  *gp = NULL;
  if (!get(g)) return; /* the block destroyed it itself */
  if (!g->core_->waited) weft_group_wait(g);
  weft_group_destroy(g);
}
