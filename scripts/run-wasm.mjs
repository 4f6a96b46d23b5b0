#!/usr/bin/env node
// Runs a weft program built for wasm (MODULARIZE CommonJS + .wasm) under Node.
//   node scripts/run-wasm.mjs build/wasm/examples/taches.js [--virtual] [args...]
// The .wasm is handed over as wasmBinary: Emscripten 3.1.6's own loader
// tries to fetch() a file path on Node >= 18 and fails.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { runInThisContext } from 'node:vm';

// The program's .js is CommonJS, but it sits under this package's
// "type": "module", so require() would load it as an ES module (Node >= 20.19
// does, and finds no export; older Nodes throw ERR_REQUIRE_ESM). Evaluate it
// as CommonJS explicitly.
function loadCommonJS(file) {
  const src = readFileSync(file, 'utf8');
  const wrapper = runInThisContext(`(function (exports, require, module, __filename, __dirname) {${src}\n})`, { filename: file });
  const module = { exports: {} };
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}

const [jsPath, ...rest] = process.argv.slice(2);
if (!jsPath) {
  console.error('usage: run-wasm.mjs <program.js> [--virtual] [args...]');
  process.exit(2);
}
const virtual = rest.includes('--virtual') || process.env.WEFT_CLOCK === 'virtual';
const args = rest.filter((a) => a !== '--virtual');
const file = resolve(jsPath);
const factory = loadCommonJS(file);
await factory({
  arguments: args,
  wasmBinary: readFileSync(file.replace(/\.js$/, '.wasm')),
  // weft's settings travel as environment variables (WEFT_CLOCK,
  // WEFT_BUDGET_US): hand the program every WEFT_* one.
  preRun: [(M) => {
    for (const [k, v] of Object.entries(process.env)) if (k.startsWith('WEFT_')) M.ENV[k] = v;
    if (virtual) M.ENV.WEFT_CLOCK = 'virtual';
  }],
  onWeftExit: (status) => { process.exitCode = status; },
});
