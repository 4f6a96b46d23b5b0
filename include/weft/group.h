/* weft — task groups: structured concurrency (asyncio.TaskGroup, trio's
 * nursery).
 *
 * A group owns the tasks spawned into it. weft_group_wait returns only when
 * every one of them has finished, so no child outlives the group, and a C
 * child may use memory on the waiting task's stack.
 *
 *   - The first child to fail (a status other than 0 or WEFT_ECANCELED)
 *     cancels its siblings, closes the group to new tasks, and becomes what
 *     weft_group_wait returns. If the task that created the group is not in
 *     weft_group_wait at that moment, it is cancelled too, as asyncio does, so
 *     that its current await returns WEFT_ECANCELED and it can go on to the
 *     wait; the wait absorbs that cancellation (weft_uncancel).
 *   - Every other failure is kept as well: weft_group_failures lists them in
 *     the order they happened, weft_group_outcome_at gives each child's
 *     status and result in spawn order.
 *   - A child that ends cancelled is not a failure (as in asyncio).
 *   - Cancelling the waiting task cancels every child; the wait still
 *     returns only after they have all finished, then returns WEFT_ECANCELED,
 *     or the first failure if a child failed (before or during its cleanup:
 *     asyncio's TaskGroup raises the ExceptionGroup then). The cancellation
 *     is not swallowed: still counted (weft_cancelling), it is delivered
 *     again at the task's next await (as asyncio 3.14 re-cancels the parent).
 *   - Children may spawn siblings while the group is open. Spawning into a
 *     group that is closing returns WEFT_ECLOSING.
 *
 * Storage is the caller's (usually a local of the task that waits); it must
 * stay valid until weft_group_destroy returns 0. WEFT_TASK_GROUP does the
 * wait and the destroy on every way out of a block. A group initialised by a
 * task belongs to it: if that task finishes without destroying it (a bug),
 * its children still running are cancelled and the group's state is freed
 * (unless another task is waiting on it, which then carries on with it);
 * weft never touches the storage `g` again, so a group on the dead task's
 * stack does no harm. Such storage must not be used again.
 */
#ifndef WEFT_GROUP_H
#define WEFT_GROUP_H

#include <stddef.h>
#include <stdint.h>
#include "task.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A task group: caller-owned storage for a handle to the group's state,
 * which weft allocates. Fields are private. */
typedef struct weft_group {
  uint32_t magic_;
  struct weft__group_core *core_;
} weft_group;

/* One child's outcome. `task` is borrowed (valid until weft_group_destroy);
 * `status` is 0, the child's failure code, WEFT_ECANCELED, or WEFT_EPENDING
 * while it runs; `result` is its return value when status is 0. */
typedef struct weft_group_outcome {
  weft_task *task;
  int status;
  intptr_t result;
} weft_group_outcome;

/* Initialises a group on `loop` (NULL: the running loop). The current task,
 * if any, becomes the group's owner (see the header comment). Returns 0,
 * WEFT_EINVAL (NULL group, no loop), WEFT_EBUSY (`g` is a live group that
 * the current task initialised and has not destroyed), WEFT_ECLOSED (the
 * loop is closing). `*g` is not read, so it may be uninitialised storage;
 * initialising a live group from elsewhere is undefined (like
 * pthread_mutex_init). */
int weft_group_init(weft_group *g, weft_loop *loop);

/* Spawns fn(arg) into the group, with the options of weft_spawn. The group
 * keeps the task's reference; `*out` (may be NULL) receives it borrowed.
 * Returns 0; WEFT_ECLOSING when the group is closing (a child failed, the
 * wait was cancelled, or the wait returned); WEFT_EINVAL (NULL group or fn,
 * or an uninitialised group); WEFT_ECLOSED (the loop is closing);
 * WEFT_ENOMEM. Nothing is spawned on error. */
int weft_group_spawn(weft_group *g, weft_task_fn fn, void *arg, const weft_task_options *opts, weft_task **out);

/* Waits until every child has finished (including children spawned while
 * waiting). Returns 0 when none failed; the first failure's code; or
 * WEFT_ECANCELED when the calling task was cancelled while waiting (its
 * children were then cancelled, and have finished). The group is closed
 * afterwards; waiting again returns the same value at once. WEFT_ENOTTASK,
 * WEFT_EINVAL (NULL, uninitialised), WEFT_EBUSY (another task is waiting),
 * WEFT_EDEADLK (a child waiting on its own group). */
int weft_group_wait(weft_group *g);

/* Closes the group and cancels every child still running (trio's
 * nursery.cancel_scope.cancel()); they are not failures. Does not wait.
 * Returns 0 or WEFT_EINVAL. */
int weft_group_cancel(weft_group *g);

/* Number of children spawned into the group (0 for NULL). */
size_t weft_group_size(const weft_group *g);

/* The outcome of the i-th child, in spawn order. Returns 0, WEFT_EINVAL
 * (NULL, i out of range). */
int weft_group_outcome_at(const weft_group *g, size_t i, weft_group_outcome *out);

/* Stores up to `cap` failed children's outcomes in `out` (may be NULL when
 * cap is 0) in the order they failed; the first is the one the wait
 * reported. Returns how many children failed in all. */
size_t weft_group_failures(const weft_group *g, weft_group_outcome *out, size_t cap);

/* Frees what the group holds and drops its references to the children.
 * Returns 0; WEFT_EBUSY when children are still running (they are cancelled
 * now; call weft_group_wait, then destroy again) or a task is waiting on it;
 * WEFT_EINVAL for NULL, an uninitialised or already destroyed group. */
int weft_group_destroy(weft_group *g);

/* Runs the block once with group `g` initialised; on every way out of the
 * block (end, break, continue, return, goto) the group is waited for, if the
 * block did not do it, and destroyed: no child outlives the block. The block
 * is a one-pass loop: `break` and `continue` inside it leave the block, not
 * a loop written around it (tests/c/test_macros.c). Call
 * weft_group_wait in the block to get its result and read the outcomes
 * before the block ends.
 *
 *   weft_group g;
 *   WEFT_TASK_GROUP(g) {
 *     weft_group_spawn(&g, worker, &a, NULL, NULL);
 *     weft_group_spawn(&g, worker, &b, NULL, NULL);
 *     int rc = weft_group_wait(&g);
 *     ...
 *   }
 *
 * If the group cannot be initialised the block does not run. Needs
 * __attribute__((cleanup)) (gcc, clang). */
#define WEFT_TASK_GROUP(g) WEFT__TASK_GROUP(g, WEFT__FRESH(weft__group_))
#define WEFT__TASK_GROUP(g, v)                                                                           \
  for (weft_group *v __attribute__((cleanup(weft__group_autoclose))) =                                   \
           weft_group_init(&(g), NULL) == 0 ? &(g) : NULL;                                               \
       v; weft__group_autoclose(&v))
/* Private helper of WEFT_TASK_GROUP: waits if needed, destroys, sets *g NULL. */
void weft__group_autoclose(weft_group **g);

#ifdef __cplusplus
}
#endif
#endif
