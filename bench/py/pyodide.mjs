#!/usr/bin/env node
// Runs bench/py/workloads.py inside Pyodide (CPython compiled to wasm, from
// the npm package `pyodide`, loaded from node_modules: no network), on
// Pyodide's own asyncio event loop, which is driven by Node's event loop.
//   node bench/py/pyodide.mjs <mode> <args...>
// Prints the workload's JSON line. Exits 3 with a note on stderr when the
// package is not installed.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let loadPyodide;
try {
  ({ loadPyodide } = await import('pyodide'));
} catch {
  console.error('pyodide: the npm package `pyodide` is not installed (npm install)');
  process.exit(3);
}
const py = await loadPyodide({ stdout: (line) => console.log(line), stderr: (line) => console.error(line) });
const src = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'workloads.py'), 'utf8');
py.runPython(src, { filename: 'workloads.py' });
py.globals.set('bench_argv', py.toPy(process.argv.slice(2)));
await py.runPythonAsync('await main(list(bench_argv))');
