/* weft — asyncio's model for C, on WebAssembly (Asyncify) and natively.
 *
 *   loop.h         event loop, clock (real or virtual), call_soon/call_later
 *   future.h       futures: resolve / fail / cancel, done callbacks
 *   task.h         stackful tasks: spawn, await, sleep, cancel, weft_run
 *   combinators.h  gather, wait_for, wait, shield, as_completed
 *   group.h        task groups (nurseries): spawn, wait, first failure cancels the rest
 *   scope.h        timeout scopes, cancellation shields, async "with" (weft_with, WEFT_DEFER)
 *   sync.h         Event, Lock, Semaphore, Condition, Queue, Waiter(n)
 *   iter.h         the async iterator protocol: anext, aclose, WEFT_AFOR, collect/map/filter/take/merge
 *   gen.h          async generators: a coroutine that awaits and yields values
 *   host.h         host operations as futures (the mechanism behind bridges)
 *   fetch.h        fetch as a future: headers, whole or streamed body, abort
 *   net.h          TCP (Node) and WebSocket streams: connect, send, receive, listen/accept
 *   dom.h          animation frames, idle periods, DOM events (one, or an async iterator)
 *   stdin.h        standard input as an async iterator of lines
 *   js.h           JS promises awaited from C, C tasks awaited from JS
 *   trace.h        tracing, the task table, stepping the loop
 *   sites.h        await sites: the suspending calls record file:line
 *   errors.h       negative error codes and weft_strerror
 */
#ifndef WEFT_H
#define WEFT_H

#include "weft/errors.h"
#include "weft/loop.h"
#include "weft/future.h"
#include "weft/task.h"
#include "weft/combinators.h"
#include "weft/group.h"
#include "weft/scope.h"
#include "weft/sync.h"
#include "weft/iter.h"
#include "weft/gen.h"
#include "weft/host.h"
#include "weft/fetch.h"
#include "weft/bytes.h"
#include "weft/file.h"
#include "weft/zip.h"
#include "weft/net.h"
#include "weft/dom.h"
#include "weft/stdin.h"
#include "weft/worker.h"
#include "weft/js.h"
#include "weft/trace.h"
/* Last: the await-site macros wrap calls declared above (internal sources
 * leave them out, so weft's own awaits never hide the user's site). */
#if !defined(WEFT__INTERNAL)
#include "weft/sites.h"
#endif

#define WEFT_VERSION_MAJOR 0
#define WEFT_VERSION_MINOR 1
#define WEFT_VERSION_PATCH 0

#endif
