// weft's npm entry point for browsers, workers and bundlers (the package's
// "browser" and "default" conditions; Node gets src/js/node.mjs). Loads a
// weft wasm module (the prebuilt runtime in dist/, or your own weft program)
// and returns a small JS API over it; see index.d.ts.
//
//   import { createWeft } from 'weft';
//   const weft = await createWeft();
//   await weft.run('sleep_then', 100);                  // a C task, as a Promise
//   const h = weft.handle(fetch(url).then((r) => r.text()));
//   await weft.run('await_promise', h, { result: 'string' });  // C awaits the JS promise
//   for await (const x of weft.iterate('count', 3)) console.log(x);  // a C async generator
//   await weft.run('sum_iter', weft.iterHandle(jsAsyncIterable));  // C iterates a JS one
//
// The built-in runtime is a dynamic import with a literal specifier: a
// bundler makes it a chunk of its own (with its .wasm, through the static
// new URL() in dist/weft.mjs), loaded only by a createWeft() without
// `module`. 'weft/core' (src/js/core.mjs) has no built-in runtime at all.
import { WeftError, load } from './browser.mjs';

export { WeftError };

/**
 * Loads the prebuilt runtime, or your own weft program (`options.module`),
 * and returns its JS API. See index.d.ts.
 * @param {import('./index.d.ts').WeftOptions} [options]
 */
export function createWeft(options) {
  return load(options, () => import('../../dist/weft.mjs'));
}

export default createWeft;
