#!/usr/bin/env node
// `npm test`: installs what is missing, builds the three trees, then runs
//   0. scripts/layers.mjs: the native objects only look down the layers of
//      docs/architecture.md, and only the allocator calls libc's malloc
//   1. ctest on build/asan (the native C tests under ASan + UBSan)
//   2. node --test on tests/node (wasm builds of the examples and of the C
//      tests, asserted line by line; examples natively too)
//   3. node --test on tests/browser (wasm programs in Debian's chromium,
//      driven by playwright-core)
//   4. scripts/reliability.mjs: the property tests' figures, fault
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

console.log('\n== reliability (valgrind, fuzzing, figures) ==');
const rel = spawnSync('node', ['scripts/reliability.mjs'], { cwd: root, stdio: 'inherit' });

process.exit(layers.status || ctest.status || node.status || browser.status || rel.status ? 1 : 0);
