// What a user does with the installed package under Node (run by
// tests/node/package.test.mjs in a fresh project, under every Node major):
// the built-in runtime, then a program of their own built with the README's
// CMake recipe. Prints one JSON line.
import { createWeft, WeftError } from 'weft';
import pkg from 'weft/package.json' with { type: 'json' };

const weft = await createWeft();
const slept = await weft.run('sleep_then', 25);
const echoed = await weft.run('echo', 'from the package', { result: 'string' });
const gathered = JSON.parse(await weft.run('gather_demo', 2, { result: 'string' }));
const awaited = await weft.run('await_promise', weft.handle(Promise.resolve('js value')), { result: 'string' });
const counted = [];
for await (const x of weft.iterate('count', 3)) counted.push(x);
let cancelled = null;
const ac = new AbortController();
const p = weft.run('sleep_then', 60000, { signal: ac.signal });
setTimeout(() => ac.abort(), 10);
// An aborted run rejects with the signal's reason, as fetch does; a C failure is a WeftError.
try { await p; } catch (e) { cancelled = `${e === ac.signal.reason} ${e.name} ${e instanceof WeftError}`; }

let own = null;
if (process.argv[2] === 'own') {
  const exits = [];
  const lines = [];
  const prog = await createWeft({
    module: './build/myprog.mjs', clock: 'virtual', env: { GREETING: 'hello' }, args: ['a', 'b c'],
    onExit: (s) => exits.push(s), print: (l) => lines.push(l),
  });
  const greeted = await prog.run('greet', 'world', { result: 'string' });
  own = { greeted, atLeast10min: prog.loopNow() >= 600000, exits, lines, exitCode: process.exitCode ?? null };
}
console.log(JSON.stringify({
  name: pkg.name, slept, echoed, gathered, awaited, counted, cancelled, own,
  listeners: [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')],
}));
