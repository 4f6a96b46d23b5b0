// The workers suite of `npm run bench` (scripts/bench.mjs calls
// suiteWorkers): the worker pool of weft/worker.h under Node, with
// tests/js_bridge/worker_tasks.c as wasm loaded by createWeft({ workers }).
//   speed-up     the primes below N counted on the loop's own thread
//                (primes_here), then in 8 jobs gathered on a pool of one
//                worker per core (primes_workers): wall time here ÷ pool
//   round trip   K echo jobs of 4 bytes one after the other (round_trips):
//                the pool's cost per job, against the JS floor: K
//                postMessage round trips to a worker_threads worker that
//                posts each message back
// Each rep is its own process; the pool is warmed (its workers started)
// before anything is timed. Medians over the reps.
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : undefined; };

export async function suiteWorkers({ add, sz, reps, child, root, failures }) {
  const N = sz(2000000), K = sz(2000), R = reps(5), P = cpus().length;
  const program = join(root, 'build/wasm/tests/js_bridge/worker_tasks.js');
  const skipped = {};
  const raw = [];
  if (!existsSync(program)) {
    skipped['weft-wasm'] = `build output missing: ${program}`;
  } else {
    for (let i = 0; i < R; i++) {
      const r = await child(process.execPath, [fileURLToPath(import.meta.url), program, String(N), String(K), String(P)]);
      const line = r.lines[0];
      if (r.status !== 0 || !line) { failures.push(`workers: rep ${i} exited ${r.status}: ${r.stderr.slice(-400)}`); continue; }
      raw.push(line);
    }
  }
  const m = (k) => median(raw.map((l) => l[k]));
  if (raw.length) {
    add('weft-wasm', 'worker pool speed-up', m('hereMs') / m('poolMs'), '×');
    add('weft-wasm', 'primes on the loop thread, ms', m('hereMs'), 'ms');
    add('weft-wasm', 'primes in the pool, ms', m('poolMs'), 'ms');
    add('weft-wasm', 'worker round trip, µs', m('weftTripUs'), 'µs');
    add('js', 'worker round trip, µs', m('jsTripUs'), 'µs');
  }
  const rows = [
    { label: `workers: primes below ${N.toLocaleString('en-US')} in 8 jobs on ${P} workers, speed-up over the loop's thread`, metric: 'worker pool speed-up', unit: '×', better: 'higher', only: ['weft-wasm'] },
    { label: 'workers: … on the loop\'s thread, ms', metric: 'primes on the loop thread, ms', unit: 'ms', better: 'lower', only: ['weft-wasm'] },
    { label: 'workers: … in the pool, ms', metric: 'primes in the pool, ms', unit: 'ms', better: 'lower', only: ['weft-wasm'] },
    { label: `workers: round trip of a 4-byte job (${K.toLocaleString('en-US')} in turn), µs per job (JS: postMessage to a worker and back)`, metric: 'worker round trip, µs', unit: 'µs', better: 'lower' },
  ];
  const notes = [
    `tests/js_bridge/worker_tasks.c as wasm under Node, createWeft({ workers: ${P} }) (one per core), ${R} processes, medians. Speed-up: wall time of primes_here (the count on the loop's thread) over primes_workers (8 jobs gathered; the pool's workers started beforehand). Round trip: ${K} jobs of weft_to_worker one after the other, each 4 bytes out and back; the JS column is the same number of postMessage round trips to a worker_threads worker that posts each message back, the floor any pool on worker_threads pays.`,
  ];
  return { rows, notes, raw, skipped };
}

/* One rep, in its own process: node bench/workers.mjs <program> <N> <K> <P>. */
async function rep(program, N, K, P) {
  const { createWeft } = await import('weft');
  const { Worker } = await import('node:worker_threads');
  const w = await createWeft({ module: program, workers: P });
  await w.run('primes_workers', 10000); // start the workers
  await w.run('round_trips', 100);
  let t = performance.now();
  const here = await w.run('primes_here', N);
  const hereMs = performance.now() - t;
  t = performance.now();
  const pool = await w.run('primes_workers', N);
  const poolMs = performance.now() - t;
  if (pool !== here) throw new Error(`the pool counted ${pool}, the loop's thread ${here}`);
  t = performance.now();
  const ok = await w.run('round_trips', K);
  const weftTripUs = ((performance.now() - t) * 1000) / K;
  if (ok !== K) throw new Error(`${K - ok} round trips came back wrong`);
  const echo = new Worker("require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage(m))", { eval: true });
  const trip = (i) => new Promise((resolve) => { echo.once('message', resolve); echo.postMessage(new Uint8Array(new Uint32Array([i]).buffer)); });
  for (let i = 0; i < 100; i++) await trip(i);
  t = performance.now();
  for (let i = 0; i < K; i++) await trip(i);
  const jsTripUs = ((performance.now() - t) * 1000) / K;
  await echo.terminate();
  w.workers.close();
  console.log(JSON.stringify({ hereMs, poolMs, weftTripUs, jsTripUs, P }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [program, N, K, P] = process.argv.slice(2);
  await rep(program, Number(N), Number(K), Number(P));
  process.exit(0);
}
