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

/* Variadic, so that an argument with commas of its own passes through as
 * one: weft_gather((weft_future *[]){a, b}, 2, 0, NULL, NULL). The function's
 * prototype still checks the count and the types. */
#define weft_await(...) WEFT__AT(weft_await(__VA_ARGS__))
#define weft_sleep(...) WEFT__AT(weft_sleep(__VA_ARGS__))
#define weft_yield(...) WEFT__AT(weft_yield(__VA_ARGS__))
#define weft_gather(...) WEFT__AT(weft_gather(__VA_ARGS__))
#define weft_wait_for(...) WEFT__AT(weft_wait_for(__VA_ARGS__))
#define weft_wait(...) WEFT__AT(weft_wait(__VA_ARGS__))
#define weft_as_completed_next(...) WEFT__AT(weft_as_completed_next(__VA_ARGS__))
#define weft_fetch(...) WEFT__AT(weft_fetch(__VA_ARGS__))
#define weft_response_read(...) WEFT__AT(weft_response_read(__VA_ARGS__))
#define weft_response_bytes(...) WEFT__AT(weft_response_bytes(__VA_ARGS__))
#define weft_response_text(...) WEFT__AT(weft_response_text(__VA_ARGS__))
#define weft_js_await(...) WEFT__AT(weft_js_await(__VA_ARGS__))
#define weft_to_worker(...) WEFT__AT(weft_to_worker(__VA_ARGS__))
/* sync.h */
#define weft_event_wait(...) WEFT__AT(weft_event_wait(__VA_ARGS__))
#define weft_lock_acquire(...) WEFT__AT(weft_lock_acquire(__VA_ARGS__))
#define weft_semaphore_acquire(...) WEFT__AT(weft_semaphore_acquire(__VA_ARGS__))
#define weft_condition_acquire(...) WEFT__AT(weft_condition_acquire(__VA_ARGS__))
#define weft_condition_wait(...) WEFT__AT(weft_condition_wait(__VA_ARGS__))
#define weft_condition_wait_for(...) WEFT__AT(weft_condition_wait_for(__VA_ARGS__))
#define weft_queue_put(...) WEFT__AT(weft_queue_put(__VA_ARGS__))
#define weft_queue_put_priority(...) WEFT__AT(weft_queue_put_priority(__VA_ARGS__))
#define weft_queue_get(...) WEFT__AT(weft_queue_get(__VA_ARGS__))
#define weft_queue_get_priority(...) WEFT__AT(weft_queue_get_priority(__VA_ARGS__))
#define weft_queue_join(...) WEFT__AT(weft_queue_join(__VA_ARGS__))
#define weft_waiter_wait(...) WEFT__AT(weft_waiter_wait(__VA_ARGS__))
/* gen.h, iter.h */
#define weft_gen_yield(...) WEFT__AT(weft_gen_yield(__VA_ARGS__))
#define weft_anext(...) WEFT__AT(weft_anext(__VA_ARGS__))
#define weft_aclose(...) WEFT__AT(weft_aclose(__VA_ARGS__))
#define weft_aiter_collect(...) WEFT__AT(weft_aiter_collect(__VA_ARGS__))
#define weft__afor_next(f) WEFT__AT(weft__afor_next(f)) /* each step of a WEFT_AFOR loop, at its line */
/* group.h */
#define weft_group_wait(...) WEFT__AT(weft_group_wait(__VA_ARGS__))
#endif

#endif
