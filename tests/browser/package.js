// The npm entry point (src/js/index.mjs) in a page served under a strict
// Content-Security-Policy: it must load the prebuilt runtime (dist/weft.mjs,
// imported) and a program's .js (a <script> element) and .mjs (imported)
// without evaluating source text. Results: window.__results = { done, ok,
// values, errors, violations }.
import { createWeft } from '/src/js/index.mjs';

const results = window.__results = { done: false, values: {}, errors: [], violations: [] };
document.addEventListener('securitypolicyviolation', (e) => {
  results.violations.push(`${e.violatedDirective}: ${e.blockedURI || e.sample}`);
});

async function main() {
  const weft = await createWeft({ budgetUs: 2000 });
  const v = results.values;
  v.slept = await weft.run('sleep_then', 25);
  v.echoed = await weft.run('echo', 'from the page', { result: 'string' });
  v.gathered = JSON.parse(await weft.run('gather_demo', 2, { result: 'string' }));
  v.awaited = await weft.run('await_promise', weft.handle(new Promise((r) => setTimeout(() => r({ a: 1 }), 5))), { result: 'string' });
  v.budget = weft.module.ENV.WEFT_BUDGET_US;
  const ac = new AbortController();
  const pending = weft.run('sleep_then', 60000, { signal: ac.signal });
  setTimeout(() => ac.abort(), 10);
  v.aborted = await pending.then(() => 'resolved', (e) => `${e.name} ${e === ac.signal.reason}`);

  // A program of one's own: its .js through a <script> element, twice at
  // once (the shared global must not mix the two up), and its .mjs.
  const prog = '/build/wasm/tests/js_bridge/promise_tasks';
  const [a, b] = await Promise.all([createWeft({ module: `${prog}.js` }), createWeft({ module: `${prog}.js` })]);
  const c = await createWeft({ module: new URL(`${prog}.mjs`, location.href) });
  v.own = [
    await a.run('describe', a.handle(Promise.resolve(7)), { result: 'string' }),
    await b.run('describe', b.handle(Promise.resolve('x')), { result: 'string' }),
    await c.run('describe', c.handle(Promise.reject(new RangeError('no'))), { result: 'string' }),
  ];
  v.distinct = a.module !== b.module;
  v.globalLeft = typeof window.createWeftProgram;
  v.missing = await createWeft({ module: '/build/wasm/no_such_program.js' }).then(() => 'loaded', (e) => e.message);
}

main().catch((e) => results.errors.push(String(e && e.stack || e))).finally(() => {
  document.getElementById('out').textContent = JSON.stringify(results, null, 2);
  results.done = true;
});
