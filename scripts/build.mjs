#!/usr/bin/env node
// Configures and builds weft's three trees:
//   build/native  release, native (examples, C tests)
//   build/asan    debug, AddressSanitizer + UBSan (the C tests under ctest)
//   build/wasm    release, Emscripten + Asyncify (examples, C tests as wasm)
// and `dist`: only the npm package's dist/ (the runtime, in build/wasm; what
// `npm pack` builds).
// Usage: node scripts/build.mjs [native|asan|wasm|dist ...]   (default: the three trees)
// First it brings the generated constants up to date (scripts/constants.mjs).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Debian's emcc runs its JS optimiser with the system Node, which (when it is
// not Debian's) cannot find Debian's acorn without this.
const env = { ...process.env, NODE_PATH: ['/usr/share/nodejs', process.env.NODE_PATH].filter(Boolean).join(':') };
const jobs = String(Math.max(1, cpus().length));

const trees = {
  native: { dir: 'build/native', cmake: ['cmake'], args: ['-DCMAKE_BUILD_TYPE=Release'] },
  asan: { dir: 'build/asan', cmake: ['cmake'], args: ['-DCMAKE_BUILD_TYPE=Debug', '-DWEFT_SANITIZE=ON', '-DWEFT_BUILD_EXAMPLES=OFF'] },
  wasm: { dir: 'build/wasm', cmake: ['emcmake', 'cmake'], args: ['-DCMAKE_BUILD_TYPE=Release'] },
};
trees.dist = { ...trees.wasm, target: 'weft_runtime' };

function run(cmd, args) {
  execFileSync(cmd, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
}

// The JS side of the constants C and JS share, from the headers' X-macro
// lists (src/js/constants.mjs, .d.ts, library_constants.js): rewritten only
// when a list changed, so nothing relinks otherwise.
run(process.execPath, [join(root, 'scripts', 'constants.mjs')]);

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ['native', 'asan', 'wasm'];
for (const name of wanted) {
  const t = trees[name];
  if (!t) throw new Error(`unknown tree ${name} (native, asan, wasm, dist)`);
  if (!existsSync(join(root, t.dir, 'CMakeCache.txt'))) {
    const [cmd, ...pre] = t.cmake;
    run(cmd, [...pre, '-S', '.', '-B', t.dir, ...t.args, '-DCMAKE_EXPORT_COMPILE_COMMANDS=ON']);
  }
  run('cmake', ['--build', t.dir, '-j', jobs, ...(t.target ? ['--target', t.target] : [])]);
  // README.md's hand-link flags, from what this configure wrote
  // (scripts/docs.mjs): rewritten only when CMake's lists changed.
  if (t.dir === 'build/wasm') run(process.execPath, [join(root, 'scripts', 'docs.mjs')]);
}
