// The worker pool of include/weft/worker.h in a real browser (Debian's
// chromium through playwright-core, and firefox-esr): jobs of
// tests/js_bridge/worker_tasks.c in module Web Workers, each its own
// instance of the program (tests/browser/workers.js). Nothing is timed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { engine, skipReason, startBrowser } from './lib.mjs';

const skip = skipReason('tests/js_bridge/worker_tasks');
let env;
before(async () => { if (!skip) env = await startBrowser(); });
after(async () => { if (env) await env.close(); });

test(`browser (${engine}): jobs in module Web Workers equal the loop thread's count; a trap, a job's code, a cancel`, { skip, timeout: 120000 }, async () => {
  const page = await env.browser.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(`${env.server.url}/tests/browser/workers.html`);
  const deadline = Date.now() + 100000;
  while (!(await page.evaluate(() => Boolean(window.__results && window.__results.done)))) {
    if (Date.now() > deadline) throw new Error('the page did not finish');
    await new Promise((r) => setTimeout(r, 50));
  }
  const res = await page.evaluate(() => window.__results);
  await page.close();
  assert.equal(res.error, undefined, res.error);
  const r = res.r;
  assert.equal(r.size, 2);
  assert.equal(r.here, 9592); // π(100 000)
  assert.equal(r.pool, 9592);
  assert.equal(r.afterPool.started, 2);
  assert.equal(r.afterPool.jobs, 8);
  assert.equal(r.meanwhile, 1000000 + 1229);
  assert.equal(r.trap, -42); // WEFT_EWORKER
  assert.equal(r.fail, -29); // WEFT_ENOENT
  assert.equal(r.cancel, 'AbortError');
  assert.equal(r.again, 168);
  assert.equal(r.final.replaced, 2); // the trapped worker and the cancelled one
  assert.deepEqual(errors, []);
});
