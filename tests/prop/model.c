/* The model: what a program must do, by asyncio's rules, on a virtual clock.
 *
 * A discrete-event simulation written from the semantics (asyncio's and
 * the contracts in include/weft/), not from weft's code. Futures have FIFO
 * waiter lists; completing a future schedules each waiter as a step; steps
 * due at the current time run one at a time, in an order chosen by a
 * policy; when none is due the clock jumps to the next timer. Tasks are
 * resumable state machines over their ops (pc, phase).
 *
 * p_model runs the program under several policies. If they disagree, the
 * outcome depends on how same-time events are ordered, which asyncio leaves
 * to its implementation: the program is ambiguous and skipped. One policy
 * is asyncio's actual order (iterations, timers behind ready callbacks):
 * without it, a race that all the other orders happen to settle one way
 * while asyncio's settles it the other way passed as unambiguous (a
 * wait_for with timeout 0 against a child finishing two hops later, found
 * by the soak, seed 257277). */
#include <string.h>

#include "prop.h"
#include "weft.h"

#define MF_MAX (P_MAXN + P_MAXF + 2 * P_MAXN * P_MAXOPS + 8)
#define MW_MAX 1024
#define MS_MAX 2048
#define PLAIN0 P_MAXN

enum { MK_TASK, MK_PLAIN, MK_GATHER };
enum { W_TASK, W_GATHER, W_WAIT, W_SHIELD };
enum { S_TASK, S_SLEEP, S_WAITFOR, S_WAITER };

typedef struct mfut {
  int kind, state;
  int32_t value, err;
  int head, tail; /* waiter list */
  int g_n, g_ndone, g_flags, g_cancel, g_first_err;
  int g_kids[P_MAXK];
} mfut;

typedef struct mwait {
  int fut, type, a, next, alive, step;
} mwait;

typedef struct mstep {
  int type, a, alive;
  int64_t when;
} mstep;

typedef struct mtask {
  int started, done;
  int pc, phase, in_cleanup, fail_set;
  int must_cancel, requests;
  int waiting_on, waiter;
  int step, timer;
  int wake_status;
  int aw_cancelled, aw_fut;
  int wf_active, wf_timer, wf_fired, wf_requests, wf_target;
  int op_fut;
  int wt_nd, wt_failed, wt_n, wt_mode, wt_waiters[P_MAXK];
} mtask;

typedef struct M {
  const p_program *p;
  p_result *r;
  int64_t now;
  mfut f[MF_MAX];
  int nf;
  mwait w[MW_MAX];
  int nw;
  mstep s[MS_MAX];
  int ns;
  int pending[MS_MAX]; /* alive steps, creation order */
  int npending;
  mtask t[P_MAXN];
  int policy;
  int fifo[MS_MAX]; /* ASYNCIO_ORDER: the ready queue */
  int fifo_head, fifo_len, batch;
  p_rng rng;
  int overflow;
} M;

static int step_alive(M *m, int s) { return s >= 0 && m->s[s].alive; }

#define ASYNCIO_ORDER 6

static int schedule(M *m, int type, int a, int64_t when) {
  if (m->ns >= MS_MAX) {
    m->overflow = 1;
    return -1;
  }
  int s = m->ns++;
  m->s[s] = (mstep){type, a, 1, when};
  if (m->policy == ASYNCIO_ORDER && type != S_SLEEP && type != S_WAITFOR) {
    if (m->fifo_len < MS_MAX) m->fifo[m->fifo_len++] = s; /* call_soon: the back of the ready queue */
    return s;
  }
  m->pending[m->npending++] = s;
  return s;
}

static void kill(M *m, int s) {
  if (s >= 0) m->s[s].alive = 0;
}

static int new_fut(M *m, int kind) {
  if (m->nf >= MF_MAX) {
    m->overflow = 1;
    return MF_MAX - 1;
  }
  int f = m->nf++;
  memset(&m->f[f], 0, sizeof m->f[f]);
  m->f[f].kind = kind;
  m->f[f].head = m->f[f].tail = -1;
  return f;
}

static int pending(M *m, int f) { return m->f[f].state == WEFT_PENDING; }

static int result(M *m, int f, int32_t *v) {
  switch (m->f[f].state) {
    case WEFT_PENDING: return WEFT_EPENDING;
    case WEFT_RESOLVED:
      if (v) *v = m->f[f].value;
      return 0;
    case WEFT_CANCELLED: return WEFT_ECANCELED;
    default: return m->f[f].err;
  }
}

static int waiter_new(M *m, int f, int type, int a) {
  if (m->nw >= MW_MAX) {
    m->overflow = 1;
    return -1;
  }
  int w = m->nw++;
  m->w[w] = (mwait){f, type, a, -1, 1, -1};
  return w;
}

static int waiter_add(M *m, int f, int type, int a) {
  int w = waiter_new(m, f, type, a);
  if (w < 0) return w;
  if (m->f[f].tail >= 0)
    m->w[m->f[f].tail].next = w;
  else
    m->f[f].head = w;
  m->f[f].tail = w;
  return w;
}

static void waiter_remove(M *m, int w) {
  if (w < 0) return;
  m->w[w].alive = 0;
  kill(m, m->w[w].step);
}

/* Calls the waiter's callback once f is done: now (through a step) if it is. */
static void watch(M *m, int f, int type, int a) {
  if (pending(m, f)) {
    waiter_add(m, f, type, a);
    return;
  }
  int w = waiter_new(m, f, type, a);
  if (w >= 0) m->w[w].step = schedule(m, S_WAITER, w, m->now);
}

static int complete(M *m, int f, int state, int32_t value, int32_t err) {
  mfut *x = &m->f[f];
  if (x->state != WEFT_PENDING) return WEFT_ESTATE;
  x->state = state;
  x->value = value;
  x->err = err;
  for (int w = x->head; w >= 0; w = m->w[w].next)
    if (m->w[w].alive) m->w[w].step = schedule(m, S_WAITER, w, m->now);
  x->head = x->tail = -1;
  if (f < P_MAXN) {
    m->r->state[f] = (int8_t)state;
    m->r->value[f] = state == WEFT_RESOLVED ? value : state == WEFT_CANCELLED ? WEFT_ECANCELED : err;
    m->r->end[f] = m->now;
    m->r->done_count[f]++;
  }
  return 0;
}

static void wake(M *m, int t, int status) {
  mtask *k = &m->t[t];
  if (step_alive(m, k->step)) return;
  k->wake_status = status;
  k->step = schedule(m, S_TASK, t, m->now);
}

static void gather_maybe_complete(M *m, int g) {
  mfut *x = &m->f[g];
  if (x->g_ndone < x->g_n || x->state != WEFT_PENDING) return;
  if (x->g_cancel)
    complete(m, g, WEFT_CANCELLED, 0, WEFT_ECANCELED);
  else if (x->g_first_err)
    complete(m, g, WEFT_FAILED, 0, x->g_first_err);
  else
    complete(m, g, WEFT_RESOLVED, 0, 0);
}

static int cancel(M *m, int f);

static void gather_cancel_kids(M *m, int g) {
  for (int i = 0; i < m->f[g].g_n; i++)
    if (pending(m, m->f[g].g_kids[i])) cancel(m, m->f[g].g_kids[i]);
}

/* asyncio's Future.cancel / Task.cancel. */
static int cancel(M *m, int f) {
  if (!pending(m, f)) return WEFT_ESTATE;
  switch (m->f[f].kind) {
    case MK_TASK: {
      mtask *k = &m->t[f];
      k->requests++;
      if (k->waiting_on >= 0 && !step_alive(m, k->step)) {
        if (cancel(m, k->waiting_on) == 0) {
          k->must_cancel = 1;
          return 0;
        }
      }
      if (step_alive(m, k->timer)) {
        kill(m, k->timer);
        k->timer = -1;
        wake(m, f, WEFT_ECANCELED);
        return 0;
      }
      k->must_cancel = 1;
      return 0;
    }
    case MK_GATHER:
      m->f[f].g_cancel = 1;
      gather_cancel_kids(m, f);
      gather_maybe_complete(m, f);
      return 0;
    default: return complete(m, f, WEFT_CANCELLED, 0, WEFT_ECANCELED);
  }
}

/* --- awaiting, as a resumable pair: begin (1: suspended) and end ---------- */

static int aw_begin(M *m, int t, int f) {
  mtask *k = &m->t[t];
  k->aw_cancelled = 0;
  k->aw_fut = f;
  if (k->must_cancel) {
    k->must_cancel = 0;
    k->aw_cancelled = 1;
    if (pending(m, f)) cancel(m, f);
  }
  if (pending(m, f)) {
    k->waiting_on = f;
    k->waiter = waiter_add(m, f, W_TASK, t);
    return 1;
  }
  return 0;
}

static int aw_end(M *m, int t, int32_t *v) {
  mtask *k = &m->t[t];
  if (k->waiting_on >= 0) {
    k->waiting_on = -1;
    waiter_remove(m, k->waiter);
    k->waiter = -1;
  }
  if (k->must_cancel) {
    k->must_cancel = 0;
    k->aw_cancelled = 1;
  }
  if (k->aw_cancelled) return WEFT_ECANCELED;
  return result(m, k->aw_fut, v);
}

static int wf_begin(M *m, int t, int f, int timeout) {
  mtask *k = &m->t[t];
  k->wf_active = 0;
  if (timeout < 0 || !pending(m, f)) return aw_begin(m, t, f);
  k->wf_active = 1;
  k->wf_fired = 0;
  k->wf_target = f;
  k->wf_requests = k->requests;
  k->wf_timer = schedule(m, S_WAITFOR, t, m->now + timeout);
  return aw_begin(m, t, f);
}

static int wf_end(M *m, int t, int32_t *v) {
  mtask *k = &m->t[t];
  int rc = aw_end(m, t, v);
  if (!k->wf_active) return rc;
  k->wf_active = 0;
  kill(m, k->wf_timer);
  k->wf_timer = -1;
  if (k->wf_fired && rc == WEFT_ECANCELED && k->requests == k->wf_requests) return WEFT_ETIMEDOUT;
  return rc;
}

static int wait_satisfied(int nd, int n, int mode, int failed) {
  if (nd == n) return 1;
  if (mode == WEFT_FIRST_COMPLETED) return nd > 0;
  if (mode == WEFT_FIRST_EXCEPTION) return failed;
  return 0;
}

/* --- ops ------------------------------------------------------------------ */

static int sleep_op(M *m, int t, int ms, int *rc) {
  mtask *k = &m->t[t];
  if (k->phase == 0) {
    if (k->must_cancel) {
      k->must_cancel = 0;
      *rc = WEFT_ECANCELED;
      return 0;
    }
    k->phase = 1;
    if (ms <= 0)
      wake(m, t, 0);
    else
      k->timer = schedule(m, S_SLEEP, t, m->now + ms);
    return 1;
  }
  int st = k->wake_status;
  if (k->must_cancel) {
    k->must_cancel = 0;
    st = WEFT_ECANCELED;
  }
  *rc = st;
  return 0;
}

/* Runs or continues op `pc` of task t. Returns 1 when the task suspended,
 * 0 with *rc set when the op is over. */
static int exec(M *m, int t, int pc, int *rc) {
  mtask *k = &m->t[t];
  const p_node *nd = &m->p->nodes[t];
  if (pc == P_MAXOPS) return sleep_op(m, t, nd->cleanup_ms, rc);
  const p_op *op = &nd->ops[pc];
  int c = op->ids[0];
  int32_t v = 0;
  switch (op->kind) {
    case OP_SLEEP: return sleep_op(m, t, op->arg, rc);
    case OP_SPAWN: {
      mtask *ck = &m->t[c];
      memset(ck, 0, sizeof *ck);
      ck->waiting_on = ck->waiter = ck->timer = ck->wf_timer = -1;
      m->f[c].kind = MK_TASK;
      m->f[c].head = m->f[c].tail = -1;
      m->r->spawned[c] = 1;
      ck->step = schedule(m, S_TASK, c, m->now);
      *rc = op->mode ? cancel(m, c) : 0;
      return 0;
    }
    case OP_CANCEL: *rc = cancel(m, c); return 0;
    case OP_RESOLVE:
      *rc = op->arg > 0 ? complete(m, PLAIN0 + c, WEFT_RESOLVED, op->arg, 0)
                        : complete(m, PLAIN0 + c, WEFT_FAILED, 0, op->arg);
      return 0;
    case OP_AWAIT:
    case OP_AWAIT_FUT:
    case OP_SHIELD: {
      if (k->phase == 0) {
        int f = op->kind == OP_AWAIT_FUT ? PLAIN0 + c : c;
        if (op->kind == OP_SHIELD) {
          int outer = new_fut(m, MK_PLAIN);
          watch(m, c, W_SHIELD, outer);
          f = outer;
        }
        k->phase = 1;
        if (aw_begin(m, t, f)) return 1;
      }
      *rc = aw_end(m, t, &v);
      if (*rc == 0) m->r->slot[t][pc][0] = v;
      return 0;
    }
    case OP_WAIT_FOR:
      if (k->phase == 0) {
        k->phase = 1;
        if (wf_begin(m, t, c, op->arg)) return 1;
      }
      *rc = wf_end(m, t, &v);
      if (*rc == 0) m->r->slot[t][pc][0] = v;
      return 0;
    case OP_GATHER:
      if (k->phase == 0) {
        int g = new_fut(m, MK_GATHER);
        mfut *x = &m->f[g];
        x->g_n = op->n;
        x->g_flags = op->mode;
        for (int i = 0; i < op->n; i++) x->g_kids[i] = op->ids[i];
        for (int i = 0; i < op->n; i++) watch(m, op->ids[i], W_GATHER, g);
        gather_maybe_complete(m, g);
        k->phase = 1;
        if (aw_begin(m, t, g)) return 1;
      }
      *rc = aw_end(m, t, NULL);
      for (int i = 0; i < op->n; i++) {
        int32_t x = 0;
        int st = result(m, op->ids[i], &x);
        m->r->status[t][pc][i] = st;
        m->r->slot[t][pc][i] = st == 0 ? x : 0;
      }
      return 0;
    case OP_WAIT:
      if (k->phase == 0) {
        int n = op->n, nd0 = 0, failed = 0;
        for (int i = 0; i < n; i++)
          if (!pending(m, op->ids[i])) {
            nd0++;
            failed |= m->f[op->ids[i]].state != WEFT_RESOLVED;
          }
        if (wait_satisfied(nd0, n, op->mode, failed)) {
          *rc = nd0;
          return 0;
        }
        k->op_fut = new_fut(m, MK_PLAIN);
        k->wt_nd = 0;
        k->wt_failed = 0;
        k->wt_n = n;
        k->wt_mode = op->mode;
        for (int i = 0; i < n; i++) {
          k->wt_waiters[i] = -1;
          if (pending(m, op->ids[i]))
            k->wt_waiters[i] = waiter_add(m, op->ids[i], W_WAIT, t);
          else {
            k->wt_nd++;
            k->wt_failed |= m->f[op->ids[i]].state != WEFT_RESOLVED;
          }
        }
        k->phase = 1;
        if (wf_begin(m, t, k->op_fut, op->arg)) return 1;
      }
      {
        int r = wf_end(m, t, NULL);
        for (int i = 0; i < op->n; i++) waiter_remove(m, k->wt_waiters[i]);
        if (r && r != WEFT_ETIMEDOUT) {
          *rc = r;
          return 0;
        }
        int done = 0;
        for (int i = 0; i < op->n; i++) done += !pending(m, op->ids[i]);
        *rc = done;
      }
      return 0;
  }
  *rc = WEFT_EINVAL;
  return 0;
}

static void finish(M *m, int t) {
  mtask *k = &m->t[t];
  const p_node *nd = &m->p->nodes[t];
  k->done = 1;
  if (k->requests > 0)
    complete(m, t, WEFT_CANCELLED, 0, WEFT_ECANCELED);
  else if (k->fail_set)
    complete(m, t, WEFT_FAILED, 0, nd->fail);
  else
    complete(m, t, WEFT_RESOLVED, nd->ret, 0);
}

static void uncancel(mtask *k) {
  if (k->requests > 0) k->requests--;
  if (k->requests == 0) k->must_cancel = 0;
}

/* Runs task t from where it stopped until it suspends or ends. */
static void run(M *m, int t) {
  mtask *k = &m->t[t];
  const p_node *nd = &m->p->nodes[t];
  for (;;) {
    if (!k->in_cleanup && k->pc >= nd->nops) {
      k->fail_set = nd->fail != 0;
      finish(m, t);
      return;
    }
    int pc = k->in_cleanup ? P_MAXOPS : k->pc, rc = 0;
    if (exec(m, t, pc, &rc)) return;
    m->r->rc[t][pc] = rc;
    k->phase = 0;
    if (k->in_cleanup) {
      if (nd->uncancel) uncancel(k);
      finish(m, t);
      return;
    }
    if (k->requests > 0) {
      k->in_cleanup = 1;
      if (!nd->cleanup_ms) {
        if (nd->uncancel) uncancel(k);
        finish(m, t);
        return;
      }
      continue;
    }
    k->pc++;
  }
}

static void run_step(M *m, int s) {
  mstep st = m->s[s];
  m->s[s].alive = 0;
  switch (st.type) {
    case S_TASK: {
      mtask *k = &m->t[st.a];
      k->step = -1;
      if (!k->started) {
        k->started = 1;
        if (k->must_cancel) {
          finish(m, st.a);
          return;
        }
        m->r->ran[st.a] = 1;
      }
      run(m, st.a);
      return;
    }
    case S_SLEEP: /* as weft_sleep's timer: the task resumes from the ready queue */
      m->t[st.a].timer = -1;
      wake(m, st.a, 0);
      return;
    case S_WAITFOR: {
      mtask *k = &m->t[st.a];
      k->wf_timer = -1;
      k->wf_fired = 1;
      cancel(m, k->wf_target);
      return;
    }
    case S_WAITER: {
      mwait *w = &m->w[st.a];
      if (!w->alive) return;
      switch (w->type) {
        case W_TASK:
          m->t[w->a].wake_status = 0;
          run(m, w->a);
          return;
        case W_GATHER: {
          mfut *g = &m->f[w->a];
          g->g_ndone++;
          int r = result(m, w->fut, NULL);
          if (r != 0 && g->g_flags == WEFT_GATHER_FAIL_FAST && !g->g_first_err && !g->g_cancel) {
            g->g_first_err = r;
            gather_cancel_kids(m, w->a);
          }
          gather_maybe_complete(m, w->a);
          return;
        }
        case W_WAIT: {
          mtask *k = &m->t[w->a];
          k->wt_nd++;
          if (m->f[w->fut].state != WEFT_RESOLVED) k->wt_failed = 1;
          if (wait_satisfied(k->wt_nd, k->wt_n, k->wt_mode, k->wt_failed) && pending(m, k->op_fut))
            complete(m, k->op_fut, WEFT_RESOLVED, 0, 0);
          return;
        }
        case W_SHIELD: {
          int from = w->fut, to = w->a;
          if (pending(m, to)) complete(m, to, m->f[from].state, m->f[from].value, m->f[from].err);
          return;
        }
      }
    }
  }
}

/* asyncio's own order (policy ASYNCIO_ORDER), which weft follows: an
 * iteration first moves the due timers, in (deadline, arming) order, behind
 * the callbacks already ready, then runs exactly the callbacks ready at that
 * point; callbacks made ready meanwhile wait for the next iteration. */
static int is_timer(const mstep *s) { return s->type == S_SLEEP || s->type == S_WAITFOR; }

static int next_step_asyncio(M *m) {
  for (;;) {
    while (m->batch > 0) {
      m->batch--;
      int s = m->fifo[m->fifo_head++];
      if (m->s[s].alive) return s;
    }
    /* A new iteration: compact the queue, then the clock and due timers. */
    int n = 0;
    for (int i = m->fifo_head; i < m->fifo_len; i++)
      if (m->s[m->fifo[i]].alive) m->fifo[n++] = m->fifo[i];
    m->fifo_head = 0;
    m->fifo_len = n;
    int64_t soonest = INT64_MAX;
    for (int i = 0; i < m->npending; i++) {
      const mstep *x = &m->s[m->pending[i]];
      if (x->alive && is_timer(x) && x->when < soonest) soonest = x->when;
    }
    if (!m->fifo_len && soonest == INT64_MAX) return -1;
    if (!m->fifo_len && soonest > m->now) m->now = soonest;
    /* Due timers, by (deadline, creation order = arming order). */
    for (;;) {
      int best = -1;
      for (int i = 0; i < m->npending; i++) {
        int s = m->pending[i];
        const mstep *x = &m->s[s];
        if (!x->alive || !is_timer(x) || x->when > m->now || x->when == INT64_MIN) continue;
        if (best < 0 || x->when < m->s[best].when || (x->when == m->s[best].when && s < best)) best = s;
      }
      if (best < 0) break;
      m->s[best].when = INT64_MIN; /* moved to the ready queue */
      if (m->fifo_len < MS_MAX) m->fifo[m->fifo_len++] = best;
    }
    m->batch = m->fifo_len;
  }
}

/* Picks the next due step by the policy, advancing the clock when none is
 * due. Returns -1 when nothing is left. */
static int next_step(M *m) {
  if (m->policy == ASYNCIO_ORDER) return next_step_asyncio(m);
  for (;;) {
    int n = 0, due[MS_MAX];
    int64_t soonest = INT64_MAX;
    int keep = 0;
    for (int i = 0; i < m->npending; i++) {
      int s = m->pending[i];
      if (!m->s[s].alive) continue;
      m->pending[keep++] = s;
      if (m->s[s].when <= m->now)
        due[n++] = keep - 1;
      else if (m->s[s].when < soonest)
        soonest = m->s[s].when;
    }
    m->npending = keep;
    if (n) {
      int pick = m->policy == 0 ? 0 : m->policy == 1 ? n - 1 : p_below(&m->rng, n);
      int idx = due[pick], s = m->pending[idx];
      memmove(&m->pending[idx], &m->pending[idx + 1], (size_t)(m->npending - idx - 1) * sizeof(int));
      m->npending--;
      return s;
    }
    if (soonest == INT64_MAX) return -1;
    m->now = soonest;
  }
}

static void init_result(p_result *r) {
  memset(r, 0, sizeof *r);
  for (int i = 0; i < P_MAXN; i++)
    for (int k = 0; k <= P_MAXOPS; k++) r->rc[i][k] = P_NOT_RUN;
}

static M model_state;

static int simulate(const p_program *p, int policy, p_result *r) {
  M *m = &model_state;
  m->p = p;
  m->r = r;
  m->now = 0;
  m->nf = PLAIN0 + P_MAXF;
  m->nw = m->ns = m->npending = 0;
  m->fifo_head = m->fifo_len = m->batch = 0;
  m->policy = policy;
  m->rng.s = 0x5eed0000u + (uint64_t)policy;
  m->overflow = 0;
  init_result(r);
  for (int i = 0; i < PLAIN0 + P_MAXF; i++) {
    memset(&m->f[i], 0, sizeof m->f[i]);
    m->f[i].kind = i < PLAIN0 ? MK_TASK : MK_PLAIN;
    m->f[i].head = m->f[i].tail = -1;
  }
  memset(m->t, 0, sizeof m->t);
  for (int i = 0; i < P_MAXN; i++) m->t[i].waiting_on = m->t[i].waiter = m->t[i].step = m->t[i].timer = m->t[i].wf_timer = -1;
  r->spawned[0] = 1;
  m->t[0].step = schedule(m, S_TASK, 0, 0);
  int s, guard = 0;
  while ((s = next_step(m)) >= 0 && !m->overflow && guard++ < 100000) run_step(m, s);
  for (int i = 0; i < p->nfuts; i++) {
    r->fut_state[i] = (int8_t)m->f[PLAIN0 + i].state;
    result(m, PLAIN0 + i, &r->fut_value[i]);
    if (m->f[PLAIN0 + i].state != WEFT_RESOLVED) r->fut_value[i] = result(m, PLAIN0 + i, NULL);
  }
  if (m->overflow) return 0;
  for (int i = 0; i < p->nnodes; i++)
    if (r->spawned[i] && !m->t[i].done && !(i == 0 && m->t[0].done)) return 0; /* stuck: not a valid program */
  return 1;
}

#define POLICIES 7 /* FIFO, LIFO, four shuffles, asyncio's order */

int p_model(const p_program *p, p_result *out) {
  static p_result other;
  if (!simulate(p, 0, out)) return 0;
  for (int pol = 1; pol < POLICIES; pol++) {
    if (!simulate(p, pol, &other)) return 0;
    if (p_compare(out, &other, p, 0, 0)) return 0;
  }
  return 1;
}
