// The npm package as a user gets it: `npm pack` (its prepack builds dist/),
// `npm install <tarball>` into a fresh ESM project, then
// `import { createWeft } from 'weft'` there runs built-in tasks of the
// prebuilt runtime. One pack for the whole file (it is slow). Then a
// bundler (vite, a devDependency here) builds a browser app that imports
// 'weft' from that install, and the bundle runs in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { root } from './lib.mjs';
import { skipReason as browserSkipReason, startBrowser } from '../browser/lib.mjs';

const skip = existsSync(join(root, 'build', 'wasm', 'CMakeCache.txt'))
  ? false : 'build/wasm is not configured (run: node scripts/build.mjs wasm)';

const npm = (args, cwd) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
  cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600000,
  env: { ...process.env, NODE_PATH: ['/usr/share/nodejs', process.env.NODE_PATH].filter(Boolean).join(':') },
});

// The installed app, for the bundler test.
let app = null;
const tmp = mkdtempSync(join(tmpdir(), 'weft-pack-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

test('npm pack, npm install the tarball, import { createWeft } from "weft"', { skip, timeout: 900000 }, () => {
  // 1. Pack (prepack rebuilds dist/ through CMake).
  // Its stdout holds the build's output, then the JSON report.
  const packOut = npm(['pack', '--json', '--pack-destination', tmp], root);
  const packed = JSON.parse(packOut.slice(packOut.search(/^\[$/m)));
  const files = packed[0].files.map((f) => f.path);
  for (const f of ['dist/weft.mjs', 'dist/weft.wasm', 'src/js/index.mjs', 'src/js/node.mjs', 'src/js/index.d.ts', 'include/weft.h',
    'include/weft/js.h', 'src/js/library_weft.js', 'src/js/library_promise.js', 'src/host/js_bridge.c', 'CMakeLists.txt',
    'package.json', 'web/timeline.mjs', 'web/timeline.d.ts', 'web/model.mjs']) {
    assert.ok(files.includes(f), `the tarball lacks ${f}`);
  }
  assert.ok(!files.some((f) => f.startsWith('build/') || f.startsWith('tests/')), 'the tarball carries build/ or tests/');
  const tarball = join(tmp, readdirSync(tmp).find((f) => f.endsWith('.tgz')));

  // 2. A fresh ESM project installs it.
  const dir = join(tmp, 'app');
  execFileSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }));
  npm(['install', tarball], dir);
  assert.ok(existsSync(join(dir, 'node_modules', 'weft', 'dist', 'weft.wasm')));
  app = dir;

  // 3. Use it, as a user would.
  writeFileSync(join(app, 'main.mjs'), `
import { createWeft } from 'weft';
import wasmPkg from 'weft/package.json' with { type: 'json' };
const weft = await createWeft();
const slept = await weft.run('sleep_then', 25);
const echoed = await weft.run('echo', 'from the package', { result: 'string' });
const gathered = JSON.parse(await weft.run('gather_demo', 2, { result: 'string' }));
const awaited = await weft.run('await_promise', weft.handle(Promise.resolve('js value')), { result: 'string' });
let cancelled = null;
const ac = new AbortController();
const p = weft.run('sleep_then', 60000, { signal: ac.signal });
setTimeout(() => ac.abort(), 10);
try { await p; } catch (e) { cancelled = e.name + ' ' + e.code; }
console.log(JSON.stringify({ name: wasmPkg.name, slept, echoed, gathered, awaited, cancelled }));
`);
  const out = execFileSync(process.execPath, ['main.mjs'], { cwd: app, encoding: 'utf8', timeout: 60000 });
  assert.deepEqual(JSON.parse(out.trim().split('\n').pop()), {
    name: 'weft',
    slept: 25,
    echoed: 'from the package',
    gathered: { results: [6, 2, 4], finished: [2, 4, 6] },
    awaited: 'js value',
    cancelled: 'AbortError 20', // signal.reason: the platform's DOMException
  });

  // node -e with the ESM loader, and the wasm subpath export resolves.
  const wasmPath = execFileSync(process.execPath, ['--input-type=module', '-e',
    "import { createWeft } from 'weft'; const w = await createWeft(); console.log(await w.run('sleep_then', 1), import.meta.resolve('weft/runtime'));"],
  { cwd: app, encoding: 'utf8', timeout: 60000 }).trim();
  assert.match(wasmPath, /^1 file:.*node_modules\/weft\/dist\/weft\.mjs$/);
});

const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

/* Serves `dir` on 127.0.0.1 (an ephemeral port). */
async function serve(dir) {
  const server = createServer((req, res) => {
    const rel = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '') || 'index.html';
    const file = join(dir, rel);
    if (rel.includes('..') || !existsSync(file) || !statSync(file).isFile()) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'Content-Type': types[extname(file)] || 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

const bundleSkip = skip || browserSkipReason();
test('a bundler (vite build) ships weft and its .wasm: the bundle runs C tasks in Chromium', { skip: bundleSkip, timeout: 300000 }, async (t) => {
  if (!app) { t.skip('the pack-and-install test did not get as far as an installed app'); return; }
  writeFileSync(join(app, 'index.html'), '<!doctype html><meta charset="utf-8"><title>app</title><link rel="icon" href="data:,"><script type="module" src="./app.js"></script>\n');
  writeFileSync(join(app, 'app.js'), `
import { createWeft } from 'weft';
const weft = await createWeft();
const slept = await weft.run('sleep_then', 5);
const gathered = JSON.parse(await weft.run('gather_demo', 1, { result: 'string' }));
window.__result = { slept, gathered };
`);
  const { build } = await import('vite');
  const outDir = join(app, 'out');
  await build({ root: app, logLevel: 'silent', configFile: false, build: { outDir, target: 'es2022' } });
  const emitted = readdirSync(join(outDir, 'assets'));
  assert.ok(emitted.some((f) => f.endsWith('.wasm')), `vite emitted no .wasm: ${emitted}`);

  const server = await serve(outDir);
  const env = await startBrowser();
  t.after(async () => { await env.close(); await server.close(); });
  const page = await env.browser.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => window.__result, null, { timeout: 30000 }).catch(() => {});
  const result = await page.evaluate(() => window.__result);
  assert.deepEqual(errors, []);
  assert.deepEqual(result, { slept: 5, gathered: { results: [3, 1, 2], finished: [1, 2, 3] } });
});
