/* The interpreter: runs a program on weft and records what happened, with
 * the runtime invariants checked along the way. */
#include <stdio.h>
#include <string.h>

#include "prop.h"
#include "weft.h"
#include "../../src/core/internal.h"

static const p_program *RP;
static p_result *RR;
static weft_loop *RL;
static int scale = 1, virtual_clock = 1;
static weft_time_t t0;
static weft_task *H[P_MAXN];
static weft_future *FU[P_MAXF];
static int violations;

/* Sleeps that woke normally, in wake order: (deadline, arming sequence). */
#define MAX_WAKES 512
static struct wake {
  weft_time_t deadline;
  long seq;
} wakes[MAX_WAKES];
static int nwakes;
static long arm_seq;

int p_quiet;

#define VIOLATION(...)                     \
  do {                                     \
    violations++;                          \
    if (!p_quiet) {                        \
      printf("  violation: " __VA_ARGS__); \
      printf("\n");                        \
    }                                      \
  } while (0)

static void on_task_done(weft_future *f, void *arg) {
  int c = (int)(intptr_t)arg;
  RR->done_count[c]++;
  RR->state[c] = (int8_t)weft_future_state_of(f);
  intptr_t v = 0;
  int st = weft_future_result(f, &v);
  RR->value[c] = st == 0 ? (int32_t)v : st;
  weft_time_t us = weft_loop_now(RL) - t0;
  RR->end[c] = virtual_clock ? us / 1000 : us;
}

static int r_sleep(int ms) {
  if (ms <= 0) return weft_sleep(0);
  weft_time_t deadline = weft_loop_now(RL) + (weft_time_t)ms * scale * 1000;
  long seq = arm_seq++;
  int rc = weft_sleep((int64_t)ms * scale);
  if (rc == 0) {
    weft_time_t now = weft_loop_now(RL);
    if (now < deadline) VIOLATION("a sleep of %d ms woke %lld us early", ms * scale, (long long)(deadline - now));
    if (virtual_clock && now != deadline)
      VIOLATION("a sleep of %d ms woke %lld us late on the virtual clock", ms, (long long)(now - deadline));
    if (nwakes < MAX_WAKES) wakes[nwakes++] = (struct wake){deadline, seq};
  }
  return rc;
}

static intptr_t node_task(void *arg);

static int r_exec(int i, int pc) {
  const p_op *op = &RP->nodes[i].ops[pc];
  int c = op->ids[0], rc;
  intptr_t v = 0;
  weft_future *futs[P_MAXK];
  for (int k = 0; k < op->n && op->kind != OP_RESOLVE && op->kind != OP_AWAIT_FUT; k++) futs[k] = H[op->ids[k]];
  switch (op->kind) {
    case OP_SLEEP: return r_sleep(op->arg);
    case OP_SPAWN:
      H[c] = weft_spawn(RL, node_task, (void *)(intptr_t)c, NULL);
      if (!H[c]) return WEFT_ENOMEM;
      RR->spawned[c] = 1;
      if (weft_future_on_done(H[c], on_task_done, (void *)(intptr_t)c) != 0) VIOLATION("on_done failed");
      return op->mode ? weft_cancel(H[c]) : 0;
    case OP_AWAIT:
      rc = weft_await(H[c], &v);
      break;
    case OP_AWAIT_FUT:
      rc = weft_await(FU[c], &v);
      break;
    case OP_SHIELD: {
      weft_future *s = weft_shield(H[c]);
      if (!s) return WEFT_ENOMEM;
      rc = weft_await(s, &v);
      weft_release(s);
      break;
    }
    case OP_WAIT_FOR:
      rc = weft_wait_for(H[c], (int64_t)op->arg * scale, &v);
      break;
    case OP_GATHER: {
      intptr_t res[P_MAXK];
      int st[P_MAXK];
      rc = weft_gather(futs, op->n, op->mode, res, st);
      for (int k = 0; k < op->n; k++) {
        RR->status[i][pc][k] = st[k];
        RR->slot[i][pc][k] = (int32_t)res[k];
      }
      return rc;
    }
    case OP_WAIT:
      return weft_wait(futs, op->n, op->mode, op->arg < 0 ? -1 : (int64_t)op->arg * scale);
    case OP_CANCEL: return weft_cancel(H[c]);
    case OP_RESOLVE: return op->arg > 0 ? weft_future_resolve(FU[c], op->arg) : weft_future_fail(FU[c], op->arg);
    default: return WEFT_EINVAL;
  }
  if (rc == 0) RR->slot[i][pc][0] = (int32_t)v;
  return rc;
}

static void release_children(int i) {
  for (int c = 0; c < RP->nnodes; c++)
    if (RP->nodes[c].parent == i && c != 0 && H[c]) {
      weft_release(H[c]);
      H[c] = NULL;
    }
}

static intptr_t node_task(void *arg) {
  int i = (int)(intptr_t)arg;
  const p_node *nd = &RP->nodes[i];
  RR->ran[i]++;
  for (int pc = 0; pc < nd->nops; pc++) {
    RR->rc[i][pc] = r_exec(i, pc);
    if (weft_cancelling(weft_current()) > 0) {
      if (nd->cleanup_ms) RR->rc[i][P_MAXOPS] = r_sleep(nd->cleanup_ms);
      if (nd->uncancel) weft_uncancel();
      release_children(i);
      return nd->ret;
    }
  }
  release_children(i);
  return nd->fail ? weft_fail(nd->fail) : nd->ret;
}

int p_run(const p_program *p, int virtual_clk, int scale_ms, p_result *out) {
  RP = p;
  RR = out;
  virtual_clock = virtual_clk;
  scale = virtual_clk ? 1 : scale_ms;
  violations = 0;
  nwakes = 0;
  arm_seq = 0;
  memset(out, 0, sizeof *out);
  for (int i = 0; i < P_MAXN; i++)
    for (int k = 0; k <= P_MAXOPS; k++) out->rc[i][k] = P_NOT_RUN;
  memset(H, 0, sizeof H);
  long live0 = weft__alloc_live();
  weft_loop_options o = {0};
  o.clock = virtual_clk ? WEFT_CLOCK_VIRTUAL : WEFT_CLOCK_REAL;
  o.stack_size = 64 * 1024;
  o.asyncify_size = 8 * 1024; /* the interpreter suspends many frames deep (532 bytes seen; the default is 512) */
  RL = weft_loop_new(&o);
  if (!RL) {
    VIOLATION("weft_loop_new failed");
    return violations;
  }
  t0 = weft_loop_now(RL);
  for (int k = 0; k < p->nfuts; k++) FU[k] = weft_future_new(RL);
  H[0] = weft_spawn(RL, node_task, (void *)0, NULL);
  out->spawned[0] = 1;
  weft_future_on_done(H[0], on_task_done, (void *)0);
  if (weft_loop_run(RL) != 0) VIOLATION("weft_loop_run failed");
  if (weft_loop_alive_tasks(RL) != 0) VIOLATION("%zu tasks still alive after the loop ran out of work", weft_loop_alive_tasks(RL));
  for (int k = 0; k < p->nfuts; k++) {
    out->fut_state[k] = (int8_t)weft_future_state_of(FU[k]);
    intptr_t v = 0;
    int st = weft_future_result(FU[k], &v);
    out->fut_value[k] = st == 0 ? (int32_t)v : st;
    weft_release(FU[k]);
  }
  weft_release(H[0]);
  H[0] = NULL;
  for (int i = 0; i < P_MAXN; i++)
    if (H[i]) VIOLATION("task n%d's handle was never released", i);
  for (int i = 0; i < p->nnodes; i++) {
    if (out->done_count[i] != out->spawned[i]) VIOLATION("task n%d finished %d times", i, out->done_count[i]);
    if (out->ran[i] > 1) VIOLATION("task n%d's body ran %d times", i, out->ran[i]);
  }
  for (int k = 1; k < nwakes; k++) {
    const struct wake *a = &wakes[k - 1], *b = &wakes[k];
    if (a->deadline > b->deadline || (a->deadline == b->deadline && a->seq > b->seq))
      VIOLATION("sleeps woke out of (deadline, arming) order: (%lld, #%ld) before (%lld, #%ld)", (long long)a->deadline,
                a->seq, (long long)b->deadline, b->seq);
  }
  int left = weft_loop_free(RL);
  if (left != 0) VIOLATION("weft_loop_free reported %d objects still referenced", left);
  if (weft__alloc_live() != live0) VIOLATION("%ld blocks left allocated", weft__alloc_live() - live0);
  return violations;
}

/* --- comparing ------------------------------------------------------------ */

#define DIFF(...)                        \
  do {                                   \
    n++;                                 \
    if (verbose) {                       \
      printf("  differs: " __VA_ARGS__); \
      printf("\n");                      \
    }                                    \
  } while (0)

int p_compare(const p_result *a, const p_result *b, const p_program *p, int verbose, int ignore_times) {
  int n = 0;
  for (int i = 0; i < p->nnodes; i++) {
    if (a->spawned[i] != b->spawned[i]) DIFF("n%d spawned: want %d got %d", i, a->spawned[i], b->spawned[i]);
    if (a->ran[i] != b->ran[i]) DIFF("n%d body ran: want %d got %d", i, a->ran[i], b->ran[i]);
    if (a->state[i] != b->state[i]) DIFF("n%d state: want %d got %d", i, a->state[i], b->state[i]);
    if (a->value[i] != b->value[i]) DIFF("n%d result: want %d got %d", i, a->value[i], b->value[i]);
    if (!ignore_times && a->end[i] != b->end[i])
      DIFF("n%d ended at: want %lld ms got %lld ms", i, (long long)a->end[i], (long long)b->end[i]);
    if (ignore_times && a->spawned[i])
      for (int j = 0; j < p->nnodes; j++)
        if (a->spawned[j] && a->end[i] < a->end[j] && !(b->end[i] < b->end[j]))
          DIFF("n%d should end before n%d (model %lld < %lld ms)", i, j, (long long)a->end[i], (long long)a->end[j]);
    for (int k = 0; k <= P_MAXOPS; k++) {
      if (a->rc[i][k] != b->rc[i][k])
        DIFF("n%d %s %d returned: want %d got %d", i, k == P_MAXOPS ? "cleanup" : "op", k, a->rc[i][k], b->rc[i][k]);
      if (k < P_MAXOPS)
        for (int s = 0; s < P_MAXK; s++) {
          if (a->status[i][k][s] != b->status[i][k][s])
            DIFF("n%d op %d slot %d status: want %d got %d", i, k, s, a->status[i][k][s], b->status[i][k][s]);
          if (a->slot[i][k][s] != b->slot[i][k][s])
            DIFF("n%d op %d slot %d result: want %d got %d", i, k, s, a->slot[i][k][s], b->slot[i][k][s]);
        }
    }
  }
  for (int k = 0; k < p->nfuts; k++)
    if (a->fut_state[k] != b->fut_state[k] || a->fut_value[k] != b->fut_value[k])
      DIFF("f%d: want state %d (%d) got %d (%d)", k, a->fut_state[k], a->fut_value[k], b->fut_state[k], b->fut_value[k]);
  return n;
}
