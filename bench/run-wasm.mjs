#!/usr/bin/env node
// Minimal loader for the wasm benchmark programs (MODULARIZE CommonJS + .wasm).
//   node bench/run-wasm.mjs build/wasm/bench/bench_switch.js <args...>
// The .wasm is handed over as wasmBinary (Emscripten 3.1.6's loader would try
// to fetch() a path on Node >= 18). The .js is evaluated as CommonJS by hand:
// the repository's package.json says "type": "module", so require() of a .js
// file under it would load it as an ES module and lose module.exports.
// The clock is the program's business (the benchmarks create their own
// virtual-clock loops), so nothing is set in the environment.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const [jsPath, ...args] = process.argv.slice(2);
if (!jsPath) {
  console.error('usage: run-wasm.mjs <program.js> [args...]');
  process.exit(2);
}
const file = resolve(jsPath);
const module = { exports: {} };
const wrapped = new Function('module', 'exports', 'require', '__filename', '__dirname', readFileSync(file, 'utf8'));
wrapped(module, module.exports, createRequire(file), file, dirname(file));
const factory = module.exports;
if (typeof factory !== 'function') throw new Error(`${file} did not export a MODULARIZE factory`);
await factory({
  arguments: args,
  wasmBinary: readFileSync(file.replace(/\.js$/, '.wasm')),
  onWeftExit: (status) => { process.exitCode = status; },
});
