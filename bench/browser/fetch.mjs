// The fetch benchmark inside Chromium: the same batches as bench/workloads.c
// (fetch) and bench/peers.mjs (fetch), against the page's own origin, so the
// browser's connection limit and fetch implementation apply to both.
// window.benchResult resolves to one JSON line in bench/peers.mjs's format.
const q = new URLSearchParams(location.search);
const mode = q.get('mode');
const n = Number(q.get('n'));
const reps = Number(q.get('reps'));
const url = new URL('/json', location.href).href;

function runsLine(impl, runs) {
  const s = [...runs].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  const r3 = (x) => Math.round(x * 1000) / 1000;
  return { bench: 'fetch', impl, n, reps: runs.length, best_ms: r3(s[0]), median_ms: r3(median), runs_ms: runs.map(r3) };
}

async function js(signal) {
  const get = signal ? () => fetch(url, { signal: new AbortController().signal }) : () => fetch(url);
  const once = async () => {
    const t0 = performance.now();
    const bodies = await Promise.all(Array.from({ length: n }, () => get().then((r) => r.arrayBuffer())));
    if (bodies.some((b) => b.byteLength === 0)) throw new Error('fetch: empty body');
    return performance.now() - t0;
  };
  await once(); // warm-up, as the wasm program does
  const runs = [];
  for (let i = 0; i < reps; i++) runs.push(await once());
  return runsLine(signal ? 'js+signal' : 'js', runs);
}

async function weft() {
  const base = '/build/wasm/bench/bench_workloads';
  const [factory, wasm] = await Promise.all([
    import(`${base}.mjs`).then((m) => m.default),
    fetch(`${base}.wasm`).then((r) => r.arrayBuffer()),
  ]);
  let line = null;
  const status = await new Promise((resolve, reject) => {
    factory({
      arguments: ['fetch', url, String(n), String(reps)],
      wasmBinary: wasm,
      print: (text) => { if (text.startsWith('{')) line = JSON.parse(text); },
      printErr: (text) => console.error(text),
      onWeftExit: resolve,
      onWeftError: (msg) => reject(new Error(msg)),
    }).catch(reject);
  });
  if (status !== 0 || !line) throw new Error(`the wasm program ended with status ${status}`);
  return line;
}

window.benchResult = mode === 'weft' ? weft() : js(mode === 'js-signal');
