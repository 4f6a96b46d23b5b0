#!/usr/bin/env node
// weft benchmarks.  npm run bench -- switch [--reps N] [--warmups N] [--rebuild] [--no-doc] [--no-advise]
//
// "switch" measures, in one run:
//   - weft on wasm (bench/switch.c under Node, Asyncify switching, virtual clock
//     loop driven by weft_loop_run() inside the program): ns per task switch
//     for N tasks x K weft_yield() calls;
//   - the JavaScript peers on the same Node: N async functions doing K
//     `await null` (microtasks), and K `await new Promise(r => setImmediate(r))`;
//   - weft natively (build/native, ucontext) for reference;
//   - a loop-only baseline (self-re-arming callbacks, no tasks), wasm and native;
//   - memory: bytes per suspended (started, sleeping) task on wasm, the same
//     for a suspended JS async function, and the largest number of
//     concurrently sleeping weft tasks one wasm instance holds with default
//     settings.
// Every measurement runs in its own child process, one after the other.
// Prints a table, writes bench/results/switch.json and refreshes the marked
// section of docs/benchmarks.md.
//
// Internal: `node scripts/bench.mjs --peer <microtask|immediate|memory> ...`
// runs one JS peer measurement and prints one JSON line.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const self = fileURLToPath(import.meta.url);

// --- JS peers (child mode) -------------------------------------------------

const hrms = () => Number(process.hrtime.bigint()) / 1e6;

async function peerSwitchRun(kind, n, k) {
  const step = kind === 'microtask'
    ? async function worker() { for (let i = 0; i < k; i++) await null; }
    : async function worker() { for (let i = 0; i < k; i++) await new Promise((r) => setImmediate(r)); };
  const t0 = hrms();
  const all = new Array(n);
  for (let i = 0; i < n; i++) all[i] = step();
  await Promise.all(all);
  return hrms() - t0;
}

async function peerSwitch(kind, n, k, reps, warmups) {
  for (let i = 0; i < warmups; i++) await peerSwitchRun(kind, n, k);
  const runs = [];
  for (let i = 0; i < reps; i++) runs.push(((await peerSwitchRun(kind, n, k)) * 1e6) / (n * k));
  const s = [...runs].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  const r2 = (x) => Math.round(x * 100) / 100;
  return { bench: 'switch', impl: `js-${kind}`, n, k, switches: n * k, warmups, reps, best_ns: r2(s[0]), median_ns: r2(median), runs_ns: runs.map(r2) };
}

// Bytes of JS heap per async function suspended on a promise that settles
// much later (the analogue of a sleeping weft task). Needs --expose-gc.
async function peerMemory(m) {
  const gc = globalThis.gc;
  if (!gc) throw new Error('peer memory needs node --expose-gc');
  let release;
  const gate = new Promise((r) => { release = r; });
  let started = 0;
  async function sleeper() { started++; await gate; }
  gc(); gc();
  const before = process.memoryUsage().heapUsed;
  const all = new Array(m);
  for (let i = 0; i < m; i++) all[i] = sleeper();
  gc(); gc();
  const after = process.memoryUsage().heapUsed;
  release();
  await Promise.all(all);
  if (started !== m) throw new Error('not every sleeper started');
  return { bench: 'mem', impl: 'js-async-function', tasks: m, heap_bytes_per_task: Math.round(((after - before) / m) * 10) / 10 };
}

if (process.argv[2] === '--peer') {
  const [kind, ...rest] = process.argv.slice(3);
  const nums = rest.map(Number);
  const out = kind === 'memory' ? await peerMemory(nums[0]) : await peerSwitch(kind, nums[0], nums[1], nums[2], nums[3]);
  console.log(JSON.stringify(out));
  process.exit(0);
}

// --- driver ----------------------------------------------------------------

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? Number(argv[i + 1]) : dflt;
};
const flag = (name) => argv.includes(name);
const suite = argv.find((a, i) => !a.startsWith('--') && !(i > 0 && argv[i - 1].startsWith('--') && ['--reps', '--warmups'].includes(argv[i - 1])));
if (suite !== 'switch') {
  console.error('usage: npm run bench -- switch [--reps N] [--warmups N] [--rebuild] [--no-doc] [--no-advise]');
  process.exit(2);
}
const REPS = opt('--reps', 11);
const loadBefore = loadavg()[0];
const WARMUPS = opt('--warmups', 2);
const WORKLOADS = [[100, 10000], [10000, 10]];
const MEM_TASKS = 2000;
const MAX_CAP = 200000;
const MAX_BATCH = 10000;

const env = { ...process.env, NODE_PATH: ['/usr/share/nodejs', process.env.NODE_PATH].filter(Boolean).join(':') };
const wasmJs = join(root, 'build/wasm/bench/bench_switch.js');
const nativeExe = join(root, 'build/native/bench/bench_switch');

if (flag('--rebuild') || ![wasmJs, wasmJs.replace(/\.js$/, '.wasm'), nativeExe].every(existsSync)) {
  console.error('bench: building (node scripts/build.mjs wasm native)');
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), 'wasm', 'native'], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
}

// Runs a child, returns its parsed JSON stdout lines; stderr passes through.
function child(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  const lines = (r.stdout || '').split('\n').filter((l) => l.startsWith('{'));
  if (r.status !== 0 || !lines.length) {
    throw new Error(`bench: ${what} failed (status ${r.status}, signal ${r.signal})\n${r.stdout}`);
  }
  return lines.map((l) => JSON.parse(l));
}
const runWasm = (args, what) => child(process.execPath, [join(root, 'bench/run-wasm.mjs'), wasmJs, ...args], what);
const runNative = (args, what) => child(nativeExe, args, what);
const runPeer = (args, what, nodeFlags = []) => child(process.execPath, [...nodeFlags, self, '--peer', ...args], what);

const results = []; // { impl, metric, value, unit }
const raw = [];
const add = (impl, metric, value, unit) => results.push({ impl, metric, value, unit });

const IMPLS = [
  { id: 'weft-wasm', label: 'weft wasm', run: (n, k) => runWasm(['switch', n, k, REPS, WARMUPS].map(String), `weft wasm switch ${n}x${k}`)[0] },
  { id: 'js-microtask', label: 'JS `await null`', run: (n, k) => runPeer(['microtask', n, k, REPS, WARMUPS].map(String), `JS microtask ${n}x${k}`)[0] },
  { id: 'js-setImmediate', label: 'JS `await setImmediate`', run: (n, k) => runPeer(['immediate', n, k, REPS, WARMUPS].map(String), `JS setImmediate ${n}x${k}`)[0] },
  { id: 'weft-native', label: 'weft native', run: (n, k) => runNative(['switch', n, k, REPS, WARMUPS].map(String), `weft native switch ${n}x${k}`)[0] },
];

for (const [n, k] of WORKLOADS) {
  for (const impl of IMPLS) {
    const r = impl.run(n, k);
    raw.push(r);
    console.error(`bench: ${impl.id.padEnd(16)} ${n} x ${k}: best ${r.best_ns} ns/switch, median ${r.median_ns} (runs ${r.runs_ns.join(' ')})`);
    add(impl.id, `switch ${n}x${k} best`, r.best_ns, 'ns/switch');
    add(impl.id, `switch ${n}x${k} median`, r.median_ns, 'ns/switch');
  }
}

// The loop alone (self-re-arming weft_call_soon callbacks, no task switch):
// what part of a switch is the loop's ready queue rather than the switch.
for (const [n, k] of WORKLOADS) {
  for (const [id, run] of [['weft-wasm', runWasm], ['weft-native', runNative]]) {
    const r = run(['callback', n, k, REPS, WARMUPS].map(String), `${id} callback ${n}x${k}`)[0];
    raw.push(r);
    console.error(`bench: ${id.padEnd(16)} ${n} x ${k} loop callbacks only: best ${r.best_ns} ns/callback, median ${r.median_ns}`);
    add(id, `loop callback ${n}x${k} best`, r.best_ns, 'ns/callback');
  }
}

// The same switches with tracing on (include/weft/trace.h): every switch
// writes its records to the loop's ring, drained once per round. The
// switch rows above are the cost with tracing off.
for (const [n, k] of WORKLOADS) {
  for (const [id, run] of [['weft-wasm', runWasm], ['weft-native', runNative]]) {
    const r = run(['switch-traced', n, k, REPS, WARMUPS].map(String), `${id} switch-traced ${n}x${k}`)[0];
    raw.push(r);
    console.error(`bench: ${id.padEnd(16)} ${n} x ${k} traced: best ${r.best_ns} ns/switch, median ${r.median_ns}`);
    add(id, `switch traced ${n}x${k} best`, r.best_ns, 'ns/switch');
  }
}

const mem = runWasm(['mem', String(MEM_TASKS)], 'weft wasm mem')[0];
raw.push(mem);
add('weft-wasm', 'bytes per suspended task (malloc)', mem.malloc_bytes_per_task, 'bytes');
add('weft-wasm', 'bytes per suspended task (sbrk)', mem.brk_bytes_per_task, 'bytes');
console.error(`bench: weft-wasm mem: ${mem.malloc_bytes_per_task} B/task (malloc), ${mem.brk_bytes_per_task} B/task (sbrk), stack ${mem.stack_size} + asyncify ${mem.asyncify_size}`);

const jsMem = runPeer(['memory', String(MEM_TASKS * 10)], 'JS memory', ['--expose-gc'])[0];
raw.push(jsMem);
add('js-microtask', 'bytes per suspended task (JS heap)', jsMem.heap_bytes_per_task, 'bytes');
console.error(`bench: js mem: ${jsMem.heap_bytes_per_task} B per suspended async function`);

const max = runWasm(['max', String(MAX_CAP), String(MAX_BATCH)], 'weft wasm max')[0];
raw.push(max);
add('weft-wasm', 'max concurrent sleeping tasks', max.sleeping, max.reached_cap ? 'tasks (>= cap)' : 'tasks');
console.error(`bench: weft-wasm max: ${max.sleeping} sleeping tasks (${max.stop}; heap end ${max.heap_end} B)`);

// --- environment ------------------------------------------------------------

function sh(cmd, args) {
  try { return execFileSync(cmd, args, { cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }); } catch { return ''; }
}
const cpuModel = (() => {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const field = (name) => info.match(new RegExp(`^${name}\\s*:\\s*(.+)$`, 'm'))?.[1].trim();
    const extra = [
      field('cpu family') && `family ${field('cpu family')} model ${field('model')}`,
      field('cpu MHz') && `${Math.round(Number(field('cpu MHz')))} MHz`,
      /\bhypervisor\b/.test(field('flags') || '') && 'virtual machine',
    ].filter(Boolean);
    const name = field('model name') || cpus()[0]?.model || 'unknown';
    return extra.length ? `${name} (${extra.join(', ')})` : name;
  } catch { return cpus()[0]?.model || 'unknown'; }
})();
const emccVersion = `emcc ${(sh('emcc', ['--version']).split('\n')[0].match(/\)\s*(\d+\.\d+\.\d+)/) || [, 'unknown'])[1]}`;
const commit = sh('git', ['rev-parse', '--short', 'HEAD']).trim() || 'unknown';
const dirty = sh('git', ['status', '--porcelain', '--', 'src', 'include', 'CMakeLists.txt', 'bench/switch.c'])
  .split('\n').filter(Boolean).map((l) => l.slice(3).replace(/^.* -> /, ''));
const machine = { cpu: cpuModel, cores: cpus().length, node: process.version, emcc: emccVersion, commit, dirty };

// Asyncify's instrumented functions, from -sASYNCIFY_ADVISE on a relink of
// the benchmark into a temporary directory (a couple of seconds).
function asyncifyAdvise() {
  const dir = join(root, 'build/wasm/bench');
  const linkTxt = join(dir, 'CMakeFiles/bench_switch.dir/link.txt');
  if (!existsSync(linkTxt)) return null;
  const tmp = mkdtempSync(join(tmpdir(), 'weft-advise-'));
  try {
    const cmd = readFileSync(linkTxt, 'utf8').trim().replace(/-o bench_switch\.js/, `-o ${join(tmp, 'b.js')}`);
    const r = spawnSync('bash', ['-c', `${cmd} -sASYNCIFY_ADVISE`], { cwd: dir, env, encoding: 'utf8' });
    const names = `${r.stdout}\n${r.stderr}`.split('\n').map((l) => l.match(/^\[asyncify\] (\S+) can change the state/)).filter(Boolean).map((m) => m[1]);
    return r.status === 0 ? names : null;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
const advised = flag('--no-advise') ? null : asyncifyAdvise();
if (advised) {
  add('weft-wasm', 'asyncify instrumented functions', advised.length, 'functions');
  console.error(`bench: Asyncify instruments ${advised.length} functions in bench_switch.wasm`);
}

// --- outputs ------------------------------------------------------------------

const get = (impl, metric) => results.find((r) => r.impl === impl && r.metric === metric)?.value;
const fmt = (v, digits = 1) => (v === undefined || v === null ? '—' : typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: digits }) : String(v));
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : '—');

const header = ['metric', 'weft wasm', 'JS `await null`', 'JS `await setImmediate`', 'weft native', 'weft wasm / JS await null', 'weft wasm / JS setImmediate'];
const rows = [];
for (const [n, k] of WORKLOADS) {
  for (const stat of ['best', 'median']) {
    const metric = `switch ${n}x${k} ${stat}`;
    const v = IMPLS.map((i) => get(i.id, metric));
    rows.push([`ns/switch, ${n.toLocaleString('en-US')} tasks × ${k.toLocaleString('en-US')} yields (${stat} of ${REPS})`, ...v.map((x) => fmt(x)), ratio(v[0], v[1]), ratio(v[0], v[2])]);
  }
}
for (const [n, k] of WORKLOADS) {
  const metric = `loop callback ${n}x${k} best`;
  rows.push([`baseline: ns per loop callback, no task (${n.toLocaleString('en-US')} × ${k.toLocaleString('en-US')}, best)`, fmt(get('weft-wasm', metric)), '—', '—', fmt(get('weft-native', metric)), '—', '—']);
}
for (const [n, k] of WORKLOADS) {
  const metric = `switch traced ${n}x${k} best`;
  rows.push([`ns/switch with tracing on, ${n.toLocaleString('en-US')} × ${k.toLocaleString('en-US')} (best)`, fmt(get('weft-wasm', metric)), '—', '—', fmt(get('weft-native', metric)), '—', '—']);
}
const wasmB = get('weft-wasm', 'bytes per suspended task (malloc)');
const jsB = get('js-microtask', 'bytes per suspended task (JS heap)');
rows.push(['bytes per suspended task (weft: malloc delta; JS: heap delta after GC)', fmt(wasmB, 0), fmt(jsB, 0), '—', '—', ratio(wasmB, jsB), '—']);
rows.push([`max concurrently sleeping tasks, default settings (cap ${MAX_CAP.toLocaleString('en-US')})`, `${max.reached_cap ? '≥ ' : ''}${fmt(max.sleeping, 0)}`, '—', '—', '—', '—', '—']);

const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
console.log(`\n${table}\n`);

const targets = {
  switch: get('weft-wasm', 'switch 100x10000 best'),
  max: max.sleeping,
};
const switchOk = targets.switch <= 300;
const maxOk = targets.max >= 10000;
console.log(`target ≤ 300 ns/switch at 100 × 10 000 (wasm): ${fmt(targets.switch)} ns — ${switchOk ? 'met' : 'NOT met'}`);
console.log(`target ≥ 10 000 concurrent sleeping tasks: ${fmt(targets.max, 0)} — ${maxOk ? 'met' : 'NOT met'}`);

mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/switch.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(root, 'bench/results/switch-raw.json'), `${JSON.stringify({ machine, raw, asyncify_instrumented: advised }, null, 2)}\n`);
console.error('bench: wrote bench/results/switch.json (and switch-raw.json)');

if (!flag('--no-doc')) {
  const cmdLine = `npm run bench -- ${argv.join(' ')}`.trim();
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const section = [
    '<!-- bench:switch:begin (generated by scripts/bench.mjs; do not edit by hand) -->',
    '## Task switch and memory (`switch`)',
    '',
    `Command: \`${cmdLine}\` — run ${date}.`,
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores; Node ${machine.node}; ${machine.emcc}. ` +
      `Load average (1 min) ${loadBefore.toFixed(2)} when the run started, ${loadavg()[0].toFixed(2)} when it ended (other work shares the machine).`,
    `Source: commit ${machine.commit}${machine.dirty.length ? ` with uncommitted changes to ${machine.dirty.map((f) => `\`${f}\``).join(', ')}` : ''}.`,
    '',
    table,
    '',
    `Targets: ≤ 300 ns per switch at 100 × 10 000 on wasm — ${fmt(targets.switch)} ns, **${switchOk ? 'met' : 'not met'}**; ` +
      `≥ 10 000 concurrently sleeping tasks with default settings — ${max.reached_cap ? '≥ ' : ''}${fmt(targets.max, 0)}, **${maxOk ? 'met' : 'not met'}**.`,
    '',
    'How it is measured:',
    '',
    `- A switch is one resumption of a suspended task: N tasks each call \`weft_yield()\` K times, so a run makes N × K switches. ` +
      'The time is wall time from the first spawn until every task has finished (task creation, first start with its stack allocation, and teardown included), divided by N × K. ' +
      'weft runs on a virtual-clock loop driven by `weft_loop_run()` inside the C program, so no host timer or event-loop hop is involved; wasm times come from `emscripten_get_now()`, native from `CLOCK_MONOTONIC`.',
    '- The baseline rows time the loop alone: N callbacks that re-arm themselves with `weft_call_soon` K times (no task, no Asyncify). ' +
      'A switch minus this is the cost of the task switch itself (suspend, Asyncify unwind of the task, rewind on resume, the stack canary check).',
    '- The JS peers run on the same Node, in their own process: N async functions each doing K `await null` (one microtask per switch), ' +
      'and N async functions each doing K `await new Promise(r => setImmediate(r))` (one macrotask turn per switch), timed the same way.',
    `- Every figure is the best (and the median) of ${REPS} repetitions after ${WARMUPS} warm-up runs, each implementation in a fresh process, one after the other. ` +
      'The machine is shared with other builds and tests, so medians are noisy; the best run is the figure to compare.',
    `- Memory: ${mem.tasks.toLocaleString('en-US')} tasks are spawned, started and left sleeping far in the future; the growth of \`mallinfo().uordblks\` divided by their number is the cost of one suspended task ` +
      `(sbrk growth: ${fmt(mem.brk_bytes_per_task, 0)} B/task). Defaults: ${mem.stack_size.toLocaleString('en-US')} B C stack + ${mem.asyncify_size.toLocaleString('en-US')} B Asyncify save buffer per task, allocated when the task first runs. ` +
      `The JS figure is \`process.memoryUsage().heapUsed\` growth (after GC) for ${jsMem.tasks.toLocaleString('en-US')} async functions suspended on one pending promise.`,
    `- Max: tasks are spawned in batches of ${MAX_BATCH.toLocaleString('en-US')}, each started and left sleeping, until a spawn fails, a task cannot get its stack, or ${MAX_CAP.toLocaleString('en-US')} sleep. ` +
      `This run stopped because: ${max.stop}, with the wasm heap at ${(max.heap_end / 2 ** 20).toFixed(0)} MiB (\`-sALLOW_MEMORY_GROWTH=1\`, whose default maximum in Emscripten 3.1.6 is 2 GiB).`,
    advised
      ? `- Asyncify instruments ${advised.length} functions in \`bench_switch.wasm\` (\`-sASYNCIFY_ADVISE\` on a relink): ${advised.map((f) => `\`${f}\``).join(', ')}.`
      : '- Asyncify instrumentation count: not measured in this run.',
    '- Raw numbers: `bench/results/switch.json` (`{impl, metric, value, unit}` list) and `bench/results/switch-raw.json` (every repetition, machine).',
    '<!-- bench:switch:end -->',
  ].join('\n');
  const docPath = join(root, 'docs/benchmarks.md');
  const intro = '# Benchmarks\n\nThe sections below are written by `scripts/bench.mjs` (`npm run bench -- <suite>`) and replaced on each run; do not edit them by hand.\n';
  let doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : intro;
  const re = /<!-- bench:switch:begin[\s\S]*?<!-- bench:switch:end -->/;
  doc = re.test(doc) ? doc.replace(re, section) : `${doc.trimEnd()}\n\n${section}\n`;
  mkdirSync(dirname(docPath), { recursive: true });
  writeFileSync(docPath, doc);
  console.error('bench: refreshed docs/benchmarks.md');
}
