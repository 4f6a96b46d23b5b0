// Tracing from JS: runs examples/taches as wasm in this process with
// Module.weftTrace, drains the ring after each batch (onWeftBatch), and checks
// the records, the task table and the Chrome trace; then drives the same
// program step by step (Module.weftManual + weftStep).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCommonJS } from '../../scripts/cjs.mjs';

import { root } from './lib.mjs';
import { startServer } from './server.mjs';
import { drain, taskTable, toChromeTrace, fromChromeTrace } from '../../src/js/trace.mjs';

const taches = join(root, 'build', 'wasm', 'examples', 'taches.js');
const skip = existsSync(taches) ? false : `build output missing: ${taches} (run: node scripts/build.mjs wasm)`;

/* Starts taches.js with tracing on the virtual clock. Resolves to
 * { mod, records, lines, exited } once the module is ready; `exited` resolves
 * to the exit status. */
async function start({ manual = false, capacity = true, drainEach = true, program = taches, args = [], virtual = true } = {}) {
  const records = [];
  const lines = [];
  let exit;
  const exited = new Promise((r) => { exit = r; });
  const factory = loadCommonJS(program);
  let mod;
  mod = await factory({
    arguments: args,
    wasmBinary: readFileSync(program.replace(/\.js$/, '.wasm')),
    weftTrace: capacity,
    weftManual: manual,
    preRun: [(M) => { if (virtual) M.ENV.WEFT_CLOCK = 'virtual'; }],
    print: (l) => lines.push(l),
    printErr: (l) => lines.push(`stderr: ${l}`),
    onWeftBatch: drainEach ? (loop) => { records.push(...drain(mod, loop)); } : undefined,
    onWeftExit: (status) => exit(status),
  });
  return { mod, records, lines, exited };
}

/* The checks every Chrome trace must pass to open in Perfetto and
 * chrome://tracing without errors. */
function checkChromeTrace(trace) {
  const ev = trace.traceEvents;
  assert.ok(Array.isArray(ev) && ev.length > 0);
  JSON.parse(JSON.stringify(trace)); // plain JSON
  const named = new Set(ev.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.tid));
  for (const e of ev) {
    assert.ok(typeof e.ph === 'string' && typeof e.pid === 'number' && typeof e.tid === 'number', JSON.stringify(e));
    if (e.ph !== 'M') assert.ok(Number.isFinite(e.ts) && e.ts >= 0, `ts of ${JSON.stringify(e)}`);
    assert.ok(named.has(e.tid), `tid ${e.tid} has thread_name metadata`);
  }
  // Complete slices never overlap on a thread.
  const byTid = new Map();
  for (const e of ev.filter((x) => x.ph === 'X')) {
    assert.ok(e.dur >= 0, `dur of ${JSON.stringify(e)}`);
    if (!byTid.has(e.tid)) byTid.set(e.tid, []);
    byTid.get(e.tid).push(e);
  }
  for (const [tid, xs] of byTid) {
    xs.sort((a, b) => a.ts - b.ts);
    for (let i = 1; i < xs.length; i++) {
      assert.ok(xs[i - 1].ts + xs[i - 1].dur <= xs[i].ts + 1e-6, `X slices overlap on tid ${tid}: ${JSON.stringify(xs[i - 1])} ${JSON.stringify(xs[i])}`);
    }
  }
  // Every async begin has its end (same cat, name, id), after it.
  const open = new Map();
  for (const e of ev.filter((x) => x.ph === 'b' || x.ph === 'e')) {
    const key = `${e.cat}/${e.name}/${e.id}`;
    if (e.ph === 'b') { assert.ok(!open.has(key), `b twice: ${key}`); open.set(key, e); }
    else { const b = open.get(key); assert.ok(b, `e without b: ${key}`); assert.ok(e.ts >= b.ts); open.delete(key); }
  }
  assert.equal(open.size, 0, `b without e: ${[...open.keys()]}`);
  // Flows: each s has one f with the same id, and each end binds to a slice
  // enclosing it on its thread (s: the waker's running slice; f: bp 'e', the
  // woken task's next slice, which starts at f's ts).
  const inSlice = (e) => (byTid.get(e.tid) || []).some((x) => x.ts <= e.ts + 1e-9 && e.ts <= x.ts + x.dur + 1e-9);
  const starts = new Map();
  const ends = new Map();
  for (const e of ev) {
    if (e.ph === 's') starts.set(e.id, e);
    if (e.ph === 'f') { ends.set(e.id, e); assert.equal(e.bp, 'e'); }
  }
  assert.deepEqual([...starts.keys()].sort(), [...ends.keys()].sort());
  for (const [id, s] of starts) {
    assert.ok(inSlice(s), `flow ${id} start binds to a slice`);
    assert.ok(inSlice(ends.get(id)), `flow ${id} end binds to a slice`);
    assert.ok(ends.get(id).ts >= s.ts);
  }
  return { byTid, flows: starts.size };
}

test('taches traced: records, task table, Chrome trace', { skip, timeout: 30000 }, async () => {
  const { records, lines, exited } = await start();
  assert.equal(await exited, 0);
  assert.deepEqual(lines.slice(3, 6), ['Fin de Tâche 2', 'Fin de Tâche 3', 'Fin de Tâche 1']);

  // seq increases; the main task and its three children are spawned.
  for (let i = 1; i < records.length; i++) assert.ok(records[i].seq > records[i - 1].seq);
  const spawns = records.filter((r) => r.kind === 'spawn');
  assert.deepEqual(spawns.map((r) => [r.task, r.other, r.name]), [[1, 0, 'main'], [2, 1, 'Tâche 1'], [3, 1, 'Tâche 2'], [4, 1, 'Tâche 3']]);

  // Each child sleeps at the user's line in taches.c, on a timer.
  const src = readFileSync(join(root, 'examples', 'taches.c'), 'utf8').split('\n');
  const sleepLine = src.findIndex((l) => l.includes('weft_sleep(')) + 1;
  const gatherLine = src.findIndex((l) => l.includes('weft_gather(')) + 1;
  const sus = records.filter((r) => r.kind === 'suspend');
  assert.deepEqual(sus.map((r) => [r.task, r.reason, r.site]), [
    [1, 'gather', `taches.c:${gatherLine}`],
    [2, 'timer', `taches.c:${sleepLine}`],
    [3, 'timer', `taches.c:${sleepLine}`],
    [4, 'timer', `taches.c:${sleepLine}`],
  ]);
  assert.deepEqual(records.filter((r) => r.kind === 'timer_arm').map((r) => [r.task, r.value]), [[2, 2000], [3, 1000], [4, 1500]]);

  // Finishes: Tâche 2, Tâche 3, Tâche 1 at 1000, 1500, 2000 ms; then main.
  const fin = records.filter((r) => r.kind === 'finish');
  assert.deepEqual(fin.map((r) => [r.task, r.t, r.status]), [[3, 1000, 'done'], [4, 1500, 'done'], [2, 2000, 'done'], [1, 2000, 'done']]);
  // Timers wake their task (by the loop); the gather wakes main after the last child.
  const wakes = records.filter((r) => r.kind === 'wake');
  assert.deepEqual(wakes.map((r) => [r.task, r.other, r.t]), [[3, 0, 1000], [4, 0, 1500], [2, 0, 2000], [1, 0, 2000]]);

  // The task table: all done, main's children, one resume for main before
  // the gather and one after.
  const table = taskTable(records);
  assert.deepEqual(table.map((r) => [r.id, r.name, r.parent, r.state]), [
    [1, 'main', 0, 'done'], [2, 'Tâche 1', 1, 'done'], [3, 'Tâche 2', 1, 'done'], [4, 'Tâche 3', 1, 'done']]);
  assert.deepEqual(table.map((r) => [r.resumes, r.wakes]), [[2, 1], [2, 1], [2, 1], [2, 1]]);
  assert.deepEqual(table.map((r) => r.idleMs), [2000, 2000, 1000, 1500]);
  assert.deepEqual(table.map((r) => r.busyMs), [0, 0, 0, 0]); // the virtual clock stands still while tasks run

  // The Chrome trace is valid and holds the run: one X slice per resume,
  // a flow per wake, every record recoverable.
  const trace = toChromeTrace(records);
  const { byTid, flows } = checkChromeTrace(trace);
  for (const row of table) assert.equal(byTid.get(row.id).length, row.resumes);
  assert.equal(flows, wakes.length);
  const names = trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args.name);
  assert.deepEqual(names, ['loop', 'main #1', 'Tâche 1 #2', 'Tâche 2 #3', 'Tâche 3 #4']);
  const back = fromChromeTrace(JSON.stringify(trace));
  assert.deepEqual(back, records);
  assert.deepEqual(taskTable(back), table);
});

test('taches stepped: one unit of work per weftStep, on the virtual clock', { skip, timeout: 30000 }, async () => {
  const { mod, records, lines, exited } = await start({ manual: true });
  assert.equal(mod.weftPaused(), true);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(lines.length, 0, 'nothing runs by itself in manual mode');
  assert.equal(mod.weftLoops().length, 1);
  let status = null;
  exited.then((s) => { status = s; });
  const perStep = [];
  let left = 1;
  for (let i = 0; i < 100 && left; i++) {
    const before = records.length;
    const nlines = lines.length;
    left = mod.weftStep();
    const got = records.slice(before);
    perStep.push({ resumes: got.filter((r) => r.kind === 'resume').map((r) => r.task), lines: lines.length - nlines, t: got.length ? got[got.length - 1].t : null });
  }
  assert.equal(left, 0);
  await new Promise((r) => setImmediate(r));
  assert.equal(status, 0);
  // Never more than one resume per step; the output grows with the resumes.
  for (const s of perStep) assert.ok(s.resumes.length <= 1, JSON.stringify(perStep));
  const order = perStep.filter((s) => s.resumes.length).map((s) => s.resumes[0]);
  assert.deepEqual(order, [1, 2, 3, 4, 3, 4, 2, 1]);
  assert.deepEqual(perStep.filter((s) => s.resumes.length).map((s) => s.lines), [0, 1, 1, 1, 1, 1, 1, 1]);
  assert.deepEqual(lines.slice(3, 7), ['Fin de Tâche 2', 'Fin de Tâche 3', 'Fin de Tâche 1', lines[6]]);
  assert.match(lines[6], /^Résultats/);
  // The same records as the automatic run, order included.
  const table = taskTable(records);
  assert.deepEqual(table.map((r) => r.state), ['done', 'done', 'done', 'done']);
  checkChromeTrace(toChromeTrace(records));
});

test('weftStep(loop, { task: true }): exactly one task resume per press', { skip, timeout: 30000 }, async () => {
  const { mod, records, lines, exited } = await start({ manual: true });
  const perPress = [];
  let left = 1;
  while (left) {
    const before = records.length;
    left = mod.weftStep(undefined, { task: true });
    perPress.push(records.slice(before).filter((r) => r.kind === 'resume').map((r) => r.task));
  }
  // The last press runs what is left after main finished (its done
  // callback: the exit) and resumes nothing.
  assert.deepEqual(perPress, [[1], [2], [3], [4], [3], [4], [2], [1], []]);
  assert.equal(await exited, 0);
  assert.equal(lines.length, 7);
});

test('pause and resume the automatic driving', { skip, timeout: 30000 }, async () => {
  const { mod, lines, exited } = await start({ manual: true });
  mod.weftStep(); // main starts, spawns, suspends on gather
  assert.equal(lines.length, 0);
  mod.weftResume();
  assert.equal(await exited, 0);
  assert.equal(lines.length, 7);
  assert.equal(mod.weftPaused(), false);
});

test('a small ring reports what it dropped', { skip, timeout: 30000 }, async () => {
  const { mod, exited } = await start({ manual: true, capacity: 4, drainEach: false });
  mod.weftResume();
  assert.equal(await exited, 0);
  const records = drain(mod);
  assert.equal(records.length, 5);
  assert.deepEqual(records.slice(0, 4).map((r) => [r.seq, r.kind]), [[0, 'spawn'], [1, 'resume'], [2, 'spawn'], [3, 'spawn']]);
  const d = records[4];
  assert.equal(d.kind, 'dropped');
  assert.ok(d.value > 20, `dropped ${d.value}`);
  assert.equal(d.seq, 4 + d.value);
  assert.deepEqual(drain(mod), []);
});

const getDocs = join(root, 'build', 'wasm', 'examples', 'get_docs.js');

test('get_docs traced: fetch started and finished, suspended on fetch at the user\'s line', { skip: existsSync(getDocs) ? false : 'get_docs not built', timeout: 60000 }, async () => {
  const server = await startServer();
  try {
    const { records, exited, lines } = await start({ program: getDocs, args: [server.url], virtual: false });
    assert.equal(await exited, 0, lines.join('\n'));
    const starts = records.filter((r) => r.kind === 'fetch_start');
    const ends = records.filter((r) => r.kind === 'fetch_end');
    assert.equal(starts.length, 4); // pages 1 to 4
    assert.ok(starts.every((r) => r.detail.startsWith(server.url)), JSON.stringify(starts));
    assert.deepEqual(ends.map((r) => r.status), [200, 200, 200, 200]);
    const src = readFileSync(join(root, 'examples', 'get_docs.c'), 'utf8').split('\n');
    // The fetch runs inside the iterator's anext, called by a WEFT_AFOR
    // step: the outermost site, the loop's line in amain, is the one recorded.
    const fetchLine = src.findIndex((l) => l.includes('WEFT_AFOR(')) + 1;
    const onFetch = records.filter((r) => r.kind === 'suspend' && r.reason === 'fetch');
    assert.ok(onFetch.length >= 4);
    assert.ok(onFetch.every((r) => r.site === `get_docs.c:${fetchLine}`), JSON.stringify(onFetch));
    // Real clock: time advances, and the fetches are apart from each other.
    assert.ok(ends[3].t > starts[0].t);
    checkChromeTrace(toChromeTrace(records));
  } finally {
    await server.close();
  }
});
