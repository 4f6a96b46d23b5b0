// weft_fetch against a real local server (tests/node/server.mjs): bodies,
// headers, redirects, HTTP errors as responses, every error code with its
// message, timeout, abort on cancel and on wait_for (seen by the server),
// many requests in flight with other tasks running, a 50 MB body streamed in
// bounded wasm memory, and the get_docs and download examples.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { report, root, run, runWasm } from './lib.mjs';
import { BASIC_LINES, closedPortUrl, startHostileServer, startServer } from './server.mjs';

const prog = join(root, 'build', 'wasm', 'tests', 'bridges', 'fetch_client.js');
const skip = existsSync(prog) ? false : `build output missing: ${prog} (run: node scripts/build.mjs wasm)`;
let server;
before(async () => { server = await startServer(); });
after(async () => { await server.close(); });

async function client(scenario, ...extra) {
  return clientWith([], process.env, scenario, ...extra);
}

async function clientWith(nodeArgs, env, scenario, ...extra) {
  return clientOf(prog, nodeArgs, env, scenario, ...extra);
}

async function clientOf(program, nodeArgs, env, scenario, ...extra) {
  const r = await run(process.execPath, [...nodeArgs, runWasm, program, server.url, scenario, ...extra], { env, timeoutMs: 60000 });
  assert.equal(r.error, null, report(r));
  return r;
}

test('fetch: JSON body, 404/500 as responses, redirect, headers, POST with body', { skip }, async () => {
  const r = await client('basic');
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines, BASIC_LINES);
});

test('fetch: invalid URL, refused connection, DNS failure, timeout (before headers and in the body), bad header or body: each its own code and message', { skip }, async () => {
  const refused = await closedPortUrl();
  const r = await client('errors', refused);
  assert.equal(r.code, 0, report(r));
  const expected = [
    'error WEFT_EURL',
    /^  why: invalid URL: "http:\/\/exa mple\.com:99999\/"$/,
    'error WEFT_ECONNREFUSED',
    new RegExp(`^  why: fetch failed \\(.*ECONNREFUSED.*\\): ${refused.replace(/[.]/g, '\\.')}$`),
    'error WEFT_ENETWORK',
    /^  why: fetch failed \(.*(ENOTFOUND|EAI_AGAIN).*\): http:\/\/weft-test\.invalid\/$/,
    'error WEFT_ETIMEDOUT', // no headers within 200 ms
    /^  why: no response within 200 ms: http:\/\/127\.0\.0\.1:\d+\/hang$/,
    '200 OK type=text/plain len=0 body=WEFT_ETIMEDOUT', // headers, then the body stalls
    'error WEFT_EINVAL', // "Bad Name" is not a header name
    /^  why: .*Bad Name/,
    'error WEFT_EINVAL', // a GET with a body
    /^  why: .*(GET|body)/,
  ];
  assert.equal(r.lines.length, expected.length, report(r));
  expected.forEach((e, i) => (typeof e === 'string' ? assert.equal(r.lines[i], e, report(r)) : assert.match(r.lines[i], e, report(r))));
  assert.equal(server.stats.requests['/hang'] >= 1 && server.stats.requests['/never'] >= 1, true);
});

test('fetch: the codes library_fetch.js uses are the ones of include/weft/errors.h (WeftErrors)', async () => {
  const { ERRORS } = await import('../../src/js/constants.mjs');
  const js = readFileSync(join(root, 'src', 'js', 'library_fetch.js'), 'utf8');
  assert.match(js, /\$WeftFetch__deps: \[[^\]]*'\$WeftErrors'/);
  const used = new Set([...js.matchAll(/\b(?:WeftErrors|C)\.(E[A-Z]+)\b/g)].map((m) => m[1]));
  for (const name of used) assert.ok(name in ERRORS, `WEFT_${name}`);
  for (const name of ['ECANCELED', 'ETIMEDOUT', 'EINVAL', 'ENOMEM', 'EURL', 'ECONNREFUSED', 'ENETWORK', 'ECORS'])
    assert.ok(used.has(name), `library_fetch.js no longer uses WEFT_${name}`);
});

// Runs `scenario`, which must print `lines` and abort exactly one response
// (the server sees its connection close before the response ended).
async function abortsOne(scenario, lines) {
  const before = server.stats.closedEarly;
  const r = await client(scenario);
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines, lines);
  // The client saw the request reach the server before it cancelled
  // (/seen); the server hears of the closed connection when it does, which
  // is waited for, never guessed with a delay.
  for (let i = 0; i < 2000 && server.stats.closedEarly < before + 1; i++) await new Promise((res) => setTimeout(res, 5));
  assert.equal(server.stats.closedEarly, before + 1, 'the server should see one aborted response');
}

// Each abort twice: as a process's first request, which Node's fetch
// aborts through an AbortSignal, and after one ("warm:"), when weft aborts
// it through undici's dispatcher instead (src/js/library_fetch.js).
for (const warm of ['', 'warm:']) {
  const after = warm ? ' (after a first request: aborted through undici)' : '';
  test(`fetch: cancelling the awaiting task aborts the request (the server sees the connection close)${after}`, { skip }, () =>
    abortsOne(`${warm}cancel`, ['error WEFT_ECANCELED', '  why: the awaiting task was cancelled', 'cancelled: WEFT_ECANCELED']));

  test(`fetch in a generator: cancelling its consumer cancels the generator's fetch, which is aborted${after}`, { skip }, () =>
    // The consumer's WEFT_AFOR closes the generator on its way out, waiting
    // for the generator's fetch to end (cancelled) before the loop is left.
    abortsOne(`${warm}gen_cancel`, ['gen: fetch /json: WEFT_OK', 'consumer: page 200', 'gen: fetch /hang: WEFT_ECANCELED',
      'consumer: WEFT_ECANCELED', 'cancelled: WEFT_ECANCELED']));

  test(`fetch: a request to a new connection, cancelled as it starts, ends with WEFT_ECANCELED${after}`, { skip }, async () => {
    // Another origin (a port nothing listens on): cancelled in the pass that
    // started it, before any connection, which is later refused.
    const r = await client(`${warm}cancel_at_once`, await closedPortUrl());
    assert.equal(r.code, 0, report(r));
    assert.deepEqual(r.lines, ['error WEFT_ECANCELED', '  why: the awaiting task was cancelled', 'cancelled: WEFT_ECANCELED']);
  });

  // With a 1 µs budget every loop pass overruns it: the host must still
  // hear of the cancellation (the request's abort) before its next turn,
  // in which it would connect and send the request.
  for (const budget of ['', '1']) {
    const over = budget ? `, with a 1 µs budget` : '';
    test(`fetch: a request to a new connection, cancelled as it starts, never reaches the server${after}${over}`, { skip }, async () => {
      // Another origin (a second server): the request waits for a connection
      // when it is cancelled, and must not be sent once it has one.
      const other = await startServer();
      try {
        const env = budget ? { ...process.env, WEFT_BUDGET_US: budget } : process.env;
        const r = await clientWith([], env, `${warm}cancel_at_once`, `${other.url}/hang`);
        assert.equal(r.code, 0, report(r));
        assert.deepEqual(r.lines, ['error WEFT_ECANCELED', '  why: the awaiting task was cancelled', 'cancelled: WEFT_ECANCELED']);
        assert.deepEqual(other.stats.requests, {}, 'the server should not see the request');
      } finally {
        await other.close();
      }
    });
  }

  test(`fetch: wait_for on a task reading a never-ending body times out and aborts the request${after}`, { skip }, () =>
    abortsOne(`${warm}wait_for`, ['headers: 200', 'body: WEFT_ECANCELED', 'wait_for: WEFT_ETIMEDOUT']));
}

test('fetch: 50 requests in flight at once while another task keeps ticking', { skip }, async () => {
  const r = await client('many');
  assert.equal(r.code, 0, report(r));
  // The ticker runs every 10 ms while all 50 requests (200 ms each) are pending.
  assert.deepEqual(r.lines, ['tick 1: 50 in flight', 'tick 2: 50 in flight', 'tick 3: 50 in flight', 'fetched 50 of 50']);
  assert.ok(r.times[3] - r.times[0] >= 100, `ticks should come well before the fetches end: ${r.times.join(', ')}`);
});

test('fetch: in a browser, relative URLs resolve against the page and a cross-origin failure is WEFT_ECORS (simulated browser globals)', { skip }, async () => {
  // Node's fetch has no same-origin policy. This preload gives the program a
  // page location and a fetch that fails cross-origin requests as browsers
  // do for CORS: a bare TypeError('Failed to fetch') with no cause.
  const fakeBrowser = `data:text/javascript,${encodeURIComponent(`
    globalThis.location = new URL(process.env.WEFT_TEST_ORIGIN + '/app/page.html');
    const realFetch = globalThis.fetch;
    globalThis.fetch = (req, init) => new URL(req.url ?? req).origin === location.origin
      ? realFetch(req, init) : Promise.reject(new TypeError('Failed to fetch'));`)}`;
  const before = server.stats.requests['/json'] ?? 0;
  const other = server.url.replace('127.0.0.1', 'localhost') + '/json';
  const r = await clientWith(['--import', fakeBrowser], { ...process.env, WEFT_TEST_ORIGIN: server.url }, 'browser', other);
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines, [
    '200 OK type=application/json len=16 body={"hello":"weft"}',
    'error WEFT_ECORS',
    `  why: cross-origin request refused (CORS?): ${other} from ${server.url}`,
  ]);
  assert.equal(server.stats.requests['/json'], before + 1, 'only the same-origin request reaches the server');
});

test('fetch: a body larger than the wasm memory (capped at 32 MiB): whole gives WEFT_ENOMEM saying why, streamed works', { skip }, async () => {
  const small = join(root, 'build', 'wasm', 'tests', 'bridges', 'fetch_client_small.js');
  const r = await clientOf(small, [], process.env, 'too_big');
  assert.equal(r.code, 0, report(r));
  assert.equal(r.lines[0], 'whole: WEFT_ENOMEM', report(r));
  assert.match(r.lines[1], /^  why: the body does not fit in memory \((\d+ bytes read|Content-Length \d+), no room for a \d+-byte buffer\): read it chunk by chunk with weft_response_read$/, report(r));
  assert.match(r.lines[2], new RegExp(`^streamed ${50 * 1024 * 1024} bytes in many chunks \\(largest \\d+ KiB\\): WEFT_EDONE$`), report(r));
  const mib = Number(/^wasm memory: (\d+) MiB$/.exec(r.lines[3])?.[1]);
  assert.ok(mib > 0 && mib <= 32, report(r));
});

test('fetch: a 50 MB body streamed chunk by chunk in bounded wasm memory', { skip }, async () => {
  const r = await client('stream');
  assert.equal(r.code, 0, report(r));
  assert.equal(r.lines.length, 2, report(r));
  assert.match(r.lines[0], new RegExp(`^streamed ${50 * 1024 * 1024} bytes in many chunks \\(largest \\d+ KiB\\): WEFT_EDONE$`));
  const mib = Number(/^wasm memory: (\d+) MiB$/.exec(r.lines[1])?.[1]);
  assert.ok(mib > 0 && mib < 64, `wasm memory should stay bounded: ${r.lines[1]}`);
});

// A misbehaving or unusual server, each case with a ticker task running
// beside the fetch (tests/bridges/fetch_client.c: hostile): the named
// outcome, then the loop still serving its other tasks.
async function hostile(path, mode, program = prog) {
  const r = await clientOf(program, [], process.env, 'hostile', `${server.url}${path}`, mode);
  assert.equal(r.code, 0, report(r));
  return r.lines;
}
const edone = (bytes) => `stream: WEFT_EDONE, ${bytes} bytes, chunks of at most 64 KiB: yes, then WEFT_EDONE`;

test('fetch: streaming a small body of known size (read whole by the host) ends with WEFT_EDONE, twice (it trapped on the second read)', { skip }, async () => {
  assert.deepEqual(await hostile('/sized', 'stream'), ['fetch: 200', edone(16), 'ticker: alive']);
  assert.deepEqual(await hostile('/sized', 'whole'), ['fetch: 200', 'whole: WEFT_OK, 16 bytes', 'ticker: alive']);
});

test('fetch: a gzip body streams in chunks of at most 64 KiB however far it decodes (16 MiB from 16 KB came as one chunk)', { skip }, async () => {
  assert.deepEqual(await hostile('/gzip', 'stream'), ['fetch: 200', edone(16 << 20), 'ticker: alive']);
});

test('fetch: a gzip, gzip bomb (64 MiB from a few hundred bytes) streams bounded; read whole into 32 MiB it is WEFT_ENOMEM', { skip }, async () => {
  assert.deepEqual(await hostile('/bomb', 'stream'), ['fetch: 200', edone(64 << 20), 'ticker: alive']);
  const small = join(root, 'build', 'wasm', 'tests', 'bridges', 'fetch_client_small.js');
  assert.deepEqual(await hostile('/bomb', 'whole', small), ['fetch: 200', 'whole: WEFT_ENOMEM', 'ticker: alive']);
});

test('fetch: timeouts of 2^31 ms and more wait (setTimeout fired them after 1 ms: WEFT_ETIMEDOUT)', { skip }, async () => {
  for (const ms of ['2147483648', '3000000000', '9223372036854775807'])
    assert.deepEqual(await hostile('/sized', `whole,timeout=${ms}`), ['fetch: 200', 'whole: WEFT_OK, 16 bytes', 'ticker: alive'], ms);
});

test('fetch: a misbehaving server (reset mid-body, bad chunking, short body, conflicting lengths, NUL in a header, 10 MB of headers, a redirect loop), a refused port, a DNS failure: each a named error while a ticker keeps running', { skip }, async () => {
  const bad = await startHostileServer();
  try {
    const at = async (url, mode) => {
      const r = await clientOf(prog, [], process.env, 'hostile', url, mode);
      assert.equal(r.code, 0, report(r));
      return r.lines;
    };
    const inBody = ['fetch: 200', 'whole: WEFT_ENETWORK', 'ticker: alive'];
    const atHeaders = ['fetch: WEFT_ENETWORK', 'ticker: alive'];
    assert.deepEqual(await at(`${bad.url}/reset`, 'whole'), inBody, 'reset');
    const streamed = await at(`${bad.url}/reset`, 'stream');
    assert.equal(streamed.length, 3, streamed.join('\n'));
    assert.match(streamed[1], /^stream: WEFT_ENETWORK, \d+ bytes, chunks of at most 64 KiB: yes, then WEFT_ENETWORK$/);
    assert.deepEqual([streamed[0], streamed[2]], ['fetch: 200', 'ticker: alive']);
    assert.deepEqual(await at(`${bad.url}/badchunk`, 'whole'), inBody, 'bad chunking');
    assert.deepEqual(await at(`${bad.url}/short`, 'whole'), inBody, 'short body');
    assert.deepEqual(await at(`${bad.url}/conflict`, 'whole'), atHeaders, 'conflicting lengths');
    assert.deepEqual(await at(`${bad.url}/nulheader`, 'whole'), atHeaders, 'NUL in a header');
    assert.deepEqual(await at(`${bad.url}/bigheaders`, 'whole'), atHeaders, '10 MB of headers');
    assert.deepEqual(await at(`${bad.url}/loop`, 'whole'), atHeaders, 'redirect loop');
    assert.deepEqual(await at(await closedPortUrl(), 'whole'), ['fetch: WEFT_ECONNREFUSED', 'ticker: alive'], 'refused');
    assert.deepEqual(await at('http://weft-test.invalid/', 'whole'), atHeaders, 'DNS failure');
  } finally {
    await bad.close();
  }
});

const example = (name) => join(root, 'build', 'wasm', 'examples', `${name}.js`);

test('example get_docs (seed 003): documents one by one across pages, ending on an empty page', { skip }, async () => {
  const r = await run(process.execPath, [runWasm, example('get_docs'), server.url], { timeoutMs: 60000 });
  assert.equal(r.error, null, report(r));
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines, [
    '(page 1: 3 documents)', 'doc: document 1', 'doc: document 2', 'doc: document 3',
    '(page 2: 3 documents)', 'doc: document 4', 'doc: document 5, "quoted"', 'doc: document 6',
    '(page 3: 1 documents)', 'doc: document 7',
    '(page 4: 0 documents)',
  ]);
});

for (const how of ['iterable', 'iterator']) {
  test(`example large_file ${how} over a fetched body: chunks of at most 24 bytes, in order`, { skip }, async () => {
    const r = await run(process.execPath, [runWasm, example('large_file'), how, `${server.url}/slow`], { timeoutMs: 60000 });
    assert.equal(r.error, null, report(r));
    assert.equal(r.code, 0, report(r));
    // /slow sends "chunk0 " … "chunk3 " 50 ms apart; the network may merge
    // pieces, so only the order and the chunk size are fixed.
    assert.equal(r.lines.join('').replace(/\s/g, ''), 'chunk0chunk1chunk2chunk3', report(r));
    assert.ok(r.lines.length >= 2 && r.lines.every((l) => l.length <= 24), report(r));
  });
}

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
