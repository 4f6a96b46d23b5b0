// The page's pieces that need no browser: the timeline model built from
// trace records (web/model.mjs), the scenarios' parameters, and the dev
// server (web/server.mjs: what it serves, refuses, and its docs API).
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, run } from './lib.mjs';
import { TimelineModel, suspendedSites, parseSite } from '../../web/model.mjs';
import { axisTicks, fmtClock } from '../../web/timeline.mjs';
import { SCENARIOS, paramsOf, scenario } from '../../web/scenarios.mjs';
import { startPageServer, docsPage } from '../../web/server.mjs';
import { WebSocket } from 'ws';

const fixture = JSON.parse(readFileSync(join(root, 'tests/browser/fixtures/taches.records.json'), 'utf8'));

test('model: lanes, segments, arrows and markers of a recorded taches run', () => {
  const m = new TimelineModel().add(fixture.records);
  const snap = m.snapshot();
  assert.deepEqual(snap.lanes.map((l) => [l.id, l.name, l.parent]), [[0, 'loop', null], [1, 'main', 0], [2, 'Tâche 1', 1], [3, 'Tâche 2', 1], [4, 'Tâche 3', 1]]);
  assert.deepEqual(snap.lanes[3].segments.map((s) => [s.state, s.reason, s.t0, s.t1]),
    [['ready', null, 0, 0], ['running', null, 0, 0], ['waiting', 'timer', 0, 1000], ['ready', null, 1000, 1000], ['running', null, 1000, 1000]]);
  assert.deepEqual(snap.markers.filter((k) => k.kind === 'finish').map((k) => k.task), [3, 4, 2, 1]);
  assert.equal(snap.t1, 2000);
  assert.equal(snap.records, fixture.records.length);
});

test('model: built in pieces equals built at once; step-by-step suspended sites', () => {
  const whole = new TimelineModel().add(fixture.records).snapshot();
  const parts = new TimelineModel();
  const sites = [];
  for (const r of fixture.records) {
    parts.add([r]);
    if (r.kind === 'suspend') sites.push([...suspendedSites(parts).values()].map((s) => s.site).sort());
  }
  assert.deepEqual(parts.snapshot(), whole);
  assert.deepEqual(sites[0], ['examples/taches.c:40']);
  assert.deepEqual(sites[3], ['examples/taches.c:24', 'examples/taches.c:24', 'examples/taches.c:24', 'examples/taches.c:40']);
  assert.deepEqual(parseSite('/abs/path/taches.c:24'), { file: 'taches.c', line: 24 });
  assert.equal(parseSite('nonsense'), null);
});

test('model: unknown kinds and junk are ignored; cancel, yield, warn and dropped become markers', () => {
  const m = new TimelineModel().add([
    null, 42, { seq: 0, t: 0, kind: 'spawn', task: 1, other: 0, name: '<b>x</b>' },
    { seq: 1, t: 1, kind: 'from_the_future', task: 1 },
    { seq: 2, t: 2, kind: 'yield_value', task: 1, other: 2, value: 7 },
    { seq: 3, t: 3, kind: 'cancel', task: 1, other: 2 },
    { seq: 4, t: 4, kind: 'warn', task: 1, detail: 'long_running', value: 120 },
    { seq: 5, t: 5, kind: 'dropped', value: 10 },
    { seq: 6, t: 6, kind: 'finish', task: 1, status: 'cancelled' },
  ]);
  assert.equal(m.lanes[1].name, '<b>x</b>'); // drawn as text by the canvas, never parsed
  assert.deepEqual(m.markers.map((k) => [k.kind, k.label]), [
    ['yield', 'yield 7'], ['cancel', 'cancelled by task 2'], ['warn', 'long_running 120'], ['dropped', '10 records dropped'], ['finish', 'cancelled']]);
  assert.equal(m.dropped, 10);
  assert.deepEqual(m.arrows, [{ from: 1, to: 2, t: 2, i: 2, kind: 'yield' }]); // i counts records, junk excluded
});

test('scenarios: every example has one; parameters are checked and become arguments', () => {
  // Every example is a scenario but `download` (a URL to stream, no
  // interleaving to see), `run_tasks` (it steps its own loop from main, one
  // resume at a time: the page's Run and Step drive the loop themselves),
  // `echo_tcp` (a TCP server: a browser cannot listen) and `wc` (stdin).
  const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2))
    .filter((n) => !['download', 'run_tasks', 'echo_tcp', 'wc'].includes(n)).sort();
  assert.deepEqual(SCENARIOS.map((s) => s.name).sort(), examples);
  // The scenarios that wait on the host say what they do and what does not follow a virtual clock.
  assert.deepEqual(SCENARIOS.filter((s) => s.host).map((s) => s.name).sort(), ['animate', 'echo_ws', 'get_docs', 'primes']);
  for (const s of SCENARIOS.filter((x) => x.host)) assert.deepEqual(Object.keys(s.host).sort(), ['does', 'follows'], s.name);
  const ws = scenario('echo_ws');
  assert.deepEqual(ws.args(paramsOf(ws).params, { origin: 'http://127.0.0.1:8080' }), ['ws://127.0.0.1:8080/ws/reverse', 'Hello World!', 'weft']);
  assert.equal(paramsOf(ws, { msg: 'a\u0000b' }).errors.length, 1);
  assert.equal(paramsOf(ws, { msg: 'x'.repeat(201) }).errors.length, 1);
  assert.equal(scenario('primes').workers, 2);
  assert.deepEqual(scenario('primes').args(paramsOf(scenario('primes'), { n: '1000', jobs: '3' }).params), ['1000', '3']);
  assert.equal(scenario('animate').stage, 'weft-animate');
  for (const s of SCENARIOS) assert.deepEqual(s.args(paramsOf(s).params).every((a) => typeof a === 'string'), true, s.name);
  assert.deepEqual(scenario('counter').args(paramsOf(scenario('counter'), { gather: 'no' }).params), []);
  assert.equal(paramsOf(scenario('async_range'), { version: 'v9' }).errors.length, 1);
  const sc = scenario('taches');
  assert.deepEqual(sc.args(paramsOf(sc).params), ['2000', '1000', '1500']);
  const { params, errors } = paramsOf(sc, { d1: '300', d2: '-5', d3: 'abc' });
  assert.deepEqual(params, { d1: 300, d2: 1000, d3: 1500 });
  assert.equal(errors.length, 2);
  const r = scenario('reception');
  assert.deepEqual(r.args(paramsOf(r, { timeout: '2.5' }).params), ['--timeout', '2.5', '--intervalles', '1000,1500', '--iterations', '4,3']);
  assert.equal(scenario('nope'), null);
});

test('dev server: the page with a strict CSP, the built examples, their source, the docs API; nothing else', async () => {
  const s = await startPageServer({ port: 0 });
  try {
    const get = (p) => fetch(s.url + p);
    let r = await get('/');
    assert.equal(r.status, 200);
    const csp = r.headers.get('content-security-policy');
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
    assert.doesNotMatch(csp, /unsafe-inline|'unsafe-eval'/);
    assert.equal(r.headers.get('cross-origin-opener-policy'), 'same-origin');
    assert.match(await r.text(), /<canvas id="timeline"/);
    assert.equal((await get('/web/app.mjs')).headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match(await (await get('/examples/taches.c')).text(), /weft_gather/);
    assert.equal((await get('/src/js/trace.mjs')).status, 200);
    assert.equal((await get('/build/wasm/examples/taches.mjs')).headers.get('content-type'), 'text/javascript; charset=utf-8');
    for (const p of ['/package.json', '/web/../package.json', '/%2e%2e/package.json', '/examples/CMakeLists.txt', '/src/core/loop.c', '/build/wasm/CMakeCache.txt', '/nope']) {
      assert.equal((await get(p)).status, 404, p);
    }
    assert.deepEqual(await (await get('/api/features')).json(), { trace: true });
    assert.deepEqual(await (await get('/api/2/3/0/docs?page=2')).json(), { page: 2, docs: ['document 4', 'document 5', 'document 6'] });
    assert.deepEqual(await (await get('/api/2/3/0/docs?page=3')).json(), { page: 3, docs: [] });
    const t0 = Date.now();
    await (await get('/api/1/1/120/docs?page=1')).json();
    assert.ok(Date.now() - t0 >= 115, 'the latency parameter delays the answer');
    assert.equal((await fetch(s.url + '/', { method: 'POST' })).status, 405);
    // /ws/reverse: seed 004's echo server over a WebSocket (the `ws` package as the client too).
    const wsUrl = s.url.replace('http:', 'ws:');
    const sock = new WebSocket(`${wsUrl}/ws/reverse`);
    const replies = [];
    await new Promise((resolve, reject) => {
      sock.on('open', () => { sock.send('Hello World!'); sock.send(Buffer.from([1, 2, 3])); });
      sock.on('message', (data, isBinary) => { replies.push(isBinary ? [...data] : data.toString()); if (replies.length === 2) resolve(); });
      sock.on('error', reject);
    });
    sock.close();
    assert.deepEqual(replies, ['!dlroW olleH', [1, 2, 3]]);
    const refused = new WebSocket(`${wsUrl}/ws/other`);
    const why = await new Promise((resolve) => { refused.on('error', (e) => resolve(e.message)); refused.on('open', () => resolve('opened')); });
    assert.match(why, /404/);
    assert.deepEqual(docsPage(0, 3, 2), { page: 0, docs: [] });
  } finally {
    await s.close();
  }
});

test('npm start -- --no-build --port 0: prints the URL, serves the page on 127.0.0.1', async () => {
  const child = spawn(process.execPath, [join(root, 'scripts/start.mjs'), '--no-build', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => { out += d; const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out); if (m) resolve(m[0]); });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const r = await fetch(url);
    assert.equal(r.status, 200);
    assert.match(await r.text(), /<title>weft/);
  } finally {
    child.kill();
  }
  const bad = spawn(process.execPath, [join(root, 'scripts/start.mjs'), '--port', 'x'], { stdio: 'ignore' });
  assert.equal(await new Promise((r) => bad.on('exit', r)), 2);
});

test('timeline axis: ticks never read alike, however far one zooms; the output reads in seconds', () => {
  for (const [x0, x1] of [[0, 2040], [1000, 1000.004], [0.5, 0.5002], [123456, 123999], [0, 3]]) {
    const ticks = axisTicks(x0, x1, 900);
    assert.ok(ticks.length >= 2, JSON.stringify([x0, x1, ticks]));
    assert.equal(new Set(ticks.map((t) => t.text)).size, ticks.length, JSON.stringify(ticks));
    assert.ok(ticks.every((t) => t.v >= x0 && t.v <= x1));
  }
  assert.deepEqual(axisTicks(0, 2040, 900).map((t) => t.text).slice(0, 3), ['0 ms', '500 ms', '1000 ms']);
  assert.deepEqual(axisTicks(0, 6000, 900).map((t) => t.text).slice(0, 3), ['0 s', '1 s', '2 s']);
  assert.deepEqual(axisTicks(1000, 1000.004, 900).map((t) => t.text).slice(0, 2), ['1000.0000 ms', '1000.0005 ms']);
  // The steps axis counts records: whole numbers, even zoomed past one.
  const steps = axisTicks(10, 12.5, 900, 'steps');
  assert.deepEqual(steps.map((t) => t.text), ['#10', '#11', '#12']);
  assert.deepEqual(axisTicks(5, 5, 900), []);
  assert.deepEqual([0, 1500, 2000.25].map(fmtClock), ['0.000 s', '1.500 s', '2.000 s']);
});

const pageBenchSkip = !existsSync(process.env.WEFT_CHROMIUM || '/usr/bin/chromium') ? 'no chromium'
  : !existsSync(join(root, 'build/wasm/examples/reception.wasm')) ? 'examples not built (node scripts/build.mjs wasm)' : false;

test('npm run bench -- page: tiny sizes write the ratio, the longest task, late frames and where the time went', { skip: pageBenchSkip, timeout: 300000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'weft-page-bench-'));
  try {
    const r = await run(process.execPath, [join(root, 'scripts/bench.mjs'), 'page', '--scale', '0.01', '--reps', '1', '--out', out], { timeoutMs: 290000 });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const list = JSON.parse(readFileSync(join(out, 'page.json'), 'utf8'));
    for (const w of ['reception 2×10×1 ms', '100 lines']) {
      for (const speed of ['×1', '×8']) {
        for (const m of ['loop time ratio', 'longest main-thread task', 'frames over 16 ms', 'page ms', 'bare ms']) {
          const e = list.find((x) => x.metric === `page ${w} ${speed}: ${m}`);
          assert.ok(e && Number.isFinite(e.value) && e.impl === 'weft-wasm', `${w} ${speed} ${m}: ${JSON.stringify(e)}`);
        }
      }
    }
    const raw = JSON.parse(readFileSync(join(out, 'page-raw.json'), 'utf8'));
    assert.equal(raw.raw.length, 4);
    for (const f of raw.raw) {
      assert.ok(f.bare_ms > 0 && f.page_ms > 0 && f.main_busy_ms >= 0 && f.page_frames >= 1, JSON.stringify(f));
      assert.equal(f.lines, f.workload === '100 lines' ? 100 : 20);
    }
    assert.match(r.stdout, /loop time in the page ÷ bare/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
