// The page's scenarios: the examples (examples/*.c, built as wasm into
// build/wasm/examples/), their editable parameters, and how the parameters
// become the program's arguments: args(params, { origin }), origin being the
// page's own (http://host:port), for a URL to its server. Add an entry here
// when an example lands. Four examples are not scenarios: `download` (a URL
// to stream, no interleaving to see), `run_tasks` (it steps its own loop from
// main: the page's Run and Step drive the loop themselves), `echo_tcp` (a
// TCP server: Node only, a browser cannot listen) and `wc` (it reads stdin).
//
// `host` marks a scenario that waits on the host (the network, frames,
// workers): what it does and what does not follow a virtual clock. It runs
// on the real clock at ×1 (Step still works: the loop waits for the host).
// `workers` asks for a pool of Web Workers of that size (weft/worker.h);
// `stage` for a canvas with that id above the output, for the program to draw.

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
const oneOf = (...values) => (v) => {
  if (!values.includes(String(v))) throw new RangeError(`one of ${values.join(', ')}`);
  return String(v);
};
const yesNo = oneOf('yes', 'no');
// A line of text to send: printable, no NUL, not empty, at most 200 characters.
const text = (v) => {
  const t = String(v);
  // eslint-disable-next-line no-control-regex
  if (!t.length || t.length > 200 || /[\u0000-\u001f\u007f]/.test(t)) throw new RangeError('1 to 200 printable characters');
  return t;
};

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
      { key: 'n1', label: 'Client 1 iterations', value: 4, check: int(0, 100000) },
      { key: 'n2', label: 'Client 2 iterations', value: 3, check: int(0, 100000) },
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
    host: { does: 'fetches', follows: 'the network' },
  },
  {
    name: 'counter', title: 'two async iterators, in turn or under gather (seed 002)',
    about: 'Two AsyncCounterIterator loops with seeded random pauses: one after the other, or interleaved when gathered.',
    params: [{ key: 'gather', label: 'under gather (yes/no)', value: 'yes', check: yesNo }],
    args: (p) => (p.gather === 'yes' ? ['--gather'] : []),
  },
  {
    name: 'async_range', title: 'async for over an AsyncRange (seed 002)',
    about: 'v1: a class-style iterator; v2: an iterable that returns a generator; v3: a generator function; arange: seed 004\'s ARange, an iterable handing out a fresh ARangeIterator per loop. One async for consumes them all the same way.',
    params: [{ key: 'version', label: 'version (v1/v2/v3/arange)', value: 'v3', check: oneOf('v1', 'v2', 'v3', 'arange') }],
    args: (p) => [p.version],
  },
  {
    name: 'inf_integers', title: 'an endless generator pulled with anext (seed 002)',
    about: 'anext pulls from an infinite generator until a stop value; closing it runs its cleanup.',
    params: [],
    args: () => [],
  },
  {
    name: 'async_comp', title: 'async comprehensions (seed 002)',
    about: 'A list and a dict built from an async generator with collect and map.',
    params: [],
    args: () => [],
  },
  {
    name: 'async_csv', title: 'skip a header row with anext (seed 002)',
    about: 'An AsyncCSVIterator: anext takes the header row, then async for reads the rest.',
    params: [],
    args: () => [],
  },
  {
    name: 'stream_generator', title: 'back up files into a ZIP archive (seed 002, compress.py)',
    about: 'Three reading generators feed the ZIP writer; a generator re-yields its chunks; the writer task hands output.zip to the page as a download.',
    params: [],
    args: () => [],
  },
  {
    name: 'large_file', title: 'a large file in chunks (seed 002)',
    about: 'An async iterable or iterator hands out chunks; the consumer naps between them; the generator\'s cleanup closes the file on every path.',
    params: [{ key: 'how', label: 'iterable/iterator', value: 'iterable', check: oneOf('iterable', 'iterator') }],
    args: (p) => [p.how],
  },
  {
    name: 'waiter', title: 'Waiter: wait without polling (seed 004)',
    about: 'One task waits on a Waiter until another, counting up, notifies it.',
    params: [],
    args: () => [],
  },
  {
    name: 'gather_waiter', title: 'gather rebuilt from Waiter(n) (seed 004)',
    about: 'A countdown future as the building block of gather; the workflow variant chains several.',
    params: [{ key: 'workflow', label: 'workflow (yes/no)', value: 'no', check: yesNo }],
    args: (p) => (p.workflow === 'yes' ? ['--workflow'] : []),
  },
  {
    name: 'echo_server', title: 'echo server and client with async with (seed 004)',
    about: 'A server and a client over in-memory sockets (queues): the message comes back reversed, and each socket is closed by an async with on every path.',
    params: [],
    args: () => [],
  },
  {
    name: 'future_sleep', title: 'sleep from a future and call_later (seed 004)',
    about: 'sleep rebuilt from its parts: a future, and a time event in the loop\'s timer heap that completes it; two tasks count with it.',
    params: [],
    args: () => [],
  },
  {
    name: 'asynccontext', title: 'async with from an async generator (seed 004, contextlib)',
    about: 'asynccontextmanager\'s way: the generator\'s first anext opens the resource, the second (or aclose on failure) runs the code after its yield; two clients, one fails.',
    params: [],
    args: () => [],
  },
  {
    name: 'equipe', title: 'task groups and timeout scopes',
    about: 'A task group, failures that cancel siblings, nested timeout scopes, and a group under a timeout whose async-with connection is closed on cancellation.',
    params: [],
    args: () => [],
  },
  {
    name: 'echo_ws', title: 'echo client over a real WebSocket (seed 004)',
    about: 'Seed 004\'s client, in C over the browser\'s WebSocket, against this page\'s own server (ws, on /ws/reverse): each message comes back reversed; the connection is an async with (WEFT_DEFER closes it).',
    params: [
      { key: 'msg', label: 'message', value: 'Hello World!', check: text },
      { key: 'more', label: 'second message', value: 'weft', check: text },
    ],
    args: (p, { origin = 'http://127.0.0.1' } = {}) => [`${origin.replace(/^http/, 'ws')}/ws/reverse`, p.msg, p.more],
    host: { does: 'talks over a WebSocket', follows: 'the network' },
  },
  {
    name: 'primes', title: 'CPU-bound C in Web Workers (run_in_executor)',
    about: 'The primes below N counted in J jobs by a pool of Web Workers, each its own instance of the program, under gather; a ticker task keeps turning on the loop meanwhile; then the same count on the loop\'s own thread.',
    params: [
      { key: 'n', label: 'N', value: 300000, check: int(2, 5000000) },
      { key: 'jobs', label: 'jobs', value: 8, check: int(1, 64) },
    ],
    args: (p) => [p.n, p.jobs].map(String),
    host: { does: 'runs jobs in Web Workers', follows: 'a worker' },
    workers: 2,
  },
  {
    name: 'animate', title: 'frames and clicks as futures',
    about: 'One task draws a frame per requestAnimationFrame (weft_next_frame), another waits for clicks on the canvas (weft_dom_events, an async iterator): click the disc while it moves. The animation cancels the click task at its end, which removes the listener.',
    params: [{ key: 'frames', label: 'frames', value: 120, check: int(1, 3600) }],
    args: (p) => [String(p.frames)],
    host: { does: 'waits for animation frames', follows: 'the display' },
    stage: 'weft-animate',
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
