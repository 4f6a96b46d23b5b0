// tests/browser/workers.test.mjs's page: the worker pool of weft/worker.h in
// module Web Workers, through the browser entry of weft/core.
import { createWeft } from '/src/js/core.mjs';

const out = document.getElementById('out');
window.__results = { done: false };
try {
  const w = await createWeft({ module: '/build/wasm/tests/js_bridge/worker_tasks.mjs', workers: 2 });
  const r = {};
  r.size = w.workers.size;
  r.here = await w.run('primes_here', 100000);
  r.pool = await w.run('primes_workers', 100000);
  r.afterPool = w.workers.stats();
  r.meanwhile = await w.run('serves_meanwhile', 10000);
  r.trap = await w.run('job', 0);
  r.fail = await w.run('job', 2);
  const ac = new AbortController();
  const spinning = w.run('job', 1, { signal: ac.signal });
  while (w.workers.stats().queued !== 0 || w.workers.stats().idle === w.workers.stats().live) await new Promise((res) => setTimeout(res, 5));
  ac.abort();
  r.cancel = await spinning.then(() => 'resolved', (e) => e.name);
  r.again = await w.run('primes_workers', 1000);
  r.final = w.workers.stats();
  out.textContent = JSON.stringify(r, null, 1);
  window.__results = { done: true, r };
} catch (e) {
  out.textContent = String(e && e.stack || e);
  window.__results = { done: true, error: String(e && e.message || e) };
}
