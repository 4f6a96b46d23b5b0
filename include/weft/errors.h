/* weft — error codes.
 *
 * Every weft call that can fail returns 0 (or a non-negative count) on
 * success and one of the negative codes below on failure. C has no
 * exceptions, so a suspending call's return value is how cancellation and
 * timeouts reach the code that awaited.
 */
#ifndef WEFT_ERRORS_H
#define WEFT_ERRORS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum weft_error {
  WEFT_OK = 0,
  WEFT_ECANCELED = -1,   /* the awaiting task, or the awaited future, was cancelled */
  WEFT_ETIMEDOUT = -2,   /* a wait_for / wait deadline passed */
  WEFT_EINVAL = -3,      /* a NULL or out-of-range argument */
  WEFT_ENOMEM = -4,      /* an allocation failed; nothing was changed */
  WEFT_ENOTTASK = -5,    /* a suspending call was made outside a task */
  WEFT_EDEADLK = -6,     /* the await would never finish: a task awaiting itself, or an await cycle */
  WEFT_ECLOSED = -7,     /* the loop is shutting down or closed */
  WEFT_ESTATE = -8,      /* the future is already done (resolve/fail/cancel twice) */
  WEFT_EPENDING = -9,    /* the future's result was asked for before it is done */
  WEFT_EBADHANDLE = -10, /* the handle was already released (double release) or is not a weft object */
  WEFT_EBUSY = -11,      /* the loop still has live tasks, or is already running */
  WEFT_ESTACK = -12,     /* a task overflowed its C stack or its Asyncify save buffer */
  WEFT_EFAILED = -13,    /* generic failure reported by a task (weft_fail with no better code) */
  WEFT_EDONE = -14,      /* an async iterator is exhausted (the StopAsyncIteration analogue) */
  WEFT_EURL = -15,       /* fetch: the URL is invalid */
  WEFT_ECONNREFUSED = -16, /* fetch: the server refused the connection */
  WEFT_ENETWORK = -17,   /* fetch: DNS or network failure, or the connection broke */
  WEFT_ECORS = -18,      /* fetch (browsers): a cross-origin request was refused */
  WEFT_ENOSYS = -19,     /* not available on this platform (fetch natively) */
  WEFT_EJS = -20,        /* a JS promise rejected (weft_js_await gives its message) */
  WEFT_EQUEUEFULL = -21,  /* queue: put_nowait on a full queue (asyncio.QueueFull) */
  WEFT_EQUEUEEMPTY = -22, /* queue: get_nowait on an empty queue (asyncio.QueueEmpty) */
  WEFT_ESHUTDOWN = -23,   /* queue: shut down (asyncio.QueueShutDown) */
  WEFT_EFREED = -24,      /* the sync object waited on was freed (weft_lock_free, …) */
  WEFT_ENOTACQUIRED = -25, /* released more than acquired: lock not held, BoundedSemaphore
                              above its initial value, task_done without a get */
  WEFT_ECLOSING = -26,   /* closing: a task group refuses new tasks (a child failed, it was
                            cancelled, or its wait returned); a generator's yield when aclose
                            asks it to finish (the GeneratorExit analogue) */
  WEFT_EINPROGRESS = -27, /* iterator: another anext or aclose is already in progress on it */
  WEFT_EYIELD = -28,     /* generator: it yielded again after aclose asked it to finish */
  WEFT_ERROR_MIN_ = -28
} weft_error;

/* Returns a static, human-readable English description of `code`
 * ("operation was cancelled", …). Unknown codes give "unknown weft error".
 * The string is never freed by the caller. */
const char *weft_strerror(int code);

/* Returns the symbolic name of `code` ("WEFT_ECANCELED", …), or "WEFT_E?" for
 * an unknown code. Static string. */
const char *weft_strerror_name(int code);

#ifdef __cplusplus
}
#endif
#endif
