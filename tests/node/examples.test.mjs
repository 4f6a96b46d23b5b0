// Every example of examples/, run four ways — wasm under Node and native,
// each with the virtual clock and the real clock — must print exactly the
// lines asyncio prints for the seed 001 program it ports, and exit 0.
// All the runs start at once (async child processes), so the real-clock
// ones, which sleep for real, overlap: the file takes about as long as the
// longest example (reception, 4.5 s).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { limiter, missing, report, root, runExample } from './lib.mjs';

const RECEPTION = [
  'Client 1 reçoit des données', // 0 s
  'Client 2 reçoit des données', // 0 s
  'Client 1 reçoit des données', // 1 s
  'Client 2 reçoit des données', // 1.5 s
  'Client 1 reçoit des données', // 2 s
  'Client 2 reçoit des données', // 3 s: armed at 1.5 s, before Client 1's
  'Client 1 reçoit des données', // 3 s: armed at 2 s
];

// `seconds`: how long each case takes on the real clock (simulated time).
const CASES = [
  {
    name: 'taches', seconds: 2,
    expected: [
      'Début de Tâche 1',
      'Début de Tâche 2',
      'Début de Tâche 3',
      'Fin de Tâche 2',
      'Fin de Tâche 3',
      'Fin de Tâche 1',
      "Résultats : ['Résultat de Tâche 1', 'Résultat de Tâche 2', 'Résultat de Tâche 3']",
    ],
  },
  {
    name: 'fetch_and_analyze', seconds: 1.5,
    expected: [
      '[Source 1] Récupération des données...',
      '[Source 2] Récupération des données...',
      '[Source 1] Moyenne calculée: 63.44',
      '[Source 2] Moyenne calculée: 60.26',
      'Moyenne globale: 61.85',
    ],
  },
  { name: 'reception', seconds: 4.5, expected: RECEPTION },
  {
    name: 'reception', args: ['--timeout', '2.5'], seconds: 2.5,
    expected: [
      ...RECEPTION.slice(0, 5), // up to 2 s
      'Client 1 : réception annulée', // 2.5 s: wait_for cancels main, gather cancels both
      'Client 2 : réception annulée',
      'Délai dépassé (TimeoutError)',
    ],
  },
  {
    name: 'pipeline', seconds: 0.5,
    expected: ['Consommé : 0', 'Consommé : 2', 'Consommé : 4', 'Consommé : 6', 'Consommé : 8'],
  },
  { name: 'nombres', seconds: 0.5, expected: ['Traité : 0', 'Traité : 1', 'Traité : 2'] },
  // The parameters the page passes (web/scenarios.mjs): other delays, other orders. Their
  // argument parsing is what they test: the virtual clock is enough.
  {
    name: 'taches', args: ['300', '100', '200'], virtualOnly: true, seconds: 0.3,
    expected: ['Début de Tâche 1', 'Début de Tâche 2', 'Début de Tâche 3', 'Fin de Tâche 2', 'Fin de Tâche 3', 'Fin de Tâche 1',
      "Résultats : ['Résultat de Tâche 1', 'Résultat de Tâche 2', 'Résultat de Tâche 3']"],
  },
  {
    name: 'taches', args: ['100', '300', '200'], virtualOnly: true, seconds: 0.3,
    expected: ['Début de Tâche 1', 'Début de Tâche 2', 'Début de Tâche 3', 'Fin de Tâche 1', 'Fin de Tâche 3', 'Fin de Tâche 2',
      "Résultats : ['Résultat de Tâche 1', 'Résultat de Tâche 2', 'Résultat de Tâche 3']"],
  },
  {
    name: 'fetch_and_analyze', args: ['300', '100'], virtualOnly: true, seconds: 0.3,
    expected: ['[Source 1] Récupération des données...', '[Source 2] Récupération des données...',
      '[Source 2] Moyenne calculée: 60.26', '[Source 1] Moyenne calculée: 63.44', 'Moyenne globale: 61.85'],
  },
  {
    // Events at least 100 ms apart, so that the real-clock runs keep the order on a busy machine.
    name: 'reception', args: ['--timeout', '1.1', '--intervalles', '400,250', '--iterations', '2,5'], virtualOnly: true, seconds: 1.1,
    expected: ['Client 1 reçoit des données', 'Client 2 reçoit des données', 'Client 2 reçoit des données', // 0, 0, 250
      'Client 1 reçoit des données', 'Client 2 reçoit des données', 'Client 2 reçoit des données', // 400, 500, 750
      'Client 2 reçoit des données', 'Client 2 : réception annulée', 'Délai dépassé (TimeoutError)'], // 1000; 1100 ms (Client 1 ended at 800)
  },
  { name: 'pipeline', args: ['3', '100', '50'], virtualOnly: true, seconds: 0.15, expected: ['Consommé : 0', 'Consommé : 2', 'Consommé : 4'] },
  { name: 'nombres', args: ['5', '100'], virtualOnly: true, seconds: 0.1, expected: ['Traité : 0', 'Traité : 1', 'Traité : 2', 'Traité : 3', 'Traité : 4'] },
];

const MODES = [
  { mode: 'wasm', virtual: true },
  { mode: 'wasm', virtual: false },
  { mode: 'native', virtual: true },
  { mode: 'native', virtual: false },
];

const label = (c, m) => `${c.name}${c.args ? ` ${c.args.join(' ')}` : ''} (${m.mode}, ${m.virtual ? 'virtual' : 'real'} clock)`;

// Start everything now; each test below awaits its own run. The real-clock
// runs mostly sleep, so they all start at once; the virtual-clock runs only
// compute, so they go a few at a time (their wall time is asserted, and a
// machine with two cores starting twenty Node processes at once is slow).
const limited = limiter();

const runs = new Map();
for (const m of [...MODES].sort((a, b) => a.virtual - b.virtual)) {
  for (const c of CASES) {
    if (c.virtualOnly && !m.virtual) continue;
    const why = missing(c.name, m.mode);
    const start = () => runExample(c.name, { ...m, args: c.args ?? [], timeoutMs: 30000 });
    runs.set(label(c, m), why ? { skip: why } : m.virtual ? limited(start) : start());
  }
}

// Examples that talk to an HTTP server run in fetch.test.mjs, against its
// local server.
const SERVER_EXAMPLES = ['download', 'get_docs'];

test('every example in examples/ has expected lines here', () => {
  const names = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2))
    .filter((n) => !SERVER_EXAMPLES.includes(n)).sort();
  assert.deepEqual([...new Set(CASES.map((c) => c.name))].sort(), names);
});

for (const c of CASES) {
  for (const m of MODES) {
    const name = label(c, m);
    const pending = runs.get(name);
    if (!pending) continue;
    test(name, { skip: pending.skip ?? false }, async () => {
      const r = await pending;
      assert.equal(r.error, null, report(r));
      assert.deepStrictEqual(r.lines, c.expected, report(r));
      assert.equal(r.code, 0, report(r));
      if (m.virtual && m.mode === 'wasm') {
        // The virtual clock jumps from deadline to deadline: no real waiting.
        // 1.5 s leaves room for Node's start-up on a loaded machine; it is
        // well under what the longer examples would take for real.
        assert.ok(r.ms < 1500, `a virtual-clock run should be instant; took ${Math.round(r.ms)} ms for ${c.seconds} s simulated\n${report(r)}`);
        // Start-up excluded: the lines come out together, not over seconds.
        const spread = r.times[r.times.length - 1] - r.times[0];
        assert.ok(spread < 250, `the virtual-clock run printed its lines over ${Math.round(spread)} ms (${c.seconds} s simulated)`);
      }
      if (!m.virtual) {
        assert.ok(r.ms >= c.seconds * 1000 - 5, `a real-clock run of ${c.seconds} s took only ${Math.round(r.ms)} ms`);
      }
    });
  }
}
