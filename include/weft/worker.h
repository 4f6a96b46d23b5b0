/* weft — CPU-bound C in a pool of workers (asyncio's run_in_executor /
 * to_thread).
 *
 * A worker function is plain C of the same program, run to its end in
 * another wasm instance of it, in a Web Worker (Node: a worker_threads
 * thread), while the calling task awaits and the loop goes on serving the
 * others:
 *
 *   static int count_primes(const void *in, size_t len, void *out, size_t cap, size_t *out_len) {
 *     const uint32_t *range = in;                 // a copy of what the caller passed
 *     if (len != 8 || cap < 4) return WEFT_EINVAL;
 *     uint32_t n = primes_between(range[0], range[1]);
 *     memcpy(out, &n, 4);                         // copied back into the caller's buffer
 *     *out_len = 4;
 *     return 0;
 *   }
 *
 *   uint32_t range[2] = {0, 1000000}, n;
 *   size_t len;
 *   int rc = weft_to_worker(count_primes, range, sizeof range, &n, sizeof n, &len);
 *
 * - Arguments and results are bytes, copied both ways: a worker shares no
 *   memory with the caller (each instance has its own heap). `in` is copied
 *   when the job is submitted (the caller's buffer may go at once); the
 *   function writes at most `out_cap` bytes into a buffer of the worker's,
 *   which are copied into the caller's `out` when the job ends, and only if
 *   it was not cancelled. Function pointers are the same in every instance
 *   of one program, so `fn` names the function in the worker too.
 * - The function runs outside any loop and task: it must not await (no
 *   weft_sleep, no weft_fetch); it may malloc, compute, printf.
 * - The pool belongs to the JS host: createWeft({ workers: n }) sets its size
 *   (default: the cores the host reports, at least 1; 0: no pool). Workers
 *   start on first use, one job each at a time; more jobs wait in FIFO order.
 *   A program not loaded by createWeft (no compiled module to share) gets
 *   WEFT_ENOSYS.
 * - Cancellation: a job still waiting is dropped; a running one cannot be
 *   interrupted (C has no cancellation points), so its worker is terminated
 *   and replaced by a fresh one. The awaiting task gets WEFT_ECANCELED at once.
 * - A function that traps (an out-of-bounds access, abort(), a stack
 *   overflow) or whose worker fails to start: WEFT_EWORKER, and that worker
 *   is replaced. A negative code the function returns is the job's error.
 * - Natively (the test and sanitizer build) the function runs inline in the
 *   calling task, blocking the loop while it runs.
 */
#ifndef WEFT_WORKER_H
#define WEFT_WORKER_H

#include <stddef.h>

#include "future.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A worker function: reads in[0..in_len), writes at most out_cap bytes to
 * `out` and their count to *out_len, returns 0 or a negative weft code (the
 * job's error). */
typedef int (*weft_worker_fn)(const void *in, size_t in_len, void *out, size_t out_cap, size_t *out_len);

/* Starts fn on a copy of in[0..in_len) in the pool; the result goes to
 * out[0..out_cap), which must stay valid until the future is done. Returns a
 * future owned by the caller (weft_release), or NULL (NULL fn, NULL in with
 * in_len > 0, NULL out with out_cap > 0, no loop, loop closing, out of
 * memory). It resolves with the number of bytes written, or fails with fn's
 * code, WEFT_EINVAL (fn said it wrote more than out_cap: nothing is
 * written), WEFT_EWORKER, WEFT_ENOSYS (no pool), WEFT_ENOMEM. Cancelling it
 * cancels the job (nothing is written then). `loop` NULL: the running loop. */
weft_future *weft_worker_submit(weft_loop *loop, weft_worker_fn fn, const void *in, size_t in_len, void *out,
                                size_t out_cap);

/* Awaits fn(in) in the pool: weft_worker_submit, then weft_await. Returns 0
 * with *out_len (may be NULL) set, or the job's error (as above),
 * WEFT_ECANCELED (the task was cancelled: so is the job), WEFT_EINVAL,
 * WEFT_ENOMEM, WEFT_ENOTTASK. */
int weft_to_worker(weft_worker_fn fn, const void *in, size_t in_len, void *out, size_t out_cap, size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif
