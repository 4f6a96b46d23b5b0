/* weft — await sites: the public suspending calls as macros that record the
 * caller's __FILE__:__LINE__ in the current task for the trace and the task
 * table (include/weft/trace.h). Included last by weft.h, after every
 * declaration. The functions stay real functions: `(weft_sleep)(ms)` or a
 * function pointer calls them without recording a site. Define
 * WEFT_NO_SITE_MACROS to leave them out. */
#ifndef WEFT_SITES_H
#define WEFT_SITES_H

#if !defined(WEFT_NO_SITE_MACROS)
#include "trace.h"

#define WEFT__AT(call) (weft__site_begin(__FILE__, __LINE__), weft__site_end(call))

#define weft_await(f, result) WEFT__AT(weft_await((f), (result)))
#define weft_sleep(ms) WEFT__AT(weft_sleep(ms))
#define weft_yield() WEFT__AT(weft_yield())
#define weft_gather(futs, n, flags, results, statuses) \
  WEFT__AT(weft_gather((futs), (n), (flags), (results), (statuses)))
#define weft_wait_for(f, timeout_ms, result) WEFT__AT(weft_wait_for((f), (timeout_ms), (result)))
#define weft_wait(futs, n, mode, timeout_ms) WEFT__AT(weft_wait((futs), (n), (mode), (timeout_ms)))
#define weft_as_completed_next(it, out) WEFT__AT(weft_as_completed_next((it), (out)))
#define weft_fetch(url, opts, out) WEFT__AT(weft_fetch((url), (opts), (out)))
#define weft_response_read(r, chunk, len) WEFT__AT(weft_response_read((r), (chunk), (len)))
#define weft_response_bytes(r, data, len) WEFT__AT(weft_response_bytes((r), (data), (len)))
#define weft_response_text(r, text) WEFT__AT(weft_response_text((r), (text)))
#define weft_js_await(handle, out) WEFT__AT(weft_js_await((handle), (out)))
/* sync.h */
#define weft_event_wait(e) WEFT__AT(weft_event_wait(e))
#define weft_lock_acquire(l) WEFT__AT(weft_lock_acquire(l))
#define weft_semaphore_acquire(s) WEFT__AT(weft_semaphore_acquire(s))
#define weft_condition_acquire(c) WEFT__AT(weft_condition_acquire(c))
#define weft_condition_wait(c) WEFT__AT(weft_condition_wait(c))
#define weft_condition_wait_for(c, pred, arg) WEFT__AT(weft_condition_wait_for((c), (pred), (arg)))
#define weft_queue_put(q, value) WEFT__AT(weft_queue_put((q), (value)))
#define weft_queue_put_priority(q, priority, value) WEFT__AT(weft_queue_put_priority((q), (priority), (value)))
#define weft_queue_get(q, value) WEFT__AT(weft_queue_get((q), (value)))
#define weft_queue_get_priority(q, priority, value) WEFT__AT(weft_queue_get_priority((q), (priority), (value)))
#define weft_queue_join(q) WEFT__AT(weft_queue_join(q))
#define weft_waiter_wait(w) WEFT__AT(weft_waiter_wait(w))
/* gen.h, iter.h */
#define weft_gen_yield(value) WEFT__AT(weft_gen_yield(value))
#define weft_anext(it, value) WEFT__AT(weft_anext((it), (value)))
#define weft_aclose(it) WEFT__AT(weft_aclose(it))
#define weft_aiter_collect(it, values, count) WEFT__AT(weft_aiter_collect((it), (values), (count)))
#define weft__afor_next(f) WEFT__AT(weft__afor_next(f)) /* each step of a WEFT_AFOR loop, at its line */
/* group.h */
#define weft_group_wait(g) WEFT__AT(weft_group_wait(g))
#endif

#endif
