/* weft — the event loop: a FIFO ready queue, a timer heap and a clock.
 *
 * One loop runs on one thread. While a loop runs (weft_loop_run,
 * weft_loop_run_ready, weft_run) it is the thread's *running loop*, which is
 * what the task-level calls (weft_sleep, weft_await, …) use; this is the only
 * state weft keeps outside a loop.
 *
 * Time is kept in microseconds (weft_time_t); public delays are in
 * milliseconds. The clock is read once per loop iteration.
 */
#ifndef WEFT_LOOP_H
#define WEFT_LOOP_H

#include <stddef.h>
#include <stdint.h>

/* Private: a fresh identifier per macro use (__COUNTER__), for the block
 * macros of scope.h, group.h and iter.h, so that several fit on one line and
 * they nest. */
#define WEFT__CAT2(a, b) a##b
#define WEFT__CAT(a, b) WEFT__CAT2(a, b)
#define WEFT__FRESH(prefix) WEFT__CAT(prefix, __COUNTER__)

#ifdef __cplusplus
extern "C" {
#endif

typedef int64_t weft_time_t; /* microseconds on the loop's clock */

typedef struct weft_loop weft_loop;
typedef struct weft_handle weft_handle;
typedef void (*weft_cb)(weft_loop *loop, void *arg);

typedef enum weft_clock {
  /* The host's monotonic clock. On wasm the host event loop waits for the
   * next deadline with one timer. */
  WEFT_CLOCK_REAL = 0,
  /* A virtual clock: time stands still while work is ready and jumps straight
   * to the next deadline when nothing is. Runs are deterministic and instant;
   * tests, step-by-step runs and replays use it. */
  WEFT_CLOCK_VIRTUAL = 1
} weft_clock;

typedef struct weft_loop_options {
  weft_clock clock;
  /* Default C stack size of tasks spawned on this loop, in bytes; 0 picks
   * WEFT_DEFAULT_STACK_SIZE. */
  size_t stack_size;
  /* Default Asyncify save-buffer size of tasks (wasm only), in bytes; 0 picks
   * WEFT_DEFAULT_ASYNCIFY_SIZE. */
  size_t asyncify_size;
  /* wasm: how long weft_loop_run_ready may keep running ready work before it
   * returns to the host event loop, in microseconds; 0 picks 4000. */
  weft_time_t budget_us;
} weft_loop_options;

/* wasm defaults, from a measurement (cmake -DWEFT_STACK_PROBE=ON: every
 * task stack painted at start and scanned at each suspension and at the
 * end; docs/benchmarks.md): over every example and every wasm C test and
 * bridge test, the deepest C stack of a task that sets no size is 1 484
 * bytes (the echo server's handler; printf of a double, musl's fmt_fp at
 * double precision, ~1 KiB), and its fullest Asyncify save buffer 340 bytes
 * (a generator awaited through another one). A program linked with
 * -sPRINTF_LONG_DOUBLE=1 formats long doubles with a ~7.4 KiB array: such
 * tasks need a larger stack_size. weft_run's main task gets more
 * (WEFT_DEFAULT_MAIN_STACK_SIZE, task.h). An overflow of either stops the
 * program naming the task (docs/architecture.md). */
#if defined(__EMSCRIPTEN__)
#define WEFT_DEFAULT_STACK_SIZE (2 * 1024)
#else
#define WEFT_DEFAULT_STACK_SIZE (256 * 1024) /* native frames (and ASan's) are larger; pages are committed lazily */
#endif
#define WEFT_DEFAULT_ASYNCIFY_SIZE 512

/* A callback scheduled on the loop: by weft_call_soon (ready queue) or by
 * weft_call_later / weft_call_at (timer heap, then ready queue when due).
 *
 * Ownership follows libuv: the caller owns the storage, which must stay valid
 * and unmoved while the handle is active (scheduled and not yet run or
 * cancelled). Zero-initialised storage is a valid inactive handle. Fields are
 * private. */
struct weft_handle {
  struct weft_handle *next_, *prev_; /* ready-queue links */
  weft_cb cb_;
  void *arg_;
  weft_loop *loop_;
  weft_time_t when_;
  uint64_t seq_;        /* arming order: breaks ties between equal deadlines */
  uint32_t heap_index_; /* position in the timer heap, UINT32_MAX when not in it */
  uint8_t state_;       /* inactive, ready, timer */
};

/* Creates a loop. `opts` may be NULL for the defaults (real clock).
 * Returns NULL when out of memory, or when opts->stack_size or
 * opts->asyncify_size is above SIZE_MAX / 4 (a size that would wrap). The
 * caller owns the loop and frees it with weft_loop_free. */
weft_loop *weft_loop_new(const weft_loop_options *opts);

/* Shuts the loop down and frees it. Tasks still alive are cancelled and run
 * until they finish (their cleanup may await); the loop runs only while
 * tasks are alive, so other pending handles (a periodic timer, done
 * callbacks not yet run) are dropped without running. Returns 0 when
 * everything was freed; WEFT_EINVAL for NULL;
 * WEFT_EBUSY when called from inside the loop (a task or callback); or, when
 * the caller still holds references to futures or tasks (a leak: release them
 * first), their number as a positive count — the loop is then closed but its
 * memory is kept so those objects do not dangle; release them and call
 * weft_loop_free again to free it. */
int weft_loop_free(weft_loop *loop);

/* The loop's time, read once per iteration, in microseconds. */
weft_time_t weft_loop_now(const weft_loop *loop);

/* The loop whose work is running on this thread, or NULL outside of it. */
weft_loop *weft_running_loop(void);

/* Schedules `cb(loop, arg)` to run on the next iteration, after everything
 * already in the ready queue (FIFO). `h` is caller-owned storage.
 * Returns 0, WEFT_EINVAL (NULL argument, or `h` already active), or
 * WEFT_ECLOSED when the loop is shutting down. */
int weft_call_soon(weft_loop *loop, weft_handle *h, weft_cb cb, void *arg);

/* Schedules `cb` after `delay_ms` milliseconds (negative counts as 0).
 * Handles with equal deadlines run in the order they were armed.
 * Returns as weft_call_soon. */
int weft_call_later(weft_loop *loop, weft_handle *h, int64_t delay_ms, weft_cb cb, void *arg);

/* Schedules `cb` at loop time `when` (microseconds, see weft_loop_now).
 * Returns as weft_call_soon. */
int weft_call_at(weft_loop *loop, weft_handle *h, weft_time_t when, weft_cb cb, void *arg);

/* Cancels an active handle: it leaves the ready queue or the timer heap and
 * its callback will not run. Returns 0, or WEFT_ESTATE if it was not active
 * (already ran, already cancelled, never scheduled), WEFT_EINVAL for NULL. */
int weft_handle_cancel(weft_handle *h);

/* Non-zero while `h` is scheduled. */
int weft_handle_active(const weft_handle *h);

/* Runs the loop until nothing is left to do: no ready work, no timer, no
 * pending host operation. Natively it sleeps until the next deadline (real
 * clock) or jumps to it (virtual clock). Returns 0, WEFT_EINVAL, or
 * WEFT_EBUSY when the loop is already running. Not available inside a task. */
int weft_loop_run(weft_loop *loop);

/* Runs the loop until `f` is done (asyncio's run_until_complete), like
 * weft_loop_run otherwise; work still scheduled afterwards stays scheduled.
 * Returns 0 once `f` is done; WEFT_EDEADLK when the loop ran out of work with
 * `f` still pending (nothing left could complete it); WEFT_EINVAL,
 * WEFT_EBADHANDLE, WEFT_EBUSY as weft_loop_run. */
typedef struct weft_future weft_future;
int weft_loop_run_until(weft_loop *loop, weft_future *f);

/* Runs one iteration: collects every due timer, then runs the callbacks that
 * were ready when the iteration began (callbacks scheduled meanwhile wait for
 * the next iteration, so a callback re-arming itself cannot starve the loop).
 * With the virtual clock and nothing ready, time first jumps to the next
 * deadline. Returns the number of callbacks run, or a negative error. */
int weft_loop_run_once(weft_loop *loop);

/* Host entry (wasm): runs iterations while work is due, until the loop's
 * budget is spent (it may overrun by one iteration: one in progress is
 * finished, and a host future's cancel hook that is queued runs before the
 * host gets its turn, see weft/host.h), then returns the delay in
 * milliseconds until the loop next needs to run (0: ready work remains; -1:
 * nothing is scheduled). A NULL or freed loop gives -1; a call while this
 * or another loop runs gives 0; neither runs anything. The JS host arms one
 * timer for it; weft's JS library does that for you. */
double weft_loop_run_ready(weft_loop *loop);

/* Number of tasks on the loop that have not finished. */
size_t weft_loop_alive_tasks(const weft_loop *loop);

/* Keeps the loop "alive" for weft_loop_run / the host while an external
 * operation (a host fetch, a JS promise) is pending: weft_loop_ref(+1) when it
 * starts and weft_loop_ref(-1) when it ends. */
void weft_loop_ref(weft_loop *loop, int delta);

#ifdef __cplusplus
}
#endif
#endif
