// A browser app of the built-in runtime (tests/node/package.test.mjs bundles
// it with vite): createWeft() and one run, the figure of docs/benchmarks.md.
import { createWeft } from 'weft';

const weft = await createWeft();
const slept = await weft.run('sleep_then', 5);
const gathered = JSON.parse(await weft.run('gather_demo', 1, { result: 'string' }));
window.__result = { slept, gathered };
