// The worker pool of include/weft/worker.h under Node (worker_threads):
// build/wasm/tests/js_bridge/worker_tasks (tests/js_bridge/worker_tasks.c)
// loaded through the package entry point with createWeft({ workers }). Each
// job runs in a worker's own instance of the program; results are checked
// against the same computation on the loop's thread. Nothing here is timed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './lib.mjs';
import { createWeft } from 'weft';

const program = join(root, 'build', 'wasm', 'tests', 'js_bridge', 'worker_tasks.js');
const skip = existsSync(program) ? false : `build output missing: ${program} (run: node scripts/build.mjs wasm)`;
const EWORKER = -42;
const ENOENT = -29;
const EINVAL = -3;
const ENOSYS = -19;

test('workers: 8 jobs on a pool of 2 give the count the loop\'s own thread gives', { skip }, async () => {
  const w = await createWeft({ module: program, workers: 2 });
  assert.equal(w.workers.size, 2);
  const n = 200000;
  const here = await w.run('primes_here', n);
  assert.equal(here, 17984); // π(200 000)
  assert.equal(await w.run('primes_workers', n), here);
  const s = w.workers.stats();
  assert.equal(s.jobs, 8);
  assert.equal(s.started, 2); // never more workers than the pool's size
  assert.equal(s.replaced, 0);
  assert.equal(s.queued, 0);
  // Again: the idle workers are reused.
  assert.equal(await w.run('primes_workers', 1000), 168);
  assert.equal(w.workers.stats().started, 2);
});

test('workers: while a job runs the loop serves its other tasks', { skip }, async () => {
  const w = await createWeft({ module: program, workers: 1 });
  // The ticker ran while the job's future was still pending, and the job's result arrived: π(10 000) = 1229.
  assert.equal(await w.run('serves_meanwhile', 10000), 1000000 + 1229);
});

test('workers: a trap is WEFT_EWORKER and its worker is replaced; a code the job returns is its error', { skip }, async () => {
  const w = await createWeft({ module: program, workers: 1 });
  assert.equal(await w.run('job', 0), EWORKER);
  assert.equal(w.workers.stats().replaced, 1);
  assert.equal(await w.run('job', 2), ENOENT);
  assert.equal(await w.run('job', 3), EINVAL); // it claimed more bytes than its buffer holds
  // The pool still works after the trap: a fresh worker took the later jobs.
  assert.equal(await w.run('primes_workers', 1000), 168);
  assert.equal(w.workers.stats().started, 2);
});

test('workers: cancelling a task whose job never ends terminates that worker; the pool goes on', { skip }, async () => {
  const w = await createWeft({ module: program, workers: 1 });
  const ac = new AbortController();
  const spinning = w.run('job', 1, { signal: ac.signal });
  // The job is running once the pool's only worker has it.
  while (w.workers.stats().live === 0 || w.workers.stats().idle !== 0) await new Promise((r) => setTimeout(r, 5));
  ac.abort();
  await assert.rejects(spinning, { name: 'AbortError' });
  assert.equal(w.workers.stats().replaced, 1);
  assert.equal(await w.run('primes_workers', 1000), 168);
});

test('workers: { workers: 0 } has no pool: a job is WEFT_ENOSYS', { skip }, async () => {
  const w = await createWeft({ module: program, workers: 0 });
  assert.equal(w.workers, null);
  assert.equal(await w.run('job', 2), ENOSYS);
  await assert.rejects(createWeft({ module: program, workers: -1 }), { name: 'TypeError', message: /workers must be an integer/ });
});

test('workers: close() ends the workers; a running job and later ones fail with WEFT_EWORKER', { skip }, async () => {
  const w = await createWeft({ module: program, workers: 1 });
  const spinning = w.run('job', 1); // never ends on its own
  while (w.workers.stats().live === 0 || w.workers.stats().idle !== 0) await new Promise((r) => setTimeout(r, 5));
  w.workers.close();
  assert.equal(await spinning, EWORKER);
  assert.deepEqual({ live: w.workers.stats().live, idle: w.workers.stats().idle }, { live: 0, idle: 0 });
  assert.equal(await w.run('job', 2), EWORKER); // the pool takes no more jobs
  w.workers.close(); // idempotent
  assert.equal(await w.run('primes_here', 1000), 168); // the loop itself goes on
});
