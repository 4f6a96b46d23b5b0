// The fetch benchmark inside Chromium: bench/workloads.c's fetch program with
// its JS peers (Promise.all of fetches, with and without an AbortController
// per request), batches interleaved in this page, against the page's own
// origin, so the browser's connection limit and fetch apply to all of them.
// window.benchResult resolves to the program's JSON line.
const q = new URLSearchParams(location.search);
const n = Number(q.get('n'));
const reps = Number(q.get('reps'));
const warmup = Number(q.get('warmup') || 1);
const url = new URL('/json', location.href).href;

async function run() {
  const base = '/build/wasm/bench/bench_workloads';
  const [factory, wasm] = await Promise.all([
    import(`${base}.mjs`).then((m) => m.default),
    fetch(`${base}.wasm`).then((r) => r.arrayBuffer()),
  ]);
  let line = null;
  const status = await new Promise((resolve, reject) => {
    factory({
      arguments: ['fetch', url, String(n), String(reps), String(warmup), 'js', 'js+signal'],
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

window.benchResult = run();
