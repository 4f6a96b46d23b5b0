// The oracle's Python worker on CPython 3.14 compiled to WebAssembly (the
// `pyodide` npm package), with the protocol of tests/prop/worker.py: one
// interpreter for the whole batch, programs in on stdin, logs out on stdout.
//   node tests/prop/pyodide_worker.mjs              the protocol (test_oracle starts it)
//   node tests/prop/pyodide_worker.mjs program.py [mask]   runs one program, prints its log
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPyodide } from 'pyodide';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

const py = await loadPyodide();
for (const [src, dst] of [
  [join(root, 'web/py/virtual_loop.py'), '/home/pyodide/virtual_loop.py'],
  [join(here, 'prelude.py'), '/home/pyodide/prelude.py'],
  [join(here, 'weftlike.py'), '/home/pyodide/weftlike.py'],
  [join(here, 'worker.py'), '/home/pyodide/worker.py'],
])
  py.FS.writeFile(dst, readFileSync(src, 'utf8'));
py.runPython("import sys; sys.path.insert(0, '/home/pyodide'); import worker");
const runSource = py.runPython('worker.run_source');
const switchNames = py.runPython('" ".join(worker.weftlike.NAMES)');

if (process.argv[2]) {
  process.stdout.write(runSource(readFileSync(process.argv[2], 'utf8'), process.argv[2], Number(process.argv[3] || 0)));
  process.exit(0);
}

let buf = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
  for (;;) {
    const nl = buf.indexOf(10);
    if (nl < 0) return;
    const [kind, id, n, mask] = buf.subarray(0, nl).toString().split(' ');
    if (kind === 'N') {
      buf = buf.subarray(nl + 1);
      const names = Buffer.from(switchNames);
      process.stdout.write(`L ${id} ${names.length}\n`);
      process.stdout.write(names);
      continue;
    }
    const len = Number(n);
    if (buf.length < nl + 1 + len) return;
    const src = buf.subarray(nl + 1, nl + 1 + len).toString();
    buf = buf.subarray(nl + 1 + len);
    const body = Buffer.from(runSource(src, `<program ${id}>`, Number(mask)));
    process.stdout.write(`L ${id} ${body.length}\n`);
    process.stdout.write(body);
  }
});
process.stdin.on('end', () => process.exit(0));
