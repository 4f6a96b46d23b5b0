/* The oracle's programs: generation, normalisation, the C-op text form,
 * serialisation and shrinking (tests/prop/oracle.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stddef.h>

#include "oracle.h"

const char *const o_op_name[OP_NKINDS] = {
    "sleep", "spawn", "sleepf", "await", "gather", "wait_for", "wait", "as_completed", "shield", "cancel",
    "uncancel", "resolve", "ev_set", "ev_clear", "ev_wait", "lock_acquire", "lock_release", "with_lock",
    "sem_acquire", "sem_release", "with_sem", "with_cond", "cond_wait", "cond_notify", "q_put", "q_put_nowait",
    "q_get", "q_get_nowait", "q_task_done", "q_join", "q_shutdown", "w_notify", "w_wait", "w_future", "timeout",
    "reschedule", "group", "group_spawn", "shield_block", "afor", "gnew", "anext", "aclose", "yield"};

uint64_t o_next(o_rng *r) {
  uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

int o_below(o_rng *r, int n) { return n <= 1 ? 0 : (int)(o_next(r) % (uint64_t)n); }

/* --- generation ------------------------------------------------------------ */

typedef struct gen {
  o_program *p;
  o_rng *r;
  const o_shape *sh;
} gen;

/* What a body may refer to while its ops are generated. */
typedef struct bctx {
  int body, depth;
  int group;          /* the task group this body was spawned into (-1: none) */
  int kids[O_MAXB], nkids;
  int sfs[O_MAXSF], nsf;
  int iters;          /* iterator slots made by OP_GNEW */
  int groups;         /* group slots used */
  /* blocks open at the op being generated */
  int in_afor, timeouts, cond_open, open_group, in_shield;
  int cleanup;        /* generating the cleanup ops */
  int budget;         /* ops left in this body */
} bctx;

typedef struct pending { int body, owner, group, depth; } pending;
static pending todo[O_MAXB];
static int ntodo;

static int delay(gen *g) {
  /* Mostly short delays, so that equal deadlines and same-tick events are common. */
  if (o_below(g->r, 4) == 0) return 0;
  return 1 + o_below(g->r, g->sh->max_delay);
}

static int has(gen *g, unsigned layer) { return (g->sh->layers & layer) != 0; }

static o_op *emit(gen *g, bctx *c, int kind) {
  o_body *b = &g->p->b[c->body];
  o_op *op = &b->ops[b->nops++];
  memset(op, 0, sizeof *op);
  op->kind = (uint8_t)kind;
  op->a = op->b = -1;
  c->budget--;
  return op;
}

static int new_body(gen *g, bctx *c, int kind, int group) {
  o_program *p = g->p;
  if (p->nbodies >= g->sh->max_bodies || p->nbodies >= O_MAXB || c->depth >= g->sh->max_depth) return -1;
  int id = p->nbodies++;
  memset(&p->b[id], 0, sizeof p->b[id]);
  p->b[id].kind = (uint8_t)kind;
  p->b[id].owner = (int8_t)c->body;
  todo[ntodo++] = (pending){id, c->body, group, c->depth + 1};
  return id;
}

/* A handle this body can wait for: a child task, a plain future, a sleep future. */
static int pick_handle(gen *g, bctx *c) {
  int n = c->nkids + g->p->nfut + c->nsf;
  if (n == 0) return -1;
  int k = o_below(g->r, n);
  if (k < c->nkids) return c->kids[k];
  k -= c->nkids;
  if (k < g->p->nfut) return H_FUT + k;
  return H_SF + c->sfs[k - g->p->nfut];
}

static int pick_handles(gen *g, bctx *c, int16_t *out) {
  int want = 1 + o_below(g->r, O_MAXK), n = 0;
  for (int tries = 0; tries < 12 && n < want; tries++) {
    int h = pick_handle(g, c), dup = 0;
    if (h < 0) break;
    for (int j = 0; j < n; j++) dup |= out[j] == h;
    if (!dup) out[n++] = (int16_t)h;
  }
  return n;
}

static int pick_source(gen *g, bctx *c, int allow_gen) {
  o_program *p = g->p;
  int src = -1;
  if (allow_gen && o_below(g->r, 3) != 0) {
    int body = new_body(g, c, B_GEN, -1);
    if (body >= 0) src = SRC_BODY(body);
  }
  if (src < 0) {
    if (p->nclass == 0) return -1;
    src = SRC_CLASS(o_below(g->r, p->nclass));
  }
  int w = o_below(g->r, 8);
  if (w == 1) src |= SRC_WRAP_MAP;
  if (w == 2) src |= SRC_WRAP_FILTER;
  if (w == 3) src |= SRC_WRAP_TAKE;
  if (w == 4) src |= SRC_WRAP_MAP | SRC_WRAP_TAKE;
  return src;
}

static void gen_seq(gen *g, bctx *c, int max);

/* One op (or block) at the current position. */
static void gen_op(gen *g, bctx *c) {
  o_program *p = g->p;
  int is_gen = p->b[c->body].kind == B_GEN;
  int top = !c->in_afor && !c->cleanup; /* ops that create handles or slots: not repeated, not in cleanup */
  int w[OP_NKINDS] = {0};
  w[OP_SLEEP] = 6;
  if (has(g, O_L_CORE)) {
    if (top && !is_gen) w[OP_SPAWN] = 7;
    if (top && c->nsf < 2 && p->nsf < O_MAXSF) w[OP_SLEEPF] = 1;
    int hs = c->nkids + p->nfut + c->nsf;
    if (hs) {
      w[OP_AWAIT] = 3;
      w[OP_GATHER] = 3;
      w[OP_WAIT_FOR] = 3;
      w[OP_WAIT] = 2;
      w[OP_AS_COMPLETED] = 1;
      w[OP_SHIELD] = 1;
    }
    if (p->nbodies > 1 || hs) w[OP_CANCEL] = 3;
    if (!is_gen) w[OP_UNCANCEL] = 1;
  }
  if (p->nfut) w[OP_RESOLVE] = 3;
  if (p->nev) w[OP_EV_SET] = 2, w[OP_EV_CLEAR] = 1, w[OP_EV_WAIT] = 3;
  if (p->nlock) w[OP_LOCK_WITH] = 3, w[OP_LOCK_ACQ] = 1, w[OP_LOCK_REL] = 1;
  if (p->nsem) w[OP_SEM_WITH] = 3, w[OP_SEM_ACQ] = 1, w[OP_SEM_REL] = 1;
  if (p->ncond) w[OP_COND_WITH] = c->cond_open >= 0 ? 0 : 3;
  if (c->cond_open >= 0) w[OP_COND_WAIT] = 4, w[OP_COND_NOTIFY] = 3;
  if (p->nq) {
    w[OP_Q_PUT] = 4, w[OP_Q_GET] = 4, w[OP_Q_PUT_NOWAIT] = 2, w[OP_Q_GET_NOWAIT] = 2;
    w[OP_Q_TASK_DONE] = 1, w[OP_Q_JOIN] = 1, w[OP_Q_SHUTDOWN] = 1;
  }
  if (p->nwaiter) w[OP_W_NOTIFY] = 3, w[OP_W_WAIT] = 2, w[OP_W_FUTURE] = 1;
  /* Shields have no asyncio counterpart: the Python side emulates weft's
   * rule (prelude.ShieldTask). Timeout scopes inside or around a shield
   * follow weft's own design (scope.c: one entered inside fires through it),
   * which the emulation does not model: they are left to test_scope. */
  if (has(g, O_L_TIMEOUT) && !c->in_shield) {
    w[OP_TIMEOUT] = 3;
    if (c->timeouts) w[OP_RESCHED] = 2;
  }
  if (has(g, O_L_GROUP) && !is_gen) {
    if (top && c->open_group < 0 && c->groups < 2) w[OP_GROUP] = 3;
    if (c->open_group >= 0 || c->group >= 0) w[OP_GSPAWN] = 5;
  }
  if (has(g, O_L_SHIELD) && !c->in_shield && !c->timeouts) w[OP_SHIELD_BLOCK] = 1;
  if (has(g, O_L_GEN)) {
    if (top) w[OP_AFOR] = 4;
    if (top && c->iters < 2 && !c->timeouts && c->open_group < 0) w[OP_GNEW] = 2;
    if (c->iters) w[OP_ANEXT] = 4, w[OP_ACLOSE] = 1;
  }
  if (is_gen) {
    w[OP_YIELD] = 8;
    w[OP_GROUP] = w[OP_GSPAWN] = w[OP_UNCANCEL] = 0;
  }
  if (c->in_shield) {
    /* Inside a shield the task cannot be cancelled, so only what ends by
     * itself: a task stuck there forever would outlive the program. */
    static const int bounded[] = {OP_SLEEP, OP_SPAWN, OP_SLEEPF, OP_CANCEL, OP_UNCANCEL, OP_RESOLVE,
                                  OP_EV_SET, OP_EV_CLEAR, OP_LOCK_REL, OP_SEM_REL, OP_Q_PUT_NOWAIT,
                                  OP_Q_GET_NOWAIT, OP_Q_TASK_DONE, OP_Q_SHUTDOWN, OP_W_NOTIFY, OP_GSPAWN};
    int keep[OP_NKINDS] = {0};
    for (size_t k = 0; k < sizeof bounded / sizeof *bounded; k++) keep[bounded[k]] = w[bounded[k]];
    memcpy(w, keep, sizeof keep);
  }
  if (c->budget < 3) /* no room for a block */
    w[OP_LOCK_WITH] = w[OP_SEM_WITH] = w[OP_COND_WITH] = w[OP_TIMEOUT] = w[OP_GROUP] = w[OP_SHIELD_BLOCK] =
        w[OP_AFOR] = 0;
  if (c->depth >= g->sh->max_depth || p->nbodies >= g->sh->max_bodies)
    w[OP_SPAWN] = w[OP_GSPAWN] = w[OP_AFOR] = w[OP_GNEW] = 0;
  int total = 0;
  for (int k = 0; k < OP_NKINDS; k++) total += w[k];
  int pick = o_below(g->r, total), kind = 0;
  while (pick >= w[kind]) pick -= w[kind++];

  int at = p->b[c->body].nops;
  o_op *op = emit(g, c, kind);
  switch (kind) {
    case OP_SLEEP: op->arg = delay(g); break;
    case OP_SPAWN:
    case OP_GSPAWN: {
      int group = kind == OP_GSPAWN ? (c->open_group >= 0 ? c->open_group : c->group) : -1;
      int child = new_body(g, c, B_TASK, group);
      if (child < 0) {
        op->kind = OP_SLEEP;
        op->arg = delay(g);
        break;
      }
      op->a = (int16_t)child;
      op->b = (int16_t)group;
      op->mode = kind == OP_SPAWN && o_below(g->r, 12) == 0;
      /* group children are tasks too, but awaited through the group */
      if (kind == OP_SPAWN && c->nkids < O_MAXB) c->kids[c->nkids++] = child;
      if (kind == OP_GSPAWN && c->nkids < O_MAXB && o_below(g->r, 4) == 0) c->kids[c->nkids++] = child;
      break;
    }
    case OP_SLEEPF:
      op->a = (int16_t)p->nsf;
      op->arg = delay(g);
      c->sfs[c->nsf++] = p->nsf++;
      break;
    case OP_AWAIT:
    case OP_WAIT_FOR:
    case OP_SHIELD:
      op->a = (int16_t)pick_handle(g, c);
      if (kind == OP_WAIT_FOR) op->arg = delay(g);
      break;
    case OP_GATHER:
    case OP_WAIT:
    case OP_AS_COMPLETED:
      op->n = (uint8_t)pick_handles(g, c, op->hs);
      if (kind == OP_GATHER) op->mode = (uint8_t)o_below(g->r, 2);
      if (kind == OP_WAIT) op->mode = (uint8_t)o_below(g->r, 3);
      if (kind != OP_GATHER) op->arg = o_below(g->r, 3) == 0 ? -1 : delay(g);
      break;
    case OP_CANCEL: {
      /* any task of the program (spawned or not yet: cancel at any moment),
       * or something this body waits for */
      int hs = c->nkids + p->nfut + c->nsf;
      if (p->nbodies > 1 && (hs == 0 || o_below(g->r, 2))) {
        int t = 1 + o_below(g->r, p->nbodies - 1);
        /* a task may cancel itself (delivered at its next await), except
         * where shields are about: a cancellation pending when a shield
         * goes up is weft's own rule too */
        if ((t == c->body && has(g, O_L_SHIELD)) || p->b[t].kind != B_TASK) t = hs ? pick_handle(g, c) : -1;
        op->a = (int16_t)t;
      } else
        op->a = (int16_t)pick_handle(g, c);
      if (op->a < 0) op->kind = OP_UNCANCEL;
      break;
    }
    case OP_UNCANCEL: break;
    case OP_RESOLVE:
      op->a = (int16_t)(H_FUT + o_below(g->r, p->nfut));
      op->arg = o_below(g->r, 3) ? 1 + o_below(g->r, 99) : -(110 + o_below(g->r, 5));
      break;
    case OP_EV_SET:
    case OP_EV_CLEAR:
    case OP_EV_WAIT: op->a = (int16_t)o_below(g->r, p->nev); break;
    case OP_LOCK_ACQ:
    case OP_LOCK_REL: op->a = (int16_t)o_below(g->r, p->nlock); break;
    case OP_SEM_ACQ:
    case OP_SEM_REL: op->a = (int16_t)o_below(g->r, p->nsem); break;
    case OP_COND_WAIT: op->a = (int16_t)c->cond_open; break;
    case OP_COND_NOTIFY:
      op->a = (int16_t)c->cond_open;
      op->arg = o_below(g->r, 3);
      break;
    case OP_Q_PUT:
    case OP_Q_PUT_NOWAIT:
      op->a = (int16_t)o_below(g->r, p->nq);
      op->arg = 1 + o_below(g->r, 99);
      op->b = (int16_t)o_below(g->r, 4);
      break;
    case OP_Q_GET:
    case OP_Q_GET_NOWAIT:
    case OP_Q_TASK_DONE:
    case OP_Q_JOIN: op->a = (int16_t)o_below(g->r, p->nq); break;
    case OP_Q_SHUTDOWN:
      op->a = (int16_t)o_below(g->r, p->nq);
      op->mode = (uint8_t)o_below(g->r, 2);
      break;
    case OP_W_NOTIFY:
    case OP_W_WAIT:
    case OP_W_FUTURE: op->a = (int16_t)o_below(g->r, p->nwaiter); break;
    case OP_RESCHED: op->arg = o_below(g->r, 5) == 0 ? -1 : delay(g); break;
    case OP_YIELD: op->arg = 100 * c->body + at; break;
    case OP_ANEXT:
    case OP_ACLOSE: op->a = (int16_t)o_below(g->r, c->iters); break;
    case OP_GNEW: {
      int src = pick_source(g, c, 1);
      if (src < 0) {
        op->kind = OP_SLEEP;
        op->arg = delay(g);
        break;
      }
      op->a = (int16_t)c->iters++;
      op->src = (int16_t)src;
      op->wrap_n = (int16_t)(1 + o_below(g->r, 3));
      break;
    }
    /* blocks */
    case OP_LOCK_WITH:
    case OP_SEM_WITH:
    case OP_COND_WITH:
    case OP_TIMEOUT:
    case OP_GROUP:
    case OP_SHIELD_BLOCK:
    case OP_AFOR: {
      bctx saved = *c;
      if (kind == OP_LOCK_WITH) op->a = (int16_t)o_below(g->r, p->nlock);
      if (kind == OP_SEM_WITH) op->a = (int16_t)o_below(g->r, p->nsem);
      if (kind == OP_COND_WITH) c->cond_open = op->a = (int16_t)o_below(g->r, p->ncond);
      if (kind == OP_TIMEOUT) {
        op->arg = o_below(g->r, 6) == 0 ? -1 : delay(g);
        c->timeouts++;
      }
      if (kind == OP_GROUP) {
        op->a = (int16_t)(c->body * 4 + c->groups++);
        c->open_group = op->a;
      }
      if (kind == OP_SHIELD_BLOCK) c->in_shield = 1;
      if (kind == OP_AFOR) {
        int src = pick_source(g, c, 1);
        if (src < 0) {
          op->kind = OP_SLEEP;
          op->arg = delay(g);
          break;
        }
        op->src = (int16_t)src;
        op->wrap_n = (int16_t)(1 + o_below(g->r, 3));
        op->arg = o_below(g->r, 3) == 0 ? o_below(g->r, 3) : -1;
        c->in_afor = 1;
      }
      int inner = 1 + o_below(g->r, c->budget < 4 ? c->budget : 4);
      if (inner > c->budget) inner = c->budget;
      gen_seq(g, c, inner);
      int len = p->b[c->body].nops - at - 1;
      p->b[c->body].ops[at].len = (uint8_t)len;
      int budget = c->budget, kids = c->nkids, iters = c->iters, groups = c->groups, nsf = c->nsf;
      int kid_list[O_MAXB], sf_list[O_MAXSF];
      memcpy(kid_list, c->kids, sizeof kid_list);
      memcpy(sf_list, c->sfs, sizeof sf_list);
      *c = saved;
      c->budget = budget;
      /* what the block made stays usable after it (tasks spawned in a lock
       * block, …), except a group's children, which the group awaited */
      c->nkids = kids;
      memcpy(c->kids, kid_list, sizeof kid_list);
      c->nsf = nsf;
      memcpy(c->sfs, sf_list, sizeof sf_list);
      c->iters = iters;
      c->groups = groups;
      break;
    }
  }
}

static void gen_seq(gen *g, bctx *c, int max) {
  for (int i = 0; i < max && c->budget > 0; i++) gen_op(g, c);
}

static void gen_body(gen *g, int id, int group, int depth) {
  o_program *p = g->p;
  o_body *b = &p->b[id];
  bctx c;
  memset(&c, 0, sizeof c);
  c.body = id;
  c.depth = depth;
  c.group = group;
  c.cond_open = c.open_group = -1;
  int nclean = b->kind == B_TASK && o_below(g->r, 2) ? 1 + o_below(g->r, 2) : o_below(g->r, 4) == 0;
  c.budget = O_MAXOPS - nclean;
  int n = 1 + o_below(g->r, 7);
  if (b->kind == B_GEN) n = 1 + o_below(g->r, 5);
  gen_seq(g, &c, n);
  if (b->kind == B_GEN && o_below(g->r, 3) != 0 && b->nops < O_MAXOPS - nclean) { /* make sure it yields */
    o_op *op = emit(g, &c, OP_YIELD);
    op->arg = 100 * id + b->nops - 1;
  }
  int body_ops = b->nops;
  /* Cleanup: short, bounded, and may itself be cut by a timeout. */
  bctx cc;
  memset(&cc, 0, sizeof cc);
  cc.body = id;
  cc.depth = depth;
  cc.group = -1;
  cc.cond_open = cc.open_group = -1;
  cc.cleanup = 1;
  cc.budget = O_MAXOPS - b->nops;
  for (int i = 0; i < nclean && cc.budget > 0; i++) {
    int k = o_below(g->r, 6);
    o_op *op;
    if (k <= 2 || !p->nfut) {
      op = emit(g, &cc, OP_SLEEP);
      op->arg = delay(g);
    } else if (k == 3 && cc.budget >= 2) {
      op = emit(g, &cc, OP_TIMEOUT);
      op->arg = delay(g);
      op->len = 1;
      o_op *s = emit(g, &cc, OP_SLEEP);
      s->arg = delay(g) + 1;
    } else {
      op = emit(g, &cc, OP_RESOLVE);
      op->a = (int16_t)(H_FUT + o_below(g->r, p->nfut));
      op->arg = 1 + o_below(g->r, 99);
    }
  }
  b->ncleanup = (uint8_t)(b->nops - body_ops);
  b->ret = 1 + o_below(g->r, 999);
  b->fail = o_below(g->r, 4) == 0 ? -(100 + o_below(g->r, 10)) : 0;
  b->on_cancel = (uint8_t)(b->kind == B_GEN ? C_RERAISE : o_below(g->r, 4) ? C_RERAISE : o_below(g->r, 4));
  b->on_close = b->kind == B_GEN && o_below(g->r, 8) == 0;
  if (b->kind == B_GEN) b->ret = 0;
}

void o_generate(o_program *p, o_rng *r, const o_shape *sh) {
  memset(p, 0, sizeof *p);
  gen g = {p, r, sh};
  unsigned L = sh->layers;
  if (L & O_L_FUT) p->nfut = (uint8_t)(1 + o_below(r, 3));
  if (L & O_L_SYNC) {
    p->nev = (uint8_t)o_below(r, 3);
    p->nlock = (uint8_t)o_below(r, 3);
    p->nsem = (uint8_t)o_below(r, 3);
    p->ncond = (uint8_t)o_below(r, 2);
    p->nwaiter = (uint8_t)o_below(r, 2);
    for (int i = 0; i < p->nsem; i++) {
      p->sem_value[i] = (uint8_t)o_below(r, 3);
      p->sem_bounded[i] = (uint8_t)o_below(r, 2);
    }
    for (int i = 0; i < p->nwaiter; i++) p->waiter_n[i] = (uint8_t)o_below(r, 4);
  }
  if (L & O_L_QUEUE) {
    p->nq = (uint8_t)(1 + o_below(r, 2));
    for (int i = 0; i < p->nq; i++) {
      p->q[i].kind = (uint8_t)o_below(r, 3);
      p->q[i].maxsize = (uint8_t)o_below(r, 4);
    }
  }
  if (L & O_L_GEN) {
    p->nclass = (uint8_t)o_below(r, 3);
    for (int i = 0; i < p->nclass; i++) {
      p->cls[i].n = (uint8_t)o_below(r, 5);
      p->cls[i].delay = (uint8_t)o_below(r, 3);
      p->cls[i].fail_at = (uint8_t)(o_below(r, 4) == 0 ? 1 + o_below(r, 4) : 0);
    }
  }
  p->nbodies = 1;
  p->b[0].kind = B_TASK;
  p->b[0].owner = -1;
  ntodo = 0;
  todo[ntodo++] = (pending){0, -1, -1, 0};
  for (int i = 0; i < ntodo; i++) gen_body(&g, todo[i].body, todo[i].group, todo[i].depth);
  p->b[0].fail = 0;
  p->b[0].on_cancel = C_RERAISE;
  o_normalize(p);
}

void o_program_for(o_program *p, uint64_t seed, long i) {
  o_rng r = {seed * 0x100000001b3ull + (uint64_t)i};
  o_next(&r);
  o_shape sh;
  sh.max_bodies = 2 + o_below(&r, O_MAXB - 1);
  sh.max_delay = 2 + o_below(&r, 12);
  sh.max_depth = 1 + o_below(&r, 3);
  /* Most programs focus on a few layers (so that each gets dense
   * interleavings); one in four mixes all of them. */
  if (o_below(&r, 4) == 0)
    sh.layers = O_L_ALL;
  else {
    sh.layers = O_L_CORE;
    int extra = 1 + o_below(&r, 3);
    for (int k = 0; k < extra; k++) sh.layers |= 1u << (1 + o_below(&r, 7));
  }
  o_generate(p, &r, &sh);
}

/* --- normalisation ------------------------------------------------------- */

static int is_block(int kind) {
  return kind == OP_LOCK_WITH || kind == OP_SEM_WITH || kind == OP_COND_WITH || kind == OP_TIMEOUT ||
         kind == OP_GROUP || kind == OP_SHIELD_BLOCK || kind == OP_AFOR;
}

/* Removes op k of body `b` (a block with its whole body). */
static void remove_op(o_body *b, int k, int whole_block) {
  int n = whole_block && is_block(b->ops[k].kind) ? 1 + b->ops[k].len : 1;
  /* shorten the blocks that contain it, and the cleanup if it is there */
  for (int j = 0; j < k; j++)
    if (is_block(b->ops[j].kind) && j + b->ops[j].len >= k) b->ops[j].len = (uint8_t)(b->ops[j].len - n);
  if (k >= b->nops - b->ncleanup) b->ncleanup = (uint8_t)(b->ncleanup - n);
  memmove(&b->ops[k], &b->ops[k + n], (size_t)(b->nops - k - n) * sizeof(o_op));
  b->nops = (uint8_t)(b->nops - n);
}

static int src_body(int src) { return src >= 0 && (src & 0xff) < 64 ? (src & 0xff) : -1; }
static int src_class(int src) { return src >= 0 && (src & 0xff) >= 64 ? (src & 0xff) - 64 : -1; }

/* Which bodies are reachable from main, each exactly once: repeats by the
 * generator cannot happen, but shrinking may drop the op that made one. */
void o_normalize(o_program *p) {
  int changed = 1;
  while (changed) {
    changed = 0;
    int made[O_MAXB] = {0};
    made[0] = 1;
    /* bodies made by ops of reachable bodies (parents come first) */
    for (int i = 0; i < p->nbodies; i++) {
      if (!made[i]) continue;
      o_body *b = &p->b[i];
      for (int k = 0; k < b->nops; k++) {
        o_op *op = &b->ops[k];
        if ((op->kind == OP_SPAWN || op->kind == OP_GSPAWN) && op->a > i && op->a < p->nbodies &&
            p->b[op->a].kind == B_TASK)
          made[op->a] = 1;
        if ((op->kind == OP_AFOR || op->kind == OP_GNEW) && src_body(op->src) > i &&
            src_body(op->src) < p->nbodies && p->b[src_body(op->src)].kind == B_GEN)
          made[src_body(op->src)] = 1;
      }
    }
    for (int i = 0; i < p->nbodies; i++) {
      o_body *b = &p->b[i];
      if (!made[i]) {
        if (b->nops) {
          b->nops = b->ncleanup = 0;
          changed = 1;
        }
        continue;
      }
      int kid[O_MAXB + 64] = {0}, sf[O_MAXSF] = {0}, iters = 0;
      for (int k = 0; k < b->nops; k++) {
        o_op *op = &b->ops[k];
        int bad = 0;
        switch (op->kind) {
          case OP_SPAWN:
          case OP_GSPAWN:
            bad = op->a <= i || op->a >= p->nbodies || p->b[op->a].kind != B_TASK || p->b[op->a].owner != i;
            if (!bad) kid[op->a] = 1;
            break;
          case OP_SLEEPF:
            bad = op->a >= p->nsf;
            if (!bad) sf[op->a] = 1;
            break;
          case OP_AWAIT:
          case OP_WAIT_FOR:
          case OP_SHIELD:
          case OP_CANCEL:
            if (op->a >= H_SF)
              bad = op->a - H_SF >= p->nsf || !sf[op->a - H_SF];
            else if (op->a >= H_FUT)
              bad = op->a - H_FUT >= p->nfut;
            else if (op->kind == OP_CANCEL)
              bad = op->a <= 0 || op->a >= p->nbodies || !made[op->a] || p->b[op->a].kind != B_TASK;
            else
              bad = op->a < 0 || !kid[op->a];
            break;
          case OP_GATHER:
          case OP_WAIT:
          case OP_AS_COMPLETED: {
            int n = 0;
            for (int j = 0; j < op->n; j++) {
              int h = op->hs[j], ok;
              if (h >= H_SF) ok = h - H_SF < p->nsf && sf[h - H_SF];
              else if (h >= H_FUT) ok = h - H_FUT < p->nfut;
              else ok = h >= 0 && kid[h];
              if (ok) op->hs[n++] = (int16_t)h;
            }
            if (n != op->n) changed = 1;
            op->n = (uint8_t)n;
            bad = n == 0;
            break;
          }
          case OP_RESOLVE: bad = op->a - H_FUT >= p->nfut; break;
          case OP_EV_SET:
          case OP_EV_CLEAR:
          case OP_EV_WAIT: bad = op->a >= p->nev; break;
          case OP_LOCK_ACQ:
          case OP_LOCK_REL:
          case OP_LOCK_WITH: bad = op->a >= p->nlock; break;
          case OP_SEM_ACQ:
          case OP_SEM_REL:
          case OP_SEM_WITH: bad = op->a >= p->nsem; break;
          case OP_COND_WITH:
          case OP_COND_WAIT:
          case OP_COND_NOTIFY: bad = op->a >= p->ncond; break;
          case OP_Q_PUT:
          case OP_Q_PUT_NOWAIT:
          case OP_Q_GET:
          case OP_Q_GET_NOWAIT:
          case OP_Q_TASK_DONE:
          case OP_Q_JOIN:
          case OP_Q_SHUTDOWN: bad = op->a >= p->nq; break;
          case OP_W_NOTIFY:
          case OP_W_WAIT:
          case OP_W_FUTURE: bad = op->a >= p->nwaiter; break;
          case OP_AFOR:
          case OP_GNEW: {
            int sb = src_body(op->src), sc = src_class(op->src);
            if (sb >= 0)
              bad = sb <= i || sb >= p->nbodies || p->b[sb].kind != B_GEN || p->b[sb].owner != i;
            else
              bad = sc < 0 || sc >= p->nclass;
            if (!bad && op->kind == OP_GNEW) {
              bad = op->a != iters;
              if (!bad) iters++;
            }
            break;
          }
          case OP_ANEXT:
          case OP_ACLOSE: bad = op->a >= iters; break;
          default: break;
        }
        if (bad) {
          /* a block whose head is bad keeps its body, unwrapped */
          remove_op(b, k, 0);
          k--;
          changed = 1;
        }
      }
    }
  }
}

/* --- text forms ---------------------------------------------------------- */

typedef struct out {
  char *buf;
  size_t cap, len;
} out;

static void put(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
static void put(out *o, const char *fmt, ...) {
  if (o->len + 1 >= o->cap) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
  va_end(ap);
  if (n > 0) o->len += (size_t)n;
  if (o->len >= o->cap) o->len = o->cap - 1;
}

static void handle_name(out *o, int h) {
  if (h >= H_SF) put(o, "sf%d", h - H_SF);
  else if (h >= H_FUT) put(o, "f%d", h - H_FUT);
  else put(o, "t%d", h);
}

static void src_name(out *o, int src, int n) {
  int sb = src_body(src), sc = src_class(src);
  if (src & SRC_WRAP_TAKE) put(o, "take(");
  if (src & SRC_WRAP_FILTER) put(o, "filter(");
  if (src & SRC_WRAP_MAP) put(o, "map(");
  if (sb >= 0) put(o, "g%d()", sb);
  else put(o, "cls%d()", sc);
  if (src & SRC_WRAP_MAP) put(o, ")");
  if (src & SRC_WRAP_FILTER) put(o, ")");
  if (src & SRC_WRAP_TAKE) put(o, ", %d)", n);
}

static const char *const qkind[] = {"fifo", "lifo", "priority"};
static const char *const wait_mode[] = {"FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"};
static const char *const on_cancel_name[] = {"re-raise", "return ret", "uncancel, return ret", "raise fail"};

void o_op_text(const o_op *op, char *buf, size_t cap);
void o_op_text(const o_op *op, char *buf, size_t cap) {
  out o = {buf, cap, 0};
  buf[0] = 0;
  put(&o, "%s", o_op_name[op->kind]);
  switch (op->kind) {
    case OP_SLEEP: put(&o, " %d", (int)op->arg); break;
    case OP_SPAWN: put(&o, " t%d%s", op->a, op->mode ? " +cancel" : ""); break;
    case OP_GSPAWN: put(&o, " t%d into grp%d", op->a, op->b); break;
    case OP_SLEEPF: put(&o, " sf%d %d", op->a, (int)op->arg); break;
    case OP_AWAIT:
    case OP_SHIELD:
    case OP_CANCEL:
      put(&o, " ");
      handle_name(&o, op->a);
      break;
    case OP_WAIT_FOR:
      put(&o, " ");
      handle_name(&o, op->a);
      put(&o, " %d", (int)op->arg);
      break;
    case OP_GATHER:
    case OP_WAIT:
    case OP_AS_COMPLETED:
      if (op->kind == OP_GATHER) put(&o, "[%s]", op->mode ? "return_exceptions" : "default");
      if (op->kind == OP_WAIT) put(&o, "[%s]", wait_mode[op->mode]);
      for (int j = 0; j < op->n; j++) {
        put(&o, " ");
        handle_name(&o, op->hs[j]);
      }
      if (op->kind != OP_GATHER) put(&o, " timeout %d", (int)op->arg);
      break;
    case OP_RESOLVE: put(&o, " f%d %d", op->a - H_FUT, (int)op->arg); break;
    case OP_EV_SET:
    case OP_EV_CLEAR:
    case OP_EV_WAIT: put(&o, " ev%d", op->a); break;
    case OP_LOCK_ACQ:
    case OP_LOCK_REL:
    case OP_LOCK_WITH: put(&o, " lock%d", op->a); break;
    case OP_SEM_ACQ:
    case OP_SEM_REL:
    case OP_SEM_WITH: put(&o, " sem%d", op->a); break;
    case OP_COND_WITH:
    case OP_COND_WAIT: put(&o, " cond%d", op->a); break;
    case OP_COND_NOTIFY: put(&o, " cond%d %s", op->a, op->arg ? "" : "all"); if (op->arg) put(&o, "%d", (int)op->arg); break;
    case OP_Q_PUT:
    case OP_Q_PUT_NOWAIT: put(&o, " q%d %d prio %d", op->a, (int)op->arg, op->b); break;
    case OP_Q_GET:
    case OP_Q_GET_NOWAIT:
    case OP_Q_TASK_DONE:
    case OP_Q_JOIN: put(&o, " q%d", op->a); break;
    case OP_Q_SHUTDOWN: put(&o, " q%d%s", op->a, op->mode ? " immediate" : ""); break;
    case OP_W_NOTIFY:
    case OP_W_WAIT:
    case OP_W_FUTURE: put(&o, " w%d", op->a); break;
    case OP_TIMEOUT:
    case OP_RESCHED: put(&o, " %d", (int)op->arg); break;
    case OP_GROUP: put(&o, " grp%d", op->a); break;
    case OP_AFOR:
      put(&o, " ");
      src_name(&o, op->src, op->wrap_n);
      if (op->arg >= 0) put(&o, " break after %d", (int)op->arg);
      break;
    case OP_GNEW:
      put(&o, " it%d = ", op->a);
      src_name(&o, op->src, op->wrap_n);
      break;
    case OP_ANEXT:
    case OP_ACLOSE: put(&o, " it%d", op->a); break;
    case OP_YIELD: put(&o, " %d", (int)op->arg); break;
    default: break;
  }
  if (is_block(op->kind)) put(&o, " {");
}

size_t o_print(const o_program *p, char *buf, size_t cap) {
  out o = {buf, cap, 0};
  buf[0] = 0;
  put(&o, "objects:");
  for (int i = 0; i < p->nfut; i++) put(&o, " f%d", i);
  for (int i = 0; i < p->nev; i++) put(&o, " ev%d", i);
  for (int i = 0; i < p->nlock; i++) put(&o, " lock%d", i);
  for (int i = 0; i < p->nsem; i++) put(&o, " sem%d=%s(%d)", i, p->sem_bounded[i] ? "Bounded" : "Semaphore", p->sem_value[i]);
  for (int i = 0; i < p->ncond; i++) put(&o, " cond%d", i);
  for (int i = 0; i < p->nq; i++) put(&o, " q%d=%s(%d)", i, qkind[p->q[i].kind], p->q[i].maxsize);
  for (int i = 0; i < p->nwaiter; i++) put(&o, " w%d=Waiter(%d)", i, p->waiter_n[i]);
  for (int i = 0; i < p->nclass; i++)
    put(&o, " cls%d=(n %d, delay %d, fail_at %d)", i, p->cls[i].n, p->cls[i].delay, p->cls[i].fail_at);
  put(&o, "\n");
  for (int i = 0; i < p->nbodies; i++) {
    const o_body *b = &p->b[i];
    if (i > 0 && b->nops == 0 && b->owner < 0) continue;
    put(&o, "%s%d:", b->kind == B_GEN ? "g" : "t", i);
    int close_at[O_MAXOPS + 1] = {0};
    int body_end = b->nops - b->ncleanup;
    for (int k = 0; k < b->nops; k++) {
      if (k == body_end) put(&o, " | on cancel:");
      char t[128];
      o_op_text(&b->ops[k], t, sizeof t);
      put(&o, " %s%s", t, is_block(b->ops[k].kind) ? "" : ";");
      if (is_block(b->ops[k].kind)) close_at[k + 1 + b->ops[k].len]++;
      for (int c = 0; c < close_at[k + 1]; c++) put(&o, " }");
    }
    if (b->kind == B_TASK) {
      put(&o, " => %s %d", b->fail ? "raise" : "return", (int)(b->fail ? b->fail : b->ret));
      put(&o, " | cancelled: %s", on_cancel_name[b->on_cancel]);
    } else {
      if (b->fail) put(&o, " => raise %d", (int)b->fail);
      if (b->on_close) put(&o, " | closed: yields again");
    }
    put(&o, "\n");
  }
  return o.len;
}

/* Serialised form: every field, as numbers. */
size_t o_serialize(const o_program *p, char *buf, size_t cap) {
  out o = {buf, cap, 0};
  buf[0] = 0;
  put(&o, "v1 %d %d %d %d %d %d %d %d %d %d", p->nbodies, p->nsf, p->nfut, p->nev, p->nlock, p->nsem, p->ncond,
      p->nq, p->nwaiter, p->nclass);
  for (int i = 0; i < O_MAXOBJ; i++)
    put(&o, " %d %d %d %d %d %d %d %d", p->sem_value[i], p->sem_bounded[i], p->waiter_n[i], p->q[i].kind,
        p->q[i].maxsize, p->cls[i].n, p->cls[i].delay, p->cls[i].fail_at);
  for (int i = 0; i < p->nbodies; i++) {
    const o_body *b = &p->b[i];
    put(&o, " b %d %d %d %d %d %d %d %d", b->kind, b->nops, b->ncleanup, b->on_cancel, b->on_close, b->owner,
        (int)b->ret, (int)b->fail);
    for (int k = 0; k < b->nops; k++) {
      const o_op *op = &b->ops[k];
      put(&o, " %d %d %d %d %d %d %d %d %d", op->kind, op->mode, op->n, op->len, op->a, op->b, op->src, op->wrap_n,
          (int)op->arg);
      for (int j = 0; j < O_MAXK; j++) put(&o, " %d", op->hs[j]);
    }
  }
  return o.len;
}

int o_parse(o_program *p, const char *text) {
  memset(p, 0, sizeof *p);
  const char *s = text;
  char *end;
#define NUM(dst)                        \
  do {                                  \
    while (*s == ' ' || *s == 'b') s++; \
    long v_ = strtol(s, &end, 10);      \
    if (end == s) return -1;            \
    s = end;                            \
    (dst) = v_;                         \
  } while (0)
  while (*s == ' ') s++;
  if (strncmp(s, "v1", 2) != 0) return -1;
  s += 2;
  long v[10];
  for (int i = 0; i < 10; i++) NUM(v[i]);
  if (v[0] < 1 || v[0] > O_MAXB || v[1] > O_MAXSF) return -1;
  p->nbodies = (uint8_t)v[0], p->nsf = (uint8_t)v[1], p->nfut = (uint8_t)v[2], p->nev = (uint8_t)v[3];
  p->nlock = (uint8_t)v[4], p->nsem = (uint8_t)v[5], p->ncond = (uint8_t)v[6], p->nq = (uint8_t)v[7];
  p->nwaiter = (uint8_t)v[8], p->nclass = (uint8_t)v[9];
  for (int i = 0; i < O_MAXOBJ; i++) {
    long w[8];
    for (int k = 0; k < 8; k++) NUM(w[k]);
    p->sem_value[i] = (uint8_t)w[0], p->sem_bounded[i] = (uint8_t)w[1], p->waiter_n[i] = (uint8_t)w[2];
    p->q[i].kind = (uint8_t)w[3], p->q[i].maxsize = (uint8_t)w[4];
    p->cls[i].n = (uint8_t)w[5], p->cls[i].delay = (uint8_t)w[6], p->cls[i].fail_at = (uint8_t)w[7];
  }
  for (int i = 0; i < p->nbodies; i++) {
    o_body *b = &p->b[i];
    long h[8];
    for (int k = 0; k < 8; k++) NUM(h[k]);
    if (h[1] > O_MAXOPS) return -1;
    b->kind = (uint8_t)h[0], b->nops = (uint8_t)h[1], b->ncleanup = (uint8_t)h[2], b->on_cancel = (uint8_t)h[3];
    b->on_close = (uint8_t)h[4], b->owner = (int8_t)h[5], b->ret = (int32_t)h[6], b->fail = (int32_t)h[7];
    for (int k = 0; k < b->nops; k++) {
      o_op *op = &b->ops[k];
      long f[9];
      for (int j = 0; j < 9; j++) NUM(f[j]);
      if (f[0] < 0 || f[0] >= OP_NKINDS) return -1;
      op->kind = (uint8_t)f[0], op->mode = (uint8_t)f[1], op->n = (uint8_t)f[2], op->len = (uint8_t)f[3];
      op->a = (int16_t)f[4], op->b = (int16_t)f[5], op->src = (int16_t)f[6], op->wrap_n = (int16_t)f[7];
      op->arg = (int32_t)f[8];
      for (int j = 0; j < O_MAXK; j++) {
        long x;
        NUM(x);
        op->hs[j] = (int16_t)x;
      }
      if (op->n > O_MAXK) return -1;
    }
  }
#undef NUM
  return 0;
}

/* --- statistics ---------------------------------------------------------- */

void o_count_ops(const o_program *p, long counts[OP_NKINDS]) {
  for (int i = 0; i < p->nbodies; i++)
    for (int k = 0; k < p->b[i].nops; k++) counts[p->b[i].ops[k].kind]++;
}

unsigned o_layers(const o_program *p) {
  unsigned L = 0;
  for (int i = 0; i < p->nbodies; i++)
    for (int k = 0; k < p->b[i].nops; k++) {
      int kind = p->b[i].ops[k].kind;
      if (kind <= OP_UNCANCEL) L |= O_L_CORE;
      else if (kind == OP_RESOLVE) L |= O_L_FUT;
      else if (kind >= OP_Q_PUT && kind <= OP_Q_SHUTDOWN) L |= O_L_QUEUE;
      else if (kind <= OP_W_FUTURE) L |= O_L_SYNC;
      else if (kind == OP_TIMEOUT || kind == OP_RESCHED) L |= O_L_TIMEOUT;
      else if (kind == OP_GROUP || kind == OP_GSPAWN) L |= O_L_GROUP;
      else if (kind == OP_SHIELD_BLOCK) L |= O_L_SHIELD;
      else L |= O_L_GEN;
      for (int j = 0; j < p->b[i].ops[k].n; j++)
        if (p->b[i].ops[k].hs[j] >= H_FUT && p->b[i].ops[k].hs[j] < H_SF) L |= O_L_FUT;
    }
  return L;
}

/* --- shrinking ----------------------------------------------------------- */

int o_shrink(o_program *p, int (*still_fails)(const o_program *, void *), void *ctx) {
  int steps = 0, progress = 1;
  static o_program q;
  while (progress) {
    progress = 0;
    /* whole ops, last first (later ops depend on earlier ones) */
    for (int i = p->nbodies - 1; i >= 0; i--)
      for (int k = p->b[i].nops - 1; k >= 0; k--) {
        if (k >= p->b[i].nops) continue;
        for (int whole = 1; whole >= 0; whole--) {
          if (!whole && !is_block(p->b[i].ops[k].kind)) continue;
          q = *p;
          remove_op(&q.b[i], k, whole);
          o_normalize(&q);
          if (still_fails(&q, ctx)) {
            *p = q;
            steps++;
            progress = 1;
            break;
          }
        }
      }
    /* simpler ends */
    for (int i = 0; i < p->nbodies; i++) {
      o_body *b = &p->b[i];
      if (b->on_cancel != C_RERAISE || b->fail || b->on_close) {
        q = *p;
        q.b[i].on_cancel = C_RERAISE;
        q.b[i].fail = 0;
        q.b[i].on_close = 0;
        if (still_fails(&q, ctx)) {
          *p = q;
          steps++;
          progress = 1;
        }
      }
    }
    /* the last body, then the last object of each kind (nothing that
     * remains may name it: o_normalize drops what does) */
    while (p->nbodies > 1) {
      q = *p;
      q.nbodies--;
      o_normalize(&q);
      if (!still_fails(&q, ctx)) break;
      *p = q;
      steps++;
      progress = 1;
    }
    static const size_t counts[] = {offsetof(o_program, nsf),  offsetof(o_program, nfut),
                                    offsetof(o_program, nev),  offsetof(o_program, nlock),
                                    offsetof(o_program, nsem), offsetof(o_program, ncond),
                                    offsetof(o_program, nq),   offsetof(o_program, nwaiter),
                                    offsetof(o_program, nclass)};
    for (size_t c = 0; c < sizeof counts / sizeof *counts; c++)
      while (((uint8_t *)p)[counts[c]] > 0) {
        q = *p;
        ((uint8_t *)&q)[counts[c]]--;
        o_normalize(&q);
        if (!still_fails(&q, ctx)) break;
        *p = q;
        steps++;
        progress = 1;
      }
    /* shorter delays */
    static const int kinds_with_delay[] = {OP_SLEEP, OP_WAIT_FOR, OP_TIMEOUT, OP_SLEEPF, OP_RESCHED, OP_WAIT,
                                           OP_AS_COMPLETED};
    for (int i = 0; i < p->nbodies; i++)
      for (int k = 0; k < p->b[i].nops; k++) {
        o_op *op = &p->b[i].ops[k];
        for (size_t j = 0; j < sizeof kinds_with_delay / sizeof *kinds_with_delay; j++)
          if (op->kind == kinds_with_delay[j] && op->arg > 0) {
            int32_t was = op->arg;
            for (int32_t v = 0; v < was; v = v ? v * 2 : 1) {
              q = *p;
              q.b[i].ops[k].arg = v;
              if (still_fails(&q, ctx)) {
                *p = q;
                steps++;
                progress = 1;
                break;
              }
            }
          }
      }
  }
  return steps;
}
