// A browser app of the user's own program (the README's CMake recipe),
// through 'weft/core' so that the built-in runtime is not in the bundle.
import { createWeft } from 'weft/core';
import * as prog from './build/myprog.mjs';

const lines = [];
const exits = [];
const weft = await createWeft({
  module: prog, clock: 'virtual', env: { GREETING: 'bonjour' }, args: ['page'],
  print: (l) => lines.push(l), onExit: (s) => exits.push(s),
});
const greeted = await weft.run('greet', 'browser', { result: 'string' });
window.__result = { greeted, lines, exits, tenMinutes: weft.loopNow() >= 600000 };
