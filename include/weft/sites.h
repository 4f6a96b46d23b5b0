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
#endif

#endif
