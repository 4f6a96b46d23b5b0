// weft_stdin_lines (include/weft/stdin.h) through the wc example: a file on
// stdin gives coreutils wc's counts (wasm under Node, and natively), input
// fed slowly in pieces that split lines and words, and an empty input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nativeProgram, root, runWasm, wasmProgram } from './lib.mjs';

const skipWasm = existsSync(wasmProgram('wc')) ? false : 'build output missing (run: node scripts/build.mjs wasm)';
const skipNative = existsSync(nativeProgram('wc')) ? false : 'build output missing (run: node scripts/build.mjs native)';

/* Runs cmd with `pieces` written to its stdin, `gapMs` apart; its stdout. */
function feed(cmd, args, pieces, gapMs = 0) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
    let i = 0;
    const next = () => {
      if (i === pieces.length) { child.stdin.end(); return; }
      child.stdin.write(pieces[i++]);
      setTimeout(next, gapMs);
    };
    next();
  });
}

const readme = readFileSync(join(root, 'README.md'));
const counts = (text) => text.trim().split(/\s+/).map(Number);
const expected = counts(execFileSync('wc', ['-l', '-w', '-c'], { input: readme }).toString());

test('wc (wasm): a file on stdin gives coreutils wc\'s lines, words and bytes', { skip: skipWasm }, async () => {
  const r = await feed(process.execPath, [runWasm, wasmProgram('wc')], [readme]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(counts(r.out), expected);
});

test('wc (native): the same counts with stdio', { skip: skipNative }, async () => {
  const r = await feed(nativeProgram('wc'), [], [readme]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(counts(r.out), expected);
});

test('wc (wasm): input that comes slowly, in pieces that split lines and words; an empty input', { skip: skipWasm }, async () => {
  const r = await feed(process.execPath, [runWasm, wasmProgram('wc')], ['one tw', 'o\nthree', ' four\r\n', '\nfive'], 40);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(counts(r.out), [4, 5, 25]); // "five" has no "\n": counted as a line, its end as a byte
  const empty = await feed(process.execPath, [runWasm, wasmProgram('wc')], []);
  assert.deepEqual(counts(empty.out), [0, 0, 0]);
});
