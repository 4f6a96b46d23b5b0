/* weft — error codes.
 *
 * Every weft call that can fail returns 0 (or a non-negative count) on
 * success and one of the negative codes below on failure. C has no
 * exceptions, so a suspending call's return value is how cancellation and
 * timeouts reach the code that awaited.
 *
 * WEFT_ERRORS is the one list of the codes: X(NAME, value, "message"), the
 * message being what weft_strerror returns. The enum, weft_strerror and
 * weft_strerror_name are expanded from it, and so is the JS side
 * (src/js/constants.mjs, its .d.ts and src/js/library_constants.js, written
 * by scripts/constants.mjs, which `node scripts/build.mjs` runs). To add a
 * code, append one X(...) line with the next value (WEFT_ERROR_MIN_ follows),
 * then build: the values must stay 0, -1, -2, … without gaps (errors.c checks).
 */
#ifndef WEFT_ERRORS_H
#define WEFT_ERRORS_H

#ifdef __cplusplus
extern "C" {
#endif

#define WEFT_ERRORS(X)                                                                                       \
  X(OK, 0, "success")                                                                                        \
  /* the awaiting task, or the awaited future, was cancelled */                                              \
  X(ECANCELED, -1, "operation was cancelled")                                                                \
  /* a wait_for / wait deadline passed */                                                                    \
  X(ETIMEDOUT, -2, "operation timed out")                                                                    \
  /* a NULL or out-of-range argument */                                                                      \
  X(EINVAL, -3, "invalid argument")                                                                          \
  /* an allocation failed; nothing was changed */                                                            \
  X(ENOMEM, -4, "out of memory")                                                                             \
  /* a suspending call was made outside a task */                                                            \
  X(ENOTTASK, -5, "suspending call made outside a task")                                                     \
  /* the await would never finish: a task awaiting itself, or an await cycle */                              \
  X(EDEADLK, -6, "await would never finish (a task awaiting itself or an await cycle)")                      \
  /* the loop is shutting down or closed */                                                                  \
  X(ECLOSED, -7, "loop is closed or shutting down")                                                          \
  /* the future is already done (resolve/fail/cancel twice) */                                               \
  X(ESTATE, -8, "future is already done")                                                                    \
  /* the future's result was asked for before it is done */                                                  \
  X(EPENDING, -9, "future is not done yet")                                                                  \
  /* the object was already released, freed or destroyed, or is not a weft object of that kind */           \
  X(EBADHANDLE, -10, "handle was already released or is not a weft object")                                  \
  /* the loop still has live tasks or objects, or is already running */                                      \
  X(EBUSY, -11, "loop is busy (running, or still has live tasks)")                                           \
  /* a task overflowed its C stack or its Asyncify save buffer */                                            \
  X(ESTACK, -12, "task overflowed its C stack or Asyncify save buffer")                                      \
  /* generic failure reported by a task (weft_fail with no better code) */                                   \
  X(EFAILED, -13, "task failed")                                                                             \
  /* an async iterator is exhausted (the StopAsyncIteration analogue) */                                     \
  X(EDONE, -14, "iteration is over")                                                                         \
  /* fetch: the URL is invalid */                                                                            \
  X(EURL, -15, "invalid URL")                                                                                \
  /* fetch: the server refused the connection */                                                             \
  X(ECONNREFUSED, -16, "connection refused")                                                                 \
  /* fetch: DNS or network failure, or the connection broke */                                               \
  X(ENETWORK, -17, "network error (DNS failure, unreachable host or broken connection)")                     \
  /* fetch (browsers): a cross-origin request was refused */                                                 \
  X(ECORS, -18, "cross-origin request refused (CORS)")                                                       \
  /* not available on this platform (fetch natively) */                                                      \
  X(ENOSYS, -19, "not available on this platform")                                                           \
  /* a JS promise rejected (weft_js_await gives its message) */                                              \
  X(EJS, -20, "JavaScript promise rejected")                                                                 \
  /* queue: put_nowait on a full queue (asyncio.QueueFull) */                                                \
  X(EQUEUEFULL, -21, "queue is full")                                                                        \
  /* queue: get_nowait on an empty queue (asyncio.QueueEmpty) */                                             \
  X(EQUEUEEMPTY, -22, "queue is empty")                                                                      \
  /* queue: shut down (asyncio.QueueShutDown) */                                                             \
  X(ESHUTDOWN, -23, "queue is shut down")                                                                    \
  /* the sync object waited on was freed (weft_lock_free, …) */                                              \
  X(EFREED, -24, "synchronisation object was freed while waiting on it")                                     \
  /* released more than acquired: lock not held, BoundedSemaphore above its initial value,                   \
   * task_done without a get */                                                                              \
  X(ENOTACQUIRED, -25, "released more times than acquired")                                                  \
  /* closing: a task group refuses new tasks (a child failed, it was cancelled, or its wait                  \
   * returned); a generator's yield when aclose asks it to finish (the GeneratorExit analogue) */            \
  X(ECLOSING, -26, "closing: the task group takes no new tasks, or the generator is asked to finish (aclose)") \
  /* iterator: another anext or aclose is already in progress on it */                                       \
  X(EINPROGRESS, -27, "another anext or aclose is already in progress on this iterator")                     \
  /* generator: it yielded again after aclose asked it to finish */                                          \
  X(EYIELD, -28, "generator yielded after aclose asked it to finish")                                       \
  /* file: no such file or directory */                                                                      \
  X(ENOENT, -29, "no such file or directory")                                                                \
  /* file: permission denied (the host refused, or a handed-in read-only file opened to write) */            \
  X(EACCES, -30, "permission denied")                                                                        \
  /* file: it exists already (an exclusive create, mode "x") */                                              \
  X(EEXIST, -31, "file exists")                                                                              \
  /* file: is a directory */                                                                                 \
  X(EISDIR, -32, "is a directory")                                                                           \
  /* file: a part of the path is not a directory */                                                          \
  X(ENOTDIR, -33, "not a directory")                                                                         \
  /* file: no space left on the device */                                                                    \
  X(ENOSPC, -34, "no space left on device")                                                                  \
  /* file: the storage quota is exceeded (browsers' QuotaExceededError, EDQUOT) */                           \
  X(EQUOTA, -35, "storage quota exceeded")                                                                   \
  /* file: another I/O failure of the host (weft_file_error_message says which) */                           \
  X(EIO, -36, "input/output error")                                                                          \
  /* file: not open for that (a read on a write-only file, a write on a read-only one) */                    \
  X(EBADF, -37, "file not open for this operation")                                                         \
  /* net: the peer dropped the connection (TCP reset, a WebSocket closed without a close frame) */         \
  X(ECONNRESET, -38, "connection reset by the peer")                                                         \
  /* net: another socket is bound to that address and port */                                               \
  X(EADDRINUSE, -39, "address already in use")                                                               \
  /* net: the peer broke the WebSocket protocol (close code 1002) */                                         \
  X(EPROTO, -40, "protocol error")                                                                           \
  /* net: a send on a stream closed for writing (closed here, or ended by the peer) */                       \
  X(EPIPE, -41, "stream is closed for writing")                                                            \
  /* worker: the function trapped or threw in its worker (the worker was replaced) */                        \
  X(EWORKER, -42, "the worker function trapped or threw")

typedef enum weft_error {
#define WEFT__ERROR_ENUM(name, value, message) WEFT_##name = value,
  WEFT_ERRORS(WEFT__ERROR_ENUM)
#undef WEFT__ERROR_ENUM
#define WEFT__ERROR_COUNT(name, value, message) +1
  /* The lowest code: the codes run from 0 down to it. */
  WEFT_ERROR_MIN_ = 1 - (0 WEFT_ERRORS(WEFT__ERROR_COUNT))
#undef WEFT__ERROR_COUNT
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
