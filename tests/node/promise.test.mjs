// The JS promise bridge (include/weft/js.h), both ways, on the real host:
// build/wasm/tests/js_bridge/promise_tasks (tests/js_bridge/promise_tasks.c)
// loaded through the package entry point ('weft', src/js/node.mjs), and the
// prebuilt runtime (dist/) for its built-in tasks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { root } from './lib.mjs';
import { createWeft } from 'weft'; // the package's own exports (its Node entry)

const program = join(root, 'build', 'wasm', 'tests', 'js_bridge', 'promise_tasks.js');
const skip = existsSync(program) ? false : `build output missing: ${program} (run: node scripts/build.mjs wasm)`;
const skipDist = existsSync(join(root, 'dist', 'weft.wasm')) ? false : 'dist/weft.wasm missing (run: node scripts/build.mjs wasm)';

const EJS = -20;
const str = { result: 'string' };
let weft;
const load = async () => (weft ??= await createWeft({ module: program }));

test('C awaits a resolved promise: each kind of value', { skip }, async () => {
  const w = await load();
  const describe = (v) => w.run('describe', w.handle(Promise.resolve(v)), str);
  assert.equal(await describe(42), 'number 42 ');
  assert.equal(await describe(-2.5), 'number -2.5 ');
  assert.equal(await describe('héllo wörld'), 'string 0 héllo wörld');
  assert.equal(await describe({ a: [1, 'x'], b: null }), 'json 0 {"a":[1,"x"],"b":null}');
  assert.equal(await describe(true), 'boolean 1 ');
  assert.equal(await describe(null), 'null 0 ');
  assert.equal(await describe(undefined), 'undefined 0 ');
  // A plain value (not a promise) is accepted too.
  assert.equal(await w.run('describe', w.handle(7), str), 'number 7 ');
  // The future's own value: a number as intptr, a string as a malloc'd char *.
  assert.equal(await w.run('value_of', w.handle(Promise.resolve(1234))), 1234);
  assert.equal(await w.run('value_of', w.handle(Promise.resolve(-7.9))), -7);
  assert.equal(await w.run('string_of', w.handle(Promise.resolve('abc')), str), 'abc');
});

test('C awaits a rejected promise: Error and non-Error reasons, WEFT_EJS', { skip }, async () => {
  const w = await load();
  const describe = (p) => w.run('describe', w.handle(p), str);
  assert.equal(await describe(Promise.reject(new TypeError('boom'))), 'error 0 TypeError: boom');
  assert.equal(await describe(Promise.reject(new Error('plain'))), 'error 0 Error: plain');
  assert.equal(await describe(Promise.reject('just a string')), 'error 0 just a string');
  assert.equal(await describe(Promise.reject(42)), 'error 0 42');
  assert.equal(await describe(Promise.reject({ code: 7 })), 'error 0 {"code":7}');
  assert.equal(await describe(Promise.reject(undefined)), 'error 0 undefined');
  // The future fails with WEFT_EJS; the task passes it on with weft_fail.
  await assert.rejects(w.run('value_of', w.handle(Promise.reject(new Error('x')))),
    (e) => e.code === EJS && e.codeName === 'WEFT_EJS' && e.name === 'WeftError' && /JavaScript promise rejected/.test(e.message));
  // A rejection that happens later, once C already awaits.
  const later = new Promise((_, reject) => setTimeout(() => reject(new RangeError('late')), 20));
  assert.equal(await describe(later), 'error 0 RangeError: late');
});

test('an unknown or already used handle gives WEFT_EINVAL', { skip }, async () => {
  const w = await load();
  assert.equal(await w.run('describe', 99999, str), 'rc -3');
  const h = w.handle(Promise.resolve(1));
  assert.equal(await w.run('describe', h, str), 'number 1 ');
  assert.equal(await w.run('describe', h, str), 'rc -3');
});

test('a promise resolved after a delay: other tasks keep running meanwhile', { skip }, async () => {
  const w = await load();
  let resolve;
  const p = new Promise((r) => { resolve = r; });
  const awaiting = w.run('ticking_await', w.handle(p));
  // The ticker sleeps 1 ms at a time: the promise resolves once it has
  // ticked 20 times while C awaited it (counted, not timed: a loaded
  // machine only makes it later).
  while (await w.run('tick_count') < 20) await delay(1);
  resolve('done');
  const ticks = await awaiting;
  assert.ok(ticks >= 20, `only ${ticks} ticks while the promise was pending`);
});

test('JS awaits C tasks: many at once, results in order', { skip }, async () => {
  const w = await load();
  const n = 300;
  const handles = Array.from({ length: n }, (_, i) => w.handle(delay(1 + (i * 7) % 40).then(() => i * 3)));
  const results = await Promise.all(handles.map((h) => w.run('value_of', h)));
  assert.deepEqual(results, Array.from({ length: n }, (_, i) => i * 3));
  assert.equal(await w.run('loop_alive'), 1, 'every task finished (only loop_alive itself is alive)');
});

test('cancel from JS with AbortController: cleanup runs, the promise rejects', { skip }, async () => {
  const w = await load();
  const before = await w.run('cleanup_count');
  const ac = new AbortController();
  const t0 = performance.now();
  const p = w.run('guarded_sleep', 60000, { signal: ac.signal });
  setTimeout(() => ac.abort(), 20);
  await assert.rejects(p, (e) => e === ac.signal.reason && e instanceof DOMException && e.name === 'AbortError');
  assert.ok(performance.now() - t0 < 5000);
  assert.equal(await w.run('cleanup_count'), before + 1, 'the C task cleaned up before the promise rejected');

  // A task awaiting a JS promise that never settles: the await is cancelled
  // and the task's cleanup runs too.
  const ac2 = new AbortController();
  const p2 = w.run('guarded_await', w.handle(new Promise(() => {})), { signal: ac2.signal });
  setTimeout(() => ac2.abort(), 10);
  await assert.rejects(p2, (e) => e === ac2.signal.reason);
  assert.equal(await w.run('cleanup_count'), before + 2);

  // Already aborted: rejects without starting the task.
  await assert.rejects(w.run('guarded_sleep', 10, { signal: AbortSignal.abort() }), (e) => e.name === 'AbortError');
  assert.equal(await w.run('cleanup_count'), before + 2);
  // Aborting after the task finished changes nothing.
  const ac3 = new AbortController();
  assert.equal(await w.run('guarded_sleep', 5, { signal: ac3.signal }), 5);
  ac3.abort();
  assert.equal(await w.run('loop_alive'), 1);
});

test('a task failing rejects with its weft code and weft_strerror text', { skip }, async () => {
  const w = await load();
  await assert.rejects(w.run('fail_with', -2), (e) =>
    e.name === 'WeftError' && e.code === -2 && e.codeName === 'WEFT_ETIMEDOUT' && e.message === 'operation timed out (WEFT_ETIMEDOUT)');
  await assert.rejects(w.run('fail_with', 5), (e) => e.code === -13 && e.codeName === 'WEFT_EFAILED');
  await assert.rejects(w.run('no_such_task'), (e) => e.code === -3 && /no task named 'no_such_task'/.test(e.message));
  assert.deepEqual(w.strerror(EJS), { name: 'WEFT_EJS', message: 'JavaScript promise rejected' });
});

test('the prebuilt runtime (dist/): built-in tasks', { skip: skipDist }, async () => {
  const w = await createWeft();
  const t0 = performance.now();
  assert.equal(await w.run('sleep_then', 30), 30);
  assert.ok(performance.now() - t0 >= 25);
  assert.equal(await w.run('echo', 'ça marche', str), 'ça marche');
  assert.deepEqual(JSON.parse(await w.run('gather_demo', 5, str)), { results: [15, 5, 10], finished: [5, 10, 15] });
  assert.equal(await w.run('await_promise', w.handle(delay(10).then(() => ({ ok: true }))), str), '{"ok":true}');
  await assert.rejects(w.run('await_promise', w.handle(Promise.reject(new Error('no'))), str), (e) => e.code === EJS);
  const a = w.loopNow();
  await w.run('sleep_then', 20);
  assert.ok(w.loopNow() - a >= 15, 'loopNow() follows the loop clock in ms');
  assert.equal(typeof w.module._malloc, 'function');
});
