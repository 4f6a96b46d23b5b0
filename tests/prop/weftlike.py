"""asyncio, bent to behave like today's weft: one switch per known difference.

The oracle (tests/c/test_oracle.c) compares weft with CPython's asyncio. Where weft still
differs (docs/fidelity.md lists every such difference, with the asyncio rule it breaks),
a switch here makes CPython do what weft does instead, in that one respect and nothing else.
A program whose logs differ is *explained* when CPython, with some of these switches on,
logs exactly what weft logged; a difference no switch explains fails the run. Each switch is
therefore also a precise, executable statement of what weft does differently, for whoever
fixes it: when weft follows asyncio there, the switch and its entry in tests/prop/known.txt
go (the run fails while a listed difference no longer occurs).

Switches are bits, in the order of KNOWN below; apply(mask) turns them on and returns the
function that turns them off again.
"""

import asyncio
import collections.abc
import sys
from asyncio import futures as _futures
from asyncio import timeouts as _timeouts

_orig = {}


def _patch(obj, name, value):
    _orig.setdefault((obj, name), getattr(obj, name))
    setattr(obj, name, value)


def _unpatch_all():
    for (obj, name), value in _orig.items():
        setattr(obj, name, value)
    _orig.clear()


# --- task-outcome -----------------------------------------------------------------------------
# weft decides the outcome of a task whose body returned a value from its cancellation count
# (task.c, finish): a task with cancel_requests > 0 ends cancelled even if its body caught
# the cancellation and returned a value. asyncio takes the body's value (Task.__step:
# StopIteration -> set_result); only a cancel requested and never delivered wins
# (Task._must_cancel). A failure the body gives (weft_fail: an exception) is its outcome in
# both, cancelled or not.


async def weft_outcome(coro):
    """Wraps a task body (prelude.spawn does it while the switch is on)."""
    r = await coro
    if asyncio.current_task().cancelling() > 0:
        raise asyncio.CancelledError()
    return r


OUTCOME = [False]


def _task_outcome():
    OUTCOME[0] = True


# --- wait_for ---------------------------------------------------------------------------------
# weft_wait_for (combinators.c) arms its own timer, which cancels the *awaited* future; a
# timeout of 0 arms a timer due now, and a future that completes first wins even when the
# timer fires in the same iteration. asyncio 3.12+ (tasks.wait_for) runs the await under
# asyncio.timeout: a timeout <= 0 cancels the future at once (before it can run), and the
# timeout cancels the *waiting task*, so a timer firing after the future completed, but
# before the task resumed, still turns the result into TimeoutError.

_orig_wait_for = asyncio.wait_for


async def _weft_wait_for(fut, timeout):
    fut = asyncio.ensure_future(fut)
    if timeout is None or timeout < 0 or fut.done():
        return await fut
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    fired = [False]

    def on_timeout():
        fired[0] = True
        fut.cancel()

    h = loop.call_later(timeout, on_timeout)
    requests = task.cancelling()
    try:
        return await fut
    except asyncio.CancelledError:
        if fired[0] and task.cancelling() == requests:
            raise TimeoutError() from None
        raise
    finally:
        h.cancel()


def _wait_for():
    _patch(asyncio, "wait_for", _weft_wait_for)


# --- wait-done --------------------------------------------------------------------------------
# weft_wait (combinators.c) returns at once when the futures already satisfy its mode, and
# otherwise waits through weft_wait_for. asyncio.wait (tasks._wait) always waits: it adds a
# done callback to every future, done or not, so even when everything is done it returns
# two loop iterations later (the callbacks, then the waiter's wake-up).

_MODES = {asyncio.FIRST_COMPLETED: 0, asyncio.FIRST_EXCEPTION: 1, asyncio.ALL_COMPLETED: 2}


def _failed(f):
    return f.cancelled() or f.exception() is not None


async def _weft_wait(fs, *, timeout=None, return_when=asyncio.ALL_COMPLETED):
    fs = list(fs)
    mode = _MODES[return_when]
    n = len(fs)
    state = {"done": sum(1 for f in fs if f.done()), "failed": any(f.done() and _failed(f) for f in fs)}

    def satisfied():
        if state["done"] == n:
            return True
        if mode == 0:
            return state["done"] > 0
        if mode == 1:
            return state["failed"]
        return False

    def result():
        return {f for f in fs if f.done()}, {f for f in fs if not f.done()}

    if satisfied():
        return result()
    loop = asyncio.get_running_loop()
    sig = loop.create_future()

    def on_done(f):
        state["done"] += 1
        if _failed(f):
            state["failed"] = True
        if satisfied() and not sig.done():
            sig.set_result(None)

    pending = [f for f in fs if not f.done()]
    for f in pending:
        f.add_done_callback(on_done)
    try:
        await asyncio.wait_for(sig, timeout)
    except TimeoutError:
        pass
    finally:
        for f in pending:
            f.remove_done_callback(on_done)
    return result()


def _wait_done():
    _patch(asyncio, "wait", _weft_wait)


# --- timeout-zero -----------------------------------------------------------------------------
# A timeout scope whose deadline has passed already (weft_scope_enter(0),
# weft_scope_reschedule into the past) arms a timer due now (scope.c), which fires after
# the callbacks already ready; asyncio's Timeout.reschedule schedules _on_timeout with
# call_soon instead, ahead of whatever is made ready after it.

_orig_reschedule = _timeouts.Timeout.reschedule


def _weft_reschedule(self, when):
    _orig_reschedule(self, when)
    h = self._timeout_handler
    if h is not None and not isinstance(h, asyncio.TimerHandle):
        h.cancel()
        loop = asyncio.get_running_loop()
        self._timeout_handler = loop.call_at(loop.time(), self._on_timeout)


def _timeout_zero():
    _patch(_timeouts.Timeout, "reschedule", _weft_reschedule)


# --- gather-default ---------------------------------------------------------------------------
# weft has no gather mode with asyncio's default rule (the first error is raised to the
# awaiting task at once, the other children run on); the oracle runs weft's
# WEFT_GATHER_FAIL_FAST in its place, which cancels the other children, waits for all of
# them, then returns the first error (combinators.c). This switch is that mode.


class _FailFast(asyncio.Future):
    def __init__(self, kids, loop):
        super().__init__(loop=loop)
        self.kids = kids
        self.ndone = 0
        self.first_err = None
        self.cancel_requested = False

    def cancel(self, msg=None):
        if self.done():
            return False
        self.cancel_requested = True
        self._cancel_kids()
        self._maybe_complete()
        return True

    def _cancel_kids(self):
        for k in self.kids:
            if not k.done():
                k.cancel()

    def on_kid(self, kid):
        self.ndone += 1
        err = asyncio.CancelledError() if kid.cancelled() else kid.exception()
        if err is not None and self.first_err is None and not self.cancel_requested:
            self.first_err = err
            self._cancel_kids()
        self._maybe_complete()

    def _maybe_complete(self):
        if self.ndone < len(self.kids) or self.done():
            return
        if self.cancel_requested:
            super().cancel()
        elif self.first_err is not None:
            self.set_exception(self.first_err)
        else:
            self.set_result([k.result() for k in self.kids])


_orig_gather = asyncio.gather


def _weft_gather(*fs, return_exceptions=False):
    if return_exceptions:
        return _orig_gather(*fs, return_exceptions=True)
    loop = asyncio.get_running_loop()
    kids = [asyncio.ensure_future(f) for f in fs]
    g = _FailFast(kids, loop)
    for k in kids:
        k.add_done_callback(g.on_kid)
    g._maybe_complete()
    return g


def _gather_default():
    _patch(asyncio, "gather", _weft_gather)


# --- as_completed -----------------------------------------------------------------------------
# weft_as_completed (combinators.c) keeps a deadline and checks it in each _next: a deadline
# that has passed gives WEFT_ETIMEDOUT at once, without a loop iteration (so a timeout of 0
# times out before any other task runs), and otherwise each _next waits through
# weft_wait_for for the time left. asyncio.as_completed (tasks._AsCompletedIterator) arms
# one timer when it is created; only when that timer runs, on a later iteration, does it
# replace the futures still pending with TimeoutError (a completion queued before it still
# comes out first).


class _WeftAsCompleted:
    def __init__(self, fs, timeout):
        self.loop = asyncio.get_running_loop()
        self.fs = [asyncio.ensure_future(f) for f in fs]
        self.order = []
        self.taken = 0
        self.sig = None
        self.deadline = None if timeout is None else self.loop._now_us + int(round(timeout * 1e6))
        for f in self.fs:
            f.add_done_callback(self._on_done)

    def _on_done(self, f):
        self.order.append(f)
        if self.sig is not None and not self.sig.done():
            self.sig.set_result(0)

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.taken == len(self.fs):
            raise StopAsyncIteration
        return await self._next()

    async def _next(self):
        while self.taken == len(self.order):
            now = self.loop._now_us
            if self.deadline is not None and now >= self.deadline:
                raise TimeoutError()
            self.sig = self.loop.create_future()
            left = None if self.deadline is None else -(-(self.deadline - now) // 1000) / 1000
            try:
                await _weft_wait_for(self.sig, left)
            finally:
                self.sig = None
        f = self.order[self.taken]
        self.taken += 1
        return f


def _as_completed():
    _patch(asyncio, "as_completed", lambda fs, *, timeout=None: _WeftAsCompleted(fs, timeout))


# --- queue-handoff ----------------------------------------------------------------------------
# weft's Queue (queue.c) hands an item put while getters wait straight to the first getter,
# and reserves a slot freed while putters wait for the first putter: a get_nowait or
# put_nowait made before the woken task runs finds the queue empty or full, and a LIFO or
# priority getter gets the item that was put when it was woken, not the best one when it
# runs. asyncio's Queue (queues.py) only wakes the first waiter (_wakeup_next); the woken
# getter or putter re-checks the queue when it runs (`while self.empty(): ...` in get,
# `while self.full(): ...` in put), so whoever runs first takes the item or the slot.


class _WeftQueue:
    """queue.c, in Python: the same hand-off, reservation and put-back rules."""

    def __init__(self, kind, maxsize=0):
        self.kind, self.maxsize = kind, maxsize
        self.items = []  # (priority, seq, value); FIFO: oldest first; LIFO: newest last
        self.handed = self.reserved = self.unfinished = 0
        self.seq = 0
        self.shutdown_ = False
        self.getters, self.putters, self.joiners = [], [], []

    # nodes: [future, value-entry, status]
    def _first_waiting(self, lst):
        for n in lst:
            if not n[0].done():
                return n
        return None

    def _full(self):
        return self.maxsize and len(self.items) + self.handed + self.reserved >= self.maxsize

    def _take(self):
        if self.kind == "priority":
            e = min(self.items, key=lambda e: (e[0], e[1]))
            self.items.remove(e)
            return e
        if self.kind == "lifo":
            return self.items.pop()
        return self.items.pop(0)

    def _insert(self, e):
        self.items.append(e)

    def _put_back(self, e):
        if self.kind == "priority":
            self.items.append(e)
            return
        i = 0
        while i < len(self.items) and self.items[i][1] < e[1]:
            i += 1
        self.items.insert(i, e)

    def _deliver(self, e):
        g = self._first_waiting(self.getters)
        if g is not None:
            g[1] = e
            self.handed += 1
            g[0].set_result(0)
        else:
            self._insert(e)

    def _feed_getters(self):
        while self.items and self._first_waiting(self.getters) is not None:
            self._deliver(self._take())

    def _refill(self):
        while not self._full():
            p = self._first_waiting(self.putters)
            if p is None:
                break
            self.reserved += 1
            p[0].set_result(0)

    def _wake_joiners(self):
        for j in self.joiners:
            if not j[0].done():
                j[0].set_result(0)

    async def _block(self, lst):
        """weft__sync_block: returns (handed, node); raises what the wait raised unless a
        status (an immediate shutdown discarded the item) says otherwise."""
        node = [asyncio.get_running_loop().create_future(), None, None]
        lst.append(node)
        exc = None
        try:
            await node[0]
        except BaseException as e:
            exc = e
        finally:
            lst.remove(node)
        handed = node[2] is None and node[0].done() and not node[0].cancelled() and node[0].exception() is None
        if node[2] is not None:
            return False, node, node[2]
        return handed, node, exc

    def _add(self, prio, value):
        self.unfinished += 1
        e = (prio if self.kind == "priority" else 0, self.seq, value)
        self.seq += 1
        self._deliver(e)

    def put_nowait(self, item):
        prio, value = (item[0], item[-1]) if self.kind == "priority" else (0, item)
        if self.shutdown_:
            raise asyncio.QueueShutDown
        if self._full():
            raise asyncio.QueueFull
        self._add(prio, value)

    async def put(self, item):
        prio, value = (item[0], item[-1]) if self.kind == "priority" else (0, item)
        if self.shutdown_:
            raise asyncio.QueueShutDown
        if not self._full():
            return self._add(prio, value)
        handed, node, exc = await self._block(self.putters)
        if not handed:
            if exc is not None:
                raise exc
            return
        self.reserved -= 1
        if exc is None and self.shutdown_:
            exc = asyncio.QueueShutDown()
        if exc is None:
            return self._add(prio, value)
        self._refill()
        raise exc

    def _give(self, e):
        return (e[0], e[1], e[2]) if self.kind == "priority" else e[2]

    def get_nowait(self):
        if not self.items:
            raise asyncio.QueueShutDown if self.shutdown_ else asyncio.QueueEmpty
        e = self._take()
        self._refill()
        return self._give(e)

    async def get(self):
        if self.items or self.shutdown_:
            return self.get_nowait()
        handed, node, exc = await self._block(self.getters)
        if not handed:
            raise exc
        self.handed -= 1
        e = node[1]
        if exc is not None:
            self._put_back(e)
            self._feed_getters()
            raise exc
        self._refill()
        return self._give(e)

    def task_done(self):
        if not self.unfinished:
            raise ValueError("task_done() called too many times")
        self.unfinished -= 1
        if self.unfinished == 0:
            self._wake_joiners()

    async def join(self):
        if not self.unfinished:
            return
        handed, node, exc = await self._block(self.joiners)
        if exc is not None:
            raise exc

    def qsize(self):
        return len(self.items) + self.handed

    def shutdown(self, immediate=False):
        self.shutdown_ = True
        if immediate:
            discarded = len(self.items)
            self.items.clear()
            for n in self.getters:
                if n[2] is None and n[0].done() and not n[0].cancelled() and n[0].exception() is None:
                    n[2] = asyncio.QueueShutDown()
                    self.handed -= 1
                    discarded += 1
            self.unfinished = self.unfinished - discarded if discarded < self.unfinished else 0
            if not self.unfinished:
                self._wake_joiners()
        for lst in (self.getters, self.putters):
            for n in lst:
                if not n[0].done():
                    n[0].set_exception(asyncio.QueueShutDown())


def _queue_handoff():
    _patch(asyncio, "Queue", lambda maxsize=0: _WeftQueue("fifo", maxsize))
    _patch(asyncio, "LifoQueue", lambda maxsize=0: _WeftQueue("lifo", maxsize))
    _patch(asyncio, "PriorityQueue", lambda maxsize=0: _WeftQueue("priority", maxsize))


# --- gen-task ---------------------------------------------------------------------------------
# weft runs an async generator's body as a task of its own (gen.c): each anext (and aclose)
# wakes the body's task through a future and waits on another one for the next yield, so
# every hand-off goes through the ready queue and other ready tasks run in between; the
# first anext spawns the body's task, behind every task already ready; a consumer cancelled
# while the body runs gets WEFT_ECANCELED at once while the body's task is cancelled and
# goes on unwinding by itself; a body closed by aclose runs its cleanup in its own task. In
# asyncio an async generator runs inside its consumer's task: anext, a yield and aclose are
# plain calls within the consumer's step (no other task runs in between), and a
# cancellation of the consumer is thrown into the generator's await, whose cleanup runs
# before the consumer's await returns.

_NEW, _RUNNING, _SUSPENDED, _FINISHED = range(4)
_NEXT, _CLOSE = 0, 1


class WeftGen:
    """gen.c and iter.c's checks, in Python, around a Python async generator object: the body
    runs in a task of its own (_main), which drives the generator."""

    def __init__(self, agen):
        self.agen = agen
        self.state = _NEW
        self.task = None
        self.stop = self.resume = None
        self.value, self.has_value = None, False
        self.end_exc, self.end_reported = None, False  # end_exc None: exhausted (WEFT_EDONE)
        self.closing = self.ignored_close = self.freed = False
        self.consumer_cancels = 0
        self._ended = self._busy = False  # weft_aiter's ended_ / busy_

    # the body's task -------------------------------------------------------------------
    def _finished(self, exc):
        self.state = _FINISHED
        self.has_value = False
        self.end_exc = exc
        self._signal_stop()

    def _signal_stop(self):
        if self.stop is not None and not self.stop.done():
            self.stop.set_result(0)

    async def _yield(self, v):
        """weft_gen_yield: returns _NEXT or _CLOSE."""
        if self.closing:
            self.ignored_close = True
            return _CLOSE
        if self.freed:
            self.closing = True
            return _CLOSE
        while self.consumer_cancels > 0:
            self.consumer_cancels -= 1
            self.task.uncancel()
        r = asyncio.get_running_loop().create_future()
        self.value, self.has_value = v, True
        self.state = _SUSPENDED
        self.resume = r
        self._signal_stop()
        try:
            cmd = await r
        except asyncio.CancelledError:
            while self.task.cancelling() > 0:
                self.task.uncancel()
            self.closing = True
            self.has_value = False
            self.state = _RUNNING
            return _CLOSE
        finally:
            if self.resume is r:
                self.resume = None
        self.state = _RUNNING
        return cmd

    async def _main(self):
        exc = None
        try:
            v = await self.agen.__anext__()
            while True:
                cmd = await self._yield(v)
                if cmd == _CLOSE:
                    v = await self.agen.athrow(GeneratorExit)
                else:
                    v = await self.agen.__anext__()
        except (StopAsyncIteration, GeneratorExit):
            exc = None
        except BaseException as e:
            exc = e
        if self.ignored_close:
            exc = RuntimeError("async generator ignored GeneratorExit")
        self._finished(exc)
        if isinstance(exc, asyncio.CancelledError) and self.consumer_cancels:
            self.end_reported = True

    def _on_task_end(self, task):
        if self.state != _FINISHED:  # cancelled before its first step
            self._finished(None)
            self.end_reported = True

    # the consumer ----------------------------------------------------------------------
    def _resume(self, cmd):
        if cmd == _CLOSE:
            self.closing = True
            self.has_value = False
        self.state = _RUNNING
        r, self.resume = self.resume, None
        if r is not None and not r.done():  # gen.c ignores weft_future_resolve's WEFT_ESTATE
            r.set_result(cmd)  # (the body's task was cancelled as it waited)

    async def _wait_stop(self):
        f = asyncio.get_running_loop().create_future()
        self.stop = f
        try:
            await f
        except BaseException:
            if self.state == _RUNNING and self.task is not None:
                self.consumer_cancels += 1
                self.task.cancel()
            raise
        finally:
            if self.stop is f:
                self.stop = None

    def _report_end(self):
        if self.end_reported:
            raise StopAsyncIteration
        self.end_reported = True
        if self.end_exc is None:
            raise StopAsyncIteration
        raise self.end_exc

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self._ended:
            raise StopAsyncIteration
        if self._busy:
            raise RuntimeError("anext(): asynchronous generator is already running")
        self._busy = True
        try:
            return await self._anext()
        except StopAsyncIteration:
            self._ended = True
            raise
        finally:
            self._busy = False

    async def _anext(self):
        if self.state == _FINISHED:
            self._report_end()
        if not (self.state == _SUSPENDED and self.has_value):
            if self.state == _NEW:
                self.task = asyncio.get_running_loop().create_task(self._main())
                self.task.add_done_callback(self._on_task_end)
                self.state = _RUNNING
            elif self.state == _SUSPENDED:
                self._resume(_NEXT)
            await self._wait_stop()
            if self.state == _FINISHED:
                self._report_end()
        v = self.value
        self.has_value = False
        return v

    async def aclose(self):
        if self._ended:
            return
        if self._busy:
            raise RuntimeError("aclose(): asynchronous generator is already running")
        self._busy = True
        try:
            await self._aclose()
        finally:
            self._busy = False
            self._ended = True

    async def _aclose(self):
        if self.state == _NEW:
            self._finished(None)
            self.end_reported = True
            return
        if self.state == _FINISHED:
            return
        if self.state == _RUNNING:
            await self._wait_stop()
        if self.state == _SUSPENDED:
            self._resume(_CLOSE)
            await self._wait_stop()
        self.end_reported = True
        if self.end_exc is not None:
            raise self.end_exc

    def _free(self):
        """gen_free: a generator still running closes in the background."""
        if self.state in (_NEW, _FINISHED):
            return
        self.freed = True
        if self.state == _SUSPENDED:
            self._resume(_CLOSE)


GEN = [False]


def _gen_task():
    GEN[0] = True


# --- the task (shields, must-cancel-now, cancel-await-wins) -----------------------------------


class EmuTask(asyncio.Task):
    """asyncio's Task with three additions, each used only when asked for:
    - weft's cancellation shield (prelude.shield_enter/_leave): cancel() requests made while
      a shield is up are counted (cancelling() includes them) and held back until it comes
      down;
    - must-cancel-now: a pending cancellation can be taken off without changing the count
      (`_extra` keeps the requests asyncio's own counter no longer has);
    - cancel-await-wins: `_force` marks an await whose result must become CancelledError.
    Its coroutine is wrapped in _EmuCoro, which implements the last two."""

    _shield = 0
    _held = 0
    _saved = 0
    _extra = 0
    _force = False

    def cancel(self, msg=None):
        if self._shield > 0:
            self._held += 1
            return True
        waiter = self._fut_waiter
        pending = waiter is not None and not waiter.done()
        r = super().cancel(msg)
        if r and pending and FORCE[0]:
            self._force = True
        return r

    def cancelling(self):
        return super().cancelling() + self._held + self._extra

    def uncancel(self):
        if self._held:
            self._held -= 1
            return self.cancelling()
        if self._extra:
            self._extra -= 1
            return self.cancelling()
        return super().uncancel()

    def _take_must_cancel(self):
        """Clears asyncio's pending cancellation, keeping the count (3.13+: uncancel()
        down to 0 clears _must_cancel)."""
        n = asyncio.Task.cancelling(self)
        for _ in range(n):
            asyncio.Task.uncancel(self)
        self._extra += n


class _EmuCoro(collections.abc.Coroutine):
    """A task's coroutine, seen by the task: what it yields (the future it waits on) and
    what it is resumed with pass through, except where weft differs."""

    def __init__(self, coro):
        self._coro, self._task = coro, None

    def send(self, value):
        return self._step(self._coro.send, value)

    def throw(self, *exc):
        return self._step(self._coro.throw, *exc)

    def close(self):
        return self._coro.close()

    def __await__(self):
        return self

    def _step(self, call, *args):
        t = self._task
        if t is not None and t._force:
            # cancel-await-wins: cancelled while it awaited, the await fails whatever the
            # awaited future became
            t._force = False
            if not (args and isinstance(args[0], asyncio.CancelledError)):
                call, args = self._coro.throw, (asyncio.CancelledError(),)
        while True:
            r = call(*args)
            if t is None or not NOW[0] or not t._must_cancel:
                return r
            # must-cancel-now: the task is about to wait with a cancellation pending;
            # weft_await / weft_sleep return WEFT_ECANCELED at once (cancelling what
            # would have been awaited), without a loop iteration
            t._take_must_cancel()
            if r is not None and asyncio.isfuture(r):
                r.cancel()
                if not r.done():
                    t._force = FORCE[0]
                    return r  # a task or gather finishing its cancellation: wait for it
            call, args = self._coro.throw, (asyncio.CancelledError(),)


def task_factory(loop, coro, **kwargs):
    wrapped = _EmuCoro(coro)
    t = EmuTask(wrapped, loop=loop, **kwargs)
    wrapped._task = t
    return t


EMU_TASK = [False]
NOW = [False]
FORCE = [False]


# --- must-cancel-now --------------------------------------------------------------------------
# A cancellation requested while a task is ready or running (it cancelled itself, or was
# cancelled after its awaited future completed but before it resumed) is delivered by
# weft at the task's next await, inside that call (task.c: weft_await and weft_sleep test
# must_cancel first and return WEFT_ECANCELED without suspending, after cancelling what
# they would have awaited). asyncio's Task delivers it at its next step: a bare yield or a
# future the coroutine yields is cancelled (Task.__step: "if self._must_cancel: ...
# self._fut_waiter.cancel()"), and the CancelledError arrives one loop iteration later,
# after the callbacks already ready.


def _must_cancel_now():
    if sys.version_info < (3, 13):  # _take_must_cancel needs 3.13's uncancel
        raise RuntimeError("the switch must-cancel-now needs Python 3.13 or later")
    EMU_TASK[0] = NOW[0] = True


# --- cancel-await-wins ------------------------------------------------------------------------
# A task cancelled while it awaits a pending future (another task, a gather) has that
# future cancelled, and weft makes the await return WEFT_ECANCELED whatever the future then
# becomes (task.c, weft__task_cancel_unshielded sets must_cancel "an awaited task may
# uncancel and resolve"). In asyncio the cancellation is handed to the awaited future
# (Task.cancel: "if self._fut_waiter.cancel(): return True", without _must_cancel): if
# that task catches it and returns a value, the awaiting task gets the value.


def _cancel_await_wins():
    EMU_TASK[0] = FORCE[0] = True


# --- timeout-nested ---------------------------------------------------------------------------
# Once a timeout scope has expired, weft lets no scope nested in it fire (scope.c, rearm:
# "a scope inside an expired scope cannot"), so the cleanup the expiry started runs
# without a second cancellation. asyncio's timeouts are independent: an inner
# asyncio.timeout whose deadline passes while the task unwinds from an outer one cancels
# the task again (Timeout._on_timeout), interrupting that cleanup's awaits.

_orig_aenter = _timeouts.Timeout.__aenter__
_orig_aexit = _timeouts.Timeout.__aexit__
_orig_on_timeout = _timeouts.Timeout._on_timeout
_SCOPES = {}  # task -> its entered timeouts, outermost first


async def _nested_aenter(self):
    r = await _orig_aenter(self)
    _SCOPES.setdefault(self._task, []).append(self)
    return r


async def _nested_aexit(self, et, exc, tb):
    stack = _SCOPES.get(self._task, [])
    if self in stack:
        stack.remove(self)
    return await _orig_aexit(self, et, exc, tb)


def _nested_on_timeout(self):
    for outer in _SCOPES.get(self._task, []):
        if outer is self:
            break
        if outer.expired():
            self._timeout_handler = None
            return
    _orig_on_timeout(self)


def _timeout_nested():
    _SCOPES.clear()
    TIMEOUT_NESTED[0] = True
    _patch(_timeouts.Timeout, "__aenter__", _nested_aenter)
    _patch(_timeouts.Timeout, "__aexit__", _nested_aexit)
    _patch(_timeouts.Timeout, "_on_timeout", _nested_on_timeout)


# --- timeout-leave-pending --------------------------------------------------------------------
# weft_scope_leave returns WEFT_ECANCELED when the task has a cancellation pending that
# arrived while the scope was entered, even when the block ended without it being
# delivered (no await came after it); the caller is to unwind further (scope.h). asyncio's
# Timeout.__aexit__ only looks at the exception leaving the block: with none, the block
# ends normally and the cancellation comes at the next await.


async def _pending_aexit(self, et, exc, tb):
    r = await _nested_aexit(self, et, exc, tb) if TIMEOUT_NESTED[0] else await _orig_aexit(self, et, exc, tb)
    if et is None and self._task.cancelling() > self._cancelling:
        raise asyncio.CancelledError()
    return r


TIMEOUT_NESTED = [False]


def _timeout_leave_pending():
    _patch(_timeouts.Timeout, "__aexit__", _pending_aexit)


# --- gather-done ------------------------------------------------------------------------------
# weft_gather_future (combinators.c) watches every child through weft__waiter_watch, which
# for a child that is done already runs its callback from the ready queue: a gather of
# futures that are all done completes one loop iteration later, and the awaiting task
# resumes after whatever was ready before it (asyncio 3.11's gather too: add_done_callback
# on every child). asyncio 3.12+ (tasks.gather) calls _done_callback at once for a child that
# is done already, so a gather of done futures is done before it is awaited and the await
# takes no loop iteration.


def _gather_each(*fs):
    """asyncio's gather(return_exceptions=True) with a done callback on every child, as 3.11
    and weft have it."""
    loop = asyncio.get_running_loop()
    arg_to_fut = {}
    children = []
    for arg in fs:
        if arg not in arg_to_fut:
            arg_to_fut[arg] = asyncio.ensure_future(arg)
        children.append(arg_to_fut[arg])
    outer = asyncio.tasks._GatheringFuture(children, loop=loop)
    unique = list(arg_to_fut.values())
    state = {"n": 0}

    def on_child(fut):
        state["n"] += 1
        if outer.done():
            if not fut.cancelled():
                fut.exception()
            return
        if state["n"] < len(unique):
            return
        results = []
        for f in children:
            if f.cancelled():
                results.append(f._make_cancelled_error())
            elif f.exception() is not None:
                results.append(f.exception())
            else:
                results.append(f.result())
        if outer._cancel_requested:
            outer.set_exception(asyncio.CancelledError())
        else:
            outer.set_result(results)

    for f in unique:
        f.add_done_callback(on_child)
    if not unique:
        outer.set_result([])
    return outer


def _gather_done():
    prev = asyncio.gather

    def gather(*fs, return_exceptions=False):
        if return_exceptions:
            return _gather_each(*fs)
        return prev(*fs, return_exceptions=False)

    _patch(asyncio, "gather", gather)


# --- sem-handoff ------------------------------------------------------------------------------
# weft's Semaphore (semaphore.c) hands a released permit to the first waiting task instead of
# adding it to the count, and counts only tasks still waiting: once that task is woken (and
# before it runs) a second release goes to the count, and an acquire made meanwhile by a task
# that never waited takes it at once. asyncio's Semaphore is fair (3.11.1+): a woken waiter
# stays in _waiters until it runs, locked() is true while any waiter is not cancelled, and a
# newcomer's acquire queues behind it even though the value is above zero.


class _WeftSemaphore:
    def __init__(self, value=1, bound=None):
        self._value = value
        self._bound = bound
        self._waiters = collections.deque()

    def locked(self):
        return self._value == 0

    def _first_waiting(self):
        for f in self._waiters:
            if not f.done():
                return f
        return None

    def _give_back(self):
        f = self._first_waiting()
        if f is not None:
            f.set_result(True)
        else:
            self._value += 1

    def release(self):
        if self._bound is not None and self._value >= self._bound and self._first_waiting() is None:
            raise ValueError("BoundedSemaphore released too many times")
        self._give_back()

    async def acquire(self):
        if self._value > 0:
            self._value -= 1
            return True
        fut = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        try:
            await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self._give_back()  # cancelled as it got a permit: pass it on
            raise
        finally:
            self._waiters.remove(fut)
        return True

    async def __aenter__(self):
        await self.acquire()

    async def __aexit__(self, *exc):
        self.release()


def _sem_handoff():
    _patch(asyncio, "Semaphore", lambda value=1: _WeftSemaphore(value))
    _patch(asyncio, "BoundedSemaphore", lambda value=1: _WeftSemaphore(value, value))


# --- the list ---------------------------------------------------------------------------------

KNOWN = [
    ("task-outcome", _task_outcome),
    ("wait_for", _wait_for),
    ("wait-done", _wait_done),
    ("timeout-zero", _timeout_zero),
    ("gather-default", _gather_default),
    ("as_completed", _as_completed),
    ("queue-handoff", _queue_handoff),
    ("gen-task", _gen_task),
    ("must-cancel-now", _must_cancel_now),
    ("cancel-await-wins", _cancel_await_wins),
    ("timeout-nested", _timeout_nested),
    ("timeout-leave-pending", _timeout_leave_pending),
    ("gather-done", _gather_done),
    ("sem-handoff", _sem_handoff),
]
NAMES = [name for name, _ in KNOWN]


def apply(mask):
    """Turns on the switches whose bits are set in `mask`; returns the function that turns
    them all off."""
    for bit, (name, on) in enumerate(KNOWN):
        if mask & (1 << bit):
            on()

    def off():
        _unpatch_all()
        OUTCOME[0] = GEN[0] = EMU_TASK[0] = NOW[0] = FORCE[0] = TIMEOUT_NESTED[0] = False

    return off
