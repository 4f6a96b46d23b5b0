// The page's scenarios: the examples (examples/*.c, built as wasm into
// build/wasm/examples/), their editable parameters, and how the parameters
// become the program's arguments. Add an entry here when an example lands.

const int = (min, max) => (v) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new RangeError(`an integer from ${min} to ${max}`);
  return n;
};
const num = (min, max) => (v) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new RangeError(`a number from ${min} to ${max}`);
  return n;
};
const MS = int(0, 600000);

export const SCENARIOS = [
  {
    name: 'taches', title: 'gather — three tasks (seed 001)',
    about: 'Three tasks sleep for their own delay under gather: they finish in the order of the delays, and gather returns the results in argument order.',
    params: [
      { key: 'd1', label: 'Tâche 1 delay (ms)', value: 2000, check: MS },
      { key: 'd2', label: 'Tâche 2 delay (ms)', value: 1000, check: MS },
      { key: 'd3', label: 'Tâche 3 delay (ms)', value: 1500, check: MS },
    ],
    args: (p) => [p.d1, p.d2, p.d3].map(String),
  },
  {
    name: 'reception', title: 'wait_for with a timeout (seed 001)',
    about: 'Two clients receive data at their own pace under gather, the whole under wait_for: a short timeout cancels both, and each one\'s cleanup runs.',
    params: [
      { key: 'timeout', label: 'timeout (s)', value: 10, check: num(0, 100000) },
      { key: 'i1', label: 'Client 1 interval (ms)', value: 1000, check: MS },
      { key: 'i2', label: 'Client 2 interval (ms)', value: 1500, check: MS },
      { key: 'n1', label: 'Client 1 iterations', value: 4, check: int(0, 1000) },
      { key: 'n2', label: 'Client 2 iterations', value: 3, check: int(0, 1000) },
    ],
    args: (p) => ['--timeout', String(p.timeout), '--intervalles', `${p.i1},${p.i2}`, '--iterations', `${p.n1},${p.n2}`],
  },
  {
    name: 'pipeline', title: 'pipeline — two gathers in sequence (seed 001)',
    about: 'A generator feeds n transformer tasks gathered together; their results feed n consumer tasks gathered together.',
    params: [
      { key: 'n', label: 'items', value: 5, check: int(1, 16) },
      { key: 'transform', label: 'transform (ms)', value: 300, check: MS },
      { key: 'consume', label: 'consume (ms)', value: 200, check: MS },
    ],
    args: (p) => [p.n, p.transform, p.consume].map(String),
  },
  {
    name: 'nombres', title: 'a generator feeding tasks (seed 001)',
    about: 'A plain C generator produces the numbers; one task per number sleeps, then prints. Equal deadlines fire in arming order.',
    params: [
      { key: 'max', label: 'numbers', value: 3, check: int(1, 64) },
      { key: 'delay', label: 'delay (ms)', value: 500, check: MS },
    ],
    args: (p) => [p.max, p.delay].map(String),
  },
  {
    name: 'fetch_and_analyze', title: 'two sources under gather (seed 001)',
    about: 'Two sources fetched concurrently; each computes a mean; gather hands the means back in argument order.',
    params: [
      { key: 'd1', label: 'Source 1 delay (ms)', value: 1000, check: MS },
      { key: 'd2', label: 'Source 2 delay (ms)', value: 1500, check: MS },
    ],
    args: (p) => [p.d1, p.d2].map(String),
  },
  {
    name: 'get_docs', title: 'paginated fetch (seed 003)',
    about: 'Documents handed out one by one from a paged HTTP API (served by this page\'s own server): the buffer is refilled by weft_fetch when it runs dry.',
    params: [
      { key: 'pages', label: 'pages', value: 3, check: int(0, 100) },
      { key: 'per', label: 'documents a page', value: 3, check: int(1, 64) },
      { key: 'latency', label: 'server latency (ms)', value: 200, check: int(0, 10000) },
    ],
    // A relative base resolves against the page (same origin).
    args: (p) => [`/api/${p.pages}/${p.per}/${p.latency}`],
    fetches: true, // needs the real clock: the host's fetch does not follow a virtual one
  },
];

export function scenario(name) {
  return SCENARIOS.find((s) => s.name === name) || null;
}

/* Default parameters of `sc`, overridden by `from` (e.g. URL search params);
 * values that do not pass their check keep the default and are reported. */
export function paramsOf(sc, from = {}) {
  const params = {}, errors = [];
  for (const p of sc.params) {
    params[p.key] = p.value;
    const v = from[p.key];
    if (v == null || v === '') continue;
    try { params[p.key] = p.check(v); } catch (e) { errors.push(`${p.label}: ${e.message}`); }
  }
  return { params, errors };
}
