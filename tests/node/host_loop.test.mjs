// The loop on the JS host, with the real clock: one host timer at a time,
// zero delays not clamped, long delays clamped to setTimeout's limit, and
// timers on the host clock firing in deadline order and never early
// (tests/c/host_timers.c checks the last two from inside).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { report, root, run, runWasm } from './lib.mjs';

const prog = join(root, 'build', 'wasm', 'tests', 'host_timers.js');
const skip = existsSync(prog) ? false : `build output missing: ${prog} (run: node scripts/build.mjs wasm)`;

function spyOf(r) {
  const line = r.stderr.split('\n').find((l) => l.startsWith('WEFT_SPY '));
  assert.ok(line, `no WEFT_SPY line on stderr\n${report(r)}`);
  return JSON.parse(line.slice('WEFT_SPY '.length));
}

// WEFT_BUDGET_US=1 hands control back to the host after every iteration, so
// each of the 1000 yields is a host round trip: with setTimeout(0) (clamped
// to >= 1 ms in Node, 4 ms nested in browsers) the mean would be >= 1000 µs.
function spawnProgram(args, timeoutMs) {
  const env = { ...process.env, WEFT_BUDGET_US: '1' };
  delete env.WEFT_CLOCK;
  return run(process.execPath, ['--import', join(root, 'tests', 'node', 'host_spy.mjs'), runWasm, prog, ...args], { env, timeoutMs });
}

test('host_timers as wasm: one host timer at a time, sleep(0) unclamped', { skip }, async () => {
  const r = await spawnProgram([], 60000);
  assert.equal(r.error, null, report(r));
  assert.equal(r.code, 0, report(r));
  assert.match(r.lines.at(-1), /^3 passed, 0 failed$/, report(r));
  const mean = Number(/yield mean_us=([\d.]+)/.exec(r.stdout)?.[1]);
  assert.ok(mean > 0 && mean < 1000, `mean sleep(0) ${mean} µs, expected < 1000 µs (not clamped)\n${report(r)}`);
  const spy = spyOf(r);
  // Two iterations may fall within the same microsecond of the 1 µs budget,
  // so not every yield needs its own host turn; most do.
  assert.ok(spy.setImmediate >= 500, `zero delays should go through setImmediate: ${JSON.stringify(spy)}`);
  assert.equal(spy.maxLive, 1, `the loop should keep exactly one host timer at a time: ${JSON.stringify(spy)}`);
});

test('host_timers far as wasm: a deadline past 2^31-1 ms is armed clamped, and nothing wakes early', { skip }, async () => {
  const r = await spawnProgram(['far'], 1500);
  // The process would wait ~25 days: the runner ends it.
  assert.match(String(r.error), /timed out/, `expected the program to keep waiting\n${report(r)}`);
  assert.deepEqual(r.lines.filter(Boolean), ['sleeping 2^31 + 5 s'], report(r));
  const delays = r.stderr.split('\n').filter((l) => l.startsWith('WEFT_SPY_TIMEOUT ')).map((l) => Number(l.split(' ')[1]));
  assert.deepEqual(delays, [2 ** 31 - 1], `setTimeout delays: ${delays.join(', ')}`);
});
