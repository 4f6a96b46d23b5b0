/* weft — tasks: stackful coroutines written as plain sequential C.
 *
 * A task runs `fn(arg)` on its own C stack. Calls such as weft_sleep,
 * weft_await or weft_gather suspend the task and let the loop run others;
 * each returns 0 or a negative code (WEFT_ECANCELED, WEFT_ETIMEDOUT, …),
 * which is how cancellation reaches the task. On wasm, switching uses
 * Asyncify (one unwind of the suspending task, one rewind of the next),
 * never the host event loop; natively a hand-written switch (ucontext on
 * CPUs other than x86-64 and aarch64).
 *
 * Suspending calls made outside a task return WEFT_ENOTTASK.
 *
 * Rule for wasm: a pointer into a suspended task's stack stays valid (each
 * task has its own stack), but the task must not suspend from inside a
 * callback invoked by code that was not compiled with Asyncify (JS, or a
 * library built without it).
 */
#ifndef WEFT_TASK_H
#define WEFT_TASK_H

#include <stddef.h>
#include <stdint.h>
#include "future.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A task is a future with a coroutine behind it. */
typedef weft_future weft_task;

/* The body of a task. Its return value becomes the task's result, unless
 * the task called weft_fail (then it fails) or was cancelled. */
typedef intptr_t (*weft_task_fn)(void *arg);

typedef struct weft_task_options {
  const char *name;     /* copied (up to 47 bytes); NULL gives "task-<id>" */
  size_t stack_size;    /* bytes; 0: the loop's default */
  size_t asyncify_size; /* bytes of Asyncify save buffer (wasm); 0: the loop's default */
} weft_task_options;

/* Creates a task that runs fn(arg) on `loop` (NULL: the running loop). It
 * starts on a later loop iteration, in spawn order. `opts` may be NULL.
 * Returns the task, with one reference for the caller (weft_release), or
 * NULL: out of memory, NULL fn, no loop, the loop is closing, or
 * opts->stack_size / opts->asyncify_size above SIZE_MAX / 4 (a size that
 * would wrap: refused here, not when the task starts). */
weft_task *weft_spawn(weft_loop *loop, weft_task_fn fn, void *arg, const weft_task_options *opts);

/* As weft_spawn, keeping no reference for the caller: the task frees itself
 * when it finishes. Returns 0 or WEFT_EINVAL (as weft_spawn's NULL cases,
 * a size above SIZE_MAX / 4 included) / WEFT_ENOMEM / WEFT_ECLOSED. */
int weft_spawn_detached(weft_loop *loop, weft_task_fn fn, void *arg, const weft_task_options *opts);

/* Suspends the current task until `f` is done. Returns 0 with `*result` set
 * (result may be NULL) when it resolved, its failure code when it failed,
 * WEFT_ECANCELED when `f` was cancelled or the current task was cancelled
 * while waiting (then `f` is cancelled too, as in asyncio: use weft_shield
 * to prevent that). A future that is done already gives its outcome at
 * once, without suspending: a cancellation requested while the task ran is
 * delivered by the next await that suspends (as awaiting a done asyncio
 * future does not yield to the task). WEFT_ENOTTASK outside a task,
 * WEFT_EDEADLK when the task awaits itself or a task that (transitively)
 * awaits it. */
int weft_await(weft_future *f, intptr_t *result);

/* Suspends the current task for `ms` milliseconds (negative counts as 0).
 * weft_sleep(0) yields: the task goes to the back of the ready queue. When
 * the timer is due it puts the task on the ready queue, as asyncio.sleep's
 * future schedules its task: it resumes behind what was ready before.
 * Returns 0, WEFT_ECANCELED (the timer is removed), WEFT_ENOTTASK. */
int weft_sleep(int64_t ms);

/* weft_sleep(0). */
int weft_yield(void);

/* Marks the current task as failed with `err` (negative; others become
 * WEFT_EFAILED) and returns 0, so a task can end with `return weft_fail(rc);`.
 * The task's outcome when its body returns: failed with `err`, even if it
 * was cancelled (asyncio: an exception raised while handling CancelledError
 * fails the task); with err == WEFT_ECANCELED, cancelled (raise
 * CancelledError). Outside a task it does nothing and returns 0. */
intptr_t weft_fail(int err);

/* Undoes one pending cancellation of the current task (asyncio's
 * Task.uncancel): a task that handled WEFT_ECANCELED and wants to finish
 * normally calls it. A task whose body returns (without weft_fail) while
 * requests are left ends cancelled, whatever it returned: asyncio would take
 * the value (docs/fidelity.md, task-outcome). Returns the number of
 * cancellation requests left. */
int weft_uncancel(void);

/* Number of cancellation requests the task has received and not undone
 * (asyncio's Task.cancelling). */
int weft_cancelling(const weft_task *t);

/* The task running now, or NULL outside a task. Borrowed pointer. */
weft_task *weft_current(void);

/* The task's name (static while the task lives). "" for a plain future. */
const char *weft_task_name(const weft_task *t);

/* Non-zero when `f` is a task. */
int weft_is_task(const weft_future *f);

/* Runs `fn(arg)` as the main task of a new loop until it finishes, like
 * asyncio.run: tasks still alive then are cancelled and their cleanup runs.
 * The loop is configured from the environment: WEFT_CLOCK=virtual for the
 * virtual clock (else real), WEFT_BUDGET_US for weft_loop_options.budget_us
 * (wasm: how long ready work may run before the host gets a turn).
 * Natively: returns 0 when the task resolved (its result is stored in
 * *result if non-NULL), else its negative status.
 * The main task has WEFT_DEFAULT_MAIN_STACK_SIZE bytes of C stack and
 * WEFT_DEFAULT_MAIN_ASYNCIFY_SIZE of save buffer.
 * On wasm: the host event loop keeps running while tasks sleep, so this call
 * does not return: when the main task finishes the program exits with status
 * 0 (resolved) or 1, and Node's process stays alive until then. */
int weft_run(weft_task_fn fn, void *arg, intptr_t *result);

/* The main task of weft_run gets a larger stack than the loop's other tasks:
 * it plays a program's main() (test mains and tools hold buffers of a few
 * KiB in its frames, measured up to 9 KiB), and there is only one. */
#if defined(__EMSCRIPTEN__)
#define WEFT_DEFAULT_MAIN_STACK_SIZE (64 * 1024)
#define WEFT_DEFAULT_MAIN_ASYNCIFY_SIZE (4 * 1024)
#else
#define WEFT_DEFAULT_MAIN_STACK_SIZE WEFT_DEFAULT_STACK_SIZE
#define WEFT_DEFAULT_MAIN_ASYNCIFY_SIZE WEFT_DEFAULT_ASYNCIFY_SIZE
#endif

#ifdef __cplusplus
}
#endif
#endif
