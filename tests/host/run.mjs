#!/usr/bin/env node
// Runs a weft wasm program under Node with tests/host/spy.js installed:
//   WEFT_TEST_OPTS='{"budgetUs":1,"virtual":true,"fastForwardMs":1000,"noImmediate":true}' \
//     node tests/host/run.mjs build/wasm/tests/host/host_many.js [args...]
// budgetUs goes to the program as the Module option weftBudgetUs. The spy's
// figures are printed on stderr as one line `WEFT_SPY {json}` at exit.
import './spy.js';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { runInThisContext } from 'node:vm';

const opts = JSON.parse(process.env.WEFT_TEST_OPTS || '{}');
const stats = globalThis.weftInstallSpy(opts);
process.on('exit', () => { process.stderr.write(`WEFT_SPY ${JSON.stringify(stats)}\n`); });

const [jsPath, ...args] = process.argv.slice(2);
const file = resolve(jsPath);
// The program is CommonJS under a "type": "module" package: evaluate it as such.
const wrapper = runInThisContext(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`, { filename: file });
const mod = { exports: {} };
wrapper.call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
await mod.exports({
  arguments: args,
  wasmBinary: readFileSync(file.replace(/\.js$/, '.wasm')),
  ...(opts.budgetUs != null ? { weftBudgetUs: opts.budgetUs } : {}),
  preRun: [(M) => { if (opts.virtual) M.ENV.WEFT_CLOCK = 'virtual'; }],
  onWeftExit: (status) => { process.exitCode = status; },
});
