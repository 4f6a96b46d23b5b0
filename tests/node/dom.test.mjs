// weft/dom.h under Node, which has no requestAnimationFrame, no
// requestIdleCallback and no DOM: the documented fallbacks (a 16 ms timer
// per frame, setImmediate with 50 ms reported for idle time) and
// WEFT_ENOSYS for DOM events (tests/bridges/dom_client.c; the browser side
// is tests/browser/dom.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { report, root, runWasmProgram } from './lib.mjs';

const prog = join(root, 'build', 'wasm', 'tests', 'bridges', 'dom_client.js');
const animate = join(root, 'build', 'wasm', 'examples', 'animate.js');
const skip = existsSync(prog) && existsSync(animate) ? false : `build output missing: ${prog} (run: node scripts/build.mjs wasm)`;

test('dom (Node): frames on a timer, idle after I/O, cancelled waits, DOM events WEFT_ENOSYS', { skip }, async () => {
  const r = await runWasmProgram(prog, { args: ['frames'], timeoutMs: 30000 });
  assert.equal(r.error, null, report(r));
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines, [
    'three frames ok',
    'timestamps increase: yes',
    'frame (cancelled) WEFT_ECANCELED',
    'idle ok',
    'time left in [0, 50]: yes',
    'idle (cancelled) WEFT_ECANCELED',
    'dom wait #nope WEFT_ENOSYS',
    'dom wait [[ WEFT_ENOSYS',
    'dom events on document: NULL WEFT_ENOSYS',
    'traced waits: frame idle',
    'ticker ticked',
  ], report(r));
});

test('animate (Node): the frames run on the timer fallback; there are no clicks to listen to', { skip }, async () => {
  const r = await runWasmProgram(animate, { args: ['20'], timeoutMs: 30000 });
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines, ['clicks: no DOM here (WEFT_ENOSYS)', 'animated 20 frames', 'clicks: 0'], report(r));
});
