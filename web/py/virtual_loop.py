"""A virtual-time asyncio event loop: CPython's own scheduler, instant and deterministic.

This is the loop weft's tests and page run Python programs on, beside the C runtime, to show
(and check) that weft schedules tasks exactly as asyncio does. It is CPython's
``asyncio.BaseEventLoop`` unchanged -- the same ready queue, the same ``_run_once``, the same
futures, tasks, locks, queues, TaskGroup and timeouts -- with three things replaced:

* **time** is virtual: ``time()`` returns a counter that stands still while callbacks are ready
  and jumps straight to the next timer's deadline when nothing is (weft's ``WEFT_CLOCK_VIRTUAL``).
  The counter is kept in whole microseconds, as weft's is, so ``call_later(0.003)`` made at
  0.005 s is due at exactly 8000 us: no float drift can reorder two deadlines.
* **equal deadlines** fire in the order the timers were armed. asyncio's heap compares
  deadlines only, so once several timers share one its order follows the heap's shape; weft
  keeps a sequence number beside each deadline, and so does this loop.
* **reproducible**: ``TaskGroup`` here is asyncio's, with its children cancelled in creation
  order instead of set-iteration (memory address) order.
* **no I/O**: the "selector" only advances the clock. With nothing ready and no timer left,
  ``run_until_idle()`` returns (weft's ``weft_loop_run``); ``run_until_complete`` raises
  ``Deadlock`` instead of sleeping forever.

It runs on the machine's CPython (3.11 and later) and on Pyodide (CPython compiled to
WebAssembly, where ``SelectorEventLoop`` cannot be built: there is no socketpair). It is built
on ``BaseEventLoop`` on both, so both run one code path; Pyodide's own loop (a WebLoop that is
"running" for the whole session) is detached first.

Use::

    import asyncio, virtual_loop

    async def main():
        virtual_loop.log("start")
        await asyncio.sleep(1.5)
        virtual_loop.log("end")

    virtual_loop.run(main())                 # like asyncio.run, on virtual time
    for ms, text in virtual_loop.last_loop().events:
        print(ms, text)                      # 0 start / 1500 end

Instrumentation: ``log(text)`` stamps a line with the running loop's virtual time (in ms) into
``loop.events`` and calls ``loop.on_event(ms, text)`` if set. With ``VirtualLoop(trace=True)``
every task step is recorded too, as ``("step", task_name, resumed_ms)`` /
``("suspend", task_name, awaited_repr)`` / ``("finish", task_name, outcome)`` entries in
``loop.steps`` (and passed to ``loop.on_step``): one entry per resume of a coroutine by the
scheduler, which is what a timeline of the program needs. Tracing wraps each task's coroutine in a
transparent proxy; it adds no callback and no loop iteration, so the order is unchanged.
"""

import asyncio
import collections.abc
import heapq
import itertools
import sys
from asyncio import base_events, events

__all__ = ["VirtualLoop", "Deadlock", "TaskGroup", "run", "new_loop", "log", "now_ms", "last_loop"]


class Deadlock(RuntimeError):
    """run_until_complete's future is pending and nothing is left that could complete it."""


class _SeqTimerHandle(events.TimerHandle):
    """A TimerHandle ordered by (deadline, arming sequence) instead of the deadline alone."""

    __slots__ = ("_seq", "_when_us")

    def __lt__(self, other):
        return (self._when_us, self._seq) < (other._when_us, other._seq)

    def __gt__(self, other):
        return (self._when_us, self._seq) > (other._when_us, other._seq)

    def __le__(self, other):
        return not self.__gt__(other)

    def __ge__(self, other):
        return not self.__lt__(other)

    def __eq__(self, other):
        return self is other

    __hash__ = object.__hash__


class _VirtualSelector:
    """Stands where BaseEventLoop expects a selector: select(timeout) advances the clock."""

    def __init__(self, loop):
        self._loop = loop

    def select(self, timeout=None):
        loop = self._loop
        if timeout is None:  # nothing ready, no timer: idle
            loop._idle = True
            loop.stop()
        elif timeout > 0 and loop._scheduled:
            # Jump to the deadline the timeout was computed from (exact microseconds), or by
            # the (clamped) timeout when that is nearer.
            target = loop._scheduled[0]._when_us
            limit = loop._now_us + int(round(timeout * 1e6))
            loop._now_us = max(loop._now_us, min(target, limit))
        return []

    def close(self):
        pass


class VirtualLoop(base_events.BaseEventLoop):
    """asyncio's event loop on a virtual clock (see the module's docstring)."""

    def __init__(self, *, trace=False):
        super().__init__()
        self._selector = _VirtualSelector(self)
        self._now_us = 0
        self._seq = itertools.count()
        self._idle = False
        # A deadline is due when it is <= now; asyncio compares with now + resolution, so the
        # resolution only has to be positive and far below a microsecond.
        self._clock_resolution = 1e-9
        self.events = []  # (ms, text) from log()
        self.on_event = None
        self.steps = []  # with trace=True
        self.on_step = None
        self._trace = trace
        self.tasks = []  # every task created on this loop, in creation order

    # --- the clock ---------------------------------------------------------------------
    def time(self):
        return self._now_us / 1e6

    def now_ms(self):
        """The virtual time in milliseconds (a float when not a whole number of ms)."""
        ms = self._now_us / 1000
        return int(ms) if ms == int(ms) else ms

    def call_at(self, when, callback, *args, context=None):
        if when is None:
            raise TypeError("when cannot be None")
        self._check_closed()
        when_us = int(round(when * 1e6))
        timer = _SeqTimerHandle(when_us / 1e6, callback, args, self, context)
        timer._when_us = when_us
        timer._seq = next(self._seq)
        if timer._source_traceback:
            del timer._source_traceback[-1]
        heapq.heappush(self._scheduled, timer)
        timer._scheduled = True
        return timer

    # --- what BaseEventLoop leaves to a subclass ----------------------------------------
    def _process_events(self, event_list):
        pass

    def _write_to_self(self):
        pass

    # --- running -----------------------------------------------------------------------
    def run_until_idle(self):
        """Runs until nothing is ready and no timer is armed (weft_loop_run)."""
        self._idle = False
        self.run_forever()

    def run_until_complete(self, future):
        """As asyncio's, but raises Deadlock when the loop goes idle with `future` pending."""
        future = asyncio.ensure_future(future, loop=self)
        while not future.done():
            self.run_until_idle()
            if self._idle and not future.done():
                raise Deadlock(f"{future!r} is pending and the loop has nothing left to run")
        return future.result()

    def create_task(self, coro, **kwargs):
        if self._trace:
            coro = _TracedCoro(coro, self)
        task = super().create_task(coro, **kwargs)
        if self._trace:
            coro._task = task
        self.tasks.append(task)
        return task

    def alive_tasks(self):
        """Tasks created on this loop that are not done, in creation order."""
        return [t for t in self.tasks if not t.done()]

    def log(self, text):
        ms = self.now_ms()
        self.events.append((ms, text))
        if self.on_event:
            self.on_event(ms, text)

    def _step(self, *entry):
        self.steps.append(entry)
        if self.on_step:
            self.on_step(*entry)


class _TracedCoro(collections.abc.Coroutine):
    """A transparent coroutine proxy recording each resume (trace=True)."""

    def __init__(self, coro, loop):
        self._coro, self._loop, self._task = coro, loop, None

    def _name(self):
        return self._task.get_name() if self._task else "?"

    def _around(self, call, *args):
        self._loop._step("step", self._name(), self._loop.now_ms())
        try:
            awaited = call(*args)
        except StopIteration as e:
            self._loop._step("finish", self._name(), f"result {e.value!r}")
            raise
        except BaseException as e:
            self._loop._step("finish", self._name(), type(e).__name__)
            raise
        self._loop._step("suspend", self._name(), repr(awaited))
        return awaited

    def send(self, value):
        return self._around(self._coro.send, value)

    def throw(self, *exc):
        return self._around(self._coro.throw, *exc)

    def close(self):
        return self._coro.close()

    def __await__(self):
        return self


class _OrderedSet(dict):
    """The part of set's interface TaskGroup uses, iterating in insertion order."""

    def add(self, x):
        self[x] = None

    def discard(self, x):
        self.pop(x, None)


class TaskGroup(asyncio.TaskGroup):
    """asyncio.TaskGroup, with its children kept in creation order.

    asyncio keeps a group's children in a set, so when the group aborts (a child failed, the
    body raised) it cancels them in set-iteration order, which follows the tasks' memory
    addresses: the order in which the children then run their cancellation differs from run
    to run. This subclass cancels them in the order they were created, as weft does, so a run
    is reproducible; everything else is asyncio's code.
    """

    def __init__(self):
        super().__init__()
        self._tasks = _OrderedSet()


def _detach_host_loop():
    # Pyodide keeps its WebLoop set as the running loop while Python code runs; asyncio refuses
    # to run a second loop then.
    if sys.platform == "emscripten" and events._get_running_loop() is not None:
        events._set_running_loop(None)


_last = None


def new_loop(**kwargs):
    """A fresh VirtualLoop (also what log() and last_loop() refer to until the next one)."""
    global _last
    _detach_host_loop()
    _last = VirtualLoop(**kwargs)
    return _last


def last_loop():
    """The loop made by the latest new_loop() or run()."""
    return _last


def run(main, **kwargs):
    """asyncio.run on a VirtualLoop: runs `main` (a coroutine) to its end, then cancels the
    tasks still alive (in creation order) and lets them finish, closes the async generators
    still suspended, and closes the loop. Returns main's result (or raises its exception)."""
    loop = new_loop(**kwargs)
    try:
        return loop.run_until_complete(main)
    finally:
        try:
            alive = loop.alive_tasks()
            for t in alive:
                t.cancel()
            if alive:
                loop.run_until_complete(asyncio.gather(*alive, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()


def log(text):
    """Records `text` at the running loop's virtual time (see VirtualLoop.log)."""
    loop = events._get_running_loop() or _last
    loop.log(text)


def now_ms():
    """The running loop's virtual time in milliseconds."""
    loop = events._get_running_loop() or _last
    return loop.now_ms()
