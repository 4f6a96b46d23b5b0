// Async iterators across the JS boundary (include/weft/js.h, src/js/library_iter.js),
// through the npm entry point and the prebuilt runtime (src/host/runtime.c):
// a C async generator is an AsyncIterable in JS, and a JS async iterable is
// a weft_aiter in C.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './lib.mjs';
import { createWeft } from 'weft'; // the package's own exports (its Node entry)

const skip = existsSync(join(root, 'dist', 'weft.wasm')) ? false : 'dist/weft.wasm missing (run: node scripts/build.mjs wasm)';
const EDONE_FREE = { done: true, value: undefined };
let weft;
const load = async () => (weft ??= await createWeft({ env: { WEFT_CLOCK: 'virtual' } }));

test('for await over a C generator: values in order, lazily, 10 ms apart on the loop clock', { skip }, async () => {
  const w = await load();
  const seen = [];
  const it = w.iterate('count', 4);
  const t0 = w.loopNow();
  for await (const x of it) seen.push([x, w.loopNow() - t0]);
  assert.deepEqual(seen, [[0, 10], [1, 20], [2, 30], [3, 40]]);
  // Exhausted: it stays done.
  assert.deepEqual(await it.next(), EDONE_FREE);
});

test('strings: each yielded malloc\'d string arrives as a JS string', { skip }, async () => {
  const w = await load();
  const words = [];
  for await (const s of w.iterate('words', 'héllo async wörld', { result: 'string' })) words.push(s);
  assert.deepEqual(words, ['héllo', 'async', 'wörld']);
});

test('break closes the C generator: its pending yield returns WEFT_ECLOSING', { skip }, async () => {
  const w = await load();
  const before = await w.run('gen_stats');
  const seen = [];
  for await (const x of w.iterate('count', 100)) {
    seen.push(x);
    if (x === 2) break;
  }
  assert.deepEqual(seen, [0, 1, 2]);
  assert.equal(await w.run('gen_stats'), before + 1);
  // Explicit return() on a suspended generator does the same, once.
  const it = w.iterate('count', 100);
  assert.deepEqual(await it.next(), { done: false, value: 0 });
  assert.deepEqual(await it.return(7), { done: true, value: 7 });
  assert.deepEqual(await it.return(), EDONE_FREE);
  assert.deepEqual(await it.next(), EDONE_FREE);
  assert.equal(await w.run('gen_stats'), before + 2);
});

test('the generator\'s error rejects next() with its weft code, then the iterator is done', { skip }, async () => {
  const w = await load();
  const it = w.iterate('fail_after', 2);
  assert.deepEqual(await it.next(), { done: false, value: 1 });
  assert.deepEqual(await it.next(), { done: false, value: 2 });
  await assert.rejects(it.next(), (e) => e.name === 'WeftError' && e.code === -2 && e.codeName === 'WEFT_ETIMEDOUT');
  assert.deepEqual(await it.next(), EDONE_FREE);
});

test('next() calls made at once are served one after the other', { skip }, async () => {
  const w = await load();
  const it = w.iterate('count', 3);
  const all = await Promise.all([it.next(), it.next(), it.next(), it.next()]);
  assert.deepEqual(all, [{ done: false, value: 0 }, { done: false, value: 1 }, { done: false, value: 2 }, EDONE_FREE]);
});

test('an unknown generator name throws WEFT_EINVAL', { skip }, async () => {
  const w = await load();
  assert.throws(() => w.iterate('no_such_gen'), (e) => e.code === -3 && /no generator named 'no_such_gen'/.test(e.message));
  assert.throws(() => w.iterate('count', {}), TypeError);
});

test('C consumes JS async iterables, sync iterables and async generators', { skip }, async () => {
  const w = await load();
  async function* slow() {
    for (let i = 1; i <= 4; i++) {
      await new Promise((r) => setTimeout(r, 2));
      yield i;
    }
  }
  assert.equal(await w.run('sum_iter', w.iterHandle(slow())), 10);
  assert.equal(await w.run('sum_iter', w.iterHandle([1, 2, 3, 4.5])), 10);
  assert.equal(await w.run('sum_iter', w.iterHandle(new Set([5, 6]))), 11);
  assert.throws(() => w.iterHandle(42), TypeError);
});

test('leaving a WEFT_AFOR early calls the JS iterator\'s return(): its finally runs', { skip }, async () => {
  const w = await load();
  const log = [];
  async function* words() {
    try {
      for (const s of ['a', 'b', 'c', 'd', 'e']) {
        log.push(`yield ${s}`);
        yield s;
      }
    } finally {
      log.push('finally');
    }
  }
  assert.equal(await w.run('take_iter', w.iterHandle(words()), { result: 'string' }), 'a,b,c');
  assert.deepEqual(log, ['yield a', 'yield b', 'yield c', 'finally']);
  // An iterable that ends before three values ends the loop normally.
  assert.equal(await w.run('take_iter', w.iterHandle([1, 'two']), { result: 'string' }), '1,two');
});

test('a JS iterator that throws reaches C as WEFT_EJS', { skip }, async () => {
  const w = await load();
  async function* bad() {
    yield 1;
    throw new RangeError('boom');
  }
  await assert.rejects(w.run('sum_iter', w.iterHandle(bad())), (e) => e.code === -20 && e.codeName === 'WEFT_EJS');
  // weft_js_iter_error gives the reason.
  assert.equal(await w.run('iter_error', w.iterHandle(bad()), { result: 'string' }), 'RangeError: boom');
  assert.equal(await w.run('iter_error', w.iterHandle([1, 2]), { result: 'string' }), 'no error');
  const notObject = { [Symbol.asyncIterator]: () => ({ next: async () => 42 }) };
  assert.equal(await w.run('iter_error', w.iterHandle(notObject), { result: 'string' }),
    'TypeError: iterator result is not an object');
});
