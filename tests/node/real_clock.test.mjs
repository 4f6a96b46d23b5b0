// With the real clock a weft_sleep(ms) takes about `ms` on the host. A timer
// never fires early, so the lower bounds are checked on the wall time of
// whole runs and, as wasm (whose stdout reaches us line by line), on when each
// line arrives. "Not much longer" is not checked on wall time, which a loaded
// machine stretches at will: as wasm, the host timers the run armed and that
// fired add up to no more than the simulated time (sleeps that overlap are
// waited for once, not one after the other). Natively stdout is a pipe, so
// fully buffered, and no spy sees the waits: only the wall time is checked
// there, against bounds that separate overlapping sleeps from serial ones.
// The runs overlap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { missing, report, runExample } from './lib.mjs';

// The first line is printed a little after the loop read the time its
// timers count from (the first iteration starts the tasks and sets up
// stdout), so later lines may seem early by that much.
const EARLY = 100;

function start(name, mode, args = []) {
  const why = missing(name, mode);
  return why ? { skip: why } : runExample(name, { mode, args, timeoutMs: 30000, spy: mode === 'wasm' });
}

const runs = {
  tachesWasm: start('taches', 'wasm'),
  tachesNative: start('taches', 'native'),
  nombresWasm: start('nombres', 'wasm'),
  timeoutWasm: start('reception', 'wasm', ['--timeout', '2.5']),
  timeoutNative: start('reception', 'native', ['--timeout', '2.5']),
};

/* Asserts that line `text` arrived no sooner than `expectedMs` after the
 * first line. */
function arrivedAt(r, text, expectedMs) {
  const i = r.lines.indexOf(text);
  assert.ok(i >= 0, `no line '${text}'\n${report(r)}`);
  const at = r.times[i] - r.times[0];
  assert.ok(at >= expectedMs - EARLY, `'${text}' arrived ${Math.round(at)} ms after the first line; expected ${expectedMs} ms`);
}

/* Asserts that a wasm run took at least `simulatedMs` of wall time, waiting
 * on host timers (not spinning), and that the host timers it armed and that
 * fired add up to at most that (each rounded up to a whole ms, as weft arms
 * them). Less is fine: a timer that fires late shortens the wait for the next
 * deadline. */
function waited(r, simulatedMs) {
  assert.equal(r.code, 0, report(r));
  assert.ok(r.ms >= simulatedMs, `took ${Math.round(r.ms)} ms of wall time; expected at least ${simulatedMs}\n${report(r)}`);
  assert.ok(r.spy, `no WEFT_SPY line\n${report(r)}`);
  assert.ok(r.spy.fired >= 1 && r.spy.firedMs <= simulatedMs + r.spy.fired,
    `the host timers that fired waited ${r.spy.firedMs} ms in ${r.spy.fired}; ${simulatedMs} ms simulated\n${report(r)}`);
}

function wall(r, minMs, maxMs) {
  assert.equal(r.code, 0, report(r));
  assert.ok(r.ms >= minMs && r.ms < maxMs, `took ${Math.round(r.ms)} ms of wall time; expected [${minMs}, ${maxMs})\n${report(r)}`);
}

test('taches as wasm: 2 s in all, each task ends after its own delay', { skip: runs.tachesWasm.skip ?? false }, async () => {
  const r = await runs.tachesWasm;
  waited(r, 2000);
  arrivedAt(r, 'Début de Tâche 3', 0);
  arrivedAt(r, 'Fin de Tâche 2', 1000);
  arrivedAt(r, 'Fin de Tâche 3', 1500);
  arrivedAt(r, 'Fin de Tâche 1', 2000);
});

test('taches natively: 2 s in all', { skip: runs.tachesNative.skip ?? false }, async () => {
  wall(await runs.tachesNative, 2000, 3500);
});

test('nombres as wasm: three 0.5 s sleeps overlap (0.5 s, not 1.5 s)', { skip: runs.nombresWasm.skip ?? false }, async () => {
  waited(await runs.nombresWasm, 500);
});

test('reception --timeout 2.5 as wasm: the deadline passes at 2.5 s', { skip: runs.timeoutWasm.skip ?? false }, async () => {
  const r = await runs.timeoutWasm;
  waited(r, 2500);
  arrivedAt(r, 'Client 2 reçoit des données', 0);
  arrivedAt(r, 'Client 1 : réception annulée', 2500);
  arrivedAt(r, 'Délai dépassé (TimeoutError)', 2500);
});

test('reception --timeout 2.5 natively: the deadline passes at 2.5 s', { skip: runs.timeoutNative.skip ?? false }, async () => {
  wall(await runs.timeoutNative, 2500, 4000);
});
