/* The async iterator protocol (include/weft/iter.h): the checks every
 * iterator gets, WEFT_AFOR's steps, and the helpers (collect, map, filter,
 * take, merge). */
#include <stdlib.h>
#include <string.h>

#include "../core/internal.h"
#include "weft/iter.h"

#define WEFT_MAGIC_AITER 0x77656169u /* "weai" */

weft_aiter *weft_aiter_init(weft_aiter *it, const weft_aiter_vt *vt) {
  if (!it || !vt || !vt->anext) return NULL;
  memset(it, 0, sizeof *it);
  it->vt_ = vt;
  it->magic_ = WEFT_MAGIC_AITER;
  return it;
}

static int check(const weft_aiter *it) { return it && it->magic_ == WEFT_MAGIC_AITER ? 0 : WEFT_EINVAL; }

int weft_anext(weft_aiter *it, intptr_t *value) {
  int rc = check(it);
  if (rc) return rc;
  if (it->ended_) return WEFT_EDONE;
  if (it->busy_) return WEFT_EINPROGRESS;
  intptr_t v = 0;
  it->busy_ = 1;
  rc = it->vt_->anext(it, &v);
  it->busy_ = 0;
  if (rc == WEFT_EDONE) it->ended_ = 1;
  if (rc == 0 && value) *value = v;
  return rc;
}

int weft_aclose(weft_aiter *it) {
  int rc = check(it);
  if (rc) return rc;
  if (it->ended_) return 0;
  if (it->busy_) return WEFT_EINPROGRESS;
  it->busy_ = 1;
  rc = it->vt_->aclose ? it->vt_->aclose(it) : 0;
  it->busy_ = 0;
  /* Cancelled while closing, the iterator goes on closing by itself (a
   * generator's cleanup); it is over for the consumer either way. */
  if (rc != WEFT_ENOTTASK) it->ended_ = 1;
  return rc;
}

int weft_aiter_free(weft_aiter *it) {
  int rc = check(it);
  if (rc) return rc;
  if (it->busy_) return WEFT_EINPROGRESS;
  rc = 0;
  /* Outside a task nothing can be awaited: the iterator's free copes (a
   * generator closes in the background). */
  if (!it->ended_ && weft_current()) rc = weft_aclose(it);
  const weft_aiter_vt *vt = it->vt_;
  if (vt->free) {
    vt->free(it); /* may be a generator that clears the magic later */
  } else {
    it->magic_ = WEFT_MAGIC_DEAD;
  }
  return rc;
}

/* --- WEFT_AFOR ----------------------------------------------------------------- */

weft__afor weft__afor_begin(weft_aiter *it, int *status) {
  weft__afor f = {it, status, 0, 0, 1};
  if (status) *status = it ? 0 : WEFT_EINVAL;
  return f;
}

int weft__afor_next(weft__afor *f) {
  /* The body left with `break`: the inner loop's step never ran. */
  if (f->started && !f->stepped) return 0;
  f->started = 1;
  if (!f->it) return 0;
  int rc = weft_anext(f->it, &f->value);
  if (rc == 0) {
    f->stepped = 0;
    return 1;
  }
  f->stepped = 1;
  if (rc != WEFT_EDONE && f->status) *f->status = rc;
  return 0;
}

void weft__afor_end(weft__afor *f) {
  if (!f->it) return;
  int rc = weft_aiter_free(f->it);
  f->it = NULL;
  /* As an exception raised by aclose in Python's `async with aclosing(...)`
   * replaces the one in flight, the close's error replaces the loop's. */
  if (rc && f->status) *f->status = rc;
}

/* --- collect --------------------------------------------------------------------- */

int weft_aiter_collect(weft_aiter *it, intptr_t **values, size_t *count) {
  if (values) *values = NULL;
  if (count) *count = 0;
  if (check(it)) return WEFT_EINVAL;
  if (!values || !count) {
    weft_aiter_free(it);
    return WEFT_EINVAL;
  }
  intptr_t *a = NULL, v;
  size_t n = 0, cap = 0;
  int rc;
  while ((rc = weft_anext(it, &v)) == 0) {
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : 8;
      intptr_t *na = realloc(a, ncap * sizeof *na); /* libc: the caller frees it */
      if (!na) {
        rc = WEFT_ENOMEM;
        break;
      }
      a = na;
      cap = ncap;
    }
    a[n++] = v;
  }
  int rc2 = weft_aiter_free(it);
  if (rc == WEFT_EDONE) rc = rc2;
  if (rc) {
    free(a); /* libc's: the array is the caller's, freed with free() */
    return rc;
  }
  *values = a;
  *count = n;
  return 0;
}

/* --- map, filter, take ------------------------------------------------------- */

typedef struct wrap {
  weft_aiter base;
  weft_aiter *src;
  weft_map_fn map;
  weft_filter_fn keep;
  void *ctx;
  size_t left; /* take */
} wrap;

static int wrap_aclose(weft_aiter *it) { return weft_aclose(((wrap *)it)->src); }

static void wrap_free(weft_aiter *it) {
  wrap *w = (wrap *)it;
  weft_aiter_free(w->src);
  w->base.magic_ = WEFT_MAGIC_DEAD;
  weft__free(w);
}

static int map_anext(weft_aiter *it, intptr_t *value) {
  wrap *w = (wrap *)it;
  intptr_t v;
  int rc = weft_anext(w->src, &v);
  return rc ? rc : w->map(v, value, w->ctx);
}

static int filter_anext(weft_aiter *it, intptr_t *value) {
  wrap *w = (wrap *)it;
  for (;;) {
    intptr_t v;
    int rc = weft_anext(w->src, &v);
    if (rc) return rc;
    rc = w->keep(v, w->ctx);
    if (rc < 0) return rc;
    if (rc) {
      *value = v;
      return 0;
    }
  }
}

static int take_anext(weft_aiter *it, intptr_t *value) {
  wrap *w = (wrap *)it;
  if (w->left == 0) {
    int rc = weft_aclose(w->src); /* the rest is not wanted: close it now */
    return rc ? rc : WEFT_EDONE;
  }
  int rc = weft_anext(w->src, value);
  if (rc == 0) w->left--;
  return rc;
}

static const weft_aiter_vt map_vt = {map_anext, wrap_aclose, wrap_free};
static const weft_aiter_vt filter_vt = {filter_anext, wrap_aclose, wrap_free};
static const weft_aiter_vt take_vt = {take_anext, wrap_aclose, wrap_free};

static weft_aiter *wrap_new(weft_aiter *src, const weft_aiter_vt *vt, int ok) {
  if (check(src)) return NULL;
  wrap *w = ok ? weft__calloc(1, sizeof *w) : NULL;
  if (!w) {
    weft_aiter_free(src);
    return NULL;
  }
  weft_aiter_init(&w->base, vt);
  w->src = src;
  return &w->base;
}

weft_aiter *weft_aiter_map(weft_aiter *src, weft_map_fn f, void *ctx) {
  weft_aiter *it = wrap_new(src, &map_vt, f != NULL);
  if (it) ((wrap *)it)->map = f, ((wrap *)it)->ctx = ctx;
  return it;
}

weft_aiter *weft_aiter_filter(weft_aiter *src, weft_filter_fn keep, void *ctx) {
  weft_aiter *it = wrap_new(src, &filter_vt, keep != NULL);
  if (it) ((wrap *)it)->keep = keep, ((wrap *)it)->ctx = ctx;
  return it;
}

weft_aiter *weft_aiter_take(weft_aiter *src, size_t n) {
  weft_aiter *it = wrap_new(src, &take_vt, 1);
  if (it) ((wrap *)it)->left = n;
  return it;
}

/* --- merge -------------------------------------------------------------------------- */

typedef struct merge merge;

typedef struct merge_src {
  merge *m;
  weft_aiter *it;
  weft_task *pump;
  weft_future *go;  /* borrowed: the pump's, while it waits for its value to be taken */
  int go_early;     /* taken before the pump got to wait */
} merge_src;

typedef struct merge_item {
  size_t src;
  intptr_t value;
  int rc;
} merge_item;

struct merge {
  weft_aiter base;
  weft_loop *loop;
  size_t n, active;
  merge_src *srcs;
  merge_item *q; /* ring of n: each pump has at most one item in it */
  size_t qhead, qlen;
  weft_future *avail; /* borrowed: the consumer's, while it waits */
  size_t pumps_alive;
  int started, closing, failed;
  int orphaned; /* freed while pumps were alive: the last pump frees it */
};

static void merge_destroy(merge *m);

/* Each source is pulled by a pump task, one value ahead: it hands the value
 * over, then waits until the consumer has taken it. */
static intptr_t pump_main(void *arg) {
  merge_src *s = arg;
  merge *m = s->m;
  for (;;) {
    intptr_t v = 0;
    int rc = weft_anext(s->it, &v);
    if (m->closing) break;
    m->q[(m->qhead + m->qlen++) % m->n] = (merge_item){(size_t)(s - m->srcs), v, rc};
    if (m->avail && !weft_future_done(m->avail)) weft_future_resolve(m->avail, 0);
    if (rc) break;
    if (s->go_early) {
      s->go_early = 0;
      continue;
    }
    weft_future *go = weft_future_new(m->loop);
    if (!go) break;
    s->go = go;
    rc = weft_await(go, NULL);
    s->go = NULL;
    weft_release(go);
    if (rc || m->closing) break;
  }
  if (--m->pumps_alive == 0 && m->orphaned) merge_destroy(m);
  return 0;
}

static int merge_anext(weft_aiter *it, intptr_t *value) {
  merge *m = (merge *)it;
  if (m->failed) return WEFT_EDONE;
  if (!m->started) {
    if (!weft_current()) return WEFT_ENOTTASK;
    m->started = 1;
    for (size_t i = 0; i < m->n; i++) {
      weft_task_options o = {.name = "merge-pump"};
      m->srcs[i].pump = weft_spawn(m->loop, pump_main, &m->srcs[i], &o);
      if (!m->srcs[i].pump) {
        m->failed = 1;
        return WEFT_ENOMEM;
      }
      m->active++;
      m->pumps_alive++;
    }
  }
  for (;;) {
    if (m->qlen) {
      merge_item item = m->q[m->qhead];
      m->qhead = (m->qhead + 1) % m->n;
      m->qlen--;
      if (item.rc == WEFT_EDONE) {
        m->active--;
        continue;
      }
      if (item.rc) {
        m->failed = 1;
        return item.rc;
      }
      merge_src *s = &m->srcs[item.src];
      if (s->go) weft_future_resolve(s->go, 0);
      else s->go_early = 1;
      *value = item.value;
      return 0;
    }
    if (m->active == 0) return WEFT_EDONE;
    weft_future *f = weft_future_new(m->loop);
    if (!f) return WEFT_ENOMEM;
    m->avail = f;
    int rc = weft_await(f, NULL);
    m->avail = NULL;
    weft_release(f);
    if (rc) return rc;
  }
}

static int merge_aclose(weft_aiter *it) {
  merge *m = (merge *)it;
  m->closing = 1;
  int rc = 0;
  for (size_t i = 0; i < m->n; i++)
    if (m->srcs[i].pump && !weft_future_done(m->srcs[i].pump)) weft_cancel(m->srcs[i].pump);
  for (size_t i = 0; i < m->n; i++) {
    if (m->srcs[i].pump && !weft_future_done(m->srcs[i].pump)) {
      int r = weft_await(m->srcs[i].pump, NULL);
      if (r == WEFT_ENOTTASK) return r;
    }
  }
  for (size_t i = 0; i < m->n; i++) {
    int r = weft_aclose(m->srcs[i].it);
    if (r && !rc) rc = r;
  }
  return rc;
}

static void merge_destroy(merge *m) {
  for (size_t i = 0; i < m->n; i++) {
    if (m->srcs[i].pump) weft_release(m->srcs[i].pump);
    weft_aiter_free(m->srcs[i].it);
  }
  weft__free(m->srcs);
  weft__free(m->q);
  m->base.magic_ = WEFT_MAGIC_DEAD;
  weft__free(m);
}

static void merge_free(weft_aiter *it) {
  merge *m = (merge *)it;
  if (m->pumps_alive) {
    /* Freed without a close (outside a task): the pumps are cancelled and
     * the last one to end frees everything. */
    m->closing = 1;
    m->orphaned = 1;
    for (size_t i = 0; i < m->n; i++)
      if (m->srcs[i].pump && !weft_future_done(m->srcs[i].pump)) weft_cancel(m->srcs[i].pump);
    return;
  }
  merge_destroy(m);
}

static const weft_aiter_vt merge_vt = {merge_anext, merge_aclose, merge_free};

weft_aiter *weft_aiter_merge(weft_loop *loop, weft_aiter *const *srcs, size_t n) {
  if (!loop) loop = weft_running_loop();
  int ok = loop && srcs && n > 0;
  for (size_t i = 0; ok && i < n; i++) ok = check(srcs[i]) == 0;
  merge *m = ok ? weft__calloc(1, sizeof *m) : NULL;
  if (m) {
    m->srcs = weft__calloc(n, sizeof *m->srcs);
    m->q = weft__calloc(n, sizeof *m->q);
  }
  if (!m || !m->srcs || !m->q) {
    if (m) weft__free(m->srcs), weft__free(m->q), weft__free(m);
    for (size_t i = 0; srcs && i < n; i++)
      if (check(srcs[i]) == 0) weft_aiter_free(srcs[i]);
    return NULL;
  }
  weft_aiter_init(&m->base, &merge_vt);
  m->loop = loop;
  m->n = n;
  for (size_t i = 0; i < n; i++) m->srcs[i] = (merge_src){m, srcs[i], NULL, NULL, 0};
  return &m->base;
}
