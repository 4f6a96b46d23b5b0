#!/usr/bin/env node
// weft benchmarks against its peers, side by side in one run (issue #6).
//
//   npm run bench                       every suite, the issue's sizes
//   npm run bench -- <suite> [<suite>…] only these: switch spawn memory timers fetch gather size start zip workers
//                                       page (the interactive page in Chromium, bench/page.mjs: only when named)
//   options: --scale F    multiply every workload size by F (e.g. 0.01 for a quick look; default 1)
//            --reps N     repetitions of the repeated measurements (default: per suite)
//            --no-python  --no-pyodide   leave a peer out (its column says so)
//            --no-doc     do not rewrite docs/benchmarks.md
//            --out DIR    write the JSON files to DIR instead of bench/results (implies --no-doc)
//
// The programs are brought up to date first (node scripts/build.mjs wasm
// native: incremental, about a second when nothing changed), so a run never
// measures a stale build.
//
// Implementations (columns), each measured in its own child process, one
// after the other:
//   weft-wasm        bench/switch.c, bench/workloads.c built with Emscripten, under this Node
//   weft-native      the same programs natively (the assembly switch), where cheap
//   js               plain JS on this Node: async functions awaiting a microtask
//                    (`await null`), raw setTimeout promises (timers) — bench/peers.mjs;
//                    raw Promise.all(fetch) (fetch), in weft's fetch process,
//                    batches interleaved with weft's             — bench/workloads.c
// The fetch suite also runs weft and JS inside Chromium (playwright-core,
// bench/browser/fetch.html), when both are installed.
//   js-setImmediate  async functions awaiting setImmediate         — bench/peers.mjs
//   cpython          asyncio on `python3`                          — bench/py/workloads.py
//   pyodide          asyncio inside Pyodide (npm `pyodide`)        — bench/py/pyodide.mjs
//   zip-cli          Info-ZIP's `zip -r` (the zip suite, bench/zip.mjs, whose JS
//                    column is fflate's streaming Zip)
//
// Outputs: one table on stdout (rows: workloads; columns: implementations
// and weft/peer ratios); bench/results/<suite>.json, a list of
// {"impl","metric","value","unit"}; bench/results/<suite>-raw.json (every
// line the children printed, the machine, the command); docs/benchmarks.md,
// rebuilt from every bench/results/*-raw.json present.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { suiteZip } from '../bench/zip.mjs';
import { suitePage } from '../bench/page.mjs';
import { suiteWorkers } from '../bench/workers.mjs';
import { relink } from './asyncify.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SUITES = ['switch', 'spawn', 'memory', 'timers', 'fetch', 'gather', 'size', 'start', 'zip', 'workers', 'page'];
const ONLY_NAMED = ['page']; // suites a plain `npm run bench` leaves out

// --- arguments ----------------------------------------------------------------

const argv = process.argv.slice(2);
const valued = new Set(['--scale', '--reps', '--out']);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? Number(argv[i + 1]) : dflt;
};
const flag = (name) => argv.includes(name);
const positional = argv.filter((a, i) => !a.startsWith('--') && !(i > 0 && valued.has(argv[i - 1])));
const unknown = positional.filter((s) => !SUITES.includes(s));
if (unknown.length || !(opt('--scale', 1) > 0)) {
  console.error(`usage: npm run bench -- [${SUITES.join('|')} …] [--scale F] [--reps N] [--no-python] [--no-pyodide] [--no-doc]`);
  process.exit(2);
}
const suites = positional.length ? SUITES.filter((s) => positional.includes(s)) : SUITES.filter((s) => !ONLY_NAMED.includes(s));
const SCALE = opt('--scale', 1);
const sz = (n) => Math.max(1, Math.round(n * SCALE));
const reps = (dflt) => opt('--reps', dflt);
const strOpt = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
const OUT = strOpt('--out') || join(root, 'bench/results');

const env = { ...process.env, NODE_PATH: ['/usr/share/nodejs', process.env.NODE_PATH].filter(Boolean).join(':') };
delete env.WEFT_CLOCK; // the programs choose their clocks
const W = {
  switchJs: join(root, 'build/wasm/bench/bench_switch.js'),
  switchNoCheckJs: join(root, 'build/wasm/bench/bench_switch_nocheck.js'),
  workJs: join(root, 'build/wasm/bench/bench_workloads.js'),
  switchNative: join(root, 'build/native/bench/bench_switch'),
  workNative: join(root, 'build/native/bench/bench_workloads'),
};
const trees = suites.every((s) => s === 'page') ? ['wasm'] : ['wasm', 'native']; // the page runs the wasm examples only
console.error(`bench: bringing the build up to date (node scripts/build.mjs ${trees.join(' ')})`);
execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), ...trees], { cwd: root, env, stdio: ['ignore', 2, 2] }); // progress on stderr: stdout is the table

// --- children -----------------------------------------------------------------

// Runs a child; resolves to { lines (parsed JSON lines), firstLineMs, status, stdout }.
// stderr passes through (prefixed) so progress and failures stay visible.
function child(cmd, args, { timeoutMs = 300000 } = {}) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const c = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let firstLineMs = null;
    const timer = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
    c.stdout.setEncoding('utf8');
    c.stderr.setEncoding('utf8');
    c.stdout.on('data', (d) => {
      if (firstLineMs === null && d.includes('\n')) firstLineMs = performance.now() - t0;
      stdout += d;
    });
    c.stderr.on('data', (d) => { stderr += d; });
    c.on('error', (e) => { stderr += String(e); });
    c.on('close', (status, signal) => {
      clearTimeout(timer);
      const lines = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      resolve({ lines, firstLineMs, status, signal, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

const python = (() => {
  if (flag('--no-python')) return { skip: 'left out (--no-python)' };
  const r = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? { version: (r.stdout || r.stderr).trim() } : { skip: '`python3` not found' };
})();
const pyodide = (() => {
  if (flag('--no-pyodide')) return { skip: 'left out (--no-pyodide)' };
  const pkg = join(root, 'node_modules/pyodide/package.json');
  if (!existsSync(pkg)) return { skip: 'npm package `pyodide` not installed (`npm install`)' };
  return { version: JSON.parse(readFileSync(pkg, 'utf8')).version };
})();

const IMPLS = {
  'weft-wasm': { label: 'weft (wasm)', cmd: (prog) => [process.execPath, [join(root, 'bench/run-wasm.mjs'), prog === 'switch' ? W.switchJs : prog === 'switch-nocheck' ? W.switchNoCheckJs : W.workJs]] },
  'weft-native': { label: 'weft (native)', cmd: (prog) => [prog === 'switch' ? W.switchNative : W.workNative, []] },
  js: { label: 'JS (Node)', cmd: () => [process.execPath, [join(root, 'bench/peers.mjs')]] },
  'js-setImmediate': { label: 'JS setImmediate', cmd: () => [process.execPath, [join(root, 'bench/peers.mjs')]] },
  cpython: { label: 'CPython asyncio', skip: python.skip, cmd: () => ['python3', [join(root, 'bench/py/workloads.py')]] },
  pyodide: { label: 'Pyodide asyncio', skip: pyodide.skip, cmd: () => [process.execPath, [join(root, 'bench/py/pyodide.mjs')]] },
  'zip-cli': { label: 'zip -r', cmd: null }, // the zip suite runs it (bench/zip.mjs)
};
const PEERS = ['js', 'js-setImmediate', 'cpython', 'pyodide', 'zip-cli'];
const COLUMNS = ['weft-wasm', 'weft-native', ...PEERS];

const skipped = {}; // impl -> reason (this run)
const failures = [];

// Runs one measurement of `impl`; returns its first JSON line or null.
async function measure(impl, prog, args, { nodeFlags = [], what } = {}) {
  const I = IMPLS[impl];
  if (I.skip) { skipped[impl] = I.skip; return null; }
  const [cmd, pre] = I.cmd(prog);
  const full = cmd === process.execPath ? [...nodeFlags, ...pre, ...args.map(String)] : [...pre, ...args.map(String)];
  const label = `${impl} ${what || args.join(' ')}`;
  const r = await child(cmd, full);
  if (r.status !== 0 || !r.lines.length) {
    const msg = `${label}: failed (status ${r.status}${r.signal ? `, ${r.signal}` : ''}) ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`;
    console.error(`bench: ${msg}`);
    failures.push(msg);
    return null;
  }
  const line = r.lines[0];
  line._firstLineMs = r.firstLineMs;
  console.error(`bench: ${label.padEnd(44)} ${summary(line)}`);
  return line;
}

function summary(l) {
  if (l.best_ns !== undefined) return `best ${l.best_ns} ns, median ${l.median_ns}`;
  if (l.best_ms !== undefined) return `best ${l.best_ms} ms, median ${l.median_ms}${l.peak_rss_mib ? `, peak RSS ${l.peak_rss_mib} MiB` : ''}`;
  if (l.p99_ms !== undefined) return `lateness p50 ${l.p50_ms} p99 ${l.p99_ms} max ${l.max_ms} ms`;
  return JSON.stringify(l).slice(0, 120);
}

// --- suites -------------------------------------------------------------------
// Each returns { rows, notes, targets, raw }. A row: { label, metric, unit,
// better: 'lower' | 'higher', alt: { impl: metric } } — `alt` names the metric
// an implementation ran at a reduced size (marked † in the table).

const fmtN = (n) => n.toLocaleString('en-US');

// The median of a list of numbers.
function medianOf(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function suiteSwitch(add) {
  const R = reps(11), WU = 2;
  const sizes = [[sz(100), sz(10000)], [sz(10000), 10]];
  // Pyodide switches about 100x slower than weft: its K is divided by 10 to keep the run short.
  const pyK = (k) => Math.max(1, Math.round(k / 10));
  const rows = [];
  const raw = [];
  for (const [n, k] of sizes) {
    const metric = `switch ${n}x${k}`;
    const runs = [
      ['weft-wasm', 'switch', ['switch', n, k, R, WU]],
      ['weft-native', 'switch', ['switch', n, k, R, WU]],
      ['js', 'peer', ['switch', 'microtask', n, k, R, WU]],
      ['js-setImmediate', 'peer', ['switch', 'immediate', n, k, R, WU]],
      ['cpython', 'py', ['switch', n, k, Math.min(R, 5), 1]],
      ['pyodide', 'py', ['switch', n, pyK(k), 3, 1]],
    ];
    let alt;
    for (const [impl, prog, args] of runs) {
      const l = await measure(impl, prog, args);
      if (!l) continue;
      raw.push(l);
      const m = impl === 'pyodide' && pyK(k) !== k ? `switch ${n}x${pyK(k)}` : metric;
      if (m !== metric) alt = { pyodide: `${m} best` };
      add(impl, `${m} best`, l.best_ns, 'ns/switch');
      add(impl, `${m} median`, l.median_ns, 'ns/switch');
    }
    rows.push({ label: `switch: ${fmtN(n)} tasks × ${fmtN(k)} yields, ns per switch (best)`, metric: `${metric} best`, unit: 'ns', better: 'lower', alt });
  }
  for (const [n, k] of sizes) {
    for (const impl of ['weft-wasm', 'weft-native']) {
      const l = await measure(impl, 'switch', ['callback', n, k, R, WU], { what: `loop callbacks ${n}x${k}` });
      if (!l) continue;
      raw.push(l);
      add(impl, `loop callback ${n}x${k} best`, l.best_ns, 'ns/callback');
    }
    rows.push({ label: `baseline: loop callback without a task (${fmtN(n)} × ${fmtN(k)}), ns`, metric: `loop callback ${n}x${k} best`, unit: 'ns', better: 'lower' });
  }
  // The same switches with tracing on (include/weft/trace.h): every switch
  // writes its records to the loop's ring, drained once per round. The
  // switch rows above are the cost with tracing off.
  for (const [n, k] of sizes) {
    for (const impl of ['weft-wasm', 'weft-native']) {
      const l = await measure(impl, 'switch', ['switch-traced', n, k, R, WU], { what: `traced switches ${n}x${k}` });
      if (!l) continue;
      raw.push(l);
      add(impl, `switch traced ${n}x${k} best`, l.best_ns, 'ns/switch');
    }
    rows.push({ label: `switch with tracing on (${fmtN(n)} × ${fmtN(k)}), ns`, metric: `switch traced ${n}x${k} best`, unit: 'ns', better: 'lower' });
  }
  // The cost of the precise stack check (-sSTACK_OVERFLOW_CHECK=2, linked
  // into every weft program): the same program linked without it, on the
  // switch and on a call-heavy loop inside a task.
  const NC = sz(20000000);
  const check = {};
  for (const [n, k] of sizes) {
    const l = await measure('weft-wasm', 'switch-nocheck', ['switch', n, k, R, WU], { what: `switches ${n}x${k}, no stack check` });
    if (!l) continue;
    raw.push(l);
    add('weft-wasm', `switch ${n}x${k} no stack check best`, l.best_ns, 'ns/switch');
    rows.push({ label: `switch without the stack check (${fmtN(n)} × ${fmtN(k)}), ns`, metric: `switch ${n}x${k} no stack check best`, unit: 'ns', better: 'lower' });
  }
  for (const [prog, name] of [['switch', 'on'], ['switch-nocheck', 'off']]) {
    const l = await measure('weft-wasm', prog, ['calls', NC, Math.min(R, 5)], { what: `calls, stack check ${name}` });
    if (!l) continue;
    raw.push(l);
    check[name] = l.best_ns;
    add('weft-wasm', `calls stack check ${name}`, l.best_ns, 'ns/call');
    rows.push({ label: `call-heavy loop in a task, ns per call, stack check ${name}`, metric: `calls stack check ${name}`, unit: 'ns', better: 'lower' });
  }
  const notes = [
    `A switch is one resumption of a suspended task: N tasks each yield K times (weft: \`weft_yield()\` on a virtual-clock loop run by \`weft_loop_run()\` inside the program; JS: \`await null\`, or \`await new Promise(r => setImmediate(r))\`; asyncio: \`await asyncio.sleep(0)\`). Wall time from the first spawn until every task has finished, divided by N × K; best of ${R} after ${WU} warm-ups (CPython: best of ${Math.min(R, 5)}, Pyodide: best of 3).`,
    'The baseline rows are N callbacks re-arming themselves with `weft_call_soon` K times (no task): a switch minus this is the task switch itself (Asyncify unwind + rewind, stack canary).',
    '† Pyodide ran K/10 yields per task (it switches ~100× slower than weft; the figure is per switch, so it compares).',
    `Stack check: every weft program is linked with \`-sSTACK_OVERFLOW_CHECK=2\` (each move of the stack pointer checked against the running task's limits); the "without" rows are the same program linked without it (bench_switch_nocheck). The call-heavy loop: ${fmtN(NC)} calls of a recursive \`fib\` with a 32-byte frame inside one task, best of ${Math.min(R, 5)}${check.on && check.off ? ` (${(((check.on / check.off) - 1) * 100).toFixed(1)} % with the check)` : ''}.`,
  ];
  return { rows, notes, raw };
}

async function suiteSpawn(add) {
  const N = sz(1000000), NPY = sz(100000);
  const rows = [];
  const raw = [];
  const runs = [
    ['weft-wasm', 'work', ['spawn', N, reps(3)]],
    ['weft-native', 'work', ['spawn', N, reps(3)]],
    ['js', 'peer', ['spawn', N, reps(3)]],
    ['cpython', 'py', ['spawn', N, 1]],
    ['pyodide', 'py', ['spawn', NPY, 1]],
  ];
  for (const [impl, prog, args] of runs) {
    const l = await measure(impl, prog, args);
    if (!l) continue;
    raw.push(l);
    const n = args[1];
    add(impl, n === N ? 'spawn ns/task' : `spawn ns/task (${fmtN(n)} tasks)`, Math.round((l.best_ms * 1e6) / n), 'ns/task');
    add(impl, n === N ? 'spawn peak RSS' : `spawn peak RSS (${fmtN(n)} tasks)`, l.peak_rss_mib, 'MiB');
  }
  const alt = NPY !== N ? { pyodide: `spawn ns/task (${fmtN(NPY)} tasks)` } : undefined;
  rows.push({ label: `spawn + finish of ${fmtN(N)} short tasks, ns per task (best)`, metric: 'spawn ns/task', unit: 'ns', better: 'lower', alt });
  rows.push({ label: `spawn: peak RSS of the process, MiB (all ${fmtN(N)} spawned before any runs)`, metric: 'spawn peak RSS', unit: 'MiB', better: 'lower', alt: alt && { pyodide: `spawn peak RSS (${fmtN(NPY)} tasks)` } });
  return {
    rows,
    raw,
    notes: [
      `All N tasks are spawned first, then run to completion (weft: \`weft_spawn_detached\` of a function that returns, on a virtual-clock loop; JS: N async functions whose body starts after one \`await null\`, then \`Promise.all\`; asyncio: \`create_task\` ×N, then \`gather\`). ns per task = wall time / N, best of ${reps(3)} (asyncio: one run). Peak RSS is the process's (the Node process for wasm, JS and Pyodide).`,
      NPY !== N ? `† Pyodide ran ${fmtN(NPY)} tasks (time).` : '',
    ].filter(Boolean),
  };
}

async function suiteMemory(add) {
  const M = sz(2000), CAP = sz(1000000), BATCH = Math.min(CAP, sz(10000)), MP = sz(10000);
  const raw = [];
  const rows = [];
  const mem = await measure('weft-wasm', 'switch', ['mem', M]);
  if (mem) {
    raw.push(mem);
    add('weft-wasm', 'bytes per suspended task', mem.malloc_bytes_per_task, 'bytes');
  }
  const js = await measure('js', 'peer', ['memory', MP * 2], { nodeFlags: ['--expose-gc'] });
  if (js) { raw.push(js); add('js', 'bytes per suspended task', js.bytes_per_task, 'bytes'); }
  for (const impl of ['cpython', 'pyodide']) {
    const l = await measure(impl, 'py', ['memory', MP]);
    if (l) { raw.push(l); add(impl, 'bytes per suspended task', l.bytes_per_task, 'bytes'); }
  }
  const max = await measure('weft-wasm', 'switch', ['max', CAP, BATCH]);
  if (max) {
    raw.push(max);
    add('weft-wasm', 'max concurrently sleeping tasks', max.sleeping, max.reached_cap ? 'tasks (cap reached)' : 'tasks');
  }
  rows.push({ label: 'bytes per suspended task', metric: 'bytes per suspended task', unit: 'B', better: 'lower' });
  rows.push({ label: `most tasks sleeping at once in one instance, default settings (cap ${fmtN(CAP)})`, metric: 'max concurrently sleeping tasks', unit: 'tasks', better: 'higher' });
  return {
    rows,
    raw,
    notes: [
      `weft: ${fmtN(M)} tasks spawned, started and left sleeping; growth of \`mallinfo().uordblks\` per task${mem ? ` (defaults: ${fmtN(mem.stack_size)} B C stack + ${fmtN(mem.asyncify_size)} B Asyncify buffer, allocated when the task first runs)` : ''}. JS: \`heapUsed\` growth after GC for ${fmtN(MP * 2)} async functions suspended on one promise. asyncio: \`tracemalloc\` growth for ${fmtN(MP)} started tasks awaiting one future.`,
      max ? `Max: batches of ${fmtN(BATCH)} sleeping tasks until a spawn or a stack allocation fails or ${fmtN(CAP)} sleep; this run stopped because: ${max.stop}, wasm heap at ${(max.heap_end / 2 ** 20).toFixed(0)} MiB (weft programs link \`-sMAXIMUM_MEMORY=4GB\`), ${max.seconds} s.` : '',
    ].filter(Boolean),
  };
}

async function suiteTimers(add) {
  const N = sz(100000), NPY = sz(20000), MAXD = 100, ROUNDS = SCALE < 0.1 ? 1 : 3;
  const raw = [];
  // Lateness moves with whatever else the machine does: weft and JS run in
  // interleaved rounds, and each quantile is the median over the rounds.
  // CPython and Pyodide (hundreds of ms behind) run once.
  const runs = (bench) => [
    ['weft-wasm', 'work', [bench, N, MAXD], ROUNDS],
    // Not weft-native: each native stack is an mmap with a guard page (two
    // mappings), and Linux's vm.max_map_count (65,530) stops it near 32,000 tasks.
    ['js', 'peer', [bench, N, MAXD], ROUNDS],
    ['cpython', 'py', [bench, N, MAXD], 1],
    ['pyodide', 'py', [bench, NPY, MAXD], 1],
  ];
  const rows = [];
  for (const bench of ['timers', 'sleepers']) {
    const lines = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const [impl, prog, args, times] of runs(bench)) {
        if (round >= times) continue;
        const l = await measure(impl, prog, args, { what: `${args.join(' ')} (round ${round + 1})` });
        if (!l) continue;
        raw.push(l);
        (lines[impl] ||= []).push(l);
      }
    }
    for (const [impl, ls] of Object.entries(lines)) {
      const suffix = ls[0].n === N ? '' : ` (${fmtN(ls[0].n)} sleeps)`;
      for (const q of ['p50', 'p99', 'max']) add(impl, `${bench} lateness ${q}${suffix}`, Math.round(medianOf(ls.map((l) => l[`${q}_ms`])) * 1000) / 1000, 'ms');
    }
    const alt = (q) => (NPY !== N ? { pyodide: `${bench} lateness ${q} (${fmtN(NPY)} sleeps)` } : undefined);
    const what = bench === 'timers' ? `${fmtN(N)} timer futures of 1–${MAXD} ms` : `${fmtN(N)} tasks sleeping 1–${MAXD} ms`;
    for (const q of ['p50', 'p99', 'max']) rows.push({ label: `${bench}: ${what}, lateness ${q}, ms`, metric: `${bench} lateness ${q}`, unit: 'ms', better: 'lower', compare: 'diff', alt: alt(q) });
  }
  return {
    rows,
    raw,
    notes: [
      `Each of N waits has a pseudo-random delay of 1–${MAXD} ms (the same delays for every implementation) on the real clock; lateness = (wake − call) − delay, where the call time is read just before the wait starts. Two shapes:`,
      `- \`timers\`: N timers with a callback each. weft: a main task under \`weft_run\` creates N \`weft_sleep_future\` futures, each watched by \`weft_future_on_done\`; JS: N raw \`new Promise(r => setTimeout(r, delay)).then(record)\`; asyncio: N futures set by \`loop.call_later\`, each with \`add_done_callback\`. The issue's target (p99 within 1 ms of raw \`setTimeout\`) is judged on this row.`,
      `- \`sleepers\`: N concurrent tasks that each sleep once. weft: N tasks spawned by a main task, each \`weft_sleep(delay)\`, with a 1 KiB stack and a 512-byte Asyncify buffer (\`weft_task_options\`; a sleeper uses 96 bytes of each); JS: N async functions each \`await new Promise(r => setTimeout(r, delay))\`; asyncio: N tasks \`await asyncio.sleep(delay)\`.`,
      `weft and JS: ${ROUNDS} interleaved rounds, median of each quantile (raw lines in \`timers-raw.json\`); CPython and Pyodide: one run. weft arms one host \`setTimeout\` per loop (the next deadline).`,
      'weft, like Node (libuv caches the loop time once per iteration), computes a deadline from the clock read at the start of the loop iteration; that keeps the real clock\'s order the virtual clock\'s (tests/host/host_order.c), but a wait started late in a long iteration can end before `delay` has passed since the call: the minimum lateness is then negative (raw lines in `timers-raw.json`).',
      'The first waits fall due while the N are still being created, so most of the lateness is the cost of creating N timers or starting N sleepers. For weft\'s sleepers that is mostly the first touch of fresh wasm memory (≈ 2 KiB per task: stack, Asyncify buffer, canary and task record; `node --cpu-prof` puts it in `dlmalloc`, which touches each new chunk first).',
      'No native column: each native stack is an mmap with a guard page, two mappings, and Linux\'s `vm.max_map_count` (65,530 by default) stops native weft near 32,000 live tasks.',
      NPY !== N ? `† Pyodide ran ${fmtN(NPY)} waits (time).` : '',
    ].filter(Boolean),
  };
}

let chromiumSkip = null;

// Chromium through playwright-core (a devDependency), as tests/browser/ do;
// resolves to a browser, or { skip: why } when either is missing.
async function openChromium() {
  const path = process.env.WEFT_CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(path)) return { skip: `no Chromium at ${path}` };
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    return { skip: 'npm package `playwright-core` not installed (`npm ci`)' };
  }
  return chromium.launch({
    executablePath: path,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
}

// The fetch program's line (weft's batches, its JS peers' in "peers") as
// one raw line per implementation.
function fetchLines(l, extra) {
  const { peers = {}, ...weft } = l;
  return [{ ...weft, ...extra }, ...Object.entries(peers).map(([impl, p]) => ({ bench: 'fetch', impl, n: l.n, reps: p.runs_ms.length, ...p, ...extra }))];
}

// Per round (one process or page), JS's median batch time over weft's:
// weft's throughput as a multiple of JS's.
function roundRatios(raw, host, peer) {
  const rounds = [...new Set(raw.filter((l) => (l.host || 'node') === host).map((l) => l.round))].sort((a, b) => a - b);
  const of = (impl, round) => raw.find((l) => l.impl === impl && l.round === round && (l.host || 'node') === host);
  return rounds.map((round) => {
    const w = of('weft-wasm', round), p = of(peer, round);
    return w && p ? medianOf(p.runs_ms) / medianOf(w.runs_ms) : undefined;
  }).filter((x) => x !== undefined);
}

// The median over every round of every process of peer's batch time over
// weft's in that round: each ratio compares two batches run back to back,
// so the drift of the machine's speed between rounds and processes, the
// main noise here, cancels out of it (docs/benchmarks.md, "Fetch").
function pairedRatio(raw, host, peer) {
  const of = (impl) => raw.filter((l) => l.impl === impl && (l.host || 'node') === host);
  const ratios = [];
  for (const w of of('weft-wasm')) {
    const p = of(peer).find((l) => l.round === w.round);
    if (p) w.runs_ms.forEach((ms, r) => { if (p.runs_ms[r] !== undefined) ratios.push(p.runs_ms[r] / ms); });
  }
  return ratios.length ? medianOf(ratios) : undefined;
}

async function suiteFetch(add) {
  // Node's batches take ~0.2 s, Chromium's ~1.7 s (six connections).
  const N = sz(1000), R = reps(12), ROUNDS = SCALE < 0.1 ? 1 : 8, PY_ROUNDS = Math.min(ROUNDS, 3);
  const CR = Math.min(R, 6), CR_ROUNDS = Math.min(ROUNDS, 3);
  // Unmeasured rounds first, in each process or page: in Node, batches of
  // every kind keep getting faster for about five rounds (connections, JIT,
  // and V8 tiering weft's wasm up on background threads after some
  // thousands of calls), which is start-up, not throughput. The warm-up's
  // batches are reported apart.
  const WARM = SCALE < 0.1 ? 1 : 5, CWARM = Math.min(WARM, 2);
  const raw = [];
  const server = spawn(process.execPath, [join(root, 'bench/server.mjs')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let buf = '';
    server.stdout.on('data', (d) => {
      buf += d;
      const m = buf.match(/"port":(\d+)/);
      if (m) resolve(Number(m[1]));
    });
    server.on('exit', () => reject(new Error('bench: the fetch server exited')));
  });
  const url = `http://127.0.0.1:${port}/json`;
  try {
    // weft and its JS peers in one process, batch after batch in every
    // order in turn (bench/workloads.c): they share the connection pool,
    // the heap and the machine's speed of the moment, which drifts by more
    // than the 10 % the target is about between processes, and each follows
    // each other equally often: a batch pays for some of the garbage of the
    // one before, and with a fixed rotation JS with a signal came out 10 %
    // cheaper in CPU than plain JS, which it is not. js+signal: an
    // AbortController per request, as JS needs to abort on cancel (Node's
    // fetch then follows the signal: a listener, a WeakRef, a finalizer);
    // weft in Node aborts through undici's dispatcher instead (docs/fetch.md).
    const paired = ['weft-wasm', 'work', ['fetch', url, N, R, WARM, 'js', 'js+signal']];
    const python = [
      ['cpython', 'py', ['fetch', url, N, R]],
      ['pyodide', 'py', ['fetch', url, N, R]],
    ];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [impl, prog, args] of [paired, ...(round <= PY_ROUNDS ? python : [])]) {
        const l = await measure(impl, prog, args, { what: `fetch ${N} x ${R}${impl === 'weft-wasm' ? ', JS peers interleaved' : ''} (round ${round})` });
        if (!l) continue;
        raw.push(...(impl === 'weft-wasm' ? fetchLines(l, { round }) : [{ ...l, round }]));
      }
    }
    // The same program inside Chromium (bench/browser/fetch.html), where
    // weft is meant to run: the browser's fetch, AbortSignal and its six
    // connections per origin apply to weft and JS alike.
    const browser = await openChromium();
    if (browser.skip) chromiumSkip = browser.skip;
    else {
      try {
        for (let round = 1; round <= CR_ROUNDS; round++) {
          const page = await browser.newPage();
          try {
            await page.goto(`http://127.0.0.1:${port}/bench/browser/fetch.html?n=${N}&reps=${CR}&warmup=${CWARM}`);
            const l = await page.evaluate(() => window.benchResult);
            raw.push(...fetchLines(l, { host: 'chromium', round }));
            console.error(`bench: ${`chromium fetch ${N} x ${CR}, JS peers interleaved (round ${round})`.padEnd(44)} ${summary(l)}`);
          } catch (e) {
            failures.push(`chromium fetch: ${e.message || e}`);
            console.error(`bench: chromium fetch: failed: ${e.message || e}`);
          } finally {
            await page.close();
          }
        }
      } finally {
        await browser.close();
      }
    }
    const pool = (host, impl, field) => raw.filter((l) => (l.host || 'node') === host && l.impl === impl && l[field]).flatMap((l) => l[field]);
    const rps = (ms) => Math.round((N * 1000) / ms);
    // One set of rows per host; js+signal's go under js, named apart.
    const addHost = (host, where, impls) => {
      for (const impl of impls) {
        const ms = pool(host, impl, 'runs_ms'), cpu = pool(host, impl, 'cpu_ms');
        if (!ms.length) continue;
        const as = impl === 'js+signal' ? 'js' : impl;
        const sig = impl === 'js+signal' ? ', JS with a signal' : '';
        add(as, `fetch ${N} concurrent${where}, requests/s${sig ? ' (JS with a signal)' : ''}`, rps(Math.min(...ms)), 'requests/s');
        add(as, `fetch ${N} concurrent${where}, requests/s (median${sig})`, rps(medianOf(ms)), 'requests/s');
        if (host !== 'node') continue;
        if (cpu.length) add(as, `fetch ${N} concurrent, client CPU ms per batch (median${sig})`, Math.round(medianOf(cpu) * 10) / 10, 'ms');
        if (!sig) {
          add(as, `fetch ${N} concurrent, ms (best)`, Math.min(...ms), 'ms');
          add(as, `fetch ${N} concurrent, ms (median)`, Math.round(medianOf(ms) * 10) / 10, 'ms');
        }
      }
    };
    addHost('node', '', ['weft-wasm', 'js', 'js+signal', 'cpython', 'pyodide']);
    addHost('chromium', ' in Chromium', ['weft-wasm', 'js', 'js+signal']);
  } finally {
    server.kill('SIGTERM');
  }
  return {
    rows: [
      { label: `fetch: ${fmtN(N)} concurrent small JSON GETs from a local server, requests/s (median batch)`, metric: `fetch ${N} concurrent, requests/s (median)`, unit: 'req/s', better: 'higher' },
      { label: `fetch: the same, requests/s (best batch)`, metric: `fetch ${N} concurrent, requests/s`, unit: 'req/s', better: 'higher' },
      { label: `fetch: client CPU per batch of ${fmtN(N)} (every thread), ms (median)`, metric: `fetch ${N} concurrent, client CPU ms per batch (median)`, unit: 'ms', better: 'lower', only: ['weft-wasm', 'js'] },
      { label: `fetch: the same, JS with an AbortController per request, requests/s (median batch)`, metric: `fetch ${N} concurrent, requests/s (median)`, unit: 'req/s', better: 'higher', alt: { js: `fetch ${N} concurrent, requests/s (median, JS with a signal)` }, only: ['weft-wasm', 'js'] },
      { label: `fetch: the same, JS with an AbortController per request, client CPU per batch, ms (median)`, metric: `fetch ${N} concurrent, client CPU ms per batch (median)`, unit: 'ms', better: 'lower', alt: { js: `fetch ${N} concurrent, client CPU ms per batch (median, JS with a signal)` }, only: ['weft-wasm', 'js'] },
      { label: `fetch in Chromium: ${fmtN(N)} concurrent GETs, requests/s (median batch)`, metric: `fetch ${N} concurrent in Chromium, requests/s (median)`, unit: 'req/s', better: 'higher', only: ['weft-wasm', 'js'] },
      { label: `fetch in Chromium: the same, requests/s (best batch)`, metric: `fetch ${N} concurrent in Chromium, requests/s`, unit: 'req/s', better: 'higher', only: ['weft-wasm', 'js'] },
      { label: `fetch in Chromium: JS with an AbortController per request, requests/s (median batch)`, metric: `fetch ${N} concurrent in Chromium, requests/s (median)`, unit: 'req/s', better: 'higher', alt: { js: `fetch ${N} concurrent in Chromium, requests/s (median, JS with a signal)` }, only: ['weft-wasm', 'js'] },
    ],
    raw,
    notes: [
      `A node:http server in its own process on 127.0.0.1 (keep-alive) serves a ~30-byte JSON body. Per batch, N requests are started at once and the batch ends when every body has been read. weft: N tasks each \`weft_fetch\` + \`weft_response_bytes\`, gathered by a main task under \`weft_run\`; JS: \`Promise.all\` of N \`fetch(url).then(r => r.arrayBuffer())\`, and the same with an AbortController per request — all on Node's own fetch, and all in one process (bench/workloads.c): ${WARM} rounds of warm-up, then ${R} measured rounds, a round being one batch of each, its order the next of the six possible ones, so that they share the connection pool, the heap and the machine's speed of the moment. ${ROUNDS} such processes; the figures pool their batches (median and best). Client CPU: \`process.cpuUsage\` per batch, every thread of the process (V8's GC helpers too). CPython: \`asyncio.open_connection\` and a hand-written HTTP/1.1 request, one connection per request (CPython ships no HTTP client); Pyodide: \`pyodide.http.pyfetch\`; each in its own process, ${PY_ROUNDS} processes of ${R} batches.`,
      chromiumSkip ? `Chromium rows: not measured — ${chromiumSkip}.` : `Chromium rows: the same program in Debian's Chromium (headless, driven by playwright-core), in a fresh page each time (bench/browser/fetch.html), served by the same server, so all share the browser's six connections per origin; ${CR_ROUNDS} pages of ${CR} rounds after ${CWARM} of warm-up.`,
    ],
  };
}

async function suiteGather(add) {
  const N = sz(10000), R = reps(5);
  const raw = [];
  const runs = [
    ['weft-wasm', 'work', ['gather', N, R]],
    ['weft-native', 'work', ['gather', N, R]],
    ['js', 'peer', ['gather', N, R]],
    ['cpython', 'py', ['gather', N, R]],
    ['pyodide', 'py', ['gather', N, 3]],
  ];
  for (const [impl, prog, args] of runs) {
    const l = await measure(impl, prog, args);
    if (!l) continue;
    raw.push(l);
    add(impl, `gather ${N} ms`, l.best_ms, 'ms');
    add(impl, `gather ${N} peak RSS`, l.peak_rss_mib, 'MiB');
  }
  return {
    rows: [
      { label: `gather: ${fmtN(N)} waiters, each on a future resolved by another task, ms (best)`, metric: `gather ${N} ms`, unit: 'ms', better: 'lower' },
      { label: `gather: peak RSS of the process, MiB`, metric: `gather ${N} peak RSS`, unit: 'MiB', better: 'lower' },
    ],
    raw,
    notes: [`N futures; N waiter tasks each await one; N resolver tasks (created after the waiters) each resolve one; the main task gathers the waiters and checks every result. Wall time from the first future's creation to the gather's result; best of ${R} (Pyodide: 3) after one warm-up.`],
  };
}

// Relinks the runtime (dist/weft.wasm) from its CMake link line, edited,
// into a temporary directory: its size, and the functions Asyncify really
// instrumented. Those are counted on a second relink with --profiling-funcs
// (names kept), disassembled with Binaryen's wasm-dis: the functions that
// read Asyncify's state global (the one asyncify_start_unwind sets to 1),
// other than Asyncify's own. (-sASYNCIFY_ADVISE lists what *could* change
// the state and ignores ASYNCIFY_REMOVE, so it overcounts.)
const relinkRuntime = (edit) => relink('weft_runtime', edit); // scripts/asyncify.mjs

async function suiteSize(add) {
  const raw = [];
  const wasmFile = join(root, 'build/wasm/weft.wasm');
  const jsFile = join(root, 'build/wasm/weft.js');
  if (!existsSync(wasmFile)) throw new Error('bench: build/wasm/weft.wasm missing (node scripts/build.mjs wasm)');
  const wasm = readFileSync(wasmFile);
  const js = readFileSync(jsFile);
  const size = { wasm_raw: wasm.length, wasm_gzip: gzipSync(wasm, { level: 9 }).length, js_raw: js.length, js_gzip: gzipSync(js, { level: 9 }).length };
  add('weft-wasm', 'runtime wasm, raw', size.wasm_raw, 'bytes');
  add('weft-wasm', 'runtime wasm, gzip', size.wasm_gzip, 'bytes');
  add('weft-wasm', 'runtime JS loader, gzip', size.js_gzip, 'bytes');
  const asIs = relinkRuntime((c) => c);
  const dflt = relinkRuntime((c) => c.replace(/"?-sASYNCIFY_IMPORTS=\[\]"?\s*/, ''));
  const noRemove = relinkRuntime((c) => c.replace(/"?-sASYNCIFY_REMOVE=\[[^\]]*\]"?\s*/, ''));
  if (asIs?.names) add('weft-wasm', 'Asyncify-instrumented functions', asIs.names.length, 'functions');
  if (dflt?.names) add('weft-wasm', 'Asyncify-instrumented functions with the default import list', dflt.names.length, 'functions');
  if (dflt) add('weft-wasm', 'runtime wasm with the default import list, gzip', dflt.gzip, 'bytes');
  if (noRemove?.names) add('weft-wasm', 'Asyncify-instrumented functions without ASYNCIFY_REMOVE', noRemove.names.length, 'functions');
  if (noRemove) add('weft-wasm', 'runtime wasm without ASYNCIFY_REMOVE, gzip', noRemove.gzip, 'bytes');
  raw.push({ bench: 'size', impl: 'weft-wasm', ...size, instrumented: asIs?.names, default_imports: dflt, without_remove: noRemove });
  // What a browser app of createWeft() + one run ships, as the package test
  // (tests/node/package.test.mjs, in npm test) last measured it on a Vite
  // build of a consumer of the packed tarball.
  const bundleFile = join(root, 'test-artifacts/bundle-size.json');
  const bundle = existsSync(bundleFile) ? JSON.parse(readFileSync(bundleFile, 'utf8')) : null;
  if (bundle?.js?.gzip && bundle?.wasm?.gzip) {
    add('weft-wasm', 'browser bundle JS, gzip', bundle.js.gzip, 'bytes');
    add('weft-wasm', 'browser bundle wasm, gzip', bundle.wasm.gzip, 'bytes');
    raw.push({ bench: 'size', impl: 'weft-wasm', bundle, bundle_measured: statSync(bundleFile).mtime.toISOString() });
  }
  if (!pyodide.skip) {
    const dir = join(root, 'node_modules/pyodide');
    const pw = readFileSync(join(dir, 'pyodide.asm.wasm'));
    const stdlib = statSync(join(dir, 'python_stdlib.zip')).size;
    const p = { wasm_raw: pw.length, wasm_gzip: gzipSync(pw, { level: 6 }).length, stdlib_zip: stdlib };
    raw.push({ bench: 'size', impl: 'pyodide', ...p });
    add('pyodide', 'runtime wasm, raw', p.wasm_raw, 'bytes');
    add('pyodide', 'runtime wasm, gzip', p.wasm_gzip, 'bytes');
    console.error(`bench: pyodide size: ${p.wasm_raw} B wasm (${p.wasm_gzip} gzip) + ${stdlib} B python_stdlib.zip`);
  } else skipped.pyodide = pyodide.skip;
  console.error(`bench: weft runtime ${size.wasm_raw} B wasm (${size.wasm_gzip} gzip); Asyncify instruments ${asIs?.names?.length} functions (${dflt?.names?.length} with the default import list, ${dflt?.gzip} B gzip; ${noRemove?.names?.length} without ASYNCIFY_REMOVE, ${noRemove?.gzip} B gzip)`);
  const rows = [
    { label: 'size: runtime wasm (dist/weft.wasm), KiB raw', metric: 'runtime wasm, raw', unit: 'KiB', better: 'lower', scale: 1 / 1024 },
    { label: 'size: runtime wasm, KiB gzip -9', metric: 'runtime wasm, gzip', unit: 'KiB', better: 'lower', scale: 1 / 1024 },
    { label: 'size: runtime JS loader (dist/weft.js), KiB gzip', metric: 'runtime JS loader, gzip', unit: 'KiB', better: 'lower', scale: 1 / 1024 },
    { label: 'size: a browser app of createWeft() + one run (Vite build of the packed package): its JS, KiB gzip', metric: 'browser bundle JS, gzip', unit: 'KiB', better: 'lower', scale: 1 / 1024 },
    { label: 'size: … and its wasm, KiB gzip', metric: 'browser bundle wasm, gzip', unit: 'KiB', better: 'lower', scale: 1 / 1024 },
    { label: 'size: functions Asyncify instruments in the runtime', metric: 'Asyncify-instrumented functions', unit: '', better: 'lower' },
    { label: 'size: … with Emscripten\'s default ASYNCIFY_IMPORTS instead of `[]`', metric: 'Asyncify-instrumented functions with the default import list', unit: '', better: 'lower' },
    { label: 'size: … and the runtime wasm then, KiB gzip', metric: 'runtime wasm with the default import list, gzip', unit: 'KiB', better: 'lower', scale: 1 / 1024 },
    { label: 'size: functions instrumented without weft\'s ASYNCIFY_REMOVE list', metric: 'Asyncify-instrumented functions without ASYNCIFY_REMOVE', unit: '', better: 'lower' },
    { label: 'size: … and the runtime wasm then, KiB gzip', metric: 'runtime wasm without ASYNCIFY_REMOVE, gzip', unit: 'KiB', better: 'lower', scale: 1 / 1024 },
  ];
  const notes = [
    'The runtime is the npm package\'s prebuilt `dist/weft.wasm` (src/host/runtime.c: the whole library, fetch and the JS bridges included), `-O3`. Pyodide\'s figure is `pyodide.asm.wasm` alone (gzip -6); it also loads `python_stdlib.zip`' + (pyodide.skip ? '.' : ` (${(raw.find((r) => r.impl === 'pyodide').stdlib_zip / 2 ** 20).toFixed(1)} MiB).`),
    bundle ? `The browser app's figures are read from \`test-artifacts/bundle-size.json\`, which the package test (\`tests/node/package.test.mjs\`, part of \`npm test\`) writes after a Vite build of a consumer of the packed tarball (${raw.find((r) => r.bundle_measured).bundle_measured.slice(0, 10)}): the entry's JS with every chunk it imports, and the runtime's wasm.` : 'The browser app\'s size is measured by the package test (`npm test`), which writes `test-artifacts/bundle-size.json`; it had not run here.',
    asIs?.names ? `Instrumented functions are counted on a relink of the runtime with \`--profiling-funcs\`, disassembled with Binaryen's \`wasm-dis\`: the functions that read Asyncify's state global. In the runtime: ${asIs.names.map((f) => `\`${f}\``).join(', ')}. \`ASYNCIFY_IMPORTS=[]\` (no import can suspend) versus Emscripten's default list: the default list names imports (\`emscripten_sleep\`, \`invoke_*\`, …) that weft programs do not link, so it changes nothing here; it would matter for a program that links one. weft's \`ASYNCIFY_REMOVE\` (CMakeLists.txt) leaves the scheduler, the \`dynCall_*\` helpers and stdio's formatting uninstrumented: they make indirect calls, but no task frame is ever above them.` : '',
  ].filter(Boolean);
  return { rows, raw, notes };
}

async function suiteStart(add) {
  const R = reps(5);
  const raw = [];
  const runs = [
    ['weft-wasm', 'work', ['start']],
    ['weft-native', 'work', ['start']],
    ['js', 'peer', ['start']],
    ['cpython', 'py', ['start']],
    ['pyodide', 'py', ['start']],
  ];
  for (const [impl, prog, args] of runs) {
    const times = [];
    for (let i = 0; i < R; i++) {
      const l = await measure(impl, prog, args, { what: `start #${i + 1}` });
      if (!l) break;
      times.push(l._firstLineMs);
    }
    if (!times.length) continue;
    const best = Math.min(...times);
    raw.push({ bench: 'start', impl, spawn_to_first_task_ms: times });
    add(impl, 'process spawn to first task, ms', Math.round(best * 10) / 10, 'ms');
  }
  // In-process, as a user meets it: import the package, create the runtime, run a task.
  const inproc = [];
  for (let i = 0; i < R; i++) {
    const r = await child(process.execPath, ['--input-type=module', '-e', `
      const t0 = performance.now();
      const { createWeft } = await import(${JSON.stringify(join(root, 'src/js/node.mjs'))});
      const weft = await createWeft();
      const v = await weft.run('sleep_then', 0);
      console.log(JSON.stringify({ import_to_first_task_ms: performance.now() - t0, v }));`]);
    if (r.status === 0 && r.lines.length) inproc.push(r.lines[0].import_to_first_task_ms);
  }
  if (inproc.length) {
    raw.push({ bench: 'start', impl: 'weft-wasm', import_to_first_task_ms: inproc });
    add('weft-wasm', 'import to first task result, ms', Math.round(Math.min(...inproc) * 10) / 10, 'ms');
    console.error(`bench: weft-wasm import → createWeft → first task result: best ${Math.min(...inproc).toFixed(1)} ms`);
  }
  if (!pyodide.skip) {
    const r = await child(process.execPath, ['--input-type=module', '-e', `
      const t0 = performance.now();
      const { loadPyodide } = await import('pyodide');
      const py = await loadPyodide();
      await py.runPythonAsync('import asyncio\\nasync def f(): return 1\\nawait asyncio.create_task(f())');
      console.log(JSON.stringify({ import_to_first_task_ms: performance.now() - t0 }));`]);
    if (r.status === 0 && r.lines.length) {
      raw.push({ bench: 'start', impl: 'pyodide', import_to_first_task_ms: [r.lines[0].import_to_first_task_ms] });
      add('pyodide', 'import to first task result, ms', Math.round(r.lines[0].import_to_first_task_ms * 10) / 10, 'ms');
    }
  }
  return {
    rows: [
      { label: 'start: process spawn to the first task running, ms (best)', metric: 'process spawn to first task, ms', unit: 'ms', better: 'lower' },
      { label: 'start: in a running Node, import → runtime ready → first task\'s result, ms', metric: 'import to first task result, ms', unit: 'ms', better: 'lower' },
    ],
    raw,
    notes: [`Spawn to first task: wall time from spawning the process until it prints from its first task (weft wasm: \`node bench/run-wasm.mjs\` loading bench_workloads; JS: \`node\`; asyncio: \`python3\`, or Node loading Pyodide), best of ${R}. In-process: \`import('weft')\`, \`await createWeft()\` (reads and compiles dist/weft.wasm), \`await weft.run('sleep_then', 0)\`; Pyodide: \`loadPyodide()\` then a task via \`runPythonAsync\`.`],
  };
}

// The zip suite lives in its own module; it gets the helpers it needs.
const suiteZipHere = async (add) => {
  const out = await suiteZip({ add, sz, reps, child, root, failures });
  Object.assign(skipped, out.skipped);
  return out;
};
const suiteWorkersHere = async (add) => {
  const out = await suiteWorkers({ add, sz, reps, child, root, failures });
  Object.assign(skipped, out.skipped);
  return out;
};
const suitePageHere = async (add) => {
  const out = await suitePage({ add, sz, reps, openChromium, failures });
  Object.assign(skipped, out.skipped);
  return out;
};
const RUNNERS = { switch: suiteSwitch, spawn: suiteSpawn, memory: suiteMemory, timers: suiteTimers, fetch: suiteFetch, gather: suiteGather, size: suiteSize, start: suiteStart, zip: suiteZipHere, workers: suiteWorkersHere, page: suitePageHere };

// --- machine ------------------------------------------------------------------

function sh(cmd, args) {
  try { return execFileSync(cmd, args, { cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }); } catch { return ''; }
}
function machineInfo() {
  let cpu = cpus()[0]?.model || 'unknown';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const field = (name) => info.match(new RegExp(`^${name}\\s*:\\s*(.+)$`, 'm'))?.[1].trim();
    const extra = [field('cpu MHz') && `${Math.round(Number(field('cpu MHz')))} MHz`, /\bhypervisor\b/.test(field('flags') || '') && 'virtual machine'].filter(Boolean);
    cpu = `${field('model name') || cpu}${extra.length ? ` (${extra.join(', ')})` : ''}`;
  } catch { /* not Linux */ }
  const emcc = (sh('emcc', ['--version']).split('\n')[0].match(/\)\s*(\d+\.\d+\.\d+)/) || [, 'unknown'])[1];
  const commit = sh('git', ['rev-parse', '--short', 'HEAD']).trim() || 'unknown';
  const dirty = sh('git', ['status', '--porcelain', '--', 'src', 'include', 'CMakeLists.txt', 'bench'])
    .split('\n').filter(Boolean).map((l) => l.slice(3).replace(/^.* -> /, ''));
  return { cpu, cores: cpus().length, mem_gib: Math.round(totalmem() / 2 ** 30), node: process.version, emcc, python: python.version || python.skip, pyodide: pyodide.version || pyodide.skip, commit, dirty };
}

// --- run ----------------------------------------------------------------------

const machine = machineInfo();
const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
mkdirSync(OUT, { recursive: true });
const tStart = performance.now();
for (const suite of suites) {
  const results = [];
  const add = (impl, metric, value, unit) => { if (value !== undefined && value !== null && !Number.isNaN(value)) results.push({ impl, metric, value, unit }); };
  const load0 = loadavg()[0];
  const t0 = performance.now();
  console.error(`bench: --- ${suite} ---`);
  const out = await RUNNERS[suite](add);
  const seconds = (performance.now() - t0) / 1000;
  writeFileSync(join(OUT, `${suite}.json`), `${JSON.stringify(results, null, 2)}\n`);
  const record = {
    suite, date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), command, scale: SCALE, seconds: Math.round(seconds),
    load: [load0, loadavg()[0]].map((x) => Math.round(x * 100) / 100), machine, skipped: { ...skipped }, rows: out.rows, notes: out.notes, results,
    raw: out.raw.map(({ _firstLineMs, ...l }) => l),
  };
  writeFileSync(join(OUT, `${suite}-raw.json`), `${JSON.stringify(record, null, 2)}\n`);
}

// --- table and doc ------------------------------------------------------------

function loadRecords() {
  const dir = OUT;
  // A file written by an older bench.mjs (no machine or load fields) is left
  // out rather than misreported: run its suite again to bring it back.
  return SUITES.map((s) => join(dir, `${s}-raw.json`)).filter(existsSync).map((f) => JSON.parse(readFileSync(f, 'utf8')))
    .filter((r) => r && r.suite && r.machine && Array.isArray(r.load));
}

const fmt = (v) => (v === undefined || v === null ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2 }));

function buildTable(records) {
  const header = ['workload', ...COLUMNS.map((c) => IMPLS[c].label), ...PEERS.map((p) => `weft ÷ ${IMPLS[p].label}`)];
  const lines = [header, header.map(() => '---')];
  for (const rec of records) {
    const get = (impl, metric) => rec.results.find((r) => r.impl === impl && r.metric === metric)?.value;
    for (const row of rec.rows) {
      const scale = row.scale || 1;
      const val = (impl) => {
        if (row.only && !row.only.includes(impl)) return undefined;
        const alt = row.alt?.[impl];
        const v = get(impl, alt || row.metric);
        return v === undefined ? undefined : { v: v * scale, dagger: Boolean(alt) && !row.only };
      };
      const cells = COLUMNS.map((c) => {
        const x = val(c);
        if (!x) return rec.skipped?.[c] && (c === 'cpython' || c === 'pyodide') ? 'skipped' : '—';
        return `${fmt(x.v)}${x.dagger ? ' †' : ''}`;
      });
      const w = val('weft-wasm');
      const ratios = PEERS.map((p) => {
        const x = val(p);
        if (!w || !x) return '—';
        if (row.compare === 'diff') { const d = w.v - x.v; return `${d >= 0 ? '+' : '−'}${fmt(Math.abs(d))} ${row.unit}`; }
        if (!x.v) return '—';
        return `${(w.v / x.v).toPrecision(2)}×`;
      });
      lines.push([`${row.label}${row.better === 'higher' ? ' ↑' : ''}`, ...cells, ...ratios]);
    }
  }
  return lines.map((r) => `| ${r.join(' | ')} |`).join('\n');
}

// The issue's targets, judged on the figures present (each suite's latest run).
function targets(recs) {
  const all = recs.flatMap((r) => r.results);
  const get = (impl, metric) => all.find((x) => x.impl === impl && x.metric === metric)?.value;
  const out = [];
  const judge = (text, ok, detail) => out.push(`${ok === undefined ? '·' : ok ? '✓ met' : '✗ not met'} — ${text}: ${detail}`);
  const sw = recs.find((r) => r.suite === 'switch');
  if (sw) {
    const metric = sw.rows[0].metric;
    const w = get('weft-wasm', metric), js = get('js', metric), cp = get('cpython', metric);
    const pyM = sw.rows[0].alt?.pyodide || metric;
    const py = get('pyodide', pyM);
    if (w && js) judge('switch ≤ 1.0× the JS microtask await', w <= js, `${fmt(w)} ns vs ${fmt(js)} ns (${(w / js).toFixed(2)}×)`);
    if (w && cp) judge('switch ≥ 10× faster than CPython asyncio', cp / w >= 10, `${(cp / w).toFixed(1)}× faster`);
    if (w && py) judge('switch ≥ 50× faster than Pyodide', py / w >= 50, `${(py / w).toFixed(0)}× faster`);
  }
  const sp = get('weft-wasm', 'spawn ns/task');
  if (sp) judge('spawn + finish ≤ 1 µs per task (wasm)', sp <= 1000, `${fmt(sp)} ns`);
  const max = all.find((x) => x.impl === 'weft-wasm' && x.metric === 'max concurrently sleeping tasks');
  if (max) judge('1 000 000 default tasks sleeping at once in one instance', max.value >= 1000000, `${fmt(max.value)}${/cap/.test(max.unit) ? ' (cap reached)' : ''}`);
  const bpt = get('weft-wasm', 'bytes per suspended task');
  if (bpt) judge('a default task ≤ 3 300 bytes while suspended', bpt <= 3300, `${fmt(bpt)} B`);
  const con = get('weft-wasm', 'calls stack check on'), coff = get('weft-wasm', 'calls stack check off');
  const son = get('weft-wasm', `switch ${sz(100)}x${sz(10000)} best`), soff = get('weft-wasm', `switch ${sz(100)}x${sz(10000)} no stack check best`);
  if (con && coff && son && soff) judge('cost of the stack-overflow check ≤ 10 % (switch, call-heavy loop)', con / coff <= 1.1 && son / soff <= 1.1, `switch ${((son / soff - 1) * 100).toFixed(1)} %, calls ${((con / coff - 1) * 100).toFixed(1)} %`);
  if (bpt) judge('compact tasks ≤ 1 KB suspended, 1 000 000 sleeping at once', false, `not built; a default task holds ${fmt(bpt)} B`);
  const tw = get('weft-wasm', 'timers lateness p99'), tj = get('js', 'timers lateness p99');
  if (tw !== undefined && tj !== undefined) judge('timer lateness p99 within 1 ms of raw setTimeout (timer futures vs setTimeout promises)', tw - tj <= 1, `${fmt(tw)} ms vs ${fmt(tj)} ms (${tw - tj >= 0 ? '+' : '−'}${fmt(Math.abs(tw - tj))} ms)`);
  const sw2 = get('weft-wasm', 'sleepers lateness p99'), sj = get('js', 'sleepers lateness p99');
  if (sw2 !== undefined && sj !== undefined) judge('sleeping tasks: lateness p99 vs JS async functions (no target; reported)', undefined, `${fmt(sw2)} ms vs ${fmt(sj)} ms (${sw2 - sj >= 0 ? '+' : '−'}${fmt(Math.abs(sw2 - sj))} ms)`);
  const fr = recs.find((r) => r.suite === 'fetch');
  if (fr) {
    const n = fr.rows[0].metric.split(' ')[1];
    const list = (r) => r.map((x) => x.toFixed(2)).join(', ');
    const spread = (host, peer) => {
      const r = roundRatios(fr.raw, host, peer);
      return r.length > 1 ? `; per ${host === 'chromium' ? 'page' : 'process'}: ${list(r)}` : '';
    };
    const ratio = (metric, jsMetric = metric) => {
      const w = get('weft-wasm', metric), j = get('js', jsMetric);
      return w && j ? w / j : undefined;
    };
    const fetchJudge = (what, host, metric) => {
      const med = ratio(`${metric} (median)`), best = ratio(metric);
      const paired = pairedRatio(fr.raw, host, 'js');
      if (med !== undefined) judge(`fetch throughput ≥ 0.9× raw Promise.all(fetch) ${what} (median batch, batches interleaved)`, med >= 0.9, `${med.toFixed(2)}×${spread(host, 'js')}; ${paired !== undefined ? `round by round (median of each round's ratio) ${paired.toFixed(2)}×; ` : ''}best batch ${best.toFixed(2)}×`);
    };
    const cpuW = get('weft-wasm', `fetch ${n} concurrent, client CPU ms per batch (median)`), cpuJ = get('js', `fetch ${n} concurrent, client CPU ms per batch (median)`);
    fetchJudge('in Node', 'node', `fetch ${n} concurrent, requests/s`);
    const warm = (impl) => fr.raw.filter((l) => !l.host && l.impl === impl && l.warmup_ms).map((l) => l.warmup_ms);
    const ww = warm('weft-wasm'), wj = warm('js');
    if (ww.length && wj.length) {
      judge('fetch during the warm-up in Node (no target; the rounds not counted above)', undefined,
        `${(medianOf(wj.flat()) / medianOf(ww.flat())).toFixed(2)}× (median batch of the warm-up rounds, ${ww[0].length} per process; the first round's first batch, weft's, opens the connections)`);
    }
    if (cpuW && cpuJ) judge('fetch: client CPU per batch vs raw Promise.all(fetch) in Node (no target; weft\'s own cost)', undefined, `${fmt(cpuW)} vs ${fmt(cpuJ)} ms (${(cpuW / cpuJ).toFixed(2)}×)`);
    fetchJudge('in Chromium', 'chromium', `fetch ${n} concurrent in Chromium, requests/s`);
    const sm = ratio(`fetch ${n} concurrent, requests/s (median)`, `fetch ${n} concurrent, requests/s (median, JS with a signal)`);
    const cpuS = get('js', `fetch ${n} concurrent, client CPU ms per batch (median, JS with a signal)`);
    if (sm !== undefined) judge('fetch throughput vs JS with an AbortController per request (no target; the JS that can abort a request as weft can)', undefined, `${sm.toFixed(2)}× (median batch)${spread('node', 'js+signal')}${cpuS && cpuJ ? `; the signal costs JS ${Math.abs(Math.round((cpuS / cpuJ - 1) * 100))} % ${cpuS >= cpuJ ? 'more' : 'less'} client CPU per batch` : ''}`);
  }
  const zr = recs.find((r) => r.suite === 'zip');
  if (zr) { // no target: the ratios, reported
    for (const what of ['stored', 'deflated']) {
      const metric = zr.rows.find((row) => row.metric.includes(` ${what}, MB/s (median)`))?.metric;
      const w = get('weft-wasm', metric), n = get('weft-native', metric), f = get('js', metric), z = get('zip-cli', metric);
      const r = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : '—');
      if (w) judge(`zip throughput, ${what} (no target; reported)`, undefined, `weft (wasm) ${fmt(w)} MB/s: ${r(w, z)} zip -r, ${r(w, f)} fflate; weft (native) ${r(n, z)} zip -r, ${r(n, f)} fflate`);
    }
  }
  const up = get('weft-wasm', 'worker pool speed-up');
  if (up) {
    const tw = get('weft-wasm', 'worker round trip, µs'), tj = get('js', 'worker round trip, µs');
    judge('worker pool (no target; reported)', undefined, `${up.toFixed(2)}× faster in the pool than on the loop's thread; a job's round trip ${fmt(tw)} µs, ${tj ? `${(tw / tj).toFixed(2)}× a bare postMessage round trip (${fmt(tj)} µs)` : 'no JS figure'}`);
  }
  const gz = get('weft-wasm', 'runtime wasm, gzip');
  if (gz) judge('runtime wasm ≤ 40 KB gzip', gz <= 40000, `${(gz / 1024).toFixed(1)} KiB`);
  const ins = get('weft-wasm', 'Asyncify-instrumented functions');
  if (ins) judge('Asyncify instrumentation limited to what can suspend', undefined, `${ins} functions instrumented (${get('weft-wasm', 'Asyncify-instrumented functions with the default import list') ?? '?'} with the default import list)`);
  return out;
}

const records = loadRecords();
const table = buildTable(records.filter((r) => suites.includes(r.suite)));
console.log(`\n${table}\n`);
console.log('Ratios are weft (wasm) ÷ peer: below 1× weft is faster/smaller, except rows marked ↑ (higher is better); timer rows give weft − peer in ms. † = reduced size for that peer (see docs/benchmarks.md).');
const allSkipped = Object.entries(skipped);
for (const [impl, why] of allSkipped) console.log(`${IMPLS[impl].label}: not measured — ${why}`);
for (const t of targets(records.filter((r) => suites.includes(r.suite)))) console.log(t);
if (failures.length) console.log(`failures:\n  ${failures.join('\n  ')}`);
console.error(`bench: done in ${((performance.now() - tStart) / 1000).toFixed(0)} s; wrote ${OUT}/{${suites.join(',')}}.json`);

if (!flag('--no-doc') && !strOpt('--out')) writeDoc(records);

function writeDoc(recs) {
  const docPath = join(root, 'docs/benchmarks.md');
  const prev = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '';
  const begin = '<!-- bench:begin (generated by scripts/bench.mjs from bench/results/*-raw.json; do not edit by hand) -->';
  const end = '<!-- bench:end -->';
  const bySuite = recs.map((r) => `- \`${r.suite}\`: \`${r.command}\`, ${r.date}, ${r.seconds} s, load average ${r.load[0]} → ${r.load[1]}, commit ${r.machine.commit}${r.machine.dirty.length ? ` + uncommitted changes to ${r.machine.dirty.map((f) => `\`${f}\``).join(', ')}` : ''}${r.scale !== 1 ? `, **sizes scaled ×${r.scale}**` : ''}`);
  const m = recs[recs.length - 1]?.machine || machine;
  const skippedNotes = [...new Set(recs.flatMap((r) => Object.entries(r.skipped || {}).map(([i, why]) => `${IMPLS[i].label}: not measured — ${why}.`)))];
  const section = [
    begin,
    '## Results',
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.mem_gib} GiB; Node ${m.node}; emcc ${m.emcc}; ${m.python}; Pyodide ${m.pyodide}. The machine is shared with other work, so figures move by 10–30 % between runs; each column was measured in the same run as the others.`,
    '',
    'Runs (a suite run alone replaces its own rows):',
    ...bySuite,
    '',
    buildTable(recs),
    '',
    'Ratios are weft (wasm) ÷ peer: below 1× weft is faster or smaller, except on rows marked ↑, where higher is better. Timer rows give the difference weft − peer in ms instead (lateness can be near zero). † = that peer ran a reduced size (noted below). "—": not applicable or not measured.',
    ...skippedNotes.map((s) => `${s}`),
    '',
    '### Targets of issues #3 and #6 on these figures',
    '',
    ...targets(recs).map((t) => `- ${t}`),
    '',
    '### How each workload is measured',
    '',
    ...recs.flatMap((r) => r.notes.map((n, i) => (i === 0 ? `- **${r.suite}**: ${n}` : `  ${n}`))),
    end,
  ].join('\n');
  let doc;
  if (prev.includes(begin.slice(0, 20)) && prev.includes(end)) {
    const a = prev.indexOf('<!-- bench:begin');
    const b = prev.indexOf(end) + end.length;
    doc = prev.slice(0, a) + section + prev.slice(b);
  } else {
    const head = prev.split('<!-- bench:switch:begin')[0].trimEnd();
    doc = `${head || '# Benchmarks'}\n\n${section}\n`;
  }
  writeFileSync(docPath, doc.endsWith('\n') ? doc : `${doc}\n`);
  console.error('bench: rewrote docs/benchmarks.md');
}
