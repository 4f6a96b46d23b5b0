// The npm package as a user gets it: `npm pack` (its prepack builds dist/
// only), `npm install <tarball>` into a fresh ESM project (the fixture files
// of tests/package/), then, over that install:
//   - the tarball's contents and metadata, its README's links
//   - Node 20 and every major of tests/majors (22, 24, 26): the built-in
//     runtime and a program of one's own, from ESM and from require()
//   - the host process left alone: no listeners, an unrelated rejection or
//     throw reaching the app's handler or ending the process exactly as it
//     does without weft, exit codes untouched
//   - tsc --strict over a typed consumer (bundler and nodenext resolution)
//   - the README's CMake recipe (add_subdirectory + weft_program), optimised
//     without a build type, loaded with createWeft({ module })
//   - a vite build of two apps (the built-in runtime; one's own program
//     through weft/core): no warning, no Node-only code, the bundle's size;
//     both bundles run in Chromium and in Firefox, and so does the package
//     unbundled (an import map, a module worker)
//   - dist/ rebuilt from the tarball at another path: byte-identical
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import { root } from './lib.mjs';
import { firefoxSkipReason, skipReason as browserSkipReason, startBrowser, startFirefox } from '../browser/lib.mjs';

const skip = spawnSync('emcc', ['--version']).status === 0 ? false : 'emcc is not installed (run: bash scripts/ensure-toolchain.sh)';
const env = { ...process.env, NODE_PATH: ['/usr/share/nodejs', process.env.NODE_PATH].filter(Boolean).join(':') };

const npm = (args, cwd) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
  cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600000, env,
});

// The Node binaries the consumer runs under: this one, and tests/majors'.
const nodes = [{ major: process.versions.node.split('.')[0], bin: process.execPath }];
for (const m of ['22', '24', '26']) {
  const bin = join(root, 'tests', 'majors', 'node_modules', `node${m}`, 'bin', 'node');
  if (existsSync(bin)) nodes.push({ major: m, bin });
}

const tmp = mkdtempSync(join(tmpdir(), 'weft-pack-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const app = join(tmp, 'app');
let packed = null;      // npm pack's report
let installed = false;
let built = false;      // the CMake recipe's program

before(() => {
  if (skip) return;
  // 1. Pack (prepack builds dist/ through CMake). Its stdout holds the
  //    build's output, then the JSON report.
  const packOut = npm(['pack', '--json', '--pack-destination', tmp], root);
  packed = JSON.parse(packOut.slice(packOut.search(/^\[$/m)))[0];
  const tarball = join(tmp, readdirSync(tmp).find((f) => f.endsWith('.tgz')));
  // 2. A fresh ESM project installs it.
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }));
  for (const f of readdirSync(join(root, 'tests', 'package'))) cpSync(join(root, 'tests', 'package', f), join(app, f));
  npm(['install', tarball], app);
  installed = existsSync(join(app, 'node_modules', 'weft', 'dist', 'weft.wasm'));
});

const pkgDir = () => join(app, 'node_modules', 'weft');
const runNode = (bin, args, opts = {}) => spawnSync(bin, args, { cwd: app, encoding: 'utf8', timeout: 60000, env: { ...process.env, NODE_OPTIONS: '' }, ...opts });

test('the tarball: what a user needs, nothing of the repository, true metadata, links that resolve', { skip }, () => {
  const files = packed.files.map((f) => f.path);
  for (const f of ['LICENSE', 'README.md', 'package.json', 'CMakeLists.txt', 'dist/weft.mjs', 'dist/weft.wasm',
    'src/js/index.mjs', 'src/js/node.mjs', 'src/js/index.d.ts', 'src/js/constants.mjs', 'include/weft.h', 'include/weft/js.h',
    'src/js/library_weft.js', 'src/host/js_bridge.c', 'web/timeline.mjs', 'web/timeline.d.ts', 'web/model.mjs', 'docs/bridges.md']) {
    assert.ok(files.includes(f), `the tarball lacks ${f}`);
  }
  const stray = files.filter((f) => /^(build|tests|examples|bench|scripts|node_modules)\//.test(f) || /^dist\/(?!weft\.(mjs|wasm)$)/.test(f));
  assert.deepEqual(stray, [], 'the tarball carries files no user needs');
  const pkg = JSON.parse(readFileSync(join(pkgDir(), 'package.json'), 'utf8'));
  for (const k of ['repository', 'homepage', 'bugs', 'keywords', 'license', 'engines']) assert.ok(pkg[k], `package.json has no ${k}`);
  assert.equal(pkg.sideEffects, false);
  assert.match(readFileSync(join(pkgDir(), 'LICENSE'), 'utf8'), /MIT License/);
  // Every relative link of the README is a file of the package.
  const readme = readFileSync(join(pkgDir(), 'README.md'), 'utf8');
  const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((l) => !/^(https?:|#|mailto:)/.test(l));
  assert.ok(links.length > 0);
  const dead = links.filter((l) => !existsSync(join(pkgDir(), l.replace(/#.*$/, ''))));
  assert.deepEqual(dead, [], 'README links that do not resolve in the installed package');
  // The README is written for someone who installed the package: it opens
  // with the install, not with the repository's npm start / npm test.
  const head = readme.slice(0, readme.indexOf('\n## ', readme.indexOf('\n## ') + 1));
  assert.match(head, /npm install weft/);
  assert.doesNotMatch(head, /npm (start|test)\b/);
  // The built-in tasks are listed: every WEFT_JS_TASK / WEFT_JS_GEN of runtime.c.
  const runtime = readFileSync(join(pkgDir(), 'src', 'host', 'runtime.c'), 'utf8');
  const tasks = [...runtime.matchAll(/WEFT_JS_(?:TASK|GEN)(?:_STRING)?\((\w+)\)/g)].map((m) => m[1]);
  assert.ok(tasks.length >= 10);
  for (const t of tasks) assert.ok(readme.includes(`\`${t}\``), `the README does not list the built-in task ${t}`);
});

for (const { major, bin } of nodes) {
  test(`Node ${major}: import { createWeft } from 'weft' (the built-in runtime), require('weft')`, { skip }, (t) => {
    if (!installed) { t.skip('no installed package'); return; }
    const r = runNode(bin, ['use.mjs']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '', 'Node printed warnings');
    const out = JSON.parse(r.stdout.trim().split('\n').pop());
    assert.deepEqual(out, {
      name: 'weft',
      slept: 25,
      echoed: 'from the package',
      gathered: { results: [6, 2, 4], finished: [2, 4, 6] },
      awaited: 'js value',
      counted: [0, 1, 2],
      cancelled: 'true AbortError false',
      own: null,
      listeners: [0, 0],
    });
    // The README's first sample, as written.
    const readme = readFileSync(join(pkgDir(), 'README.md'), 'utf8');
    writeFileSync(join(app, 'readme-sample.mjs'), readme.match(/```js\n([\s\S]*?)```/)[1]);
    const sample = runNode(bin, ['readme-sample.mjs']);
    assert.equal(sample.status, 0, sample.stderr);
    assert.equal(sample.stdout, '0\n1\n2\ntrue\ntrue WEFT_ETIMEDOUT\n');
    const req = runNode(bin, ['require.cjs']);
    assert.equal(req.status, 0, req.stderr);
    assert.equal(req.stdout.trim(), 'required 2');
  });

  test(`Node ${major}: the host process is the app's (handlers, exit codes) after createWeft()`, { skip }, (t) => {
    if (!installed) { t.skip('no installed package'); return; }
    const app1 = runNode(bin, ['handlers.mjs', 'app-handler', 'weft']);
    assert.equal(app1.status, 0, app1.stderr);
    assert.deepEqual(JSON.parse(app1.stdout), {
      before: [0, 0], seen: ['rejection unrelated', 'exception thrown'], after: [1, 1],
    });
    // Without a listener the process ends as it does without weft: same
    // exit code (1, 1, 13, 5), same stderr (Node's report of the error,
    // not weft's runtime).
    for (const which of ['rejection', 'throw', 'tla', 'exit-code']) {
      const bare = runNode(bin, ['handlers.mjs', which, 'bare']);
      const weft = runNode(bin, ['handlers.mjs', which, 'weft']);
      assert.equal(weft.status, bare.status, `${which}: exit ${weft.status} with weft, ${bare.status} without\n${weft.stderr}`);
      assert.equal(weft.stderr, bare.stderr, `${which}: stderr differs with weft`);
    }
  });
}

test('tsc --strict over a typed consumer of the installed package (bundler and nodenext resolution)', { skip }, (t) => {
  if (!installed) { t.skip('no installed package'); return; }
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) { t.skip('typescript is not installed (run: npm ci)'); return; }
  cpSync(join(root, 'tests', 'types', 'consumer.ts'), join(app, 'consumer.ts'));
  for (const resolution of ['bundler', 'nodenext']) {
    const cfg = JSON.parse(readFileSync(join(root, 'tests', 'types', `tsconfig.${resolution}.json`), 'utf8'));
    writeFileSync(join(app, `tsconfig.${resolution}.json`), JSON.stringify(cfg));
    const r = spawnSync(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`], { cwd: app, encoding: 'utf8', timeout: 120000 });
    assert.equal(r.status, 0, `tsc (${resolution}) failed:\n${r.stdout}${r.stderr}`);
  }
});

test("the README's CMake recipe builds an optimised program without a build type", { skip, timeout: 900000 }, (t) => {
  if (!installed) { t.skip('no installed package'); return; }
  const build = join(app, 'build');
  execFileSync('emcmake', ['cmake', '-S', app, '-B', build, '-DCMAKE_EXPORT_COMPILE_COMMANDS=ON'], { cwd: app, env, stdio: 'pipe' });
  execFileSync('cmake', ['--build', build, '-j', '2', '--target', 'myprog'], { cwd: app, env, stdio: 'pipe', timeout: 900000 });
  for (const f of ['myprog.js', 'myprog.mjs', 'myprog.wasm']) assert.ok(existsSync(join(build, f)), `no ${f}`);
  // weft's flags, whatever the (empty) build type: -O3 on the user's file.
  const commands = JSON.parse(readFileSync(join(build, 'compile_commands.json'), 'utf8'));
  const main = commands.find((c) => c.file.endsWith('main.c'));
  assert.match(main.command, /(^|\s)-O3(\s|$)/, main.command);
  // Unoptimised it is ~140 KB of wasm and ~114 KB of JS; optimised ~57 / ~45.
  const wasmKB = statSync(join(build, 'myprog.wasm')).size / 1024;
  const jsKB = statSync(join(build, 'myprog.mjs')).size / 1024;
  t.diagnostic(`myprog.wasm ${wasmKB.toFixed(1)} KB, myprog.mjs ${jsKB.toFixed(1)} KB`);
  assert.ok(wasmKB < 90 && jsKB < 70, `not optimised: ${wasmKB.toFixed(1)} KB wasm, ${jsKB.toFixed(1)} KB JS`);
  // No path of this machine in what it built.
  for (const f of ['myprog.wasm', 'myprog.mjs']) {
    assert.ok(!readFileSync(join(build, f)).includes(tmp), `${f} holds the build path`);
  }
  built = true;
});

// The Node tests above ran before the program existed: run the own-program
// half now (under every Node).
test("a program of one's own under every Node: createWeft({ module: './build/myprog.mjs', clock, env, args, onExit, print })", { skip }, (t) => {
  if (!built) { t.skip('the CMake recipe was not built'); return; }
  for (const { major, bin } of nodes) {
    const r = runNode(bin, ['use.mjs', 'own']);
    assert.equal(r.status, 0, `Node ${major}: ${r.stderr}`);
    assert.equal(r.stderr, '', `Node ${major} printed warnings`);
    const { own, listeners } = JSON.parse(r.stdout.trim().split('\n').pop());
    assert.deepEqual(own, { greeted: 'hello world', atLeast10min: true, exits: [3], lines: ['arg a', 'arg b c'], exitCode: null }, `Node ${major}`);
    assert.deepEqual(listeners, [0, 0], `Node ${major}: process listeners after a program of one's own`);
  }
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
  // close() also ends the connections a browser keeps alive: server.close()
  // alone waits for them, and the test process never exits.
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

// What a browser bundle may not hold: Node's modules and process handling.
const NODE_ONLY = [/\brequire\(\s*["'](?:node:)?(?:fs|path|url|vm|crypto|worker_threads)["']\s*\)/, /["']node:[a-z_/]+["']/,
  /\bprocess\.on\(/, /\bprocess\.exitCode\b/, /\b__dirname\b/, /\bENVIRONMENT_IS_NODE\s*=\s*(?!false)/];

let bundle = null;   // { outDir, assets }
test('vite build of a consumer: no warning, no Node-only code, no unused runtime; its size', { skip, timeout: 300000 }, async (t) => {
  if (!built) { t.skip('the CMake recipe was not built'); return; }
  const { build, createLogger } = await import('vite');
  const logger = createLogger('warn', { allowClearScreen: false });
  const warnings = [];
  logger.warn = (msg) => warnings.push(msg);
  logger.warnOnce = (msg) => warnings.push(msg);
  logger.error = (msg) => warnings.push(`error: ${msg}`);
  const outDir = join(app, 'out');
  const result = await build({
    root: app, logLevel: 'warn', customLogger: logger, configFile: false,
    build: { outDir, target: 'es2022', rollupOptions: { input: { index: join(app, 'index.html'), own: join(app, 'own.html') } } },
  });
  assert.deepEqual(warnings, [], 'vite warned');
  const out = [].concat(result).flatMap((r) => r.output);
  const chunks = out.filter((o) => o.type === 'chunk');
  const assets = out.filter((o) => o.type === 'asset');
  for (const c of chunks) {
    for (const re of NODE_ONLY) assert.doesNotMatch(c.code, re, `${c.fileName} holds Node-only code`);
  }
  // The built-in runtime's wasm and the program's, each once; no second
  // copy of the runtime's glue (dist/ holds weft.mjs only).
  const wasms = assets.filter((a) => a.fileName.endsWith('.wasm')).map((a) => a.fileName.replace(/-[\w-]+(?=\.wasm$)/, ''));
  assert.deepEqual(wasms.map((f) => f.replace(/^assets\//, '')).sort(), ['myprog.wasm', 'weft.wasm']);
  // The own app loads no chunk of the built-in runtime: each page's
  // imports, followed from its entry, hold one glue only.
  const byName = new Map(chunks.map((c) => [c.fileName, c]));
  const graph = (c, seen = new Set()) => {
    if (seen.has(c.fileName)) return seen;
    seen.add(c.fileName);
    for (const i of [...c.imports, ...c.dynamicImports]) if (byName.has(i)) graph(byName.get(i), seen);
    return seen;
  };
  const entry = (name) => chunks.find((c) => c.isEntry && c.name === name);
  const modulesOf = (name) => [...graph(entry(name))].flatMap((f) => byName.get(f).moduleIds);
  const isRuntime = (id) => /node_modules\/weft\/dist\/weft\.mjs$/.test(id);
  const isProgram = (id) => /build\/myprog\.mjs$/.test(id);
  assert.ok(modulesOf('index').some(isRuntime), 'the built-in runtime is not in the index bundle');
  assert.deepEqual(modulesOf('own').filter(isRuntime), [], 'the own app ships the built-in runtime');
  assert.equal(modulesOf('own').filter(isProgram).length, 1, 'the own app ships its program once');
  const ownCode = [...graph(entry('own'))].map((f) => byName.get(f).code).join('\n');
  assert.ok(!/weft-[\w-]*\.wasm/.test(ownCode), "the own app references the built-in runtime's wasm");
  // What createWeft() + one run costs a browser app (docs/benchmarks.md):
  // its JS (entry and chunks) and the runtime's wasm, raw and gzipped.
  const size = (files) => {
    const bufs = files.map((f) => (byName.has(f) ? Buffer.from(byName.get(f).code) : Buffer.from(assets.find((a) => a.fileName === f).source)));
    return { raw: bufs.reduce((s, b) => s + b.length, 0), gzip: bufs.reduce((s, b) => s + gzipSync(b, { level: 9 }).length, 0) };
  };
  const indexJs = [...graph(entry('index'))];
  const runtimeWasm = assets.find((a) => /^assets\/weft-.*\.wasm$/.test(a.fileName)).fileName;
  const figures = { js: size(indexJs), wasm: size([runtimeWasm]) };
  t.diagnostic(`bundle of createWeft() + one run: JS ${figures.js.raw} B (${figures.js.gzip} B gzip), wasm ${figures.wasm.raw} B (${figures.wasm.gzip} B gzip)`);
  mkdirSync(join(root, 'test-artifacts'), { recursive: true });
  writeFileSync(join(root, 'test-artifacts', 'bundle-size.json'), JSON.stringify(figures, null, 1) + '\n');
  // Ceilings well above today's (~40 KB JS, ~50 KB wasm), far below a
  // bundle that ships a second glue (+37 KB) or the runtime twice.
  assert.ok(figures.js.raw < 64 * 1024, `the JS of the bundle grew: ${figures.js.raw} B`);
  bundle = { outDir };
});

// Each launch resolves to { browser, close }: startBrowser() also starts the
// browser tests' static server, which close() stops (left open, it kept this
// test process from exiting).
const browsers = [
  ['Chromium', browserSkipReason(), startBrowser],
  ['Firefox', firefoxSkipReason(), async () => { const browser = await startFirefox(); return { browser, close: () => browser.close() }; }],
];
for (const [name, why, launch] of browsers) {
  test(`${name}: the vite bundles (the built-in runtime; one's own program through weft/core), and the package unbundled (an import map, a module worker)`, { skip: skip || why, timeout: 120000 }, async (t) => {
    if (!bundle) { t.skip('no bundle'); return; }
    const server = await serve(bundle.outDir);
    const plain = await serve(app); // the project's folder, node_modules/ included
    const { browser, close } = await launch();
    t.after(async () => { await close(); await server.close(); await plain.close(); });
    for (const [base, pagePath, expected] of [
      [server.url, '/', { slept: 5, gathered: { results: [3, 1, 2], finished: [1, 2, 3] } }],
      [server.url, '/own.html', { greeted: 'bonjour browser', lines: ['arg page'], exits: [3], tenMinutes: true }],
      [plain.url, '/importmap.html', { echoed: 'mapped', fromWorker: { slept: 3, greeted: 'salut worker' } }],
    ]) {
      const page = await browser.newPage();
      const errors = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      await page.goto(`${base}${pagePath}`);
      const deadline = Date.now() + 30000;
      while (!(await page.evaluate(() => Boolean(window.__result))) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const result = await page.evaluate(() => window.__result);
      await page.close();
      assert.deepEqual(errors, [], `${name} ${pagePath}`);
      assert.deepEqual(result, expected, `${name} ${pagePath}`);
    }
  });
}

test('dist/ rebuilt from the tarball at another path is byte-identical', { skip, timeout: 900000 }, (t) => {
  if (!installed) { t.skip('no installed package'); return; }
  const copy = join(tmp, 'elsewhere', 'weft');
  cpSync(pkgDir(), copy, { recursive: true });
  rmSync(join(copy, 'dist'), { recursive: true });
  // The configuration scripts/build.mjs gives dist/ (npm pack).
  execFileSync('emcmake', ['cmake', '-S', copy, '-B', join(copy, 'build'), '-DCMAKE_BUILD_TYPE=Release'], { env, stdio: 'pipe' });
  execFileSync('cmake', ['--build', join(copy, 'build'), '-j', '2', '--target', 'weft_runtime'], { env, stdio: 'pipe', timeout: 900000 });
  for (const f of ['weft.mjs', 'weft.wasm']) {
    const a = readFileSync(join(pkgDir(), 'dist', f));
    const b = readFileSync(join(copy, 'dist', f));
    assert.ok(a.equals(b), `dist/${f} differs between two builds (${a.length} and ${b.length} bytes)`);
    assert.ok(!a.includes(root) && !b.includes(tmp), `dist/${f} holds a build path`);
  }
});
