// weft_fetch against a real local server: bodies, headers, redirects, HTTP
// errors as responses, every error code, timeout, abort on cancel (seen by
// the server), many requests in flight with other tasks running, and a
// 50 MB body streamed in bounded wasm memory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { report, root, run, runWasm } from './lib.mjs';
import { startServer, closedPortUrl } from './server.mjs';

const prog = join(root, 'build', 'wasm', 'tests', 'bridges', 'fetch_client.js');
const skip = existsSync(prog) ? false : `build output missing: ${prog} (run: node scripts/build.mjs wasm)`;
let server;
before(async () => { server = await startServer(); });
after(async () => { await server.close(); });

async function client(scenario, ...extra) {
  const r = await run(process.execPath, [runWasm, prog, server.url, scenario, ...extra], { timeoutMs: 60000 });
  assert.equal(r.error, null, report(r));
  return r;
}

test('fetch: JSON body, 404/500 as responses, redirect, headers, POST with body', { skip }, async () => {
  const r = await client('basic');
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines, [
    '200 OK type=application/json len=16 body={"hello":"weft"}',
    '404 Not Found type=text/plain len=10 body=status 404',
    '500 Internal Server Error type=text/plain len=10 body=status 500',
    'redirected to /json x-weft=yes',
    '200 OK type=text/plain len=15 body=POST hello ping',
  ]);
});

test('fetch: invalid URL, refused connection, DNS failure, timeout (before headers and in the body) each give their own code', { skip }, async () => {
  const r = await client('errors', await closedPortUrl());
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines, [
    'error WEFT_EURL',
    'error WEFT_ECONNREFUSED',
    'error WEFT_ENETWORK',
    'error WEFT_ETIMEDOUT', // no headers within 200 ms
    '200 OK type=text/plain len=0 body=WEFT_ETIMEDOUT', // headers, then the body stalls
  ]);
});

test('fetch: cancelling the awaiting task aborts the request (the server sees the connection close)', { skip }, async () => {
  const before = server.stats.closedEarly;
  const r = await client('cancel');
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines, ['error WEFT_ECANCELED', 'cancelled: WEFT_ECANCELED']);
  assert.equal(server.stats.closedEarly, before + 1, 'the server should see one aborted response');
});

test('fetch: 50 requests in flight at once while another task keeps ticking', { skip }, async () => {
  const r = await client('many');
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines.filter((l) => l.startsWith('fetched')), ['fetched 50 of 50; ticks while they were in flight: many']);
});

test('fetch: a 50 MB body streamed chunk by chunk in bounded wasm memory', { skip }, async () => {
  const r = await client('stream');
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines, [`streamed ${50 * 1024 * 1024} bytes in many chunks: WEFT_EDONE; heap bounded`]);
});

const example = (name) => join(root, 'build', 'wasm', 'examples', `${name}.js`);

test('example get_docs (seed 003): documents one by one across pages, ending on an empty page', { skip }, async () => {
  const r = await run(process.execPath, [runWasm, example('get_docs'), server.url], { timeoutMs: 60000 });
  assert.equal(r.error, null, report(r));
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines, [
    '(page 1: 3 documents)', 'doc: document 1', 'doc: document 2', 'doc: document 3',
    '(page 2: 3 documents)', 'doc: document 4', 'doc: document 5', 'doc: document 6',
    '(page 3: 1 documents)', 'doc: document 7',
    '(page 4: 0 documents)',
  ]);
});

test('example download: progress as chunks arrive, then the total', { skip }, async () => {
  const r = await run(process.execPath, [runWasm, example('download'), `${server.url}/download`], { timeoutMs: 60000 });
  assert.equal(r.error, null, report(r));
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines, [
    '200 OK, 1048576 bytes to come',
    ...[10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((p) => `progress: ${p}%`),
    'done: 1048576 bytes',
  ]);
  // Progress came while the body was still arriving (16 pieces 10 ms apart).
  assert.ok(r.times.at(-1) - r.times[1] >= 50, `progress lines all at once: ${r.times.join(', ')}`);
});
