#!/usr/bin/env node
// Runs a weft wasm program under Node with tests/host/spy.js installed:
//   WEFT_TEST_OPTS='{"budgetUs":1,"virtual":true,"fastForwardMs":1000,"noImmediate":true}' \
//     node tests/host/run.mjs build/wasm/tests/host/host_many.js [args...]
// budgetUs goes to the program as the Module option weftBudgetUs. The spy's
// figures are printed on stderr as one line `WEFT_SPY {json}` at exit
// (tests/host/spied.mjs).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadCommonJS } from '../../scripts/cjs.mjs';
import { opts } from './spied.mjs';

const [jsPath, ...args] = process.argv.slice(2);
const file = resolve(jsPath);
await loadCommonJS(file)({
  arguments: args,
  wasmBinary: readFileSync(file.replace(/\.js$/, '.wasm')),
  ...(opts.budgetUs != null ? { weftBudgetUs: opts.budgetUs } : {}),
  preRun: [(M) => { if (opts.virtual) M.ENV.WEFT_CLOCK = 'virtual'; }],
  onWeftExit: (status) => { process.exitCode = status; },
  onWeftError: () => { process.exitCode = 1; }, // the loop trapped
});
