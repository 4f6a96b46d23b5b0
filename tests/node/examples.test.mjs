// Every example of examples/, run four ways — wasm under Node and native,
// each with the virtual clock and the real clock — must print exactly the
// lines asyncio prints for the seed program it ports (001: tasks; 000/002:
// async iterators and generators; 004: Waiter, echo server), and exit 0.
// All the runs start at once (async child processes), so the real-clock
// ones, which sleep for real, overlap: the file takes about as long as the
// longest example (reception, 4.5 s).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { limiter, missing, report, root, run, runExample } from './lib.mjs';

const python3 = spawnSync('python3', ['--version']).status === 0;

const RECEPTION = [
  'Client 1 reçoit des données', // 0 s
  'Client 2 reçoit des données', // 0 s
  'Client 1 reçoit des données', // 1 s
  'Client 2 reçoit des données', // 1.5 s
  'Client 1 reçoit des données', // 2 s
  'Client 2 reçoit des données', // 3 s: armed at 1.5 s, before Client 1's
  'Client 1 reçoit des données', // 3 s: armed at 2 s
];

// On the real clock a deadline is the time the sleep was armed plus its
// delay, and the time it was armed is as late as the host timer that woke
// the task. Client 2 arms its 3 s deadline at 1.5 s + its lateness, Client 1
// at 2 s + its own: the two 3 s lines come in either order, as they do under
// asyncio. `realTies` lists such [start, end) slices of `expected`; the
// virtual clock has no lateness, so there the order is exact.
const RECEPTION_TIES = [[5, 7]];

// Beyond ties, a host timer that fires late can reorder lines for real: a
// sleep armed late ends late, after a deadline it would have beaten (under
// asyncio too). So the real-clock order is compared with the virtual one
// when no host timer fired more than LATE_ORDER_MS late (the spy measures
// it, as wasm; natively it is always compared); on a machine loaded enough
// to make timers later, the virtual-clock run alone checks the order, and the
// real-clock run that each line it prints is one of the expected lines, and
// its exit.
const LATE_ORDER_MS = 50;

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
  { name: 'reception', seconds: 4.5, expected: RECEPTION, realTies: RECEPTION_TIES },
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
  {
    // Not a seed program: TaskGroup, nested asyncio.timeout and `async with`
    // written the way seed 001 writes its examples (include/weft/group.h,
    // include/weft/scope.h).
    name: 'equipe', seconds: 2.95,
    expected: [
      '=== 1. Groupe de tâches ===',
      'Début de Tâche 1',
      'Début de Tâche 2',
      'Début de Tâche 3',
      'Fin de Tâche 2', // 0.5 s
      'Fin de Tâche 3', // 0.75 s
      'Fin de Tâche 1', // 1 s: the group waits for all three
      "Résultats : ['Résultat de Tâche 1', 'Résultat de Tâche 2', 'Résultat de Tâche 3']",
      '=== 2. Échecs dans un groupe ===',
      'Début de Tâche A',
      'Début de Tâche B',
      'Début de Tâche C',
      'Tâche B échoue', // 1.25 s: the first failure...
      'Tâche C échoue', // ...and another one, also reported
      'Tâche A annulée, nettoyage...', // the sibling is cancelled
      'Tâche A nettoyée', // 1.35 s: the group waited for its cleanup
      'ExceptionGroup : 2 erreurs (la première : WEFT_EINVAL)',
      '  Tâche B : WEFT_EINVAL',
      '  Tâche C : WEFT_EBUSY',
      '=== 3. Délais imbriqués ===',
      'Étape 1 : délai dépassé (TimeoutError)', // 1.6 s: the inner scope reports
      'Étape 2 : terminée', // 1.8 s
      'Étape 3 : annulée par le délai global', // 2.35 s: the outer scope's deadline
      'Délai global dépassé (TimeoutError)',
      '=== 4. Groupe sous un délai ===',
      'Connexion ouverte',
      'Tâche rapide terminée', // 2.6 s
      'Tâche lente annulée', // 2.85 s: the timeout cancels the waiting parent, the group its children
      'Connexion fermée', // 2.95 s: the shielded release awaited 100 ms
      'Délai dépassé : le groupe a tout annulé (TimeoutError)',
    ],
  },
  // Seed 004: the lines its author's article prints for these programs.
  {
    name: 'waiter', seconds: 0,
    expected: ['start', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'finished'],
  },
  { name: 'gather_waiter', seconds: 3, expected: ['foo', 'aaa', 'bbb', 'bar', 'ccc', 'baz'] },
  { name: 'gather_waiter', args: ['--workflow'], seconds: 5, expected: ['a', 'c', 'b', 'd', 'e', 'f', 'g'] },
  {
    name: 'echo_server', seconds: 0,
    expected: ["Received from client b'Hello World!'", "Received from server b'!dlroW olleH'"],
  },
  // Seeds 000/002: async iterators, iterables, generators, anext, comprehensions.
  { name: 'async_range', args: ['v1'], seconds: 2.5, expected: ['0', '1', '2', '3', '4'] },
  { name: 'async_range', args: ['v2'], seconds: 2.5, expected: ['0', '1', '2', '3', '4'] },
  { name: 'async_range', args: ['v3'], seconds: 2.5, expected: ['0', '1', '2', '3', '4'] },
  // Seed 004's ARange: the iterable hands out a fresh iterator per loop.
  { name: 'async_range', args: ['arange'], seconds: 5, expected: ['tour 1', '0', '1', '2', '3', '4', 'tour 2', '0', '1', '2', '3', '4'] },
  { name: 'inf_integers', seconds: 9.5, expected: Array.from({ length: 20 }, (_, i) => String(i)) },
  {
    name: 'async_comp', seconds: 2,
    expected: ['[0, 1, 2, 3, 4]', "{0: '0', 1: '1', 2: '2', 3: '3', 4: '4'}"],
  },
  {
    name: 'counter', seconds: 2, // the ten seeded delays, one after the other
    expected: [1, 2, 3, 4, 5].map((i) => `${i} from iterator #1`).concat([1, 2, 3, 4, 5].map((i) => `${i} from iterator #2`)),
  },
  {
    name: 'counter', args: ['--gather'], seconds: 1.1, // interleaved, as the seed document shows
    expected: ['1 #1', '2 #1', '1 #2', '2 #2', '3 #1', '3 #2', '4 #1', '4 #2', '5 #1', '5 #2']
      .map((s) => s.replace(' ', ' from iterator ')),
  },
  {
    name: 'async_csv', seconds: 0,
    expected: ["['Guido', 'Python', '1991']", "['Dennis', 'C', '1972']", "['Brendan', 'JavaScript', '1995']"],
  },
  ...['iterable', 'iterator'].map((how) => ({
    name: 'large_file', args: [how], seconds: 0.8,
    expected: ['Chunks of 24 bytes each,', 'printed after 0.2 s naps', 'by the consumer of them.', 'The end.'],
  })),
  {
    // Three generated files (7 pieces, 10 ms apart) in one 438-byte ZIP archive of 1 024-byte chunks.
    name: 'stream_generator', seconds: 0.07,
    expected: ['chunk 1: 438 bytes', 'output.zip: 438 bytes, 3 files'],
  },
  // Seed 004's remaining lessons. Each has its Python original in
  // examples/py/ (`py`): the test below runs it under python3 and requires
  // these very lines, so what the C prints is what CPython prints.
  {
    name: 'future_sleep', py: 'future_sleep.py', seconds: 3, // events at 0, 1, 1.4, 2, 2.8, 3 s
    expected: ['Tâche A : 0', 'Tâche B : 0', 'Tâche A : 1', 'Tâche B : 1', 'Tâche A : 2', 'Tâche B : fini', 'Tâche A : fini',
      'Résultats : [3, 2]'],
  },
  {
    name: 'run_tasks', py: 'run_tasks.py', seconds: 0,
    expected: ['Tâche 1 : 0', '[pas 1] Tâche 1 interrompue, remise en queue', 'Tâche 2 : 0', '[pas 2] Tâche 2 interrompue, remise en queue',
      'Tâche 1 : 1', '[pas 3] Tâche 1 interrompue, remise en queue', 'Tâche 2 : 1', '[pas 4] Tâche 2 interrompue, remise en queue',
      "[pas 5] Tâche 1 terminée : Tâche 1 a compté jusqu'à 2", 'Tâche 2 : 2', '[pas 6] Tâche 2 interrompue, remise en queue',
      "[pas 7] Tâche 2 terminée : Tâche 2 a compté jusqu'à 3"],
  },
  {
    name: 'asynccontext', py: 'asynccontext.py', seconds: 0.7, // events at 0, 0.1, 0.4, 0.5, 0.6, 0.7 s
    expected: ['alice : ouverture', 'bob : ouverture', 'alice : utilise ALICE', 'bob : utilise BOB', 'alice : terminé',
      'alice : fermeture', 'alice : fermée', 'bob : fermeture', 'bob : fermée', 'bob : erreur : bob échoue'],
  },
  {
    // The worker pool (weft/worker.h): 8 jobs, gathered, equal to the loop thread's own count.
    name: 'primes', seconds: 0,
    expected: ['primes below 300000: 25997 (8 jobs in the worker pool)', "primes below 300000: 25997 (on the loop's thread)", 'same count: yes'],
  },
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

// Sorts each tied slice, so two runs that differ only inside ties compare equal.
function untie(lines, ties = []) {
  const out = [...lines];
  for (const [a, b] of ties) out.splice(a, b - a, ...out.slice(a, b).sort());
  return out;
}

const label = (c, m) => `${c.name}${c.args ? ` ${c.args.join(' ')}` : ''} (${m.mode}, ${m.virtual ? 'virtual' : 'real'} clock)`;

// Start everything now; each test below awaits its own run. The real-clock
// runs mostly sleep, so they all start at once; the virtual-clock runs only
// compute, so they go a few at a time (their wall time is asserted, and a
// machine with two cores starting twenty Node processes at once is slow).
const limited = limiter();

// The real-clock runs start once the virtual ones are over: twenty-odd
// Node processes starting at once would otherwise slow the virtual runs
// past their wall-time bound.
const runs = new Map();
const virtualRuns = [];
for (const m of [...MODES].sort((a, b) => b.virtual - a.virtual)) {
  for (const c of CASES) {
    if (c.virtualOnly && !m.virtual) continue;
    const why = missing(c.name, m.mode);
    const start = () => runExample(c.name, { ...m, args: c.args ?? [], timeoutMs: 30000, spy: m.mode === 'wasm' });
    let run;
    if (why) run = { skip: why };
    else if (m.virtual) virtualRuns.push(run = limited(start));
    else run = Promise.all(virtualRuns).then(start);
    runs.set(label(c, m), run);
  }
}

// Examples that talk to an HTTP server run in fetch.test.mjs, against its
// local server; echo_tcp (real TCP) in net.test.mjs, echo_ws in ws.test.mjs (wasm
// only), wc (which reads stdin) in stdin.test.mjs, animate (frames, clicks) in dom.test.mjs.
const SERVER_EXAMPLES = ['download', 'get_docs', 'echo_tcp', 'echo_ws', 'wc', 'animate'];

// The Python originals of examples/py/ print, under the machine's CPython,
// exactly the lines their C ports are required to print.
for (const c of CASES.filter((x) => x.py)) {
  test(`examples/py/${c.py} under python3 prints the lines ${c.name} must print`, { skip: !python3 && 'python3 missing' }, async () => {
    const r = await run('python3', [join(root, 'examples', 'py', c.py)], { timeoutMs: 60000 });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n'), c.expected);
  });
}

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
    test(name, { skip: pending.skip ?? false }, async (t) => {
      const r = await pending;
      assert.equal(r.error, null, report(r));
      const late = m.mode === 'wasm' && !m.virtual ? r.spy?.maxLateMs ?? Infinity : 0;
      if (m.virtual) assert.deepStrictEqual(r.lines, c.expected, report(r));
      else if (late <= LATE_ORDER_MS) assert.deepStrictEqual(untie(r.lines, c.realTies), untie(c.expected, c.realTies), report(r));
      else {
        t.diagnostic(`a host timer fired ${Math.round(late)} ms late: the real-clock order is not compared`);
        assert.deepStrictEqual([...r.lines].sort(), [...r.lines].sort().filter((l) => c.expected.includes(l)), report(r));
      }
      assert.equal(r.code, 0, report(r));
      if (m.virtual && m.mode === 'wasm') {
        // The virtual clock jumps from deadline to deadline: the run never
        // asks the host to wait (no setTimeout of more than 0 ms). Asserted on
        // what the run asked for, not on its wall time, which load stretches.
        assert.ok(r.spy, `no WEFT_SPY line\n${report(r)}`);
        const waits = r.spy.delays.filter((d) => d > 0);
        assert.deepEqual(waits, [], `a virtual-clock run armed host timers of ${waits.join(', ')} ms (${c.seconds} s simulated)\n${report(r)}`);
      }
      if (!m.virtual) {
        assert.ok(r.ms >= c.seconds * 1000 - 5, `a real-clock run of ${c.seconds} s took only ${Math.round(r.ms)} ms`);
      }
    });
  }
}
