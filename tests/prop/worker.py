"""Runs the oracle's Python programs for tests/c/test_oracle.c, many per process.

Protocol, on stdin and stdout (binary, one frame after the other):
    in:  b"P <id> <nbytes> <mask>\\n" + the program's source (UTF-8); mask: the weftlike
         switches to turn on (0: asyncio as it is)
    in:  b"N 0 0 0\\n": the names of the weftlike switches, in bit order
    out: b"L <id> <nbytes>\\n" + its log, one line per event ("PYERROR ..." lines when the
         program itself failed, which is a bug of the translation, never of asyncio)
The same function, run_source, serves the Pyodide worker (pyodide_worker.mjs).

    python3 tests/prop/worker.py                 the protocol (what test_oracle starts)
    python3 tests/prop/worker.py program.py [mask]   runs one program and prints its log
"""

import os
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
for p in (HERE, os.path.join(HERE, "..", "..", "web", "py")):
    if p not in sys.path:
        sys.path.insert(0, p)

import prelude  # noqa: E402
import weftlike  # noqa: E402


def run_source(src, name="<program>", mask=0):
    try:
        ns = {"__name__": "oracle_program"}
        exec(compile(src, name, "exec"), ns)
        return "\n".join(prelude.run_program(ns, mask)) + "\n"
    except BaseException:
        return "".join("PYERROR " + x + "\n" for x in traceback.format_exc().splitlines())


def serve():
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    while True:
        head = inp.readline()
        if not head:
            return
        kind, ident, n, mask = head.split()
        if kind == b"N":  # the names of the weftlike switches, in bit order
            body = " ".join(weftlike.NAMES).encode()
        else:
            src = inp.read(int(n)).decode()
            body = run_source(src, f"<program {ident.decode()}>", int(mask)).encode()
        out.write(b"L %s %d\n" % (ident, len(body)))
        out.write(body)
        out.flush()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        with open(sys.argv[1]) as f:
            sys.stdout.write(run_source(f.read(), sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0))
    else:
        serve()
