/* The oracle's programs as Python: each op of tests/prop/orun.c written
 * with asyncio and the helpers of tests/prop/prelude.py, logging the same
 * lines. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "oracle.h"

typedef struct out {
  char *buf;
  size_t cap, len;
} out;

static void put(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(out *o, const char *fmt, ...) {
  if (o->len + 1 >= o->cap) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
  va_end(ap);
  if (n > 0) o->len += (size_t)n;
  if (o->len >= o->cap) o->len = o->cap - 1;
}

/* A line at `ind` levels of indentation. */
static void line(out *o, int ind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void line(out *o, int ind, const char *fmt, ...) {
  for (int i = 0; i < ind; i++) put(o, "    ");
  if (o->len + 1 >= o->cap) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
  va_end(ap);
  if (n > 0) o->len += (size_t)n;
  if (o->len >= o->cap) o->len = o->cap - 1;
  put(o, "\n");
}

static const o_program *P;

static const char *secs(int ms) {
  static char buf[8][16];
  static int k;
  char *b = buf[k++ % 8];
  if (ms <= 0)
    snprintf(b, 16, "0");
  else
    snprintf(b, 16, "%g", ms / 1000.0);
  return b;
}

static const char *hexpr(int h) {
  static char buf[8][16];
  static int k;
  char *b = buf[k++ % 8];
  if (h >= H_SF) snprintf(b, 16, "SF.get(%d)", h - H_SF);
  else if (h >= H_FUT) snprintf(b, 16, "F[%d]", h - H_FUT);
  else snprintf(b, 16, "T.get(%d)", h);
  return b;
}

static void hlist(out *o, const o_op *op) {
  put(o, "[");
  for (int j = 0; j < op->n; j++) put(o, "%s%s", j ? ", " : "", hexpr(op->hs[j]));
  put(o, "]");
}

static void src_expr(out *o, int src, int n, const char *tag) {
  int sb = src & 0xff;
  if (src & SRC_WRAP_TAKE) put(o, "Take(");
  if (src & SRC_WRAP_FILTER) put(o, "Filter(");
  if (src & SRC_WRAP_MAP) put(o, "Map(");
  if (sb < 64)
    put(o, "g%d()", sb);
  else {
    const o_classit *c = &P->cls[sb - 64];
    put(o, "Cls(\"%s\", %d, %d, %d, %d)", tag, sb - 64, c->n, c->delay, c->fail_at);
  }
  if (src & SRC_WRAP_MAP) put(o, ")");
  if (src & SRC_WRAP_FILTER) put(o, ")");
  if (src & SRC_WRAP_TAKE) put(o, ", %d)", n);
}

typedef struct ectx {
  int body, gen;
  int scope; /* op index of the innermost timeout block, -1: none */
} ectx;

static void emit_range(out *o, ectx *c, int from, int to, int ind);

static void emit_op(out *o, ectx *c, int k, int ind) {
  const o_body *b = &P->b[c->body];
  const o_op *op = &b->ops[k];
  char tag[32];
  snprintf(tag, sizeof tag, "%c%d.%d %s", c->gen ? 'g' : 't', c->body, k, o_op_name[op->kind]);
  const char *G = c->gen ? ", gen=True" : "";
  switch (op->kind) {
    case OP_SLEEP: line(o, ind, "await op(\"%s\", asyncio.sleep(%s)%s)", tag, secs(op->arg), G); break;
    case OP_SPAWN: line(o, ind, "spawn(\"%s\", %d, t%d%s)", tag, op->a, op->a, op->mode ? ", cancel=True" : ""); break;
    case OP_GSPAWN: line(o, ind, "gspawn(\"%s\", %d, t%d, %d)", tag, op->a, op->a, op->b); break;
    case OP_SLEEPF:
      line(o, ind, "SF[%d] = sleep_future(%d)", op->a, (int)op->arg);
      line(o, ind, "log(\"%s ok\")", tag);
      break;
    case OP_AWAIT: line(o, ind, "await wait_h(\"%s\", %s%s)", tag, hexpr(op->a), G); break;
    case OP_WAIT_FOR:
      line(o, ind, "await wait_h(\"%s\", %s, lambda h: asyncio.wait_for(h, %s)%s)", tag, hexpr(op->a), secs(op->arg), G);
      break;
    case OP_SHIELD: line(o, ind, "await wait_h(\"%s\", %s, asyncio.shield%s)", tag, hexpr(op->a), G); break;
    case OP_GATHER:
      for (int i = 0; i < ind; i++) put(o, "    ");
      put(o, "await gather(\"%s\", ", tag);
      hlist(o, op);
      put(o, ", %s%s)\n", op->mode ? "True" : "False", G);
      break;
    case OP_WAIT:
    case OP_AS_COMPLETED:
      for (int i = 0; i < ind; i++) put(o, "    ");
      put(o, "await %s(\"%s\", ", op->kind == OP_WAIT ? "wait" : "as_completed", tag);
      hlist(o, op);
      if (op->kind == OP_WAIT) put(o, ", %d", op->mode);
      put(o, ", %d%s)\n", (int)op->arg, G);
      break;
    case OP_CANCEL: line(o, ind, "cancel(\"%s\", %s)", tag, hexpr(op->a)); break;
    case OP_UNCANCEL: line(o, ind, "log(f\"%s ok {cur().uncancel()}\")", tag); break;
    case OP_RESOLVE: line(o, ind, "resolve(\"%s\", F[%d], %d)", tag, op->a - H_FUT, (int)op->arg); break;
    case OP_EV_SET: line(o, ind, "sop(\"%s\", EV[%d].set)", tag, op->a); break;
    case OP_EV_CLEAR: line(o, ind, "sop(\"%s\", EV[%d].clear)", tag, op->a); break;
    case OP_EV_WAIT: line(o, ind, "await op(\"%s\", EV[%d].wait()%s)", tag, op->a, G); break;
    case OP_LOCK_ACQ: line(o, ind, "await op(\"%s\", LK[%d].acquire()%s)", tag, op->a, G); break;
    case OP_LOCK_REL: line(o, ind, "release(\"%s\", LK[%d])", tag, op->a); break;
    case OP_SEM_ACQ: line(o, ind, "await op(\"%s\", SM[%d].acquire()%s)", tag, op->a, G); break;
    case OP_SEM_REL: line(o, ind, "release(\"%s\", SM[%d])", tag, op->a); break;
    case OP_COND_WAIT: line(o, ind, "await op(\"%s\", CV[%d].wait()%s)", tag, op->a, G); break;
    case OP_COND_NOTIFY: line(o, ind, "notify(\"%s\", CV[%d], %d)", tag, op->a, (int)op->arg); break;
    case OP_LOCK_WITH:
    case OP_SEM_WITH:
    case OP_COND_WITH: {
      const char *obj = op->kind == OP_LOCK_WITH ? "LK" : op->kind == OP_SEM_WITH ? "SM" : "CV";
      line(o, ind, "if await acquire(\"%s\", %s[%d]%s):", tag, obj, op->a, G);
      line(o, ind + 1, "try:");
      emit_range(o, c, k + 1, k + 1 + op->len, ind + 2);
      line(o, ind + 1, "finally:");
      line(o, ind + 2, "release(\"%s release\", %s[%d])", tag, obj, op->a);
      break;
    }
    case OP_Q_PUT:
      line(o, ind, "await op(\"%s\", QU[%d].put(put_item(QU[%d], %d, %d))%s)", tag, op->a, op->a, op->b, (int)op->arg, G);
      break;
    case OP_Q_PUT_NOWAIT:
      line(o, ind, "sop(\"%s\", lambda: QU[%d].put_nowait(put_item(QU[%d], %d, %d)))", tag, op->a, op->a, op->b,
           (int)op->arg);
      break;
    case OP_Q_GET: line(o, ind, "await q_get(\"%s\", QU[%d]%s)", tag, op->a, G); break;
    case OP_Q_GET_NOWAIT: line(o, ind, "q_get_nowait(\"%s\", QU[%d])", tag, op->a); break;
    case OP_Q_TASK_DONE: line(o, ind, "sop(\"%s\", QU[%d].task_done)", tag, op->a); break;
    case OP_Q_JOIN: line(o, ind, "await op(\"%s\", QU[%d].join()%s)", tag, op->a, G); break;
    case OP_Q_SHUTDOWN:
      line(o, ind, "sop(\"%s\", lambda: QU[%d].shutdown(immediate=%s))", tag, op->a, op->mode ? "True" : "False");
      break;
    case OP_W_NOTIFY: line(o, ind, "log(f\"%s ok {WA[%d].notify()}\")", tag, op->a); break;
    case OP_W_WAIT: line(o, ind, "await op(\"%s\", WA[%d].wait()%s)", tag, op->a, G); break;
    case OP_W_FUTURE: line(o, ind, "await op(\"%s\", WA[%d].future()%s)", tag, op->a, G); break;
    case OP_TIMEOUT: {
      line(o, ind, "try:");
      if (op->arg < 0)
        line(o, ind + 1, "async with asyncio.timeout(None) as S_%d:", k);
      else
        line(o, ind + 1, "async with asyncio.timeout(%s) as S_%d:", secs(op->arg), k);
      int saved = c->scope;
      c->scope = k;
      emit_range(o, c, k + 1, k + 1 + op->len, ind + 2);
      c->scope = saved;
      line(o, ind + 1, "log(\"%s ok\")", tag);
      line(o, ind, "except TimeoutError:");
      line(o, ind + 1, "log(\"%s ETIMEDOUT\")", tag);
      line(o, ind, "except CancelledError:");
      line(o, ind + 1, "log(\"%s ECANCELED\")", tag);
      line(o, ind + 1, "raise");
      break;
    }
    case OP_RESCHED:
      if (c->scope < 0)
        line(o, ind, "log(\"%s -\")", tag);
      else
        line(o, ind, "resched(\"%s\", S_%d, %d)", tag, c->scope, (int)op->arg);
      break;
    case OP_GROUP:
      line(o, ind, "try:");
      line(o, ind + 1, "async with vl.TaskGroup() as G_%d:", k);
      line(o, ind + 2, "G[%d] = G_%d", op->a, k);
      emit_range(o, c, k + 1, k + 1 + op->len, ind + 2);
      line(o, ind + 1, "log(\"%s ok\")", tag);
      line(o, ind, "except BaseExceptionGroup as e:");
      line(o, ind + 1, "log(f\"%s {code(e)}\")", tag);
      line(o, ind, "except CancelledError:");
      line(o, ind + 1, "log(\"%s ECANCELED\")", tag);
      line(o, ind + 1, "if cur().cancelling():");
      line(o, ind + 2, "raise");
      line(o, ind, "finally:");
      line(o, ind + 1, "G.pop(%d, None)", op->a);
      break;
    case OP_SHIELD_BLOCK:
      line(o, ind, "shield_enter()");
      line(o, ind, "try:");
      emit_range(o, c, k + 1, k + 1 + op->len, ind + 1);
      line(o, ind, "finally:");
      line(o, ind + 1, "shield_leave(\"%s\")", tag);
      break;
    case OP_AFOR: {
      char t2[24];
      snprintf(t2, sizeof t2, "%c%d.%d", c->gen ? 'g' : 't', c->body, k);
      line(o, ind, "try:");
      for (int i = 0; i < ind + 1; i++) put(o, "    ");
      put(o, "async with aclosing(");
      src_expr(o, op->src, op->wrap_n, t2);
      put(o, ") as it_%d:\n", k);
      if (op->arg >= 0) line(o, ind + 2, "n_%d = 0", k);
      line(o, ind + 2, "async for v_%d in it_%d:", k, k);
      line(o, ind + 3, "log(f\"%s next {v_%d}\")", tag, k);
      if (op->arg >= 0) {
        line(o, ind + 3, "if n_%d == %d:", k, (int)op->arg);
        line(o, ind + 4, "log(\"%s break\")", tag);
        line(o, ind + 4, "break");
        line(o, ind + 3, "n_%d += 1", k);
      }
      emit_range(o, c, k + 1, k + 1 + op->len, ind + 3);
      line(o, ind + 1, "log(\"%s end ok\")", tag);
      line(o, ind, "except CancelledError:");
      line(o, ind + 1, "log(\"%s end ECANCELED\")", tag);
      line(o, ind + 1, c->gen ? "raise" : "if cur().cancelling(): raise");
      line(o, ind, "except Exception as e:");
      line(o, ind + 1, "log(f\"%s end {code(e)}\")", tag);
      break;
    }
    case OP_GNEW: {
      char t2[24];
      snprintf(t2, sizeof t2, "%c%d.%d", c->gen ? 'g' : 't', c->body, k);
      for (int i = 0; i < ind; i++) put(o, "    ");
      put(o, "it[%d] = ", op->a);
      src_expr(o, op->src, op->wrap_n, t2);
      put(o, "\n");
      line(o, ind, "log(\"%s ok\")", tag);
      break;
    }
    case OP_ANEXT: line(o, ind, "await opv(\"%s\", anext(it[%d])%s)", tag, op->a, G); break;
    case OP_ACLOSE: line(o, ind, "await op(\"%s\", it[%d].aclose()%s)", tag, op->a, G); break;
    case OP_YIELD:
      line(o, ind, "log(\"%s %d\")", tag, (int)op->arg);
      line(o, ind, "try:");
      line(o, ind + 1, "yield %d", (int)op->arg);
      line(o, ind, "except GeneratorExit:");
      line(o, ind + 1, "log(\"%s ECLOSING\")", tag);
      line(o, ind + 1, "raise");
      line(o, ind, "log(\"%s ok\")", tag);
      break;
    default: line(o, ind, "pass  # unknown op"); break;
  }
}

static int is_block(int kind) {
  return kind == OP_LOCK_WITH || kind == OP_SEM_WITH || kind == OP_COND_WITH || kind == OP_TIMEOUT ||
         kind == OP_GROUP || kind == OP_SHIELD_BLOCK || kind == OP_AFOR;
}

static void emit_range(out *o, ectx *c, int from, int to, int ind) {
  if (from >= to) {
    line(o, ind, "pass");
    return;
  }
  for (int k = from; k < to; k++) {
    emit_op(o, c, k, ind);
    if (is_block(P->b[c->body].ops[k].kind)) k += P->b[c->body].ops[k].len;
  }
}

static int uses_iters(const o_body *b) {
  for (int k = 0; k < b->nops; k++)
    if (b->ops[k].kind == OP_GNEW) return 1;
  return 0;
}

static void emit_body(out *o, int id) {
  const o_body *b = &P->b[id];
  int gen = b->kind == B_GEN;
  char name[8];
  snprintf(name, sizeof name, "%c%d", gen ? 'g' : 't', id);
  ectx c = {id, gen, -1};
  int body_end = b->nops - b->ncleanup, iters = uses_iters(b), ind = 1;
  if (gen) line(o, 0, "@agen");
  line(o, 0, "async def %s():", name);
  line(o, 1, "log(\"%s start\")", name);
  if (iters) {
    line(o, 1, "it = [None, None, None, None]");
    line(o, 1, "try:");
    ind = 2;
  }
  line(o, ind, "try:");
  emit_range(o, &c, 0, body_end, ind + 1);
  if (gen) {
    line(o, ind, "except GeneratorExit:");
    line(o, ind + 1, "log(\"%s closing\")", name);
    if (body_end < b->nops) emit_range(o, &c, body_end, b->nops, ind + 1);
    if (b->on_close) {
      line(o, ind + 1, "log(\"%s yields again\")", name);
      line(o, ind + 1, "try:");
      line(o, ind + 2, "yield 999");
      line(o, ind + 1, "except GeneratorExit:");
      line(o, ind + 2, "log(\"%s yield ECLOSING\")", name);
      line(o, ind + 2, "raise");
      line(o, ind + 1, "log(\"%s yield ok\")", name);
    }
    line(o, ind + 1, "raise");
    line(o, ind, "except CancelledError:");
    line(o, ind + 1, "log(\"%s unwind\")", name);
    if (body_end < b->nops) emit_range(o, &c, body_end, b->nops, ind + 1);
    line(o, ind + 1, "raise");
    if (b->fail) {
      line(o, ind, "log(\"%s end raise E%d\")", name, (int)-b->fail);
      line(o, ind, "raise Err(%d)", (int)-b->fail);
    } else
      line(o, ind, "log(\"%s end\")", name);
    line(o, ind, "if False:");
    line(o, ind + 1, "yield  # an async generator even when it never yields");
  } else {
    line(o, ind, "except CancelledError:");
    line(o, ind + 1, "log(\"%s unwind\")", name);
    if (body_end < b->nops) emit_range(o, &c, body_end, b->nops, ind + 1);
    switch (b->on_cancel) {
      case C_RETURN:
        line(o, ind + 1, "log(\"%s end return %d\")", name, (int)b->ret);
        line(o, ind + 1, "return %d", (int)b->ret);
        break;
      case C_UNCANCEL:
        line(o, ind + 1, "cur().uncancel()");
        line(o, ind + 1, "log(\"%s end uncancel, return %d\")", name, (int)b->ret);
        line(o, ind + 1, "return %d", (int)b->ret);
        break;
      case C_RAISE: {
        int e = b->fail ? -b->fail : 109;
        line(o, ind + 1, "log(\"%s end raise E%d\")", name, e);
        line(o, ind + 1, "raise Err(%d)", e);
        break;
      }
      default:
        line(o, ind + 1, "log(\"%s end reraise\")", name);
        line(o, ind + 1, "raise");
    }
    if (b->fail) {
      line(o, ind, "log(\"%s end raise E%d\")", name, (int)-b->fail);
      line(o, ind, "raise Err(%d)", (int)-b->fail);
    } else {
      line(o, ind, "log(\"%s end return %d\")", name, (int)b->ret);
      line(o, ind, "return %d", (int)b->ret);
    }
  }
  if (iters) {
    line(o, 1, "finally:");
    line(o, 2, "await free_iters(\"%s\", it)", name);
  }
  line(o, 0, "%s", "");
}

static const char *const qclass[] = {"Queue", "LifoQueue", "PriorityQueue"};

size_t o_python(const o_program *p, char *buf, size_t cap) {
  P = p;
  out o = {buf, cap, 0};
  buf[0] = 0;
  int shields = 0;
  for (int i = 0; i < p->nbodies; i++)
    for (int k = 0; k < p->b[i].nops; k++) shields |= p->b[i].ops[k].kind == OP_SHIELD_BLOCK;
  line(&o, 0, "import asyncio");
  line(&o, 0, "import virtual_loop as vl");
  line(&o, 0, "from prelude import *");
  line(&o, 0, "%s", "");
  line(&o, 0, "SHIELDS = %s", shields ? "True" : "False");
  line(&o, 0, "%s", "");
  line(&o, 0, "def setup():");
  line(&o, 1, "pass");
  for (int i = 0; i < p->nfut; i++) line(&o, 1, "F[%d] = future()", i);
  for (int i = 0; i < p->nev; i++) line(&o, 1, "EV[%d] = asyncio.Event()", i);
  for (int i = 0; i < p->nlock; i++) line(&o, 1, "LK[%d] = asyncio.Lock()", i);
  for (int i = 0; i < p->nsem; i++)
    line(&o, 1, "SM[%d] = asyncio.%s(%d)", i, p->sem_bounded[i] ? "BoundedSemaphore" : "Semaphore", p->sem_value[i]);
  for (int i = 0; i < p->ncond; i++) line(&o, 1, "CV[%d] = asyncio.Condition()", i);
  for (int i = 0; i < p->nq; i++) line(&o, 1, "QU[%d] = asyncio.%s(%d)", i, qclass[p->q[i].kind], p->q[i].maxsize);
  for (int i = 0; i < p->nwaiter; i++) line(&o, 1, "WA[%d] = Waiter(%d)", i, p->waiter_n[i]);
  line(&o, 0, "%s", "");
  for (int i = 0; i < p->nbodies; i++)
    if (i == 0 || p->b[i].nops || p->b[i].owner >= 0) emit_body(&o, i);
  put(&o, "BODIES = {0: t0}\n");
  return o.len;
}
