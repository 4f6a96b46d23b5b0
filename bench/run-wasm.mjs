#!/usr/bin/env node
// Minimal loader for the wasm benchmark programs (MODULARIZE CommonJS + .wasm).
//   node bench/run-wasm.mjs build/wasm/bench/bench_switch.js <args...>
// The .wasm is handed over as wasmBinary (Emscripten 3.1.6's loader would try
// to fetch() a path on Node >= 18); the .js is loaded by scripts/cjs.mjs.
// The clock is the program's business (the benchmarks create their own
// virtual-clock loops), so nothing is set in the environment.
import { loadCommonJS } from '../scripts/cjs.mjs';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const [jsPath, ...args] = process.argv.slice(2);
if (!jsPath) {
  console.error('usage: run-wasm.mjs <program.js> [args...]');
  process.exit(2);
}
const file = resolve(jsPath);
const factory = loadCommonJS(file);
if (typeof factory !== 'function') throw new Error(`${file} did not export a MODULARIZE factory`);
await factory({
  arguments: args,
  wasmBinary: readFileSync(file.replace(/\.js$/, '.wasm')),
  onWeftExit: (status) => { process.exitCode = status; },
  onWeftError: () => { process.exitCode = 1; }, // the loop trapped
});
