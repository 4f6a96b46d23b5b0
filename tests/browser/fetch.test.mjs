// weft_fetch in a real browser: tests/bridges/fetch_client in the fixture
// page, against tests/node/server.mjs proxied by the static server so that
// it is same-origin. The console may show only what a browser always logs
// for these requests (the 404 and 500 responses, the refused cross-origin
// request).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runPage, skipReason, startBrowser } from './lib.mjs';
import { BASIC_LINES, startServer } from '../node/server.mjs';

const prog = 'tests/bridges/fetch_client';
const skip = skipReason(prog);
let env;
let api;
before(async () => {
  if (skip) return;
  api = await startServer();
  env = await startBrowser({ upstream: api.url });
});
after(async () => {
  if (env) await env.close();
  if (api) await api.close();
});

function ended(r, allowed = []) {
  const why = JSON.stringify({ status: r.status, lines: r.lines, errors: r.errors, consoleErrors: r.consoleErrors });
  assert.equal(r.status, 0, why);
  assert.deepEqual(r.errors, [], why);
  assert.deepEqual(r.consoleErrors.filter((e) => !allowed.some((re) => re.test(e))), [], why);
}

test('browser fetch: JSON body, 404/500 as responses, redirect, headers, POST with body (same-origin)', { skip }, async () => {
  const r = await runPage(env, prog, { args: [env.server.url, 'basic'] });
  ended(r, [/status of (404|500)/]);
  assert.deepEqual(r.lines, BASIC_LINES);
});

test('browser fetch: a relative URL resolves against the page; a cross-origin request without CORS is WEFT_ECORS', { skip }, async () => {
  const before = api.stats.requests['/json'] ?? 0;
  const other = `${api.url}/json`; // another port: another origin, and no CORS headers
  const r = await runPage(env, prog, { args: [env.server.url, 'browser', other] });
  // What each browser logs for the refused request (Chromium; Firefox).
  ended(r, [/CORS policy/, /Failed to load resource: net::ERR_FAILED/, /Cross-Origin Request Blocked/]);
  assert.deepEqual(r.lines, [
    '200 OK type=application/json len=16 body={"hello":"weft"}',
    'error WEFT_ECORS',
    `  why: cross-origin request refused (CORS?): ${other} from ${env.server.url}`,
  ]);
  // The browser sent the cross-origin GET (CORS blocks reading it, not sending it).
  assert.ok(api.stats.requests['/json'] >= before + 1);
});

test('browser fetch: cancelling the awaiting task aborts the request (the server sees the connection close)', { skip }, async () => {
  const closed = api.stats.closedEarly;
  const r = await runPage(env, prog, { args: [env.server.url, 'cancel'] });
  ended(r);
  assert.deepEqual(r.lines, ['error WEFT_ECANCELED', '  why: the awaiting task was cancelled', 'cancelled: WEFT_ECANCELED']);
  assert.ok(api.stats.closedEarly > closed, 'the server should see the aborted request close');
});
