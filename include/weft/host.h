/* weft — host operations as futures (the mechanism behind every bridge).
 *
 * A bridge turns something the host (JavaScript) does — a fetch, a JS
 * promise, an IndexedDB request — into a weft_future that tasks await:
 *
 *   C:  weft_future *f = weft_host_future(loop, on_cancel, arg);
 *       my_js_start(f, ...);              // an import from your JS library
 *       rc = weft_await(f, &value);
 *   JS: ... later, exactly once:
 *       Module._weft_host_resolve(f, value)   or   Module._weft_host_fail(f, code)
 *
 * Completing the future from JS wakes the loop on the host's next turn. If
 * the future is cancelled first (say the awaiting task was cancelled),
 * `on_cancel(f, arg)` runs on the loop so the bridge can abort the host work,
 * before the loop next returns to the host (even past its time budget), so
 * the host makes no progress on cancelled work in between. The host must
 * still call resolve or fail once when its side ends (the call then returns
 * WEFT_ESTATE), because that is what drops the host's reference.
 */
#ifndef WEFT_HOST_H
#define WEFT_HOST_H

#include <stdint.h>
#include "future.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*weft_host_cancel_cb)(weft_future *f, void *arg);

/* Creates a pending future completed by the host. Returns NULL (no loop,
 * closing loop, out of memory). The caller owns one reference; the host side
 * holds another until it calls weft_host_resolve / weft_host_fail. The loop
 * counts the operation as pending (weft_loop_ref) until then. The future is
 * one allocation, `on_cancel` (may be NULL) included; only the host completes
 * it (weft_future_resolve / weft_future_fail on it give WEFT_EINVAL). */
weft_future *weft_host_future(weft_loop *loop, weft_host_cancel_cb on_cancel, void *arg);

/* Host side (exported to JS as _weft_host_resolve / _weft_host_fail):
 * completes `f` and drops the host's reference. Returns 0, WEFT_ESTATE if `f`
 * was already done (cancelled meanwhile: the reference is dropped all the
 * same) or the host has completed it before (then nothing changes),
 * WEFT_EBADHANDLE for a pointer that is not a live future, WEFT_EINVAL for
 * NULL or a future weft_host_future did not make. */
int weft_host_resolve(weft_future *f, intptr_t value);
int weft_host_fail(weft_future *f, int err);

#ifdef __cplusplus
}
#endif
#endif
