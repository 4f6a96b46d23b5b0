// The JS entry under hostile input (src/js/library_promise.js,
// library_iter.js): every bad argument to run / iterate / strerror is a
// TypeError, a RangeError or a named weft code before anything starts, and
// the runtime keeps answering afterwards. Then a seeded fuzz of the whole
// entry (run, iterate, handle, iterHandle) with random names, arguments,
// options and signals: after every call, a plain run('sleep_then', 1) works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './lib.mjs';
import { createWeft } from 'weft'; // the package's own exports (its Node entry)

const program = join(root, 'build', 'wasm', 'tests', 'js_bridge', 'promise_tasks.js');
const small = join(root, 'build', 'wasm', 'tests', 'js_bridge', 'promise_tasks_small.js');
const skip = existsSync(program) && existsSync(small) ? false : `build output missing: ${program} (run: node scripts/build.mjs wasm)`;
const skipDist = existsSync(join(root, 'dist', 'weft.wasm')) ? false : 'dist/weft.wasm missing (run: node scripts/build.mjs wasm)';

const EJS = -20;
const ENOMEM = -4;
const str = { result: 'string' };
let weft, real;
const load = async () => (weft ??= await createWeft({ module: program, env: { WEFT_CLOCK: 'virtual' } }));

/* The runtime still runs tasks, and no task of the test was left behind
 * (loop_alive counts itself). */
async function alive(w) {
  assert.equal(await w.run('guarded_sleep', 1), 1);
  assert.equal(await w.run('loop_alive'), 1);
}

test('options.signal that is not an AbortSignal: a TypeError, and the task never starts', { skip }, async () => {
  const w = await load();
  const before = await w.run('cleanup_count');
  const fake = { aborted: false, addEventListener() {}, removeEventListener() { throw new Error('no'); } };
  for (const signal of [{}, 1, 'abort', fake, new EventTarget()]) {
    await assert.rejects(w.run('guarded_sleep', 1, { signal }), (e) => e instanceof TypeError && /options\.signal must be an AbortSignal/.test(e.message));
  }
  await assert.rejects(w.run('guarded_sleep', 1, 7), TypeError); // options must be an object
  assert.equal(await w.run('cleanup_count'), before);
  await alive(w);
});

test('a real AbortSignal whose removeEventListener throws: the run still ends and the loop lives', { skip }, async () => {
  const w = await load();
  const ac = new AbortController();
  ac.signal.removeEventListener = () => { throw new Error('hostile'); };
  assert.equal(await w.run('guarded_sleep', 3, { signal: ac.signal }), 3);
  await alive(w);
});

test("{ result: 'string' } is checked against what the C task returns: a mismatch is a TypeError, never a free", { skip }, async () => {
  const w = await load();
  // value_of returns a number (100 here): freeing it as a string corrupted the heap.
  await assert.rejects(w.run('value_of', w.handle(100), str), (e) => e instanceof TypeError && /gives numbers/.test(e.message));
  // A string task needs it: without, the pointer would come back as a number (and leak).
  await assert.rejects(w.run('describe', w.handle(1)), (e) => e instanceof TypeError && /gives strings: pass \{ result: 'string' \}/.test(e.message));
  for (const result of ['bytes', 1, null, {}]) await assert.rejects(w.run('value_of', 0, { result }), TypeError);
  assert.equal(await w.run('describe', w.handle(5), str), 'number 5 ');
  await alive(w);
});

test('names and string args that C cannot see as they are: NUL, lone surrogates, non-strings are a TypeError', { skip }, async () => {
  const w = await load();
  const typeError = (p, what) => assert.rejects(p, (e) => e instanceof TypeError && e.message.includes(what));
  await typeError(w.run('guarded_sleep\0junk', 1), 'NUL'); // ran guarded_sleep before
  await typeError(w.run('\uD800guarded_sleep', 1), 'lone surrogate');
  await typeError(w.run('guarded_sleep\uDC00', 1), 'lone surrogate');
  for (const name of [42, null, undefined, {}, Symbol('x')]) await assert.rejects(w.run(name, 1), TypeError);
  await typeError(w.run('describe', 'a\0b', str), 'NUL');
  await typeError(w.run('describe', 'x\uD800y', str), 'lone surrogate'); // merged with the next character before
  // A well-formed pair is one character, and fine.
  await assert.rejects(w.run('\uD83D\uDE00', 1), (e) => e.code === -3 && /no task named/.test(e.message));
  await alive(w);
});

test('numbers outside intptr_t (32-bit) are a RangeError; bigint and boolean a TypeError', { skip }, async () => {
  const w = await load();
  await assert.rejects(w.run('guarded_sleep', 2 ** 31 + 5), RangeError); // gave -2147483643 before
  await assert.rejects(w.run('guarded_sleep', -(2 ** 31) - 1), RangeError);
  await assert.rejects(w.run('guarded_sleep', 0.5), RangeError);
  await assert.rejects(w.run('guarded_sleep', 5n), TypeError);
  await assert.rejects(w.run('guarded_sleep', true), TypeError);
  assert.equal(await w.run('guarded_sleep', -(2 ** 31)), -(2 ** 31)); // the edges are fine
  assert.throws(() => w.iterate('count', 2 ** 32), RangeError);
  await alive(w);
});

test('iterate: the same checks, thrown before the generator is created', { skip: skipDist }, async () => {
  const w = await createWeft({ env: { WEFT_CLOCK: 'virtual' } });
  assert.throws(() => w.iterate('count', 3, str), (e) => e instanceof TypeError && /gives numbers/.test(e.message));
  assert.throws(() => w.iterate('words', 'a b'), (e) => e instanceof TypeError && /gives strings/.test(e.message));
  assert.throws(() => w.iterate('count\0', 3), TypeError);
  assert.throws(() => w.iterate('count', 1.5), RangeError);
  assert.throws(() => w.iterate('count', 3, 'x'), TypeError);
  const words = [];
  for await (const s of w.iterate('words', 'two words', str)) words.push(s);
  assert.deepEqual(words, ['two', 'words']);
  assert.equal(await w.run('gen_stats'), 0);
  assert.equal(await w.run('sleep_then', 1), 1);
});

test('strerror: a code must be an integer (NaN gave WEFT_OK); unknown integers are unknown', { skip: skipDist }, async () => {
  const w = await createWeft();
  assert.throws(() => w.strerror(NaN), RangeError);
  assert.throws(() => w.strerror('-1'), RangeError);
  assert.throws(() => w.strerror(-1.5), RangeError);
  assert.equal(w.strerror(-1).name, 'WEFT_ECANCELED');
  assert.deepEqual(w.strerror(2 ** 40), { name: 'WEFT_E?', message: 'unknown weft error' });
  assert.deepEqual(w.strerror(-(2 ** 32)), { name: 'WEFT_E?', message: 'unknown weft error' });
});

test('a string arg that does not fit in wasm memory rejects with WEFT_ENOMEM (it arrived as NULL)', { skip }, async () => {
  const w = await createWeft({ module: small });
  const big = 'x'.repeat(24 << 20); // the memory stops at 16 MiB
  await assert.rejects(w.run('describe', big, str), (e) => e.code === ENOMEM && e.codeName === 'WEFT_ENOMEM');
  assert.throws(() => w.iterate('nothing', big), (e) => e.code === -3); // no such generator: checked first
  assert.equal(await w.run('describe', w.handle('fits'), str), 'string 0 fits');
  assert.equal(await w.run('loop_alive'), 1);
});

test('a rejection the task awaited is the cause of its WEFT_EJS, named in the message', { skip }, async () => {
  const w = await load();
  const boom = new TypeError('boom');
  await assert.rejects(w.run('value_of', w.handle(Promise.reject(boom))),
    (e) => e.code === EJS && e.cause === boom && e.message === 'JavaScript promise rejected (WEFT_EJS): TypeError: boom');
  await assert.rejects(w.run('value_of', w.handle(Promise.reject(42))), (e) => e.code === EJS && e.cause === 42 && /: 42$/.test(e.message));
  // A failure of another code carries no cause.
  await assert.rejects(w.run('fail_with', -2), (e) => e.code === -2 && !('cause' in e));
  await alive(w);
});

test("an abort rejects with signal.reason: the platform's DOMException AbortError, or the caller's reason", { skip }, async () => {
  // The real clock: a virtual one would end the 60 s sleeps as soon as the loop idles.
  const w = await (real ??= createWeft({ module: program }));
  const before = await w.run('cleanup_count');
  const ac = new AbortController();
  const p = w.run('guarded_sleep', 60000, { signal: ac.signal });
  // A task spawned later has run: the first one is in its sleep (a task
  // cancelled before it starts never runs, so has no cleanup to run).
  await w.run('cleanup_count');
  ac.abort();
  await assert.rejects(p, (e) => e === ac.signal.reason && e instanceof DOMException && e.name === 'AbortError');
  const mine = new Error('stop now');
  const ac2 = new AbortController();
  const p2 = w.run('guarded_sleep', 60000, { signal: ac2.signal });
  await w.run('cleanup_count');
  ac2.abort(mine);
  await assert.rejects(p2, (e) => e === mine);
  await assert.rejects(w.run('guarded_sleep', 1, { signal: AbortSignal.abort('already') }), (e) => e === 'already');
  assert.equal(await w.run('cleanup_count'), before + 2, 'both tasks were cancelled and cleaned up');
  await alive(w);
});

// --- fuzz ---------------------------------------------------------------

// xorshift32: the same calls for the same seed (WEFT_FUZZ_SEED to replay).
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
}

test('fuzz: 10 000 random run/iterate/handle/iterHandle calls, the runtime answers after each', { skip: skipDist, timeout: 600000 }, async () => {
  const seed = Number(process.env.WEFT_FUZZ_SEED || 20261202);
  const calls = Number(process.env.WEFT_FUZZ_CALLS || 10000);
  const r = rng(seed);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const w = await createWeft({ env: { WEFT_CLOCK: 'virtual' } });
  const names = ['sleep_then', 'echo', 'gather_demo', 'await_promise', 'count', 'words', 'fail_after', 'gen_stats',
    'sum_iter', 'take_iter', 'iter_error', 'nope', '', 'sleep_then\0x', '\uD800', 'échø', 42, null, undefined, {}];
  // Thunks, so that only the value picked is made (a rejected promise made
  // and never handed to weft would be an unhandled rejection).
  const args = () => pick([
    undefined, null, 0, 1, 3, -1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 1.5, NaN, Infinity, 5n, true, 'a b c', '', 'x\0y',
    '\uDFFF', 'ünï', {}, [], () => 1, Symbol('s'),
    () => w.handle(Promise.resolve(r())), () => w.handle(Promise.reject(new Error('f'))), () => w.iterHandle([1, 2, 3]),
    () => w.iterHandle({ [Symbol.asyncIterator]() { return { next: () => Promise.reject(new Error('it')) }; } }),
  ].map((v, i) => (i >= 23 ? v : () => v)))();
  const signal = () => {
    const k = Math.floor(r() * 5);
    if (k === 0) return AbortSignal.abort();
    if (k === 1) { const ac = new AbortController(); Promise.resolve().then(() => ac.abort()); return ac.signal; }
    if (k === 2) return { aborted: false };
    if (k === 3) return new EventTarget();
    return undefined;
  };
  const options = () => pick([undefined, null, {}, str, { result: 'number' }, { result: 'x' }, 3, 'o',
    { signal: signal() }, { signal: signal(), result: 'string' }, { get result() { throw new Error('getter'); } }]);
  const outcomes = new Map();
  const note = (what) => outcomes.set(what, (outcomes.get(what) || 0) + 1);
  const settle = async (p) => {
    try { await p; note('ok'); } catch (e) { note(e && (e.codeName || e.name) || typeof e); }
  };
  for (let i = 0; i < calls; i++) {
    const kind = r();
    if (process.env.WEFT_FUZZ_TRACE) console.error('call', i, kind);
    try {
      if (kind < 0.55) {
        const call = [pick(names), args(), options()];
        // echo reads its arg as a string: C cannot tell a number from a
        // pointer, and reading one at -1 traps (an arg kind is not declared
        // by WEFT_JS_TASK yet), so it gets strings only.
        if (call[0] === 'echo' && typeof call[1] === 'number') call[1] = String(call[1]);
        if (process.env.WEFT_FUZZ_TRACE) console.error('run', call);
        await settle(w.run(...call));
      } else if (kind < 0.85) {
        const name = pick(names);
        let arg = args();
        if (name === 'words' && typeof arg === 'number') arg = String(arg); // as echo above
        const it = w.iterate(name, arg, options());
        const n = Math.floor(r() * 4);
        for (let k = 0; k < n; k++) await settle(it.next());
        if (r() < 0.5) await settle(it.return());
      } else if (kind < 0.95) {
        w.handle(pick([() => Promise.resolve(1), () => Promise.reject(new Error('x')), () => 7, () => undefined,
          () => new Promise((res) => setTimeout(res, 1))])()); // never one that stays pending: C awaiting it would hang
        note('handle');
      } else {
        w.iterHandle(pick([[1], new Set([2]), { next() { return { done: true }; } }, 5, null, 'str']));
        note('iterHandle');
      }
    } catch (e) {
      note(`throw ${e && (e.codeName || e.name)}`);
    }
    assert.equal(await w.run('sleep_then', 1), 1, `call ${i} (seed ${seed})`);
  }
  // Every kind of outcome was reached, so the fuzz is not all rejections.
  for (const k of ['ok', 'TypeError', 'RangeError', 'AbortError', 'WEFT_EINVAL', 'handle', 'iterHandle'])
    assert.ok(outcomes.get(k) > 0 || outcomes.get(`throw ${k}`) > 0, `no ${k} in ${JSON.stringify([...outcomes])}`);
});
