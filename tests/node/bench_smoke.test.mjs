// A smoke test of `npm run bench` (scripts/bench.mjs): every suite at tiny
// sizes, into a temporary directory (docs/benchmarks.md and bench/results/
// are left alone). It checks that each suite runs weft and its peers and
// writes the {impl, metric, value, unit} list; it times nothing.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { root, run } from './lib.mjs';

const SUITES = ['switch', 'spawn', 'memory', 'timers', 'fetch', 'gather', 'size', 'start', 'zip', 'workers'];
const bench = join(root, 'scripts', 'bench.mjs');
const built = ['build/wasm/bench/bench_switch.wasm', 'build/wasm/bench/bench_workloads.wasm', 'build/native/bench/bench_workloads']
  .every((f) => existsSync(join(root, f)));

function readList(dir, suite) {
  const list = JSON.parse(readFileSync(join(dir, `${suite}.json`), 'utf8'));
  assert.ok(Array.isArray(list) && list.length > 0, `${suite}.json is a non-empty list`);
  for (const e of list) {
    assert.deepEqual(Object.keys(e).sort(), ['impl', 'metric', 'unit', 'value'], `${suite}: ${JSON.stringify(e)}`);
    assert.equal(typeof e.impl, 'string');
    assert.equal(typeof e.metric, 'string');
    assert.equal(typeof e.unit, 'string');
    assert.ok(Number.isFinite(e.value), `${suite}: ${e.impl} ${e.metric} = ${e.value}`);
  }
  return list;
}

test('npm run bench: every suite at tiny sizes, weft and the Node/CPython peers', { skip: !built && 'bench programs not built (node scripts/build.mjs wasm native)', timeout: 600000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'weft-bench-'));
  try {
    const r = await run(process.execPath, [bench, '--scale', '0.001', '--reps', '1', '--no-pyodide', '--out', out], { timeoutMs: 590000 });
    assert.equal(r.code, 0, `bench failed:\n${r.stdout}\n${r.stderr}`);
    assert.doesNotMatch(r.stdout, /^failures:/m, r.stdout);
    const has = (list, impl) => list.some((e) => e.impl === impl);
    for (const suite of SUITES) {
      const list = readList(out, suite);
      assert.ok(has(list, 'weft-wasm'), `${suite}: weft-wasm measured`);
      if (suite !== 'size') assert.ok(has(list, 'js') || suite === 'start' && has(list, 'weft-native'), `${suite}: the JS peer measured`);
      const raw = JSON.parse(readFileSync(join(out, `${suite}-raw.json`), 'utf8'));
      assert.equal(raw.suite, suite);
      assert.ok(raw.rows.length > 0 && raw.machine.cores > 0);
      assert.equal(raw.skipped.pyodide, 'left out (--no-pyodide)');
    }
    const sw = readList(out, 'switch');
    for (const impl of ['weft-wasm', 'weft-native', 'js', 'js-setImmediate']) assert.ok(has(sw, impl), `switch: ${impl}`);
    // fetch: weft and both JS peers from the one program (batches interleaved), client CPU for each, and the judged line.
    const fl = readList(out, 'fetch');
    for (const impl of ['weft-wasm', 'js']) assert.ok(fl.some((e) => e.impl === impl && /client CPU ms per batch \(median\)$/.test(e.metric) && e.value > 0), `fetch: ${impl} client CPU`);
    assert.ok(fl.some((e) => e.impl === 'js' && /requests\/s \(median, JS with a signal\)$/.test(e.metric) && e.value > 0), 'fetch: JS with a signal');
    assert.match(r.stdout, /fetch throughput ≥ 0\.9× raw Promise\.all\(fetch\) in Node \(median batch, batches interleaved\): \d/);
    // The warm-up rounds are measured apart and reported on their own line.
    assert.match(r.stdout, /fetch during the warm-up in Node \(no target; the rounds not counted above\): \d+\.\d+× \(median batch of the warm-up rounds, 1 per process;/);
    // zip: weft both ways, fflate (the JS column) and zip -r, stored and deflated, and the reported ratios.
    const zl = readList(out, 'zip');
    for (const impl of ['weft-wasm', 'weft-native', 'js', 'zip-cli']) {
      for (const what of ['stored', 'deflated']) assert.ok(zl.some((e) => e.impl === impl && e.metric.endsWith(` ${what}, MB/s (median)`) && e.value > 0), `zip: ${impl} ${what}`);
    }
    assert.match(r.stdout, /zip throughput, deflated \(no target; reported\): weft \(wasm\) [\d.,]+ MB\/s: [\d.]+× zip -r, [\d.]+× fflate/);
    // workers: the pool's speed-up and a job's round trip against a bare postMessage one.
    const wl = readList(out, 'workers');
    assert.ok(wl.some((e) => e.impl === 'weft-wasm' && e.metric === 'worker pool speed-up' && e.value > 0), 'workers: speed-up');
    for (const impl of ['weft-wasm', 'js']) assert.ok(wl.some((e) => e.impl === impl && e.metric === 'worker round trip, µs' && e.value > 0), `workers: ${impl} round trip`);
    assert.match(r.stdout, /worker pool \(no target; reported\): [\d.]+× faster in the pool than on the loop's thread; a job's round trip [\d.,]+ µs, [\d.]+× a bare postMessage round trip/);
    const size = readList(out, 'size');
    const gz = size.find((e) => e.impl === 'weft-wasm' && e.metric === 'runtime wasm, gzip');
    assert.ok(gz && gz.value > 1000 && gz.value < 200000, 'the runtime wasm size is measured');
    assert.ok(size.some((e) => e.metric === 'Asyncify-instrumented functions' && e.value > 0), 'instrumented functions counted');
    // One printed table: a header, a separator, then one row per workload.
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('| '));
    assert.match(rows[0], /\| workload \| weft \(wasm\) \| weft \(native\) \| JS \(Node\) \|/);
    assert.ok(rows.length > 20, `table rows: ${rows.length}`);
    assert.match(r.stdout, /Pyodide asyncio: not measured — left out \(--no-pyodide\)/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('npm run bench: the Pyodide column, from node_modules', { skip: (!built || !existsSync(join(root, 'node_modules/pyodide/package.json'))) && 'pyodide not installed or bench not built', timeout: 300000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'weft-bench-'));
  try {
    const r = await run(process.execPath, [bench, 'gather', '--scale', '0.01', '--reps', '1', '--no-python', '--out', out], { timeoutMs: 290000 });
    assert.equal(r.code, 0, `bench failed:\n${r.stdout}\n${r.stderr}`);
    const list = readList(out, 'gather');
    assert.ok(list.some((e) => e.impl === 'pyodide' && e.metric === 'gather 100 ms'), JSON.stringify(list));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
