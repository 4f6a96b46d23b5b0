#!/usr/bin/env node
// The plain-JavaScript peers of scripts/bench.mjs, one measurement per
// process, one JSON line on stdout (the same fields as bench/workloads.c).
//
//   node bench/peers.mjs switch <microtask|immediate> <N> <K> <reps> <warmups>
//   node bench/peers.mjs spawn <N> <reps>         N async functions, each deferred by one `await null`
//   node bench/peers.mjs gather <N> <reps>        N waiters on N promises resolved by N other async functions
//   node bench/peers.mjs timers <N> <max_ms>      raw setTimeout promises (.then records): lateness
//   node bench/peers.mjs sleepers <N> <max_ms>    N async functions, each awaiting a setTimeout promise
//   node --expose-gc bench/peers.mjs memory <M>   heap bytes per suspended async function
//   node bench/peers.mjs start                    first async function run (the driver times the process)
const hrms = () => performance.now();
const peakRss = () => Math.round(process.resourceUsage().maxRSS / 102.4) / 10;
const r3 = (x) => Math.round(x * 1000) / 1000;

function stats(runs) {
  const s = [...runs].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { best: s[0], median };
}

function runsLine(bench, impl, n, runs, extra = {}) {
  const { best, median } = stats(runs);
  return { bench, impl, n, reps: runs.length, best_ms: r3(best), median_ms: r3(median), peak_rss_mib: peakRss(), runs_ms: runs.map(r3), ...extra };
}

async function switchRun(kind, n, k) {
  const worker = kind === 'microtask'
    ? async () => { for (let i = 0; i < k; i++) await null; }
    : async () => { for (let i = 0; i < k; i++) await new Promise((r) => setImmediate(r)); };
  const t0 = hrms();
  const all = new Array(n);
  for (let i = 0; i < n; i++) all[i] = worker();
  await Promise.all(all);
  return hrms() - t0;
}

async function peerSwitch(kind, n, k, reps, warmups) {
  for (let i = 0; i < warmups; i++) await switchRun(kind, n, k);
  const runs = [];
  for (let i = 0; i < reps; i++) runs.push(((await switchRun(kind, n, k)) * 1e6) / (n * k));
  const { best, median } = stats(runs);
  const r2 = (x) => Math.round(x * 100) / 100;
  return { bench: 'switch', impl: kind === 'microtask' ? 'js' : 'js-setImmediate', n, k, switches: n * k, warmups, reps, best_ns: r2(best), median_ns: r2(median), runs_ns: runs.map(r2) };
}

async function spawnRun(n) {
  let finished = 0;
  const short = async () => { await null; finished++; return 0; };
  const t0 = hrms();
  const all = new Array(n);
  for (let i = 0; i < n; i++) all[i] = short();
  await Promise.all(all);
  if (finished !== n) throw new Error('spawn: not every task finished');
  return hrms() - t0;
}

async function gatherRun(n) {
  const t0 = hrms();
  const resolvers = new Array(n);
  const futs = new Array(n);
  for (let i = 0; i < n; i++) futs[i] = new Promise((r) => { resolvers[i] = r; });
  const waiters = new Array(n);
  for (let i = 0; i < n; i++) waiters[i] = (async (f) => await f)(futs[i]);
  for (let i = 0; i < n; i++) (async (i) => { await null; resolvers[i](7); })(i);
  const res = await Promise.all(waiters);
  if (res.some((v) => v !== 7)) throw new Error('gather: wrong result');
  return hrms() - t0;
}

async function repeat(fn, n, reps) {
  const runs = [];
  for (let i = 0; i < reps; i++) runs.push(await fn(n));
  return runs;
}

// The same pseudo-random delays as bench/workloads.c: 1 + ((i*2654435761 + seed) mod 2^32) mod max.
const delayOf = (i, max, seed = 12345) => 1 + (((Math.imul(i, 2654435761 | 0) >>> 0) + seed) >>> 0) % max;

// timers: raw setTimeout promises, each watched by .then (weft: sleep
// futures with done callbacks); sleepers: async functions, each awaiting
// one (weft: tasks calling weft_sleep).
async function peerTimers(bench, n, max) {
  const late = new Float64Array(n);
  const delays = new Array(n);
  for (let i = 0; i < n; i++) delays[i] = delayOf(i, max);
  const sleeper = async (i) => {
    const d = delays[i];
    const s = hrms();
    await new Promise((r) => setTimeout(r, d));
    late[i] = hrms() - s - d;
  };
  const t0 = hrms();
  const all = new Array(n);
  for (let i = 0; i < n; i++) {
    if (bench === 'sleepers') { all[i] = sleeper(i); continue; }
    const d = delays[i];
    const s = hrms();
    all[i] = new Promise((r) => setTimeout(r, d)).then(() => { late[i] = hrms() - s - d; });
  }
  await Promise.all(all);
  const wall = hrms() - t0;
  late.sort();
  return { bench, impl: 'js', n, max_delay_ms: max, p50_ms: r3(late[n >> 1]), p99_ms: r3(late[Math.floor(n * 0.99)]), max_ms: r3(late[n - 1]), min_ms: r3(late[0]), wall_ms: r3(wall), peak_rss_mib: peakRss() };
}

async function peerMemory(m) {
  const gc = globalThis.gc;
  if (!gc) throw new Error('memory needs node --expose-gc');
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
  return { bench: 'memory', impl: 'js', tasks: m, bytes_per_task: Math.round(((after - before) / m) * 10) / 10 };
}

const [mode, ...a] = process.argv.slice(2);
const num = (i) => Number(a[i]);
let out;
switch (mode) {
  case 'switch': out = await peerSwitch(a[0], num(1), num(2), num(3), num(4)); break;
  case 'spawn': await spawnRun(Math.min(num(0), 10000)); out = runsLine('spawn', 'js', num(0), await repeat(spawnRun, num(0), num(1))); break;
  case 'gather': await gatherRun(num(0)); out = runsLine('gather', 'js', num(0), await repeat(gatherRun, num(0), num(1))); break;
  case 'timers': case 'sleepers': out = await peerTimers(mode, num(0), num(1)); break;
  case 'memory': out = await peerMemory(num(0)); break;
  case 'start': out = await (async () => ({ bench: 'start', impl: 'js', first_task_ms: r3(performance.now()) }))(); break;
  default:
    console.error('usage: see the comment at the top of bench/peers.mjs');
    process.exit(2);
}
console.log(JSON.stringify(out));
