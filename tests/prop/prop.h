/* Property tests of weft: random task programs, a model of what they must
 * do, and an interpreter that runs them on the real runtime.
 *
 * A program is a tree of task nodes. Node 0 is the main task; node 1, when
 * the program has plain futures, is the resolver, the only task that
 * resolves or fails them. Every other node is spawned by its parent with a
 * SPAWN op, and consumed (awaited, gathered, …) by at most one later op of
 * that parent. Each node runs its ops in order; after any op, if the task
 * has a pending cancellation (weft_cancelling > 0) it runs its cleanup (a
 * sleep of cleanup_ms, then weft_uncancel if the node says so) and returns
 * `ret`; otherwise after its last op it returns `ret`, or fails with `fail`.
 *
 * The model (prop.c) is a discrete-event simulation of asyncio's semantics
 * on a virtual clock, written independently of weft's code: it knows what a
 * cancellation does to a sleeping, awaiting, ready or unstarted task, what
 * gather, wait_for, wait and shield do, and when each timer fires. Several
 * things may happen at the same virtual time; the model runs each program
 * under several orders of those same-time steps (FIFO, LIFO, seeded random)
 * and a program whose outcome depends on that order is *ambiguous*: asyncio
 * leaves it to the implementation, so it is counted and skipped. Every other
 * program must give, on weft, exactly the model's outcome: each task's
 * status, result and end time, each op's return code, gather's per-slot
 * results in argument order, wait's counts, each future's final state.
 *
 * Adding an operation (task groups, queues, locks, generators) takes one enum
 * value, one generator case (p_generate), one model case (m_exec) and one
 * interpreter case (r_exec): see docs/reliability.md. */
#ifndef WEFT_PROP_H
#define WEFT_PROP_H

#include <stddef.h>
#include <stdint.h>

#define P_MAXN 16   /* task nodes */
#define P_MAXOPS 8  /* ops per node */
#define P_MAXK 4    /* futures per gather / wait */
#define P_MAXF 4    /* plain futures */

enum p_op_kind {
  OP_SLEEP,     /* arg: ms (0: yield) */
  OP_SPAWN,     /* ids[0]: child node; mode 1: cancel it at once, before it runs */
  OP_AWAIT,     /* ids[0]: child */
  OP_GATHER,    /* ids[0..n): children; mode: WEFT_GATHER_FAIL_FAST / WEFT_GATHER_EACH */
  OP_WAIT_FOR,  /* ids[0]: child; arg: timeout ms */
  OP_WAIT,      /* ids[0..n): children; mode: weft_wait_mode; arg: timeout ms (-1: none) */
  OP_SHIELD,    /* ids[0]: child, awaited through weft_shield */
  OP_CANCEL,    /* ids[0]: child */
  OP_RESOLVE,   /* ids[0]: future; arg > 0: resolve with arg, < 0: fail with arg */
  OP_AWAIT_FUT, /* ids[0]: future */
  OP_NKINDS
};

typedef struct p_op {
  uint8_t kind, mode, n;
  int8_t ids[P_MAXK];
  int32_t arg;
} p_op;

typedef struct p_node {
  int8_t parent;
  uint8_t nops;
  uint8_t uncancel;
  int16_t cleanup_ms;
  int32_t ret, fail;
  p_op ops[P_MAXOPS];
} p_node;

typedef struct p_program {
  uint8_t nnodes, nfuts;
  p_node nodes[P_MAXN];
} p_program;

#define P_NOT_RUN (-999) /* an op that never ran */

/* What a run did: filled by the model and by the interpreter alike. */
typedef struct p_result {
  int8_t spawned[P_MAXN], ran[P_MAXN], done_count[P_MAXN];
  int8_t state[P_MAXN]; /* weft_future_state */
  int32_t value[P_MAXN]; /* result when resolved, error code when failed */
  int64_t end[P_MAXN];   /* virtual ms at completion */
  int32_t rc[P_MAXN][P_MAXOPS + 1]; /* [P_MAXOPS]: the cleanup sleep */
  int32_t status[P_MAXN][P_MAXOPS][P_MAXK]; /* gather: per-slot statuses */
  int32_t slot[P_MAXN][P_MAXOPS][P_MAXK];   /* gather: per-slot results */
  int8_t fut_state[P_MAXF];
  int32_t fut_value[P_MAXF];
} p_result;

/* A small deterministic generator (splitmix64). */
typedef struct p_rng { uint64_t s; } p_rng;
uint64_t p_next(p_rng *r);
int p_below(p_rng *r, int n); /* 0 .. n-1 */

/* Knobs of the generator. */
typedef struct p_shape {
  int max_nodes;   /* <= P_MAXN */
  int max_delay;   /* sleeps and timeouts: 0 .. max_delay ms */
  int max_depth;
} p_shape;

/* Fills `p` with a random well-formed program. */
void p_generate(p_program *p, p_rng *r, const p_shape *shape);
/* Builds a well-formed program from arbitrary bytes (the fuzz target). */
void p_from_bytes(p_program *p, const uint8_t *data, size_t size);

/* Runs the model under several same-time orders. Returns 1 and fills `out`
 * when they all agree, 0 when the program is ambiguous. */
int p_model(const p_program *p, p_result *out);

/* Runs the program on weft. `virtual_clock`: else the real clock, with every
 * delay multiplied by `scale_ms` and end times divided by it. Fills `out`
 * and returns the number of runtime invariant violations found (each
 * printed): a task done twice, a sleep that woke early (or, on the virtual
 * clock, late), sleeps woken out of (deadline, arming) order, a task or
 * allocation left at the end. */
int p_run(const p_program *p, int virtual_clock, int scale_ms, p_result *out);

/* Compares two results; prints each difference (prefix `what`) when
 * `verbose`. Returns the number of differences. With `ignore_times`, end
 * times are compared only for their order (the real clock). */
int p_compare(const p_result *want, const p_result *got, const p_program *p, int verbose, int ignore_times);

/* Prints the program, one line per node. */
void p_print(const p_program *p);

/* Removes ops while the program still fails `still_fails`; returns the
 * number of ops removed. */
int p_shrink(p_program *p, int (*still_fails)(const p_program *));

/* Non-zero: p_run prints nothing (shrinking). */
extern int p_quiet;

/* Counters for the report. */
typedef struct p_stats {
  long programs, checked, ambiguous, tasks, ops, cancels, timeouts;
} p_stats;

#endif
