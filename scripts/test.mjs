#!/usr/bin/env node
// `npm test`: installs what is missing, builds the three trees, then runs
//   0. scripts/layers.mjs: the native objects only look down the layers of
//      docs/architecture.md, and only the allocator calls libc's malloc
//   1. ctest on build/asan (the native C tests under ASan + UBSan)
//   2. node --test on tests/node (wasm builds of the examples and of the C
//      tests, asserted line by line; examples natively too)
//   3. node --test on tests/browser (wasm programs in Debian's chromium,
//      driven by playwright-core), then the same but the page's tests in
//      Debian's firefox-esr (puppeteer-core over WebDriver BiDi)
//   4. the examples and the JS-bridge tests again under Node 22, 24 and 26
//      (tests/majors; the package test runs its consumer under each itself)
//   5. scripts/reliability.mjs: the property tests' figures, fault
//      injection, limits, valgrind over the native C tests, 60 s of
//      libFuzzer; writes the figures into docs/reliability.md
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });

sh('bash', ['scripts/ensure-toolchain.sh', '--browser']);
sh('node', ['scripts/build.mjs']);

console.log('\n== layers (nm of build/native) ==');
const layers = spawnSync('node', ['scripts/layers.mjs'], { cwd: root, stdio: 'inherit' });

console.log('\n== native C tests (ASan + UBSan) ==');
const ctest = spawnSync('ctest', ['--test-dir', 'build/asan', '--output-on-failure', '-j', '2'], { cwd: root, stdio: 'inherit' });

console.log('\n== node --test ==');
const files = readdirSync(join(root, 'tests/node')).filter((f) => f.endsWith('.test.mjs')).map((f) => join('tests/node', f));
const node = spawnSync('node', ['--test', '--test-concurrency=2', ...files], { cwd: root, stdio: 'inherit' });

console.log('\n== browser tests (chromium) ==');
const browserFiles = readdirSync(join(root, 'tests/browser')).filter((f) => f.endsWith('.test.mjs')).map((f) => join('tests/browser', f));
const browser = spawnSync('node', ['--test', '--test-concurrency=1', ...browserFiles], { cwd: root, stdio: 'inherit' });

// The page's tests drive playwright's API beyond what puppeteer shares
// (locators, keyboard, axe): Chromium only.
console.log('\n== browser tests (firefox) ==');
const firefoxFiles = browserFiles.filter((f) => !/page\.test\.mjs$/.test(f));
const firefox = spawnSync('node', ['--test', '--test-concurrency=1', ...firefoxFiles], {
  cwd: root, stdio: 'inherit', env: { ...process.env, WEFT_BROWSER: 'firefox' },
});

const majors = ['22', '24', '26'].map((m) => [m, join(root, 'tests', 'majors', 'node_modules', `node${m}`, 'bin', 'node')]);
const majorFiles = ['examples', 'promise', 'iter', 'faults'].map((f) => join('tests/node', `${f}.test.mjs`));
let majorsStatus = 0;
for (const [m, bin] of majors) {
  console.log(`\n== examples and JS bridges under Node ${m} ==`);
  const r = spawnSync(bin, ['--test', '--test-concurrency=2', ...majorFiles], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) majorsStatus = 1;
}

console.log('\n== reliability (valgrind, fuzzing, figures) ==');
const rel = spawnSync('node', ['scripts/reliability.mjs'], { cwd: root, stdio: 'inherit' });

process.exit(layers.status || ctest.status || node.status || browser.status || firefox.status || majorsStatus || rel.status ? 1 : 0);
