/* Private structures shared by the runtime's translation units. */
#ifndef WEFT_INTERNAL_H
#define WEFT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#define WEFT__INTERNAL 1 /* weft.h: no await-site macros inside weft */
#include "weft.h"
#include "../task/ctx.h"

#define WEFT_MAGIC_FUTURE 0x77656675u /* "wefu" */
#define WEFT_MAGIC_DEAD 0x64656164u   /* "dead" */
#define WEFT_MAGIC_LOOP 0x7765666cu   /* "wefl" */

enum { H_INACTIVE = 0, H_READY = 1, H_TIMER = 2 };
/* The loop's free-object pools, one per kind of future (each kind has its
 * own fixed size). A slot number, not a kind: behaviour comes from the
 * kind's table (weft__kind), never from a test of this number. */
enum { WEFT__POOL_FUTURE, WEFT__POOL_TASK, WEFT__POOL_GATHER, WEFT__POOL_SLEEP, WEFT__POOL_HOST, WEFT__POOL_SHIELD, WEFT__POOLS };

struct weft_future;
/* A kind of future: what the core needs to know about it, in one table that
 * the file owning the kind defines (future.c: plain, sleep and host futures;
 * task.c: tasks; combinators.c: gather). The core dispatches through it, so
 * it never names a kind above it. Neither operation may suspend: weft_cancel
 * and weft_release run them inside tasks (CMakeLists.txt's ASYNCIFY_REMOVE
 * relies on it). */
typedef struct weft__kind {
  size_t size;      /* of the whole object, the future first */
  uint8_t pool;     /* WEFT__POOL_*: the loop's pool for freed objects */
  uint8_t reason;   /* WEFT_REASON_*: why a task awaiting one waits */
  uint8_t user_completable; /* weft_future_resolve/fail accept it */
  /* weft_cancel of a pending one (0 or an error); NULL: it completes
   * cancelled at once. */
  int (*cancel)(struct weft_future *f);
  /* The last reference is gone: release what it owns (not the object, which
   * goes back to its pool); NULL: it owns nothing. */
  void (*destroy)(struct weft_future *f);
} weft__kind;

/* Someone waiting for a future: a done callback, or a task's wake-up. Waiters
 * form a FIFO per future; when the future completes each is moved to the
 * loop's ready queue through its handle, so wake-ups keep their order. */
typedef struct weft__waiter {
  struct weft__waiter *next, *prev;
  weft_future *fut;
  weft_done_cb cb;
  void *arg;
  weft_handle h;
  uint8_t heap_owned; /* freed by the loop after running */
  uint8_t task_wake;  /* a task's wake-up (weft__task_wait): arg is the task */
} weft__waiter;

struct weft_future {
  uint32_t magic;
  uint8_t state;
  int32_t err;
  int32_t refs;
  intptr_t value;
  const weft__kind *kind;
  weft_loop *loop;
  weft__waiter waiters; /* sentinel of a circular list */
  struct weft_future *pool_next;
};

typedef struct weft__task {
  struct weft_future fut; /* must be first: a task is a future */
  weft_task_fn fn;
  void *arg;
  weft__ctx ctx;
  uint32_t id;
  size_t stack_size, async_size;
  char name[48];
  uint8_t started;
  uint8_t running;
  uint8_t has_ctx;
  uint8_t must_cancel;  /* deliver WEFT_ECANCELED at the next await */
  int32_t cancel_requests;
  int32_t fail_code;    /* set by weft_fail */
  int32_t wake_status;  /* what the suspending call returns when resumed */
  weft_future *waiting_on; /* the future awaited now, if any */
  weft__waiter wake;       /* registration on waiting_on */
  weft_handle step;        /* ready-queue entry that resumes the task */
  weft_handle timer;       /* weft_sleep's timer */
  /* Structured concurrency (src/structured/): the innermost timeout scope
   * entered and not left, and the cancellation shield. While shield_depth
   * > 0, cancellation requests are counted but not delivered (deferred);
   * shield_saved_must keeps a delivery that was pending when the shield
   * went up. */
  struct weft_scope *scope_top;
  weft_handle scope_timer;   /* one timer for the nearest deadline among the scopes */
  struct weft__group_core *groups; /* groups this task initialised and has not destroyed */
  int32_t shield_depth;
  uint8_t shield_deferred;
  uint8_t shield_saved_must;
  struct weft__task *next_alive, *prev_alive;
  uint32_t parent;         /* id of the task that spawned it, 0 outside a task */
  /* The user's await site while a public suspending call runs (sites.h):
   * the outermost call sets it, nested ones only count. */
  weft__site site;
  uint8_t reason_hint;     /* weft__trace_reason: tags the next suspension */
  uint8_t reason;          /* why it is (or was last) suspended */
  uint8_t trace_state;     /* WEFT_TASK_READY/RUNNING/WAITING, tracing only */
  /* Accounting, kept only while the loop traces. */
  uint32_t resumes, wakes;
  weft_time_t busy_us, sched_us, idle_us, state_since;
  weft_time_t run_start_real;
} weft__task;

typedef struct weft__heap_entry {
  weft_time_t when; /* copies of the handle's key (heap.c says why) */
  uint64_t seq;
  weft_handle *h;
} weft__heap_entry;

typedef struct weft__heap {
  weft__heap_entry *items;
  uint32_t len, cap;
} weft__heap;

struct weft_loop {
  uint32_t magic;
  weft_clock clock;
  weft_time_t now;
  weft_time_t budget_us;
  uint64_t seq;
  weft_handle ready; /* sentinel of the circular ready queue */
  size_t nready;
  weft__heap timers;
  weft__task *current;
  weft__task alive;  /* sentinel: tasks not yet finished */
  size_t nalive;
  uint32_t next_task_id;
  size_t stack_size, asyncify_size;
  int running;       /* inside run / run_once / run_ready */
  int closing;
  int refs;          /* external operations keeping the loop alive */
  size_t host_cancels; /* host futures' on_cancel callbacks queued, not run yet */
  size_t live_objects; /* futures and tasks not yet freed */
  /* Freed objects awaiting reuse (FIFO quarantine), one pool per kind
   * (WEFT__POOL_*) since each kind has its own fixed size. */
  struct weft__pool {
    weft_future *head, *tail;
    size_t len;
  } pools[WEFT__POOLS];
  double armed_delay; /* wasm: last delay handed to the host timer */
  weft_future *main;  /* wasm: weft_run's main task (borrowed), for deadlock reports */
  /* Hooks of the layers above the core, which set them; the core knows
   * nothing else of them. cancel_all (task.c, set with the loop's first
   * task) cancels every live task, for weft_loop_free; main_stuck
   * (src/host/run.c, set with `main`) reports a main task nothing can wake. */
  void (*cancel_all)(weft_loop *loop);
  void (*main_stuck)(weft_loop *loop);
  void (*task_exit)(struct weft__task *t); /* group.c, with a task's first group */
  /* future.c, when it queues a handle that owns memory: frees what such a
   * handle owns when weft_loop_free drops it unrun. */
  void (*drop_handle)(weft_handle *h);
  struct weft__trace *trace; /* NULL: tracing off (the one flag every hook tests) */
  const struct weft__observer *observer; /* set with trace (src/trace/trace.c) */
  uint32_t finishing;  /* id of the task completing its future in finish(): the waker */
  size_t step_left;    /* weft_loop_step: handles left in the current iteration's batch */
  uint64_t resumes;    /* task slices run so far (weft_loop_step_task) */
};

/* Keeps `fn` a function of its own on wasm. Binaryen's optimiser runs before
 * Asyncify and inlines a function that has one caller (it ignores
 * noinline), which would move a dispatcher's indirect call into its caller,
 * where ASYNCIFY_REMOVE's names no longer reach it and the caller would be
 * instrumented. A function whose address the table holds is not inlined
 * that way: this puts fn's address in a kept pointer. It is a global symbol
 * (hidden: not exported): wasm-ld keeps a `used` global alive, but drops an
 * unreferenced static one, and the function's table entry with it. Clang inlines a call
 * in the same file all the same, so such functions are also declared
 * noinline (which Clang honours, Binaryen not). Used for the functions
 * that make the core's indirect calls (weft__kind_*, weft__trace_*,
 * weft__task_exit), which never suspend; CMakeLists.txt names them. */
#define WEFT__NOT_INLINED(fn) \
  __attribute__((used, visibility("hidden"))) void (*const weft__keep_##fn)(void) = (void (*)(void))(fn);

/* Tracing hooks: one pointer test when tracing is off. */
#define WEFT__TRACING(loop) __builtin_expect((loop)->trace != NULL, 0)
#define WEFT__TRACE(loop, call) \
  do {                          \
    if (WEFT__TRACING(loop)) call; \
  } while (0)

/* alloc.c: every allocation of the runtime goes through these, so tests can
 * inject failures and count live blocks. Memory the JS host allocated (fetch
 * chunks, promise texts) is freed with plain free(). */
void *weft__malloc(size_t n);
void *weft__calloc(size_t n, size_t size);
void *weft__realloc(void *p, size_t n);
void weft__free(void *p);
/* Counts one allocation attempt (task stacks call it before mmap); non-zero
 * when fault injection says this one must fail. Declared in ctx.h too. */
int weft__alloc_fault(void);
/* Adjusts the live count for memory not obtained through weft__malloc
 * (mmap'd task stacks). */
void weft__alloc_track(int delta);
/* 0 when a task stack of `stack_size` bytes and a save buffer of
 * `async_size` (0: the defaults) can be made, WEFT_EINVAL when either is
 * above SIZE_MAX / 4: what a context adds to them (rounding, guard, canary,
 * label, the other buffer) then cannot wrap, so no block is ever smaller than
 * the sizes asked for. weft_loop_new, spawning and the contexts check with
 * it, so a bad size is refused where it is given. Declared in ctx.h too. */
int weft__check_stack_sizes(size_t stack_size, size_t async_size);
/* Tests: attempt number `n` (1-based, counted from this call) fails, and
 * with `and_after` every later one too; n = 0 disarms. */
void weft__alloc_fail_nth(long n, int and_after);
long weft__alloc_attempts(void); /* attempts since weft__alloc_fail_nth */
long weft__alloc_live(void);     /* blocks and stacks not yet freed */
long weft__alloc_failed(void);   /* failures injected so far */
const void *weft__alloc_failed_site(void); /* code address of the last failed allocation */

/* loop.c */
void weft__ready_push(weft_loop *loop, weft_handle *h, weft_cb cb, void *arg);
weft_time_t weft__clock_now(const weft_loop *loop);
void weft__host_arm(weft_loop *loop);
void weft__set_running_loop(weft_loop *loop);

weft_time_t weft__real_now(void);

/* The loop's observer: what a tracing loop reports to, installed with
 * loop->trace by src/trace/trace.c (weft_trace_enable), which the core never
 * calls. The core and the tasks call the dispatchers below through
 * WEFT__TRACE only, so a loop that does not trace pays the one test of
 * loop->trace. The dispatchers (src/core/observe.c) make the observer's
 * indirect calls, none of which suspends (CMakeLists.txt's ASYNCIFY_REMOVE
 * names them, so their callers need no Asyncify instrumentation for it). */
typedef struct weft__observer {
  void (*spawn)(weft_loop *loop, weft__task *t);
  void (*resume)(weft_loop *loop, weft__task *t);
  void (*suspend)(weft_loop *loop, weft__task *t, uint32_t other);
  void (*wake)(weft_loop *loop, weft__task *t, uint32_t waker);
  void (*event)(weft_loop *loop, int kind, uint32_t task, uint32_t other, int64_t value);
  void (*text)(weft_loop *loop, int kind, uint32_t task, int32_t code, const char *text);
  void (*finish)(weft_loop *loop, weft__task *t, int ran);
  void (*release)(weft_future *f); /* before weft_release drops a reference */
  void (*free)(weft_loop *loop);   /* the loop goes: frees loop->trace, sets it NULL */
} weft__observer;

/* observe.c: the dispatchers (each calls loop->observer's entry). */
void weft__trace_spawn(weft_loop *loop, weft__task *t);
void weft__trace_resume(weft_loop *loop, weft__task *t);
void weft__trace_suspend(weft_loop *loop, weft__task *t, uint32_t other);
void weft__trace_wake(weft_loop *loop, weft__task *t, uint32_t waker);
void weft__trace_event(weft_loop *loop, int kind, uint32_t task, uint32_t other, int64_t value);
void weft__trace_text(weft_loop *loop, int kind, uint32_t task, int32_t code, const char *text);
void weft__trace_finish(weft_loop *loop, weft__task *t, int ran);
void weft__trace_release(weft_future *f);
/* Frees the observer's state (weft_loop_free, when the loop traces). */
void weft__trace_free(weft_loop *loop);
/* The id of whoever acts now: the running task, the task finishing, or 0. */
uint32_t weft__actor(const weft_loop *loop);

/* future.c */
/* future.c: a kind's cancel and destroy operations, for a kind that has one
 * (the caller tests the pointer). */
/* noinline: the callers in the same file would otherwise take in the
 * indirect call (see WEFT__NOT_INLINED). */
__attribute__((noinline)) int weft__kind_cancel(weft_future *f);
__attribute__((noinline)) void weft__kind_destroy(weft_future *f);
/* Plain futures (weft_future_new): the one kind user code completes. */
extern const weft__kind weft__future_kind;
void weft__future_init(weft_future *f, weft_loop *loop, const weft__kind *kind);
int weft__future_complete(weft_future *f, int state, intptr_t value, int err);
void weft__waiter_add(weft_future *f, weft__waiter *w, weft_done_cb cb, void *arg);
void weft__waiter_remove(weft__waiter *w);
/* Calls cb(f, arg) via the loop once f is done (at once, through the ready
 * queue, if it already is). */
void weft__waiter_watch(weft_future *f, weft__waiter *w, weft_done_cb cb, void *arg);
int weft__check(const weft_future *f);
/* pool.c: a zeroed object of `kind` (kind->size bytes) from the loop's pool or the
 * allocator, counted live; NULL when out of memory. */
void *weft__obj_alloc(weft_loop *loop, const weft__kind *kind);
void weft__obj_free(weft_future *f);
void weft__loop_drain_pool(weft_loop *loop);
/* future.c: host futures */
/* A pending host future (src/host/host_future.c completes it
 * with weft__future_complete): when weft_cancel cancels it, on_cancel(f, arg)
 * (may be NULL) runs on the loop, before what waited on it. weft_future_resolve
 * and weft_future_fail refuse it (WEFT_EINVAL). One reference for the caller. */
weft_future *weft__host_future_new(weft_loop *loop, void (*on_cancel)(weft_future *f, void *arg), void *arg);
/* The host's one completion of host future `f`: 0 the first time, then
 * WEFT_ESTATE; WEFT_EINVAL if `f` is not a host future. */
int weft__host_take(weft_future *f);

/* host/run.c: a loop configured from the environment, for the loops weft
 * creates itself (weft_run, the JS bridge): WEFT_CLOCK=virtual,
 * WEFT_BUDGET_US, WEFT_TRACE. */
weft_loop *weft__loop_new_from_env(void);

/* task.c */
int weft__task_wait(weft__task *t, weft_future *f);
int weft__suspend(weft__task *t);
void weft__task_wake(weft__task *t, int status);
weft__task *weft__current(void);
int weft__task_cancel(weft__task *t);
/* As weft__task_cancel, delivered through any cancellation shield (a
 * timeout scope entered inside the shield cancels what it covers). */
int weft__task_cancel_unshielded(weft__task *t);
void weft__loop_cancel_all(weft_loop *loop);

/* A task finishing with groups it initialised and did not destroy
 * (t->groups) calls the loop's task_exit hook, which group.c set: it cancels
 * their children and detaches them, before the storage (usually on the
 * task's stack) goes away. */
__attribute__((noinline)) void weft__task_exit(weft__task *t); /* see weft__kind_cancel */

/* heap.c */
int weft__heap_push(weft__heap *hp, weft_handle *h);
weft_handle *weft__heap_min(const weft__heap *hp);
void weft__heap_remove(weft__heap *hp, weft_handle *h);
void weft__heap_free(weft__heap *hp);

#endif
