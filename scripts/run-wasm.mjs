#!/usr/bin/env node
// Runs a weft program built for wasm under Node, as a command:
//   node scripts/run-wasm.mjs build/wasm/examples/taches.js [--virtual] [args...]
// It is createWeft() (the package's Node entry, without the built-in
// runtime) with the program's options: its arguments, the virtual clock with
// --virtual or WEFT_CLOCK=virtual, every WEFT_* environment variable, and its
// exit status (or 1 when it traps) as this process's exit code.
import { createWeft } from '../src/js/core.node.mjs';

const [jsPath, ...rest] = process.argv.slice(2);
if (!jsPath) {
  console.error('usage: run-wasm.mjs <program.js> [--virtual] [args...]');
  process.exit(2);
}
const virtual = rest.includes('--virtual') || process.env.WEFT_CLOCK === 'virtual';
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('WEFT_')));
await createWeft({
  module: jsPath,
  args: rest.filter((a) => a !== '--virtual'),
  clock: virtual ? 'virtual' : 'real',
  env,
  onExit: (status) => { process.exitCode = status; },
  onError: () => { process.exitCode = 1; },
});
