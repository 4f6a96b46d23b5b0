// Faults from the JS side (docs/reliability.md): exceptions thrown inside the
// bridge's callbacks, promises rejecting with things that are not Errors,
// NaN-like numbers, a host timer firing seconds late, and the host calling
// into the runtime while a task is suspended. Each gives a named error, and
// the runtime keeps running other tasks. Programs: tests/js_bridge/
// promise_tasks.c and the prebuilt runtime (dist/).
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
const str = { result: 'string' };
const EJS = -20;
const EINVAL = -3;
const EBADHANDLE = -10;
let weft;
const load = async () => (weft ??= await createWeft({ module: program }));

/* A task that ticks every ms while `body` runs: proves the loop kept going.
 * Synchronised on the ticker's own count, never on the wall clock: it has
 * ticked before `body` starts and ticks again after it ends. */
async function whileTicking(w, body) {
  let release;
  const gate = new Promise((r) => { release = r; });
  const ticking = w.run('ticking_await', w.handle(gate));
  const ticksAfter = async (n) => { let t; while ((t = await w.run('tick_count')) <= n) await delay(1); return t; };
  await ticksAfter(0);
  const out = await body();
  await ticksAfter(await w.run('tick_count'));
  release('go');
  const ticks = await ticking;
  return { out, ticks };
}

test('an exception thrown while the bridge reads a rejection reason: WEFT_EJS with a named message, other tasks run', { skip }, async () => {
  const w = await load();
  const describe = (p) => w.run('describe', w.handle(p), str);
  const { out, ticks } = await whileTicking(w, async () => {
    const badMessage = new Error('x');
    Object.defineProperty(badMessage, 'message', { get() { throw new Error('getter threw'); } });
    const hostile = new Proxy({}, {
      getPrototypeOf() { throw new Error('trap'); },
      get() { throw new Error('trap'); },
      ownKeys() { throw new Error('trap'); },
    });
    const badPrimitive = { [Symbol.toPrimitive]() { throw new Error('no'); }, toJSON() { throw new Error('no'); } };
    return [await describe(Promise.reject(badMessage)), await describe(Promise.reject(hostile)),
      await describe(Promise.reject(badPrimitive))];
  });
  for (const d of out) assert.equal(d, 'error 0 Error: the rejection reason could not be converted to text');
  assert.ok(ticks >= 2, `the loop kept running other tasks (${ticks} ticks)`);
  assert.equal(await w.run('loop_alive'), 1);
});

test('an exception thrown while the bridge converts a resolved value: WEFT_EJS named, other tasks run', { skip }, async () => {
  const w = await load();
  const describe = (v) => w.run('describe', w.handle(Promise.resolve(v)), str);
  const { out } = await whileTicking(w, async () => [
    await describe({ toJSON() { throw new Error('toJSON threw'); } }),
    await describe({ big: 10n }),
    // Not a thenable (or the promise itself would reject), but every other read throws.
    await describe(new Proxy({}, { ownKeys() { throw new Error('trap'); },
      get(t, k) { if (k === 'then') return undefined; throw new Error('trap'); } })),
  ]);
  for (const d of out) assert.equal(d, 'error 0 TypeError: value cannot be converted to JSON');
  await assert.rejects(w.run('value_of', w.handle(Promise.resolve({ toJSON() { throw new Error('x'); } }))),
    (e) => e.code === EJS && e.codeName === 'WEFT_EJS');
  assert.equal(await w.run('loop_alive'), 1);
});

test('rejections with non-Error reasons reach C as text', { skip }, async () => {
  const w = await load();
  const describe = (p) => w.run('describe', w.handle(p), str);
  assert.equal(await describe(Promise.reject(null)), 'error 0 null');
  assert.equal(await describe(Promise.reject(Symbol('s'))), 'error 0 Symbol(s)');
  assert.equal(await describe(Promise.reject(Object.create(null))), 'error 0 {}');
  assert.equal(await describe(Promise.reject(NaN)), 'error 0 NaN');
  assert.equal(await describe(Promise.reject([1, 'two'])), 'error 0 [1,"two"]');
  assert.equal(await describe(Promise.reject(12n)), 'error 0 12');
});

test('NaN-like numbers from JS: a defined value, never a trap', { skip }, async () => {
  const w = await load();
  const describe = (v) => w.run('describe', w.handle(Promise.resolve(v)), str);
  assert.equal(await describe(NaN), 'number nan ');
  assert.equal(await describe(Infinity), 'number inf ');
  assert.equal(await describe(-Infinity), 'number -inf ');
  assert.equal(await describe(-0), 'number -0 ');
  // The future's own value is an intptr_t: out-of-range numbers become 0.
  for (const v of [NaN, Infinity, -Infinity, 1e300, -1e300, 2 ** 53])
    assert.equal(await w.run('value_of', w.handle(Promise.resolve(v))), 0, String(v));
  assert.equal(await w.run('value_of', w.handle(Promise.resolve(2 ** 31 - 1))), 2 ** 31 - 1);
  // Arguments: an intptr_t is an integer of 32 bits: NaN, ±Infinity and
  // fractions are a RangeError (never silently truncated), before anything starts.
  for (const v of [NaN, Infinity, -Infinity, 2.9])
    await assert.rejects(w.run('guarded_sleep', v), (e) => e instanceof RangeError, String(v));
  assert.equal(await w.run('guarded_sleep', -5), -5); // a negative delay counts as 0
  await assert.rejects(w.run('describe', {}), (e) => e instanceof TypeError);
  assert.equal(await w.run('describe', 0, str), `rc ${EINVAL}`); // handle 0: no such promise
  assert.equal(await w.run('loop_alive'), 1);
});

test('a host timer firing seconds late: sleepers wake late, in order, never early, and the loop goes on', { skip: skipDist }, async () => {
  const w = await createWeft();
  const order = [];
  const t0 = w.loopNow();
  const runs = [30, 10, 20].map((ms) => w.run('sleep_then', ms).then((v) => { order.push([v, w.loopNow() - t0]); }));
  const spinUntil = performance.now() + 1500; // the host's event loop is blocked: every timer fires late
  while (performance.now() < spinUntil) { /* spin */ }
  await Promise.all(runs);
  assert.deepEqual(order.map(([v]) => v), [10, 20, 30]);
  for (const [v, at] of order) assert.ok(at >= v, `woke at ${at} ms, before its ${v} ms`);
  assert.ok(order[0][1] >= 1400, `the loop saw the late timer (${order[0][1]} ms)`);
  assert.equal(await w.run('sleep_then', 5), 5);
});

test('the host calling into the runtime while a task is suspended: nested runs work, bad calls get named errors', { skip }, async () => {
  const w = await load();
  let settle;
  const pending = w.run('describe', w.handle(new Promise((r) => { settle = r; })), str);
  await delay(5); // the describe task is now suspended, awaiting the promise
  // Re-entering through the API while it waits.
  assert.equal(await w.run('value_of', w.handle(7)), 7);
  assert.equal(typeof w.loopNow(), 'number');
  assert.equal(w.strerror(EBADHANDLE).name, 'WEFT_EBADHANDLE');
  // Calling the module's exports directly with what is not a live future.
  const m = w.module;
  assert.equal(m._weft_host_resolve(0, 1), EINVAL);
  assert.equal(m._weft_host_fail(0, -1), EINVAL);
  const junk = m._malloc(64);
  m.HEAPU8?.fill(0, junk, junk + 64);
  assert.equal(m._weft_host_resolve(junk, 1), EBADHANDLE);
  m._free(junk);
  assert.equal(m._weft_loop_run_ready(0), -1); // no loop: nothing run, nothing to arm
  assert.equal(m._weft__js_cancel(0), EINVAL);
  // The suspended task is unharmed.
  settle('fine');
  assert.equal(await pending, 'string 0 fine');
  assert.equal(await w.run('loop_alive'), 1);
});
