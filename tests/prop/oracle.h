/* The differential oracle: random programs over every layer of weft, run on
 * weft and, translated to Python, on CPython's asyncio (docs/fidelity.md).
 *
 * A program is a set of *bodies* and a set of *shared objects*:
 *
 * - Body 0 is the main task. A task body is spawned by an OP_SPAWN of the
 *   body that owns it (or into a task group, OP_GSPAWN); a generator body is
 *   an async generator, instantiated by OP_AFOR or OP_GNEW of the body that
 *   owns it. Each body runs its ops in order. Blocks (a timeout, a task
 *   group, `async with lock`, `async for`, a cancellation shield) are an op
 *   whose `len` following ops are its body.
 * - Objects are created before main starts, in this order: plain futures,
 *   events, locks, semaphores, conditions, queues, waiters, class-style
 *   iterators' parameters. Any task may use any of them, so programs share
 *   state (producers and consumers on one queue, a lock contended by
 *   several), not only trees.
 *
 * Every op appends one line to the run's event log when it finishes (its
 * virtual time, who ran it, what it returned); the log is what the two sides
 * must agree on, line for line. The rules both sides follow:
 *
 * - An op that returns WEFT_ECANCELED (Python: raises CancelledError) while
 *   its task has a cancellation pending (weft_cancelling > 0, Python's
 *   Task.cancelling()) unwinds: the enclosing blocks are left as `async with`
 *   leaves them, then the body's cleanup ops run, then the body ends as its
 *   `on_cancel` says (re-raise, return, uncancel and return, raise). Any
 *   other outcome is logged and the next op runs. In a generator body every
 *   WEFT_ECANCELED unwinds (the cancellation belongs to the consumer).
 * - A timeout block absorbs its own expiry (TimeoutError / WEFT_ETIMEDOUT is
 *   logged where the block ends).
 *
 * tests/prop/orun.c runs a program on weft (public API only), opy.c writes it
 * as Python (tests/prop/prelude.py holds the helpers), ogen.c generates,
 * prints and shrinks programs, and tests/c/test_oracle.c drives all of it
 * against the Python workers. */
#ifndef WEFT_ORACLE_H
#define WEFT_ORACLE_H

#include <stddef.h>
#include <stdint.h>

#define O_MAXB 14   /* bodies */
#define O_MAXOPS 14 /* ops per body, blocks and cleanup included */
#define O_MAXK 4    /* handles per gather / wait / as_completed */
#define O_MAXSF 6   /* sleep futures per program */
#define O_MAXOBJ 3  /* objects of each kind */

/* Handles name what an op waits for: a task body, a plain future, a sleep
 * future (made by OP_SLEEPF). */
#define H_FUT 32 /* H_FUT + k: plain future k */
#define H_SF 48  /* H_SF + k: sleep future k */

enum o_op_kind {
  /* core */
  OP_SLEEP,     /* arg ms (0: yield) */
  OP_SPAWN,     /* a: child body; mode 1: cancel it at once */
  OP_SLEEPF,    /* a: sleep future index; arg ms — creates it (weft_sleep_future) */
  OP_AWAIT,     /* a: handle */
  OP_GATHER,    /* hs[n]; mode: 0 asyncio's default, 1 return_exceptions */
  OP_WAIT_FOR,  /* a: handle; arg timeout ms */
  OP_WAIT,      /* hs[n]; mode: weft_wait_mode; arg timeout ms, -1 none */
  OP_AS_COMPLETED, /* hs[n]; arg timeout ms, -1 none */
  OP_SHIELD,    /* a: handle, awaited through weft_shield */
  OP_CANCEL,    /* a: handle */
  OP_UNCANCEL,  /* the current task's weft_uncancel */
  OP_RESOLVE,   /* a: plain future; arg > 0 resolve with arg, < 0 fail with arg */
  /* sync */
  OP_EV_SET, OP_EV_CLEAR, OP_EV_WAIT, /* a: event */
  OP_LOCK_ACQ, OP_LOCK_REL,           /* a: lock */
  OP_LOCK_WITH,                       /* block; a: lock */
  OP_SEM_ACQ, OP_SEM_REL,             /* a: semaphore */
  OP_SEM_WITH,                        /* block; a: semaphore */
  OP_COND_WITH,                       /* block; a: condition (its lock) */
  OP_COND_WAIT,                       /* a: condition; only inside its COND_WITH */
  OP_COND_NOTIFY,                     /* a: condition; arg n (0: all) */
  OP_Q_PUT, OP_Q_PUT_NOWAIT,          /* a: queue; arg value; b: priority */
  OP_Q_GET, OP_Q_GET_NOWAIT,          /* a: queue */
  OP_Q_TASK_DONE, OP_Q_JOIN,          /* a: queue */
  OP_Q_SHUTDOWN,                      /* a: queue; mode 1: immediate */
  OP_W_NOTIFY, OP_W_WAIT,             /* a: waiter */
  OP_W_FUTURE,                        /* a: waiter; awaits weft_waiter_future */
  /* structured */
  OP_TIMEOUT,   /* block; arg ms (-1: none) */
  OP_RESCHED,   /* arg ms from now (-1: none): the innermost timeout block */
  OP_GROUP,     /* block; a: group slot of this body */
  OP_GSPAWN,    /* a: child body; b: group (its owner's slot: body*4+slot) */
  OP_SHIELD_BLOCK, /* block: weft_cancel_shield_enter/leave */
  /* iterators */
  OP_AFOR,      /* block; a: source (see below); arg: break after this many values (-1 never) */
  OP_GNEW,      /* a: iterator slot of this body; b: source */
  OP_ANEXT,     /* a: iterator slot */
  OP_ACLOSE,    /* a: iterator slot */
  OP_YIELD,     /* generator bodies only: arg value */
  OP_NKINDS
};

/* An iterator source (OP_AFOR's and OP_GNEW's): a generator body, or class
 * iterator k, optionally wrapped. */
#define SRC_BODY(b) (b)            /* an async generator body */
#define SRC_CLASS(k) (64 + (k))    /* class-style iterator k */
#define SRC_WRAP_MAP 0x100         /* weft_aiter_map (x -> x + 1000) */
#define SRC_WRAP_FILTER 0x200      /* weft_aiter_filter (odd values) */
#define SRC_WRAP_TAKE 0x400        /* weft_aiter_take(wrap_n) */

typedef struct o_op {
  uint8_t kind, mode, n, len; /* len: ops in the block's body */
  int16_t a, b;
  int16_t hs[O_MAXK];
  int16_t src; /* iterator source */
  int16_t wrap_n;
  int32_t arg;
} o_op;

enum o_body_kind { B_TASK, B_GEN };

enum o_on_cancel {
  C_RERAISE,  /* the usual: clean up, then let the cancellation go on */
  C_RETURN,   /* swallow it and return `ret` (asyncio: the task's result is ret) */
  C_UNCANCEL, /* uncancel, then return `ret` */
  C_RAISE     /* raise `fail_code` from the cleanup */
};

typedef struct o_body {
  uint8_t kind, nops, ncleanup; /* ops[nops - ncleanup, nops): the cleanup */
  uint8_t on_cancel, on_close;  /* generators: on_close 1 yields again after GeneratorExit */
  int8_t owner;                 /* the body that spawns / iterates it; -1 for main */
  int32_t ret, fail;            /* the normal end: fail != 0 fails with it */
  o_op ops[O_MAXOPS];
} o_body;

typedef struct o_queue { uint8_t kind, maxsize; } o_queue;
typedef struct o_classit { uint8_t n, delay, fail_at; } o_classit; /* fail_at 0: never */

typedef struct o_program {
  uint8_t nbodies, nsf;
  uint8_t nfut, nev, nlock, nsem, ncond, nq, nwaiter, nclass;
  uint8_t sem_value[O_MAXOBJ], sem_bounded[O_MAXOBJ];
  uint8_t waiter_n[O_MAXOBJ];
  o_queue q[O_MAXOBJ];
  o_classit cls[O_MAXOBJ];
  o_body b[O_MAXB];
} o_program;

/* Generation knobs. */
typedef struct o_shape {
  int max_bodies, max_delay, max_depth;
  unsigned layers; /* O_L_* bits: which layers may appear */
} o_shape;

enum {
  O_L_CORE = 1, O_L_FUT = 2, O_L_SYNC = 4, O_L_QUEUE = 8, O_L_GROUP = 16, O_L_TIMEOUT = 32,
  O_L_GEN = 64, O_L_SHIELD = 128, O_L_ALL = 255
};

/* Deterministic generator (splitmix64). */
typedef struct o_rng { uint64_t s; } o_rng;
uint64_t o_next(o_rng *r);
int o_below(o_rng *r, int n);

/* Program i of a run with `seed`. */
void o_program_for(o_program *p, uint64_t seed, long i);
void o_generate(o_program *p, o_rng *r, const o_shape *shape);
/* Drops what the program can no longer run (an op whose handle or iterator
 * is gone, a body nobody spawns); generation and shrinking end with it. */
void o_normalize(o_program *p);

/* Text forms. Both return the length written (the buffer is NUL-terminated;
 * output is cut at cap - 1). */
size_t o_print(const o_program *p, char *buf, size_t cap);  /* C-op form */
size_t o_python(const o_program *p, char *buf, size_t cap); /* the Python program */

/* Runs `p` on weft (virtual clock) and writes its event log into buf.
 * Returns the number of runtime invariant violations (each also logged as a
 * "VIOLATION" line): a leak, a task left alive, a weft call that failed in a
 * way the program cannot cause. */
int o_run(const o_program *p, char *buf, size_t cap);

/* Which layers a program uses (O_L_* bits) and how many ops of each kind. */
unsigned o_layers(const o_program *p);
void o_count_ops(const o_program *p, long counts[OP_NKINDS]);
extern const char *const o_op_name[OP_NKINDS];

/* Shrinks `p` while still_fails(p) holds: removes ops (blocks with their
 * body, or unwrapped), bodies, objects, then halves delays. Returns the
 * number of successful steps. */
int o_shrink(o_program *p, int (*still_fails)(const o_program *, void *), void *ctx);

/* Serialised form (one line of numbers) for replaying a shrunk program:
 * test_oracle --program <text>. o_parse returns 0 on success. */
size_t o_serialize(const o_program *p, char *buf, size_t cap);
int o_parse(o_program *p, const char *text);

#endif
