#!/usr/bin/env node
// Runs a weft program built for wasm (MODULARIZE CommonJS + .wasm) under Node.
//   node scripts/run-wasm.mjs build/wasm/examples/taches.js [--virtual] [args...]
// The .wasm is handed over as wasmBinary: Emscripten 3.1.6's own loader
// tries to fetch() a file path on Node >= 18 and fails.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadCommonJS } from './cjs.mjs';

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
