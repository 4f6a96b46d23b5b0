// `import { createWeft } from 'weft'` in Chromium, in a page whose
// Content-Security-Policy forbids evaluating source text ('unsafe-eval'):
// the prebuilt runtime and programs of one's own load, run C tasks, await JS
// promises and honour an AbortSignal, with no CSP violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root, skipReason, startBrowser } from './lib.mjs';

// What a strict site sends: scripts only from itself, no eval; compiling
// wasm needs 'wasm-unsafe-eval', which allows WebAssembly and nothing else.
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'";

const skip = skipReason('tests/js_bridge/promise_tasks') ||
  (!existsSync(join(root, 'dist', 'weft.mjs')) && 'dist/weft.mjs missing (run: node scripts/build.mjs wasm)');
let env;
before(async () => { if (!skip) env = await startBrowser({ csp: CSP }); });
after(async () => { if (env) await env.close(); });

test('browser: createWeft under a strict CSP (no eval)', { skip }, async () => {
  const page = await env.browser.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  await page.goto(`${env.server.url}/tests/browser/package.html`);
  // Polled from here: waitForFunction evaluates its predicate as source
  // text, which this page's CSP forbids.
  const deadline = Date.now() + 30000;
  while (!(await page.evaluate(() => Boolean(window.__results && window.__results.done)))) {
    if (Date.now() > deadline) throw new Error(`not done after 30 s: ${JSON.stringify(await page.evaluate(() => window.__results))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const r = await page.evaluate(() => window.__results);
  await page.close();
  const why = JSON.stringify(r, null, 1);
  assert.deepEqual(r.errors, [], why);
  assert.deepEqual(r.violations, [], why);
  const v = r.values;
  assert.equal(v.slept, 25, why);
  assert.equal(v.echoed, 'from the page', why);
  assert.deepEqual(v.gathered, { results: [6, 2, 4], finished: [2, 4, 6] }, why);
  assert.equal(v.awaited, '{"a":1}', why);
  assert.equal(v.budget, '2000', why);
  assert.equal(v.aborted, 'AbortError true', why); // rejected with signal.reason
  assert.deepEqual(v.own, ['number 7 ', 'string 0 x', 'error 0 RangeError: no'], why);
  assert.equal(v.distinct, true, why);
  assert.equal(v.globalLeft, 'undefined', why);
  assert.match(v.missing, /cannot load .*no_such_program\.js/, why);
  // The missing script's 404 is the one console error the page may show.
  assert.deepEqual(consoleErrors.filter((e) => !/404/.test(e)), [], why);
});
