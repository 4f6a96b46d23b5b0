// weft's npm entry point: loads a weft wasm module (the prebuilt runtime in
// dist/, or your own weft program) and returns a small JS API over it.
//
//   import { createWeft } from 'weft';
//   const weft = await createWeft();
//   await weft.run('sleep_then', 100);                  // a C task, as a Promise
//   const h = weft.handle(fetch(url).then((r) => r.text()));
//   await weft.run('await_promise', h, { result: 'string' });  // C awaits the JS promise
//   for await (const x of weft.iterate('count', 3)) console.log(x);  // a C async generator
//   await weft.run('sum_iter', weft.iterHandle(jsAsyncIterable));  // C iterates a JS one
//
// Emscripten 3.1.6's loader cannot load its .wasm from a path under Node >= 18
// and its EXPORT_ES6 output breaks on Node, so the module's CommonJS output
// is evaluated here and the .wasm bytes are handed over as `wasmBinary`
// (read with node:fs on Node, fetched in browsers).

const isNode = typeof process === 'object' && process !== null && typeof process.versions === 'object' &&
  typeof process.versions.node === 'string' && typeof window === 'undefined';

// Where the prebuilt runtime lives, relative to this file (src/js/ -> dist/).
// The `new URL(…, import.meta.url)` form is what bundlers recognise as assets.
const runtimeJs = () => new URL('../../dist/weft.js', import.meta.url);
const runtimeWasm = () => new URL('../../dist/weft.wasm', import.meta.url);

// Dynamic imports of Node built-ins, hidden from bundlers.
const nodeImport = (name) => import(/* webpackIgnore: true */ /* @vite-ignore */ name);

function toURL(where) {
  if (where instanceof URL) return where;
  if (typeof where !== 'string') throw new TypeError(`weft: expected a URL or a path, got ${typeof where}`);
  if (/^[a-z][a-z0-9+.-]*:/i.test(where) && !/^[a-z]:[\\/]/i.test(where)) return new URL(where);
  if (isNode) return null; // a file path: resolved by the caller with node:path
  return new URL(where, typeof location === 'object' ? location.href : undefined);
}

/* Reads a URL or a path: { text | bytes, file } (file: a local path, Node). */
async function load(where, as) {
  const url = toURL(where);
  if (isNode && (!url || url.protocol === 'file:')) {
    const [{ readFile }, { fileURLToPath }, { resolve }] = await Promise.all(
      [nodeImport('node:fs/promises'), nodeImport('node:url'), nodeImport('node:path')]);
    const file = url ? fileURLToPath(url) : resolve(where);
    const data = await readFile(file);
    return { data: as === 'text' ? data.toString('utf8') : new Uint8Array(data), file };
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`weft: cannot load ${url.href}: HTTP ${response.status}`);
  return { data: as === 'text' ? await response.text() : new Uint8Array(await response.arrayBuffer()), file: null };
}

/* Evaluates Emscripten's MODULARIZE (CommonJS-style) output and returns its
 * factory. On Node it gets a real `require`, which its Node code paths use. */
async function evaluateFactory(src, file) {
  const module = { exports: {} };
  let require;
  if (isNode) {
    const { createRequire } = await nodeImport('node:module');
    require = createRequire(file || import.meta.url);
  }
  const dirname = file ? file.replace(/[\\/][^\\/]*$/, '') : undefined;
  // eslint-disable-next-line no-new-func
  const fn = new Function('require', 'module', 'exports', '__filename', '__dirname',
    `${src}\n;return typeof module.exports === 'function' ? module.exports : (typeof createWeftProgram === 'function' ? createWeftProgram : undefined);`);
  const factory = fn(require, module, module.exports, file || undefined, dirname);
  if (typeof factory !== 'function') throw new Error('weft: the module script defines no factory (build it with weft_program())');
  return factory;
}

/**
 * Loads a weft module and returns its JS API. See index.d.ts.
 * @param {import('./index.d.ts').WeftOptions} [options]
 */
export async function createWeft(options = {}) {
  let factory = options.module;
  let wasm = options.wasm;
  if (factory === undefined) {
    factory = runtimeJs();
    if (wasm === undefined) wasm = runtimeWasm();
  }
  if (typeof factory !== 'function') {
    const where = factory;
    if (wasm === undefined) {
      wasm = where instanceof URL ? new URL(where.href.replace(/\.js$/, '.wasm')) : String(where).replace(/\.js$/, '.wasm');
    }
    const { data, file } = await load(where, 'text');
    factory = await evaluateFactory(data, file);
  }
  let wasmBinary;
  if (wasm instanceof Uint8Array) wasmBinary = wasm;
  else if (wasm instanceof ArrayBuffer) wasmBinary = new Uint8Array(wasm);
  else if (wasm !== undefined && wasm !== null) wasmBinary = (await load(wasm, 'bytes')).data;

  const env = options.env || {};
  const args = {
    ...(options.moduleArgs || {}),
    preRun: [(M) => { for (const [k, v] of Object.entries(env)) M.ENV[k] = String(v); }],
  };
  if (wasmBinary) args.wasmBinary = wasmBinary;
  if (options.print) args.print = options.print;
  if (options.printErr) args.printErr = options.printErr;
  if (options.onExit) args.onWeftExit = options.onExit;
  // A weft program's main may return: the module then stays alive for JS.
  args.noExitRuntime = true;
  const Module = await factory(args);
  if (typeof Module.weftRun !== 'function') {
    throw new Error('weft: the module has no JS bridge (link it with weft_program() from weft >= 0.1)');
  }
  return {
    run: (name, arg, opts) => Module.weftRun(name, arg, opts),
    handle: (promise) => Module.weftHandle(promise),
    iterate: (name, arg, opts) => Module.weftIterate(name, arg, opts),
    iterHandle: (iterable) => Module.weftIterHandle(iterable),
    loopNow: () => Module.weftLoopNow(),
    strerror: (code) => Module.weftStrerror(code),
    module: Module,
  };
}

export default createWeft;
