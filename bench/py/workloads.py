"""asyncio peers of scripts/bench.mjs: the same workloads as bench/workloads.c
and bench/switch.c, one measurement per process, one JSON line on stdout.

CPython:  python3 bench/py/workloads.py <mode> <args...>
Pyodide:  node bench/py/pyodide.mjs <mode> <args...> (runs this file inside
          Pyodide, where it awaits main() on Pyodide's own event loop)

Modes (sizes as in bench/workloads.c):
  switch <N> <K> <reps> <warmups>   N tasks x K `await asyncio.sleep(0)`
  spawn <N> <reps>                  N create_task of a coroutine that returns
  gather <N> <reps>                 N waiters on N futures resolved by N other tasks
  timers <N> <max_ms>               N futures set by loop.call_later(delay), each with a
                                    done callback that records its lateness
  sleepers <N> <max_ms>             N tasks, asyncio.sleep(delay): lateness
  fetch <url> <N> <reps>            N concurrent GETs (CPython: asyncio streams and a
                                    hand-written HTTP/1.1 request, one connection each,
                                    as no HTTP client ships with CPython; Pyodide:
                                    pyodide.http.pyfetch, the host's fetch)
  memory <M>                        tracemalloc bytes per suspended task
  start                             prints once the first task runs
"""
import asyncio
import functools
import json
import sys
import time

PYODIDE = sys.platform == "emscripten"
IMPL = "pyodide" if PYODIDE else "cpython"


def now_ms():
    return time.perf_counter() * 1e3


def peak_rss_mib():
    if PYODIDE:
        import js  # the Node process hosting Pyodide

        return round(js.process.resourceUsage().maxRSS / 1024, 1)
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def stats(runs):
    s = sorted(runs)
    n = len(s)
    median = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    return s[0], median


def runs_line(bench, n, runs, **extra):
    best, median = stats(runs)
    d = {"bench": bench, "impl": IMPL, "n": n, "reps": len(runs), "best_ms": round(best, 3),
         "median_ms": round(median, 3), "peak_rss_mib": peak_rss_mib(), "runs_ms": [round(r, 3) for r in runs]}
    d.update(extra)
    return d


async def switch_run(n, k):
    async def worker():
        for _ in range(k):
            await asyncio.sleep(0)

    t0 = now_ms()
    await asyncio.gather(*[worker() for _ in range(n)])
    return now_ms() - t0


async def bench_switch(n, k, reps, warmups):
    for _ in range(warmups):
        await switch_run(n, k)
    runs = [(await switch_run(n, k)) * 1e6 / (n * k) for _ in range(reps)]
    best, median = stats(runs)
    return {"bench": "switch", "impl": IMPL, "n": n, "k": k, "switches": n * k, "warmups": warmups, "reps": reps,
            "best_ns": round(best, 2), "median_ns": round(median, 2), "runs_ns": [round(r, 2) for r in runs]}


async def spawn_run(n):
    finished = 0

    async def short():
        nonlocal finished
        finished += 1
        return 0

    t0 = now_ms()
    tasks = [asyncio.create_task(short()) for _ in range(n)]
    await asyncio.gather(*tasks)
    ms = now_ms() - t0
    assert finished == n
    return ms


async def gather_run(n):
    loop = asyncio.get_running_loop()
    t0 = now_ms()
    futs = [loop.create_future() for _ in range(n)]

    async def waiter(f):
        return await f

    async def resolver(f):
        f.set_result(7)

    waiters = [asyncio.create_task(waiter(f)) for f in futs]
    for f in futs:
        asyncio.create_task(resolver(f))
    res = await asyncio.gather(*waiters)
    ms = now_ms() - t0
    assert all(v == 7 for v in res)
    return ms


def delay_of(i, max_ms, seed=12345):
    return 1 + ((i * 2654435761 + seed) & 0xFFFFFFFF) % max_ms


async def bench_timers(bench, n, max_ms):
    late = [0.0] * n
    done = asyncio.Event()
    left = n
    loop = asyncio.get_running_loop()

    def fired(i, t0, d, fut):
        nonlocal left
        late[i] = now_ms() - t0 - d
        left -= 1
        if left == 0:
            done.set()

    async def sleeper(i):
        nonlocal left
        d = delay_of(i, max_ms)
        t0 = now_ms()
        await asyncio.sleep(d / 1e3)
        late[i] = now_ms() - t0 - d
        left -= 1
        if left == 0:
            done.set()

    t0 = now_ms()
    if bench == "sleepers":
        tasks = [asyncio.create_task(sleeper(i)) for i in range(n)]
    else:
        tasks = []
        for i in range(n):
            d = delay_of(i, max_ms)
            fut = loop.create_future()
            fut.add_done_callback(functools.partial(fired, i, now_ms(), d))
            loop.call_later(d / 1e3, fut.set_result, None)
            tasks.append(fut)
    await done.wait()
    wall = now_ms() - t0
    del tasks
    late.sort()
    return {"bench": bench, "impl": IMPL, "n": n, "max_delay_ms": max_ms, "p50_ms": round(late[n // 2], 3),
            "p99_ms": round(late[int(n * 0.99)], 3), "max_ms": round(late[-1], 3), "min_ms": round(late[0], 3),
            "wall_ms": round(wall, 1), "peak_rss_mib": peak_rss_mib()}


async def get_streams(host, port, path):
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
    data = await reader.read()
    writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError("fetch: bad response")
    return body


async def bench_fetch(url, n, reps):
    if PYODIDE:
        from pyodide.http import pyfetch

        async def get():
            r = await pyfetch(url)
            return await r.bytes()
    else:
        from urllib.parse import urlsplit

        u = urlsplit(url)

        async def get():
            return await get_streams(u.hostname, u.port, u.path or "/")

    async def once():
        t0 = now_ms()
        bodies = await asyncio.gather(*[get() for _ in range(n)])
        assert all(len(b) > 0 for b in bodies)
        return now_ms() - t0

    await once()
    runs = [await once() for _ in range(reps)]
    return runs_line("fetch", n, runs, client="pyfetch" if PYODIDE else "asyncio streams, Connection: close")


async def bench_memory(m):
    import gc
    import tracemalloc

    loop = asyncio.get_running_loop()
    gate = loop.create_future()
    started = 0

    async def sleeper():
        nonlocal started
        started += 1
        await gate

    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    tasks = [asyncio.create_task(sleeper()) for _ in range(m)]
    await asyncio.sleep(0)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    gate.set_result(None)
    await asyncio.gather(*tasks)
    assert started == m
    return {"bench": "memory", "impl": IMPL, "tasks": m, "bytes_per_task": round((after - before) / m, 1)}


async def bench_start():
    async def first():
        return {"bench": "start", "impl": IMPL}

    return await asyncio.create_task(first())


async def main(argv):
    mode, a = argv[0], argv[1:]
    if mode == "switch":
        out = await bench_switch(int(a[0]), int(a[1]), int(a[2]), int(a[3]))
    elif mode == "spawn":
        await spawn_run(min(int(a[0]), 10000))
        out = runs_line("spawn", int(a[0]), [await spawn_run(int(a[0])) for _ in range(int(a[1]))])
    elif mode == "gather":
        await gather_run(int(a[0]))
        out = runs_line("gather", int(a[0]), [await gather_run(int(a[0])) for _ in range(int(a[1]))])
    elif mode in ("timers", "sleepers"):
        out = await bench_timers(mode, int(a[0]), int(a[1]))
    elif mode == "fetch":
        out = await bench_fetch(a[0], int(a[1]), int(a[2]))
    elif mode == "memory":
        out = await bench_memory(int(a[0]))
    elif mode == "start":
        out = await bench_start()
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps(out), flush=True)


if __name__ == "__main__" and not PYODIDE:
    asyncio.run(main(sys.argv[1:]))
