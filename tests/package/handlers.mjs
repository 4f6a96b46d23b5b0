// How the host process behaves after createWeft() (tests/node/package.test.mjs):
//   node handlers.mjs <case> weft|bare
// runs <case> after loading weft and running a task (weft) or without weft
// (bare); the test asserts both end the same: exit code and stderr.
//   app-handler  the app's own unhandledRejection / uncaughtException
//                listeners get an unrelated rejection and a throw
//   rejection    an unrelated unhandled rejection, no listener: Node's own exit
//   throw        an uncaught exception, no listener
//   tla          a top-level await that never settles (Node: exit code 13)
//   exit-code    the app's process.exitCode stays as the app set it
const [which, mode] = process.argv.slice(2);
if (mode === 'weft') {
  const { createWeft } = await import('weft');
  const weft = await createWeft();
  await weft.run('sleep_then', 1);
} else {
  await import('node:fs');
}
const listeners = () => [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')];
switch (which) {
  case 'app-handler': {
    const before = listeners();
    const seen = [];
    process.on('unhandledRejection', (e) => { seen.push(`rejection ${e.message}`); });
    process.on('uncaughtException', (e) => { seen.push(`exception ${e.message}`); });
    Promise.reject(new Error('unrelated'));
    setTimeout(() => { throw new Error('thrown'); }, 1);
    setTimeout(() => console.log(JSON.stringify({ before, seen, after: listeners() })), 20);
    break;
  }
  case 'rejection': Promise.reject(new Error('unrelated')); break;
  case 'throw': setTimeout(() => { throw new Error('thrown'); }, 1); break;
  case 'tla': await new Promise(() => {}); break;
  case 'exit-code': process.exitCode = 5; break;
  default: throw new Error(`unknown case ${which}`);
}
