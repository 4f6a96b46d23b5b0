"""The helpers of the oracle's Python programs (tests/prop/opy.c writes them).

Each program is the Python twin of one C program run by tests/prop/orun.c: the same bodies, the
same ops, the same log lines. This module holds what every program shares: the log, the
outcome names, one helper per kind of op (each logs exactly what its C twin logs), the
iterator classes, and ``run_program``, which runs a program the way orun.c does (main, then
asyncio.run's end in rounds) and returns its log.

Everything a program uses is asyncio's own API: Task, Future, sleep, gather, wait_for, wait,
as_completed, shield, Event, Lock, Semaphore, BoundedSemaphore, Condition, Queue,
LifoQueue, PriorityQueue, TaskGroup, timeout, async generators, ``contextlib.aclosing``. Two
things have no asyncio counterpart and are written here after weft's documented rules:
seed 004's ``Waiter(n)`` (on an Event) and weft's cancellation shield (weftlike.EmuTask, a
Task subclass whose ``cancel()`` holds requests while shielded, used only by programs that
have a shield block).
"""

import asyncio
import contextlib
import gc
import sys

import virtual_loop as vl
import weftlike

CancelledError = asyncio.CancelledError
FAIL = object()  # what an op helper returns when the op did not succeed

T = {}  # body -> its task
F = {}  # plain futures
SF = {}  # sleep futures
EV, LK, SM, CV, QU, WA = {}, {}, {}, {}, {}, {}
G = {}  # task groups, while their block runs
ORDER = []  # spawn order
_LOOP = [None]
_SEQ = [0]


def _reset():
    for d in (T, F, SF, EV, LK, SM, CV, QU, WA, G):
        d.clear()
    ORDER.clear()
    _SEQ[0] = 0


def log(text):
    if _LOOP[0] is not None:  # else: a coroutine closed after its program's run
        _LOOP[0].log(text)


def future():
    return _LOOP[0].create_future()


def cur():
    return asyncio.current_task()


class Err(Exception):
    """A program's own error: E<n> in the log (weft: the code -n)."""

    def __init__(self, n):
        super().__init__(n)
        self.n = n


_RUNTIME = (
    ("not acquired", "ENOTACQUIRED"),
    ("un-acquired", "ENOTACQUIRED"),
    ("already running", "EINPROGRESS"),
    ("ignored GeneratorExit", "EYIELD"),
    ("TaskGroup", "ECLOSING"),
    ("Cannot change state", "ESTATE"),
)


def code(e):
    """An exception's name in the log, as orun.c names weft's codes."""
    if isinstance(e, Err):
        return f"E{e.n}"
    if isinstance(e, CancelledError):
        return "ECANCELED"
    if isinstance(e, TimeoutError):
        return "ETIMEDOUT"
    if isinstance(e, asyncio.QueueFull):
        return "EQUEUEFULL"
    if isinstance(e, asyncio.QueueEmpty):
        return "EQUEUEEMPTY"
    if hasattr(asyncio, "QueueShutDown") and isinstance(e, asyncio.QueueShutDown):
        return "ESHUTDOWN"
    if isinstance(e, StopAsyncIteration):
        return "EDONE"
    if isinstance(e, asyncio.InvalidStateError):
        return "ESTATE"
    if isinstance(e, BaseExceptionGroup):
        return "EG[" + ", ".join(code(x) for x in e.exceptions) + "]"
    if isinstance(e, (RuntimeError, ValueError)):
        msg = str(e)
        for key, name in _RUNTIME:
            if key in msg:
                return name
        if "too many" in msg:
            return "ENOTACQUIRED"
    return f"{type(e).__name__}({e})"


def _ok(r):
    return "ok"


def _okv(r):
    return f"ok {r}"


# --- ops ------------------------------------------------------------------------------------


async def op(tag, aw, gen=False, fmt=_ok):
    """Awaits `aw` and logs its outcome. A CancelledError unwinds (is raised again) when the
    task has a cancellation pending, or always in a generator body; any other outcome is
    logged and returns FAIL."""
    try:
        r = await aw
    except CancelledError:
        log(f"{tag} ECANCELED")
        if gen or cur().cancelling():
            raise
        return FAIL
    except Exception as e:
        log(f"{tag} {code(e)}")
        return FAIL
    log(f"{tag} {fmt(r)}")
    return r


async def opv(tag, aw, gen=False):
    return await op(tag, aw, gen, _okv)


def sop(tag, fn):
    """A synchronous op: logs ok or the exception's name."""
    try:
        fn()
    except Exception as e:
        log(f"{tag} {code(e)}")
        return FAIL
    log(f"{tag} ok")


def _coro(body):
    return weftlike.weft_outcome(body()) if weftlike.OUTCOME[0] else body()


def spawn(tag, i, body, cancel=False):
    T[i] = _LOOP[0].create_task(_coro(body), name=f"t{i}")
    ORDER.append(i)
    log(f"{tag} ok")
    if cancel:
        log(f"{tag} cancel {'ok' if T[i].cancel() else 'ESTATE'}")


def gspawn(tag, i, body, gid):
    g = G.get(gid)
    if g is None:
        log(f"{tag} -")
        return
    try:
        T[i] = g.create_task(_coro(body), name=f"t{i}")
    except RuntimeError as e:
        log(f"{tag} {code(e)}")
        return
    ORDER.append(i)
    log(f"{tag} ok")


def sleep_future(ms):
    """weft_sleep_future: a future the loop resolves with 0 after `ms` (cancelling it disarms
    the timer)."""
    loop = _LOOP[0]
    fut = loop.create_future()
    h = loop.call_later(ms / 1000, _set_unless_done, fut)
    fut.add_done_callback(lambda f: h.cancel())
    return fut


def _set_unless_done(fut):
    if not fut.done():
        fut.set_result(0)


async def wait_h(tag, h, make=None, gen=False):
    """await / wait_for / shield of a handle that may not exist yet ("-")."""
    if h is None:
        log(f"{tag} -")
        return
    await opv(tag, make(h) if make else h, gen)


def _values(r):
    return "ok [" + ", ".join(str(x) for x in r) + "]"


def _statuses(r):
    return "ok [" + ", ".join(code(x) if isinstance(x, BaseException) else f"ok {x}" for x in r) + "]"


async def gather(tag, hs, return_exceptions, gen=False):
    if any(h is None for h in hs):
        log(f"{tag} -")
        return
    if return_exceptions:
        await op(tag, asyncio.gather(*hs, return_exceptions=True), gen, _statuses)
    else:
        await op(tag, asyncio.gather(*hs), gen, _values)


_MODES = (asyncio.FIRST_COMPLETED, asyncio.FIRST_EXCEPTION, asyncio.ALL_COMPLETED)


async def wait(tag, hs, mode, timeout_ms, gen=False):
    if any(h is None for h in hs):
        log(f"{tag} -")
        return
    timeout = None if timeout_ms < 0 else timeout_ms / 1000
    await op(tag, asyncio.wait(hs, timeout=timeout, return_when=_MODES[mode]), gen, lambda r: f"ok {len(r[0])}")


async def as_completed(tag, hs, timeout_ms, gen=False):
    """Logs each future's outcome in completion order. The futures already done when it is
    called come first in asyncio as in weft, but asyncio orders them among themselves by set
    iteration (object addresses): their lines are logged sorted, on both sides."""
    if any(h is None for h in hs):
        log(f"{tag} -")
        return
    timeout = None if timeout_ms < 0 else timeout_ms / 1000
    first = sum(1 for h in hs if h.done())
    held = []

    def out(line):
        if len(held) < first:
            held.append(line)
            if len(held) == first:
                for x in sorted(held):
                    log(x)
        else:
            log(line)

    def flush():
        if len(held) < first:
            for x in sorted(held):
                log(x)
            held.extend([None] * (first - len(held)))

    it = asyncio.as_completed(hs, timeout=timeout)
    if not hasattr(it, "__anext__"):  # before 3.13: the plain iterator of coroutines
        return await _as_completed_311(tag, it, gen, out, flush)
    while True:
        try:
            f = await it.__anext__()
        except StopAsyncIteration:
            break
        except CancelledError:
            flush()
            log(f"{tag} ECANCELED")
            if gen or cur().cancelling():
                raise
            return
        except TimeoutError:
            flush()
            log(f"{tag} ETIMEDOUT")
            return
        if f.cancelled():
            out(f"{tag} ECANCELED")
        elif f.exception() is not None:
            out(f"{tag} {code(f.exception())}")
        else:
            out(f"{tag} ok {f.result()}")
    flush()
    log(f"{tag} end")


async def _as_completed_311(tag, it, gen, out, flush):
    """as_completed on Python 3.11: each item is a coroutine that raises the future's
    exception, so a cancelled future cannot be told from a cancelled caller except by
    cancelling()."""
    for c in it:
        try:
            r = await c
        except CancelledError:
            if gen or cur().cancelling():
                flush()
                log(f"{tag} ECANCELED")
                raise
            out(f"{tag} ECANCELED")
            continue
        except TimeoutError:
            flush()
            log(f"{tag} ETIMEDOUT")
            return
        except Exception as e:
            out(f"{tag} {code(e)}")
            continue
        out(f"{tag} ok {r}")
    flush()
    log(f"{tag} end")


def cancel(tag, h):
    if h is None:
        log(f"{tag} -")
        return
    log(f"{tag} {'ok' if h.cancel() else 'ESTATE'}")


def resolve(tag, fut, v):
    try:
        if v > 0:
            fut.set_result(v)
        else:
            fut.set_exception(Err(-v))
    except asyncio.InvalidStateError:
        log(f"{tag} ESTATE")
        return
    log(f"{tag} ok")


_PriorityQueue = asyncio.PriorityQueue


def put_item(q, prio, v):
    """A priority queue's item: (priority, insertion order, value), so that equal priorities
    come out in insertion order (weft's rule) instead of by value."""
    if isinstance(q, _PriorityQueue) or getattr(q, "kind", None) == "priority":
        _SEQ[0] += 1
        return (prio, _SEQ[0], v)
    return v


def item_value(r):
    return r[2] if isinstance(r, tuple) else r


async def q_get(tag, q, gen=False):
    r = await op(tag, q.get(), gen, lambda r: f"ok {item_value(r)}")
    return r


def q_get_nowait(tag, q):
    try:
        r = q.get_nowait()
    except Exception as e:
        log(f"{tag} {code(e)}")
        return
    log(f"{tag} ok {item_value(r)}")


def notify(tag, c, n):
    sop(tag, (lambda: c.notify(n)) if n else c.notify_all)


async def acquire(tag, obj, gen=False):
    """The entry of `async with obj:` (a lock, a semaphore, a condition)."""
    return await op(f"{tag} acquire", obj.acquire(), gen) is not FAIL


def release(tag, obj):
    sop(tag, obj.release)


def resched(tag, scope, ms):
    if scope is None:
        log(f"{tag} -")
        return
    sop(tag, lambda: scope.reschedule(None if ms < 0 else _LOOP[0].time() + ms / 1000))


class Waiter:
    """Seed 004's Waiter(n): complete after n notifications (weft_waiter_*), on an Event."""

    def __init__(self, n):
        self.n = n
        self.event = asyncio.Event()
        self.futures = []
        if n == 0:
            self.event.set()

    def notify(self):
        if self.n > 0:
            self.n -= 1
            if self.n == 0:
                self.event.set()  # the waiting tasks first, then the futures (weft's order)
                for fut in self.futures:
                    if not fut.done():
                        fut.set_result(0)
                self.futures.clear()
        return self.n

    async def wait(self):
        await self.event.wait()

    def future(self):
        fut = _LOOP[0].create_future()
        if self.n == 0:
            fut.set_result(0)
        else:
            self.futures.append(fut)
        return fut


# --- iterators ------------------------------------------------------------------------------


class WeftIter:
    """weft's iterator protocol (weft_anext / weft_aclose) around a class-style iterator:
    exhausted stays exhausted, aclose runs at most once and not after the end."""

    def __init__(self):
        self._ended = False

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self._ended:
            raise StopAsyncIteration
        try:
            return await self._anext()
        except StopAsyncIteration:
            self._ended = True
            raise

    async def aclose(self):
        if self._ended:
            return
        self._ended = True
        await self._aclose()

    async def _aclose(self):
        pass

    async def _free(self):
        pass


class Cls(WeftIter):
    """Class-style iterator k: n values 1000*(k+1)+i, a sleep of `delay` ms before each,
    an error E120 at value `fail_at`."""

    def __init__(self, tag, k, n, delay, fail_at):
        super().__init__()
        self.tag, self.k, self.n, self.delay, self.fail_at, self.i = tag, k, n, delay, fail_at, 0

    async def _anext(self):
        if self.delay:
            await asyncio.sleep(self.delay / 1000)
        self.i += 1
        if self.fail_at and self.i == self.fail_at:
            raise Err(120)
        if self.i > self.n:
            raise StopAsyncIteration
        return 1000 * (self.k + 1) + self.i

    async def _aclose(self):
        log(f"{self.tag} cls{self.k} aclose")


async def _anext_of(src):
    return await src.__anext__()


class Map(WeftIter):
    """weft_aiter_map(src, x -> x + 1000)."""

    def __init__(self, src):
        super().__init__()
        self.src = src

    async def _anext(self):
        return await _anext_of(self.src) + 1000

    async def _aclose(self):
        await self.src.aclose()

    async def _free(self):
        await afree(self.src)


class Filter(Map):
    """weft_aiter_filter(src, odd values)."""

    async def _anext(self):
        while True:
            v = await _anext_of(self.src)
            if v & 1:
                return v


class Take(Map):
    """weft_aiter_take(src, n): n values, then src is closed and the iteration ends."""

    def __init__(self, src, n):
        super().__init__(src)
        self.left = n

    async def _anext(self):
        if self.left == 0:
            await self.src.aclose()
            raise StopAsyncIteration
        v = await _anext_of(self.src)
        self.left -= 1
        return v


def agen(fn):
    """Marks an async generator function: called, it gives the generator, or with the
    weftlike switch gen-task on, weft's version of it (weftlike.WeftGen)."""

    def make():
        return weftlike.WeftGen(fn()) if weftlike.GEN[0] else fn()

    make.__name__ = fn.__name__
    return make


async def afree(it):
    """weft_aiter_free: close (if not ended), then free, which for weft's wrappers frees
    their source too. For Python's own objects, aclose."""
    if isinstance(it, (WeftIter, weftlike.WeftGen)):
        err = None
        if not it._ended:
            try:
                await it.aclose()
            except Exception as e:
                err = e
        if isinstance(it, weftlike.WeftGen):
            it._free()
        else:
            await it._free()
        if err is not None:
            raise err
    else:
        await it.aclose()


async def free_iters(name, its):
    """weft_aiter_free of a body's iterators when it ends."""
    for i, it in enumerate(its):
        if it is not None:
            its[i] = None
            try:
                await afree(it)
            except BaseException as e:  # CancelledError too: orun.c logs weft_aiter_free's
                log(f"{name} free it{i} {code(e)}")  # WEFT_ECANCELED and goes on
                continue
            log(f"{name} free it{i} ok")


class aclosing(contextlib.AbstractAsyncContextManager):
    """contextlib.aclosing, closing with afree (the same for Python's own iterators)."""

    def __init__(self, thing):
        self.thing = thing

    async def __aenter__(self):
        return self.thing

    async def __aexit__(self, *exc):
        await afree(self.thing)


# --- cancellation shields -------------------------------------------------------------------
# weft's shield (weft_cancel_shield_enter/_leave) has no asyncio counterpart: programs that
# use one run on weftlike.EmuTask, a Task whose cancel() requests are counted but held back
# while a shield is up, and delivered when it comes down.


def shield_enter():
    t = cur()
    if t._shield == 0 and t._must_cancel and sys.version_info >= (3, 13):
        # A cancellation requested while the task ran and not delivered yet is held back
        # too (scope.c: shield_saved_must), and delivered when the shield comes down.
        n = asyncio.Task.cancelling(t)
        t._take_must_cancel()
        t._saved = n
    t._shield += 1


def shield_leave(tag):
    t = cur()
    t._shield -= 1
    if t._shield == 0 and (t._held or t._saved):
        # weft: one pending cancellation, if any request is still counted
        saved = min(t._saved, t._extra)
        t._extra -= saved
        n, t._held, t._saved = t._held + saved, 0, 0
        for _ in range(n):
            asyncio.Task.cancel(t)
    log(f"{tag} ok")


# --- the run --------------------------------------------------------------------------------


def run_program(ns, mask=0):
    """Runs the program whose definitions are in `ns` (setup, BODIES, SHIELDS) as orun.c runs
    it on weft, and returns the log's lines. `mask`: the weftlike switches to turn on."""
    _reset()
    off = weftlike.apply(mask)
    loop = vl.new_loop()
    _LOOP[0] = loop
    if ns.get("SHIELDS") or weftlike.EMU_TASK[0]:
        loop.set_task_factory(weftlike.task_factory)
    try:
        ns["setup"]()
        T[0] = loop.create_task(_coro(ns["BODIES"][0]), name="t0")
        ORDER.append(0)
        loop.run_until_idle()
        for rnd in range(1, 5):
            alive = [i for i in ORDER if not T[i].done()]
            if not alive:
                break
            loop.log(f"shutdown {rnd}")
            for i in ORDER:
                if not T[i].done():
                    loop.log(f"cancel t{i} {'ok' if T[i].cancel() else 'ESTATE'}")
            loop.run_until_idle()
        for i in ORDER:
            if not T[i].done():
                loop.log(f"stuck t{i}")
        for i in sorted(T):
            loop.log(f"end t{i} {outcome(T[i])}")
        for i in sorted(F):
            loop.log(f"end f{i} {outcome(F[i])}")
        for i in sorted(LK):
            loop.log(f"end lock{i} {'locked' if LK[i].locked() else 'unlocked'}")
        for i in sorted(SM):
            loop.log(f"end sem{i} {SM[i]._value}")
        for i in sorted(EV):
            loop.log(f"end ev{i} {'set' if EV[i].is_set() else 'clear'}")
        for i in sorted(QU):
            loop.log(f"end q{i} {QU[i].qsize()}")
    finally:
        lines = [f"{ms} {text}" for ms, text in loop.events]
        # Tasks stuck after the rounds are left as they are (weft frees them with the loop).
        # Their coroutines are closed now, quietly, so that none is finalised by the garbage
        # collector during a later program, where it would log into that program's run.
        stuck = [t for t in T.values() if not t.done()]
        _LOOP[0] = None
        for t in stuck:
            t._log_destroy_pending = False
        loop.close()
        _reset()
        off()
        if stuck:
            del stuck
            gc.collect()
    return lines


def outcome(f):
    if not f.done():
        return "pending"
    if f.cancelled():
        return "cancelled"
    e = f.exception()
    if e is not None:
        return f"failed {code(e)}"
    return f"resolved {f.result()}"
