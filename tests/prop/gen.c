/* Program generation, printing and shrinking for the property tests. */
#include <stdio.h>
#include <string.h>

#include "prop.h"
#include "weft.h"

uint64_t p_next(p_rng *r) {
  uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* Bytes from the fuzzer drive the choices directly when present. */
static const uint8_t *fz_data;
static size_t fz_size, fz_pos;

int p_below(p_rng *r, int n) {
  if (n <= 1) return 0;
  if (fz_data) {
    if (fz_pos >= fz_size) return 0;
    return fz_data[fz_pos++] % n;
  }
  return (int)(p_next(r) % (uint64_t)n);
}

typedef struct gen {
  p_program *p;
  p_rng *r;
  const p_shape *shape;
} gen;

static int delay(gen *g) {
  /* Mostly short delays, so that same-time events (and ties) are common. */
  int d = p_below(g->r, g->shape->max_delay + 1);
  return p_below(g->r, 4) == 0 ? 0 : d;
}

static void gen_node(gen *g, int id, int depth);

static void gen_ops(gen *g, int id, int depth, int first) {
  p_program *p = g->p;
  p_node *nd = &p->nodes[id];
  int8_t spawned[P_MAXOPS], nspawned = 0;
  int8_t open[P_MAXOPS], nopen = 0; /* spawned, not consumed yet */
  int children[P_MAXOPS], nchildren = 0;
  int nops = first + 1 + p_below(g->r, P_MAXOPS - first);
  if (nops > P_MAXOPS) nops = P_MAXOPS;
  for (int i = first; i < nops; i++) {
    p_op *op = &nd->ops[i];
    memset(op, 0, sizeof *op);
    int can_spawn = p->nnodes < g->shape->max_nodes && depth < g->shape->max_depth;
    int w[OP_NKINDS] = {0};
    w[OP_SLEEP] = 3;
    w[OP_SPAWN] = can_spawn ? 5 : 0;
    w[OP_AWAIT] = nopen ? 3 : 0;
    w[OP_GATHER] = nopen ? 3 : 0;
    w[OP_WAIT_FOR] = nopen ? 3 : 0;
    w[OP_WAIT] = nopen ? 2 : 0;
    w[OP_SHIELD] = nopen ? 1 : 0;
    w[OP_CANCEL] = nspawned ? 2 : 0;
    w[OP_AWAIT_FUT] = p->nfuts && id != 1 ? 2 : 0;
    int total = 0;
    for (int k = 0; k < OP_NKINDS; k++) total += w[k];
    int pick = p_below(g->r, total), kind = 0;
    while (pick >= w[kind]) pick -= w[kind++];
    op->kind = (uint8_t)kind;
    switch (kind) {
      case OP_SLEEP: op->arg = delay(g); break;
      case OP_SPAWN: {
        int c = p->nnodes++;
        op->ids[0] = (int8_t)c;
        op->n = 1;
        op->mode = p_below(g->r, 10) == 0;
        p->nodes[c].parent = (int8_t)id;
        spawned[nspawned++] = (int8_t)c;
        open[nopen++] = (int8_t)c;
        children[nchildren++] = c;
        break;
      }
      case OP_AWAIT:
      case OP_WAIT_FOR:
      case OP_SHIELD: {
        int j = p_below(g->r, nopen);
        op->ids[0] = open[j];
        op->n = 1;
        open[j] = open[--nopen];
        if (kind == OP_WAIT_FOR) op->arg = delay(g);
        break;
      }
      case OP_GATHER:
      case OP_WAIT: {
        int n = 1 + p_below(g->r, nopen < P_MAXK ? nopen : P_MAXK);
        for (int k = 0; k < n; k++) {
          int j = p_below(g->r, nopen);
          op->ids[k] = open[j];
          open[j] = open[--nopen];
        }
        op->n = (uint8_t)n;
        if (kind == OP_GATHER) {
          op->mode = p_below(g->r, 2) ? WEFT_GATHER_EACH : WEFT_GATHER_FAIL_FAST;
        } else {
          op->mode = (uint8_t)p_below(g->r, 3);
          op->arg = p_below(g->r, 3) == 0 ? -1 : delay(g);
        }
        break;
      }
      case OP_CANCEL:
        op->ids[0] = spawned[p_below(g->r, nspawned)];
        op->n = 1;
        break;
      case OP_AWAIT_FUT:
        op->ids[0] = (int8_t)p_below(g->r, p->nfuts);
        op->n = 1;
        break;
    }
  }
  nd->nops = (uint8_t)nops;
  for (int k = 0; k < nchildren; k++) gen_node(g, children[k], depth + 1);
}

static void gen_node(gen *g, int id, int depth) {
  p_node *nd = &g->p->nodes[id];
  nd->ret = 1 + p_below(g->r, 999);
  nd->fail = p_below(g->r, 4) == 0 ? -(100 + p_below(g->r, 10)) : 0;
  nd->cleanup_ms = (int16_t)(p_below(g->r, 2) ? delay(g) : 0);
  nd->uncancel = p_below(g->r, 4) == 0;
  gen_ops(g, id, depth, 0);
}

/* The resolver: sleeps, then resolves or fails each future in turn. */
static void gen_resolver(gen *g) {
  p_node *nd = &g->p->nodes[1];
  nd->parent = 0;
  nd->ret = 1;
  int k = 0;
  for (int f = 0; f < g->p->nfuts && k + 1 < P_MAXOPS; f++) {
    nd->ops[k++] = (p_op){.kind = OP_SLEEP, .arg = delay(g)};
    nd->ops[k++] = (p_op){.kind = OP_RESOLVE, .n = 1, .ids = {(int8_t)f},
                          .arg = p_below(g->r, 3) ? 1 + p_below(g->r, 99) : -(110 + p_below(g->r, 5))};
  }
  nd->nops = (uint8_t)k;
}

static void generate(p_program *p, p_rng *r, const p_shape *shape) {
  memset(p, 0, sizeof *p);
  gen g = {p, r, shape};
  p->nnodes = 1;
  p->nfuts = (uint8_t)p_below(r, P_MAXF + 1);
  if (p->nfuts > 0) {
    p->nnodes = 2;
    gen_resolver(&g);
    p_node *root = &p->nodes[0];
    root->parent = -1;
    root->ops[0] = (p_op){.kind = OP_SPAWN, .n = 1, .ids = {1}};
    root->ret = 1 + p_below(r, 999);
    gen_ops(&g, 0, 0, 1);
  } else {
    p->nodes[0].parent = -1;
    gen_node(&g, 0, 0);
  }
  p->nodes[0].fail = 0; /* the main task is never cancelled; a failure would say nothing more */
}

void p_generate(p_program *p, p_rng *r, const p_shape *shape) { generate(p, r, shape); }

void p_from_bytes(p_program *p, const uint8_t *data, size_t size) {
  p_rng r = {0};
  p_shape shape = {P_MAXN, 12, 4};
  fz_data = data;
  fz_size = size;
  fz_pos = 0;
  generate(p, &r, &shape);
  fz_data = NULL;
}

static const char *kind_name[OP_NKINDS] = {"sleep", "spawn", "await", "gather", "wait_for", "wait", "shield",
                                           "cancel", "resolve", "await_fut"};

void p_print(const p_program *p) {
  int8_t reached[P_MAXN] = {1};
  for (int i = 0; i < p->nnodes; i++) /* parents come before their children */
    for (int k = 0; reached[i] && k < p->nodes[i].nops; k++)
      if (p->nodes[i].ops[k].kind == OP_SPAWN) reached[p->nodes[i].ops[k].ids[0]] = 1;
  for (int i = 0; i < p->nnodes; i++) {
    const p_node *nd = &p->nodes[i];
    if (!reached[i]) continue;
    printf("    n%d:", i);
    for (int k = 0; k < nd->nops; k++) {
      const p_op *op = &nd->ops[k];
      printf(" %s", kind_name[op->kind]);
      switch (op->kind) {
        case OP_SLEEP: printf(" %d", (int)op->arg); break;
        case OP_SPAWN: printf(" n%d%s", op->ids[0], op->mode ? " +cancel" : ""); break;
        case OP_AWAIT_FUT:
        case OP_RESOLVE: printf(" f%d", op->ids[0]); if (op->kind == OP_RESOLVE) printf(" %d", (int)op->arg); break;
        default:
          if (op->kind == OP_GATHER) printf("[%s]", op->mode ? "each" : "fail_fast");
          if (op->kind == OP_WAIT) printf("[%s]", op->mode == 0 ? "first" : op->mode == 1 ? "exception" : "all");
          for (int j = 0; j < op->n; j++) printf(" n%d", op->ids[j]);
          if (op->kind == OP_WAIT_FOR || op->kind == OP_WAIT) printf(" timeout %d", (int)op->arg);
      }
      printf(";");
    }
    printf(" %s %d", nd->fail ? "fail" : "return", (int)(nd->fail ? nd->fail : nd->ret));
    if (nd->cleanup_ms) printf(" | cleanup sleep %d", nd->cleanup_ms);
    if (nd->uncancel) printf(" | uncancel");
    printf("\n");
  }
}

/* Removes op k of node i, with everything that refers to what it created. */
static void drop_op(p_program *p, int i, int k) {
  p_node *nd = &p->nodes[i];
  p_op op = nd->ops[k];
  memmove(&nd->ops[k], &nd->ops[k + 1], (size_t)(nd->nops - k - 1) * sizeof(p_op));
  nd->nops--;
  if (op.kind != OP_SPAWN) return;
  /* The child is never spawned now: drop the ops that use it. */
  int c = op.ids[0];
  for (int j = 0; j < nd->nops; j++) {
    p_op *o = &nd->ops[j];
    if (o->kind == OP_SPAWN || o->kind == OP_SLEEP || o->kind == OP_RESOLVE || o->kind == OP_AWAIT_FUT) continue;
    int n = 0;
    for (int m = 0; m < o->n; m++)
      if (o->ids[m] != c) o->ids[n++] = o->ids[m];
    o->n = (uint8_t)n;
    if (n == 0) {
      drop_op(p, i, j);
      j--;
    }
  }
}

int p_shrink(p_program *p, int (*still_fails)(const p_program *)) {
  int removed = 0, progress = 1;
  while (progress) {
    progress = 0;
    for (int i = 0; i < p->nnodes; i++) {
      if (i == 1 && p->nfuts) continue; /* the resolver: its futures' awaiters need it */
      for (int k = p->nodes[i].nops - 1; k >= 0; k--) {
        if (i == 0 && k == 0 && p->nfuts) continue;
        p_program q = *p;
        drop_op(&q, i, k);
        if (still_fails(&q)) {
          *p = q;
          removed++;
          progress = 1;
        }
      }
    }
    /* Shorter delays next. */
    for (int i = 0; i < p->nnodes; i++) {
      for (int k = 0; k < p->nodes[i].nops; k++) {
        p_op *op = &p->nodes[i].ops[k];
        if ((op->kind == OP_SLEEP || op->kind == OP_WAIT_FOR) && op->arg > 0) {
          p_program q = *p;
          q.nodes[i].ops[k].arg = op->arg / 2;
          if (still_fails(&q)) {
            *p = q;
            progress = 1;
          }
        }
      }
    }
  }
  return removed;
}
