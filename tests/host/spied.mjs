// Installs tests/host/spy.js in this Node process, with the options of
// WEFT_TEST_OPTS (see run.mjs), and prints the spy's figures on stderr as one
// line `WEFT_SPY {json}` at exit. Imported by run.mjs; preloaded with
// `node --import` into any other wasm run (tests/node/lib.mjs, { spy: true }).
import './spy.js';

export const opts = JSON.parse(process.env.WEFT_TEST_OPTS || '{}');
export const stats = globalThis.weftInstallSpy(opts);
process.on('exit', () => { process.stderr.write(`WEFT_SPY ${JSON.stringify(stats)}\n`); });
