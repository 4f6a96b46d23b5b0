/* The oracle's interpreter: runs a program (tests/prop/oracle.h) on weft,
 * through the public API only, and writes its event log. opy.c writes the
 * same program as Python; each op here has its Python twin there, and the
 * two must log the same lines. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"
#include "weft.h"

/* asyncio's default gather (the first error propagates, the other children
 * run on) has no weft flag yet: weft's fail-fast mode, which cancels them,
 * stands in for it (docs/fidelity.md, "gather-default"). */
#define ORACLE_GATHER_DEFAULT WEFT_GATHER_FAIL_FAST

enum { X_OK, X_UNWIND, X_CLOSE };

static const o_program *P;
static weft_loop *L;
static char *LB;
static size_t LCAP, LLEN;
static int violations;

static weft_task *T[O_MAXB];
static int order[O_MAXB], norder;
static weft_future *FU[O_MAXOBJ], *SF[O_MAXSF];
static weft_event *EV[O_MAXOBJ];
static weft_lock *LK[O_MAXOBJ];
static weft_semaphore *SM[O_MAXOBJ];
static weft_condition *CV[O_MAXOBJ];
static weft_queue *QU[O_MAXOBJ];
static weft_waiter *WA[O_MAXOBJ];
static weft_group *GR[O_MAXB * 4];

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int log_closed; /* after the end lines: what freeing the objects wakes is not logged */

static void logf_(const char *fmt, ...) {
  if (LLEN + 1 >= LCAP || log_closed) return;
  int n = snprintf(LB + LLEN, LCAP - LLEN, "%lld ", (long long)(weft_loop_now(L) / 1000));
  if (n > 0) LLEN += (size_t)n;
  if (LLEN >= LCAP) LLEN = LCAP - 1;
  va_list ap;
  va_start(ap, fmt);
  n = vsnprintf(LB + LLEN, LCAP - LLEN, fmt, ap);
  va_end(ap);
  if (n > 0) LLEN += (size_t)n;
  if (LLEN + 1 >= LCAP) LLEN = LCAP - 2;
  LB[LLEN++] = '\n';
  LB[LLEN] = 0;
}

#define VIOLATION(...)                         \
  do {                                         \
    violations++;                              \
    logf_("VIOLATION " __VA_ARGS__);           \
  } while (0)

/* An outcome as both sides print it: user codes (<= -100) as E<n>, weft's
 * codes by name (WEFT_ECANCELED -> ECANCELED). */
static const char *code(int rc) {
  static char buf[8][24];
  static int k;
  char *b = buf[k++ % 8];
  if (rc <= -100)
    snprintf(b, 24, "E%d", -rc);
  else {
    const char *n = weft_strerror_name(rc);
    snprintf(b, 24, "%s", strncmp(n, "WEFT_", 5) == 0 ? n + 5 : n);
  }
  return b;
}

/* "ok" or the code */
static const char *oc(int rc) { return rc == 0 ? "ok" : code(rc); }

typedef struct frame {
  int body;
  weft_aiter *it[4];
  weft_scope *scope[O_MAXOPS]; /* timeout blocks open, innermost last */
  int nscope;
} frame;

static int exec_range(frame *f, int from, int to);

static const char *bname(int body) {
  static char buf[8][8];
  static int k;
  char *b = buf[k++ % 8];
  snprintf(b, 8, "%c%d", P->b[body].kind == B_GEN ? 'g' : 't', body);
  return b;
}

static int is_gen_frame(const frame *f) { return P->b[f->body].kind == B_GEN; }

/* The unwinding rule (oracle.h). */
static int after(frame *f, int rc) {
  if (rc == WEFT_ECANCELED) {
    if (is_gen_frame(f)) return X_UNWIND;
    weft_task *self = weft_current();
    if (self && weft_cancelling(self) > 0) return X_UNWIND;
  }
  return X_OK;
}

static weft_future *handle(int h) {
  if (h >= H_SF) return SF[h - H_SF];
  if (h >= H_FUT) return FU[h - H_FUT];
  return T[h];
}

static intptr_t task_main(void *arg);
static int gen_main(void *arg);

/* --- class-style iterators and the wrappers' functions ------------------ */

typedef struct cls_it {
  weft_aiter base;
  int k, i;
  char tag[24];
} cls_it;

static int cls_anext(weft_aiter *it, intptr_t *v) {
  cls_it *c = (cls_it *)it;
  const o_classit *k = &P->cls[c->k];
  if (k->delay) {
    int rc = weft_sleep(k->delay);
    if (rc) return rc;
  }
  c->i++;
  if (k->fail_at && c->i == k->fail_at) return -120;
  if (c->i > k->n) return WEFT_EDONE;
  *v = 1000 * (c->k + 1) + c->i;
  return 0;
}

static int cls_aclose(weft_aiter *it) {
  logf_("%s cls%d aclose", ((cls_it *)it)->tag, ((cls_it *)it)->k);
  return 0;
}

static void cls_free(weft_aiter *it) { free(it); }

static const weft_aiter_vt cls_vt = {cls_anext, cls_aclose, cls_free};

static int map_fn(intptr_t in, intptr_t *out, void *ctx) {
  (void)ctx;
  *out = in + 1000;
  return 0;
}

static int keep_odd(intptr_t v, void *ctx) {
  (void)ctx;
  return (int)(v & 1);
}

static weft_aiter *make_source(int src, int wrap_n, const char *tag) {
  weft_aiter *it;
  int sb = src & 0xff;
  if (sb < 64) {
    weft_task_options o = {.name = NULL, .stack_size = 64 * 1024};
    it = weft_gen_new(L, gen_main, (void *)(intptr_t)sb, &o);
  } else {
    cls_it *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->k = sb - 64;
    snprintf(c->tag, sizeof c->tag, "%s", tag);
    it = weft_aiter_init(&c->base, &cls_vt);
  }
  if (it && (src & SRC_WRAP_MAP)) it = weft_aiter_map(it, map_fn, NULL);
  if (it && (src & SRC_WRAP_FILTER)) it = weft_aiter_filter(it, keep_odd, NULL);
  if (it && (src & SRC_WRAP_TAKE)) it = weft_aiter_take(it, (size_t)wrap_n);
  return it;
}

/* --- ops -------------------------------------------------------------------- */

static int spawn(frame *f, int child, int cancel_now, weft_group *g, const char *tag) {
  weft_task_options o = {.name = NULL, .stack_size = 64 * 1024};
  char name[8];
  snprintf(name, sizeof name, "t%d", child);
  o.name = name;
  weft_task *t = NULL;
  int rc = 0;
  if (g) {
    rc = weft_group_spawn(g, task_main, (void *)(intptr_t)child, &o, &t);
    if (rc == 0) weft_retain(t);
  } else {
    t = weft_spawn(L, task_main, (void *)(intptr_t)child, &o);
    if (!t) rc = WEFT_ENOMEM;
  }
  if (rc == 0) {
    /* A spawn inside a loop runs once per turn: the table names the latest
     * task (as the Python side's does), the earlier one's handle goes (the
     * loop still runs it to its end). */
    if (T[child]) weft_release(T[child]);
    T[child] = t;
    order[norder++] = child;
  }
  logf_("%s %s", tag, oc(rc));
  if (rc == 0 && cancel_now) {
    int c = weft_cancel(t);
    logf_("%s cancel %s", tag, oc(c));
  }
  (void)f;
  return X_OK;
}

static void fmt_values(char *buf, size_t cap, const intptr_t *res, const int *st, int n) {
  size_t len = 0;
  len += (size_t)snprintf(buf + len, cap - len, "[");
  for (int k = 0; k < n && len < cap; k++) {
    if (!st || st[k] == 0)
      len += (size_t)snprintf(buf + len, cap - len, "%s%s%ld", k ? ", " : "", st ? "ok " : "", (long)res[k]);
    else
      len += (size_t)snprintf(buf + len, cap - len, "%s%s", k ? ", " : "", code(st[k]));
  }
  if (len < cap) snprintf(buf + len, cap - len, "]");
}

static int cmp_str(const void *a, const void *b) { return strcmp(a, b); }

/* Logs the held lines sorted; no more lines are held afterwards. */
static void flush_sorted(char held[][64], int *nheld, int *first) {
  qsort(held, (size_t)*nheld, sizeof held[0], cmp_str);
  for (int i = 0; i < *nheld; i++) logf_("%s", held[i]);
  *nheld = *first = 0;
}

static int exec_op(frame *f, int k, int *skip) {
  const o_body *b = &P->b[f->body];
  const o_op *op = &b->ops[k];
  char tag[32];
  snprintf(tag, sizeof tag, "%s.%d %s", bname(f->body), k, o_op_name[op->kind]);
  int rc = 0;
  intptr_t v = 0;
  *skip = 0;
  weft_future *hs[O_MAXK];
  for (int j = 0; j < op->n; j++) hs[j] = handle(op->hs[j]);
  switch (op->kind) {
    case OP_SLEEP:
      rc = weft_sleep(op->arg);
      logf_("%s %s", tag, oc(rc));
      return after(f, rc);
    case OP_SPAWN: return spawn(f, op->a, op->mode, NULL, tag);
    case OP_GSPAWN: {
      weft_group *g = GR[op->b];
      if (!g) {
        logf_("%s -", tag);
        return X_OK;
      }
      return spawn(f, op->a, 0, g, tag);
    }
    case OP_SLEEPF:
      if (SF[op->a]) weft_release(SF[op->a]); /* made again in a loop: the latest is named */
      SF[op->a] = weft_sleep_future(L, op->arg);
      logf_("%s %s", tag, SF[op->a] ? "ok" : "ENOMEM");
      return X_OK;
    case OP_AWAIT:
    case OP_SHIELD:
    case OP_WAIT_FOR: {
      weft_future *h = handle(op->a);
      if (!h) {
        logf_("%s -", tag);
        return X_OK;
      }
      if (op->kind == OP_AWAIT)
        rc = weft_await(h, &v);
      else if (op->kind == OP_WAIT_FOR)
        rc = weft_wait_for(h, op->arg, &v);
      else {
        weft_future *s = weft_shield(h);
        rc = s ? weft_await(s, &v) : WEFT_ENOMEM;
        if (s) weft_release(s);
      }
      if (rc == 0)
        logf_("%s ok %ld", tag, (long)v);
      else
        logf_("%s %s", tag, code(rc));
      return after(f, rc);
    }
    case OP_GATHER: {
      for (int j = 0; j < op->n; j++)
        if (!hs[j]) {
          logf_("%s -", tag);
          return X_OK;
        }
      intptr_t res[O_MAXK] = {0};
      int st[O_MAXK] = {0};
      char buf[128];
      if (op->mode) {
        rc = weft_gather(hs, op->n, WEFT_GATHER_EACH, res, st);
        fmt_values(buf, sizeof buf, res, st, op->n);
      } else {
        rc = weft_gather(hs, op->n, ORACLE_GATHER_DEFAULT, res, NULL);
        fmt_values(buf, sizeof buf, res, NULL, op->n);
      }
      if (rc == 0)
        logf_("%s ok %s", tag, buf);
      else
        logf_("%s %s", tag, code(rc));
      return after(f, rc);
    }
    case OP_WAIT: {
      for (int j = 0; j < op->n; j++)
        if (!hs[j]) {
          logf_("%s -", tag);
          return X_OK;
        }
      rc = weft_wait(hs, op->n, op->mode, op->arg);
      if (rc >= 0)
        logf_("%s ok %d", tag, rc);
      else
        logf_("%s %s", tag, code(rc));
      return after(f, rc);
    }
    case OP_AS_COMPLETED: {
      for (int j = 0; j < op->n; j++)
        if (!hs[j]) {
          logf_("%s -", tag);
          return X_OK;
        }
      weft_as_completed it;
      /* The futures already done come first; asyncio orders them among
       * themselves by set iteration (object addresses), so their lines are
       * logged sorted, on both sides (prelude.as_completed). */
      int first = 0, nheld = 0;
      char held[O_MAXK][64];
      for (int j = 0; j < op->n; j++) first += weft_future_done(hs[j]);
      rc = weft_as_completed_init(&it, hs, op->n, op->arg);
      int st = X_OK;
#define AC_OUT(...)                                                        \
  do {                                                                     \
    if (nheld < first) {                                                   \
      snprintf(held[nheld++], sizeof held[0], __VA_ARGS__);                \
      if (nheld == first) flush_sorted(held, &nheld, &first);              \
    } else                                                                 \
      logf_(__VA_ARGS__);                                                  \
  } while (0)
      while (rc == 0) {
        weft_future *done = NULL;
        rc = weft_as_completed_next(&it, &done);
        if (rc == WEFT_EDONE) {
          flush_sorted(held, &nheld, &first);
          logf_("%s end", tag);
          rc = 0;
          break;
        }
        if (rc) {
          flush_sorted(held, &nheld, &first);
          logf_("%s %s", tag, code(rc));
          st = after(f, rc);
          break;
        }
        int r = weft_future_result(done, &v);
        if (r == 0)
          AC_OUT("%s ok %ld", tag, (long)v);
        else
          AC_OUT("%s %s", tag, code(r));
      }
#undef AC_OUT
      weft_as_completed_close(&it);
      return st;
    }
    case OP_CANCEL: {
      weft_future *h = handle(op->a);
      if (!h) {
        logf_("%s -", tag);
        return X_OK;
      }
      rc = weft_cancel(h);
      logf_("%s %s", tag, oc(rc));
      return X_OK;
    }
    case OP_UNCANCEL:
      logf_("%s ok %d", tag, weft_uncancel());
      return X_OK;
    case OP_RESOLVE: {
      weft_future *h = FU[op->a - H_FUT];
      rc = op->arg > 0 ? weft_future_resolve(h, op->arg) : weft_future_fail(h, op->arg);
      logf_("%s %s", tag, oc(rc));
      return X_OK;
    }
    case OP_EV_SET: rc = weft_event_set(EV[op->a]); logf_("%s %s", tag, oc(rc)); return X_OK;
    case OP_EV_CLEAR: rc = weft_event_clear(EV[op->a]); logf_("%s %s", tag, oc(rc)); return X_OK;
    case OP_EV_WAIT: rc = weft_event_wait(EV[op->a]); logf_("%s %s", tag, oc(rc)); return after(f, rc);
    case OP_LOCK_ACQ: rc = weft_lock_acquire(LK[op->a]); logf_("%s %s", tag, oc(rc)); return after(f, rc);
    case OP_LOCK_REL: rc = weft_lock_release(LK[op->a]); logf_("%s %s", tag, oc(rc)); return X_OK;
    case OP_SEM_ACQ: rc = weft_semaphore_acquire(SM[op->a]); logf_("%s %s", tag, oc(rc)); return after(f, rc);
    case OP_SEM_REL: rc = weft_semaphore_release(SM[op->a]); logf_("%s %s", tag, oc(rc)); return X_OK;
    case OP_COND_WAIT: rc = weft_condition_wait(CV[op->a]); logf_("%s %s", tag, oc(rc)); return after(f, rc);
    case OP_COND_NOTIFY:
      rc = op->arg ? weft_condition_notify(CV[op->a], (size_t)op->arg) : weft_condition_notify_all(CV[op->a]);
      logf_("%s %s", tag, rc >= 0 ? "ok" : code(rc));
      return X_OK;
    case OP_LOCK_WITH:
    case OP_SEM_WITH:
    case OP_COND_WITH: {
      *skip = op->len;
      if (op->kind == OP_LOCK_WITH) rc = weft_lock_acquire(LK[op->a]);
      else if (op->kind == OP_SEM_WITH) rc = weft_semaphore_acquire(SM[op->a]);
      else rc = weft_condition_acquire(CV[op->a]);
      logf_("%s acquire %s", tag, oc(rc));
      if (rc) return after(f, rc);
      int st = exec_range(f, k + 1, k + 1 + op->len);
      if (op->kind == OP_LOCK_WITH) rc = weft_lock_release(LK[op->a]);
      else if (op->kind == OP_SEM_WITH) rc = weft_semaphore_release(SM[op->a]);
      else rc = weft_condition_release(CV[op->a]);
      logf_("%s release %s", tag, oc(rc));
      return st;
    }
    case OP_Q_PUT:
    case OP_Q_PUT_NOWAIT: {
      weft_queue *q = QU[op->a];
      int prio = P->q[op->a].kind == WEFT_QUEUE_PRIORITY;
      if (op->kind == OP_Q_PUT)
        rc = prio ? weft_queue_put_priority(q, op->b, op->arg) : weft_queue_put(q, op->arg);
      else
        rc = prio ? weft_queue_put_priority_nowait(q, op->b, op->arg) : weft_queue_put_nowait(q, op->arg);
      logf_("%s %s", tag, oc(rc));
      return after(f, rc);
    }
    case OP_Q_GET:
    case OP_Q_GET_NOWAIT:
      rc = op->kind == OP_Q_GET ? weft_queue_get(QU[op->a], &v) : weft_queue_get_nowait(QU[op->a], &v);
      if (rc == 0)
        logf_("%s ok %ld", tag, (long)v);
      else
        logf_("%s %s", tag, code(rc));
      return after(f, rc);
    case OP_Q_TASK_DONE: rc = weft_queue_task_done(QU[op->a]); logf_("%s %s", tag, oc(rc)); return X_OK;
    case OP_Q_JOIN: rc = weft_queue_join(QU[op->a]); logf_("%s %s", tag, oc(rc)); return after(f, rc);
    case OP_Q_SHUTDOWN: rc = weft_queue_shutdown(QU[op->a], op->mode); logf_("%s %s", tag, oc(rc)); return X_OK;
    case OP_W_NOTIFY: {
      int64_t left = weft_waiter_notify(WA[op->a]);
      logf_("%s ok %lld", tag, (long long)left);
      return X_OK;
    }
    case OP_W_WAIT: rc = weft_waiter_wait(WA[op->a]); logf_("%s %s", tag, oc(rc)); return after(f, rc);
    case OP_W_FUTURE: {
      weft_future *w = weft_waiter_future(WA[op->a]);
      rc = w ? weft_await(w, NULL) : WEFT_ENOMEM;
      if (w) weft_release(w);
      logf_("%s %s", tag, oc(rc));
      return after(f, rc);
    }
    case OP_TIMEOUT: {
      *skip = op->len;
      weft_scope s;
      rc = weft_scope_enter(&s, op->arg);
      if (rc) {
        logf_("%s enter %s", tag, code(rc));
        return X_OK;
      }
      f->scope[f->nscope++] = &s;
      int st = exec_range(f, k + 1, k + 1 + op->len);
      f->nscope--;
      rc = weft_scope_leave(&s);
      if (st == X_CLOSE) return st; /* GeneratorExit goes through silently */
      if (st == X_UNWIND) {
        if (rc == WEFT_ETIMEDOUT) {
          logf_("%s ETIMEDOUT", tag);
          return X_OK;
        }
        logf_("%s ECANCELED", tag);
        return X_UNWIND;
      }
      if (rc == WEFT_ETIMEDOUT) {
        /* Expired, but the body ended normally (it dealt with the
         * cancellation, or none of its awaits came after it): the Python
         * block has no exception leaving it, asyncio.timeout raises nothing. */
        logf_("%s ok", tag);
        return X_OK;
      }
      logf_("%s %s", tag, oc(rc));
      return after(f, rc); /* WEFT_ECANCELED: "the caller should unwind further" (scope.h) */
    }
    case OP_RESCHED:
      if (!f->nscope) {
        logf_("%s -", tag);
        return X_OK;
      }
      rc = weft_scope_reschedule(f->scope[f->nscope - 1], op->arg);
      logf_("%s %s", tag, oc(rc));
      return X_OK;
    case OP_GROUP: {
      *skip = op->len;
      weft_group g;
      rc = weft_group_init(&g, L);
      if (rc) {
        logf_("%s init %s", tag, code(rc));
        return X_OK;
      }
      GR[op->a] = &g;
      int st = exec_range(f, k + 1, k + 1 + op->len);
      if (st != X_OK) weft_group_cancel(&g); /* the body raised: the group cancels its children */
      rc = weft_group_wait(&g);
      weft_group_outcome fails[O_MAXB];
      size_t nf = weft_group_failures(&g, fails, O_MAXB);
      if (st == X_UNWIND && (nf == 0 || rc == WEFT_ECANCELED)) {
        /* the body's cancellation goes on (TaskGroup re-raises it, unless
         * children failed: then their ExceptionGroup replaces it) */
        logf_("%s ECANCELED", tag);
        weft_group_destroy(&g);
        GR[op->a] = NULL;
        return X_UNWIND;
      }
      if (rc == 0 || rc == WEFT_ECANCELED || nf == 0)
        logf_("%s %s", tag, oc(rc));
      else {
        char buf[128];
        size_t len = (size_t)snprintf(buf, sizeof buf, "EG[");
        for (size_t j = 0; j < nf && j < O_MAXB && len < sizeof buf; j++)
          len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", j ? ", " : "", code(fails[j].status));
        if (len < sizeof buf) snprintf(buf + len, sizeof buf - len, "]");
        logf_("%s %s", tag, buf);
      }
      int d = weft_group_destroy(&g);
      if (d) VIOLATION("%s destroy %s", tag, code(d));
      GR[op->a] = NULL;
      return after(f, rc);
    }
    case OP_SHIELD_BLOCK: {
      *skip = op->len;
      rc = weft_cancel_shield_enter();
      int st = exec_range(f, k + 1, k + 1 + op->len);
      rc = weft_cancel_shield_leave();
      logf_("%s %s", tag, oc(rc));
      return st;
    }
    case OP_AFOR: {
      *skip = op->len;
      char t2[24];
      snprintf(t2, sizeof t2, "%s.%d", bname(f->body), k);
      weft_aiter *src = make_source(op->src, op->wrap_n, t2);
      int arc = 0, st = X_OK, count = 0;
      WEFT_AFOR(intptr_t, x, src, &arc) {
        logf_("%s next %ld", tag, (long)x);
        if (op->arg >= 0 && count == op->arg) {
          logf_("%s break", tag);
          break;
        }
        count++;
        st = exec_range(f, k + 1, k + 1 + op->len);
        if (st != X_OK) break;
      }
      /* An error from the close replaces what was in flight (iter.h), the
       * generator's close (GeneratorExit) too, as in Python. */
      if (arc && arc != WEFT_ECANCELED) {
        logf_("%s end %s", tag, code(arc));
        return X_OK;
      }
      if (st == X_CLOSE && !arc) return st;
      if (st == X_UNWIND || st == X_CLOSE) {
        logf_("%s end ECANCELED", tag);
        return X_UNWIND;
      }
      logf_("%s end %s", tag, oc(arc));
      return after(f, arc);
    }
    case OP_GNEW: {
      char t2[24];
      snprintf(t2, sizeof t2, "%s.%d", bname(f->body), k);
      f->it[op->a] = make_source(op->src, op->wrap_n, t2);
      logf_("%s %s", tag, f->it[op->a] ? "ok" : "ENOMEM");
      return X_OK;
    }
    case OP_ANEXT:
      rc = weft_anext(f->it[op->a], &v);
      if (rc == 0)
        logf_("%s ok %ld", tag, (long)v);
      else
        logf_("%s %s", tag, code(rc));
      return after(f, rc);
    case OP_ACLOSE:
      rc = weft_aclose(f->it[op->a]);
      logf_("%s %s", tag, oc(rc));
      return after(f, rc);
    case OP_YIELD:
      logf_("%s %d", tag, (int)op->arg);
      rc = weft_gen_yield(op->arg);
      logf_("%s %s", tag, oc(rc));
      if (rc == WEFT_ECLOSING) return X_CLOSE;
      return X_OK;
    default: break;
  }
  VIOLATION("%s: unknown op", tag);
  return X_OK;
}

static int exec_range(frame *f, int from, int to) {
  for (int k = from; k < to; k++) {
    int skip = 0;
    int st = exec_op(f, k, &skip);
    k += skip;
    if (st != X_OK) return st;
  }
  return X_OK;
}

static void free_iters(frame *f) {
  for (int i = 0; i < 4; i++)
    if (f->it[i]) {
      int rc = weft_aiter_free(f->it[i]);
      logf_("%s free it%d %s", bname(f->body), i, oc(rc));
      f->it[i] = NULL;
    }
}

static intptr_t task_main(void *arg) {
  int id = (int)(intptr_t)arg;
  const o_body *b = &P->b[id];
  frame f;
  memset(&f, 0, sizeof f);
  f.body = id;
  logf_("t%d start", id);
  int body_end = b->nops - b->ncleanup;
  int st = exec_range(&f, 0, body_end);
  intptr_t ret = b->ret;
  if (st == X_UNWIND) {
    logf_("t%d unwind", id);
    st = exec_range(&f, body_end, b->nops);
    if (st != X_OK) { /* cancelled again during the cleanup */
      free_iters(&f);
      return weft_fail(WEFT_ECANCELED);
    }
    switch (b->on_cancel) {
      case C_RETURN:
        logf_("t%d end return %ld", id, (long)ret);
        free_iters(&f);
        return ret;
      case C_UNCANCEL:
        weft_uncancel();
        logf_("t%d end uncancel, return %ld", id, (long)ret);
        free_iters(&f);
        return ret;
      case C_RAISE:
        logf_("t%d end raise %s", id, code(b->fail ? b->fail : -109));
        free_iters(&f);
        return weft_fail(b->fail ? b->fail : -109);
      default:
        logf_("t%d end reraise", id);
        free_iters(&f);
        return weft_fail(WEFT_ECANCELED);
    }
  }
  if (b->fail) {
    logf_("t%d end raise %s", id, code(b->fail));
    free_iters(&f);
    return weft_fail(b->fail);
  }
  logf_("t%d end return %ld", id, (long)ret);
  free_iters(&f);
  return ret;
}

static int gen_main(void *arg) {
  int id = (int)(intptr_t)arg;
  const o_body *b = &P->b[id];
  frame f;
  memset(&f, 0, sizeof f);
  f.body = id;
  logf_("g%d start", id);
  int body_end = b->nops - b->ncleanup;
  int st = exec_range(&f, 0, body_end);
  if (st == X_CLOSE) {
    logf_("g%d closing", id);
    st = exec_range(&f, body_end, b->nops);
    if (st == X_OK && b->on_close) {
      logf_("g%d yields again", id);
      int rc = weft_gen_yield(999);
      logf_("g%d yield %s", id, oc(rc));
    }
    free_iters(&f);
    return st == X_UNWIND ? WEFT_ECANCELED : WEFT_ECLOSING;
  }
  if (st == X_UNWIND) {
    logf_("g%d unwind", id);
    exec_range(&f, body_end, b->nops);
    free_iters(&f);
    return WEFT_ECANCELED;
  }
  if (b->fail) {
    logf_("g%d end raise %s", id, code(b->fail));
    free_iters(&f);
    return b->fail;
  }
  logf_("g%d end", id);
  free_iters(&f);
  return 0;
}

/* --- the run ------------------------------------------------------------------ */

static void log_outcome(const char *name, weft_future *t) {
  intptr_t v = 0;
  int st = weft_future_state_of(t);
  int rc = weft_future_result(t, &v);
  if (st == WEFT_PENDING)
    logf_("end %s pending", name);
  else if (st == WEFT_CANCELLED)
    logf_("end %s cancelled", name);
  else if (rc == 0)
    logf_("end %s resolved %ld", name, (long)v);
  else
    logf_("end %s failed %s", name, code(rc));
}

int o_run(const o_program *p, char *buf, size_t cap) {
  P = p;
  LB = buf;
  LCAP = cap;
  LLEN = 0;
  buf[0] = 0;
  violations = 0;
  log_closed = 0;
  norder = 0;
  memset(T, 0, sizeof T);
  memset(SF, 0, sizeof SF);
  memset(GR, 0, sizeof GR);
  weft_loop_options o = {0};
  o.clock = WEFT_CLOCK_VIRTUAL;
  o.stack_size = 64 * 1024;
  o.asyncify_size = 8 * 1024; /* the interpreter suspends many frames deep (532 bytes seen; the default is 512) */
  L = weft_loop_new(&o);
  if (!L) {
    VIOLATION("weft_loop_new failed");
    return violations;
  }
  for (int i = 0; i < p->nfut; i++) FU[i] = weft_future_new(L);
  for (int i = 0; i < p->nev; i++) EV[i] = weft_event_new(L);
  for (int i = 0; i < p->nlock; i++) LK[i] = weft_lock_new(L);
  for (int i = 0; i < p->nsem; i++)
    SM[i] = p->sem_bounded[i] ? weft_bounded_semaphore_new(L, p->sem_value[i]) : weft_semaphore_new(L, p->sem_value[i]);
  for (int i = 0; i < p->ncond; i++) CV[i] = weft_condition_new(L, NULL);
  for (int i = 0; i < p->nq; i++) QU[i] = weft_queue_new(L, (weft_queue_kind)p->q[i].kind, p->q[i].maxsize);
  for (int i = 0; i < p->nwaiter; i++) WA[i] = weft_waiter_new(L, p->waiter_n[i]);
  weft_task_options to = {.name = "t0", .stack_size = 64 * 1024};
  T[0] = weft_spawn(L, task_main, (void *)0, &to);
  order[norder++] = 0;
  if (weft_loop_run(L) != 0) VIOLATION("weft_loop_run failed");
  /* asyncio.run's end, in rounds: what is still alive is cancelled (in
   * spawn order) and may clean up. */
  for (int round = 1; round <= 4; round++) {
    int alive = 0;
    for (int i = 0; i < norder; i++) alive += !weft_future_done(T[order[i]]);
    if (!alive) break;
    logf_("shutdown %d", round);
    for (int i = 0; i < norder; i++) {
      weft_task *t = T[order[i]];
      if (!weft_future_done(t)) logf_("cancel t%d %s", order[i], oc(weft_cancel(t)));
    }
    if (weft_loop_run(L) != 0) VIOLATION("weft_loop_run failed");
  }
  for (int i = 0; i < norder; i++)
    if (!weft_future_done(T[order[i]])) logf_("stuck t%d", order[i]);
  for (int i = 0; i < p->nbodies; i++)
    if (T[i]) {
      char name[8];
      snprintf(name, sizeof name, "t%d", i);
      log_outcome(name, T[i]);
    }
  for (int i = 0; i < p->nfut; i++) {
    char name[8];
    snprintf(name, sizeof name, "f%d", i);
    log_outcome(name, FU[i]);
  }
  for (int i = 0; i < p->nlock; i++) logf_("end lock%d %s", i, weft_lock_locked(LK[i]) ? "locked" : "unlocked");
  for (int i = 0; i < p->nsem; i++) logf_("end sem%d %lld", i, (long long)weft_semaphore_value(SM[i]));
  for (int i = 0; i < p->nev; i++) logf_("end ev%d %s", i, weft_event_is_set(EV[i]) ? "set" : "clear");
  for (int i = 0; i < p->nq; i++) logf_("end q%d %zu", i, weft_queue_qsize(QU[i]));
  log_closed = 1;
  /* More rounds, unlogged: a task that holds a lock or a semaphore must
   * finish before the objects are freed (its cleanup releases them). */
  int stuck = 1;
  for (int round = 0; round < 50 && stuck; round++) {
    stuck = 0;
    for (int i = 0; i < norder; i++)
      if (!weft_future_done(T[order[i]])) {
        stuck++;
        weft_cancel(T[order[i]]);
      }
    if (stuck) weft_loop_run(L);
  }
  if (stuck) {
    /* Nothing can end it: weft would free objects under a live task. Leave
     * everything allocated (the test reports it) rather than corrupt memory. */
    violations++;
    size_t n = strlen(buf);
    snprintf(buf + n, cap - n, "VIOLATION %d tasks survive 54 rounds of cancellation\n", stuck);
    L = NULL;
    return violations;
  }
  /* Objects are freed before the loop; their waiters, if any, are stuck tasks. */
  for (int i = 0; i < p->nev; i++) weft_event_free(EV[i]);
  for (int i = 0; i < p->ncond; i++) weft_condition_free(CV[i]);
  for (int i = 0; i < p->nlock; i++) weft_lock_free(LK[i]);
  for (int i = 0; i < p->nsem; i++) weft_semaphore_free(SM[i]);
  for (int i = 0; i < p->nq; i++) weft_queue_free(QU[i]);
  for (int i = 0; i < p->nwaiter; i++) weft_waiter_free(WA[i]);
  for (int i = 0; i < p->nfut; i++) weft_release(FU[i]);
  for (int i = 0; i < p->nsf; i++)
    if (SF[i]) weft_release(SF[i]);
  for (int i = 0; i < p->nbodies; i++)
    if (T[i]) weft_release(T[i]);
  int left = weft_loop_free(L);
  if (left != 0) {
    /* the log is finished: this goes to stdout of the driver via the count */
    violations++;
    size_t n = strlen(buf);
    snprintf(buf + n, cap - n, "VIOLATION weft_loop_free left %d objects\n", left);
  }
  L = NULL;
  return violations;
}
