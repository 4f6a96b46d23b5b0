/* weft — async generators.
 *
 * A generator function is plain sequential C that runs as its own coroutine
 * (its own stack, like a task): it can await anything (weft_sleep,
 * weft_await, weft_fetch, another iterator) and hands values to its consumer
 * with weft_gen_yield. The consumer sees an async iterator (weft/iter.h):
 *
 *   static int async_range(void *arg) {           // async def async_range(...)
 *     range *r = arg;
 *     for (int i = r->start; i < r->end; i++) {
 *       int rc = weft_sleep(500);                 //     await asyncio.sleep(0.5)
 *       if (rc) return rc;
 *       rc = weft_gen_yield(i);                   //     yield i
 *       if (rc) return rc;                        // WEFT_ECLOSING: aclose; clean up
 *     }
 *     return 0;                                   // StopAsyncIteration
 *   }
 *
 *   weft_aiter *it = weft_gen_new(NULL, async_range, &r, NULL);
 *   WEFT_AFOR(int, i, it, &rc) printf("%d\n", i);
 *
 * Semantics, after asyncio's async generators:
 * - Lazy: nothing runs until the first anext; each anext runs the body up to
 *   its next yield (or its end), then it waits, suspended, for the next one.
 * - The body's return value ends the iteration: 0 gives WEFT_EDONE to the
 *   consumer; a negative code is the error anext returns (once; WEFT_EDONE
 *   after it). WEFT_ECLOSING returned while closing counts as a clean end.
 * - aclose (weft_aclose / weft_aiter_free / leaving a WEFT_AFOR): a pending
 *   yield returns WEFT_ECLOSING, and the body releases its resources (it may
 *   await) and returns. A generator that yields again after that gets
 *   WEFT_ECLOSING again at once, its value is dropped, and aclose returns
 *   WEFT_EYIELD (asyncio: "async generator ignored GeneratorExit"). Closing a
 *   generator that never started or already ended does nothing.
 * - Cancelling the consumer while it awaits anext cancels the generator's
 *   current await (it returns WEFT_ECANCELED inside the body), as in asyncio
 *   where the generator runs inside the consumer's task; anext returns
 *   WEFT_ECANCELED at once. If the body carries on and yields, that value is
 *   kept for the next anext; aclose waits for the body to reach its next
 *   yield or its end first.
 * - Two anext (or anext and aclose) at once on one generator: the second
 *   returns WEFT_EINPROGRESS.
 * - A generator that is still suspended when its loop shuts down (asyncio's
 *   shutdown_asyncgens: weft_run's end, weft_loop_free) is closed: its
 *   pending yield returns WEFT_ECLOSING and its cleanup runs. Freeing a
 *   suspended generator (weft_aiter_free outside a task) does the same
 *   in the background.
 */
#ifndef WEFT_GEN_H
#define WEFT_GEN_H

#include <stdint.h>
#include "iter.h"
#include "loop.h"
#include "task.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A generator body. Returns 0 (exhausted), or a negative error for the
 * consumer (WEFT_ECLOSING after a close counts as 0). */
typedef int (*weft_gen_fn)(void *arg);

/* Creates an async generator that will run fn(arg) on `loop` (NULL: the
 * running loop) when first asked for a value. `opts` (may be NULL) sets the
 * coroutine's name, stack and Asyncify sizes as for a task. `arg` is
 * borrowed: it must outlive the generator's run. Returns the iterator, owned
 * by the caller (weft_aiter_free, or hand it to WEFT_AFOR / a helper), or
 * NULL: NULL fn, no loop, loop closing, out of memory. */
weft_aiter *weft_gen_new(weft_loop *loop, weft_gen_fn fn, void *arg, const weft_task_options *opts);

/* Inside a generator body: hands `value` to the consumer's pending anext and
 * suspends until the next anext. Returns 0 when asked for the next value,
 * WEFT_ECLOSING when the generator is being closed (release resources and
 * return), WEFT_EINVAL when not called from a generator's own coroutine
 * (say, from a task it spawned), WEFT_ENOTTASK outside any task. */
int weft_gen_yield(intptr_t value);

/* Non-zero when `it` is an async generator made by weft_gen_new. */
int weft_is_gen(const weft_aiter *it);

/* The generator's coroutine, while it runs (between its first anext and its
 * end), else NULL. Borrowed: for names and tracing, not for cancelling. */
weft_task *weft_gen_task(const weft_aiter *it);

#ifdef __cplusplus
}
#endif
#endif
