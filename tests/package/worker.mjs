// A module worker of importmap.html: weft by path (workers have no import
// map), the built-in runtime and a program of one's own.
import { createWeft } from './node_modules/weft/src/js/index.mjs';
import * as prog from './build/myprog.mjs';

const weft = await createWeft();
const slept = await weft.run('sleep_then', 3);
const own = await createWeft({ module: prog, clock: 'virtual', env: { GREETING: 'salut' }, print: () => {} });
const greeted = await own.run('greet', 'worker', { result: 'string' });
postMessage({ slept, greeted });
