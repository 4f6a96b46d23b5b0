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
// and its EXPORT_ES6 output breaks on Node, so on Node the program's
// CommonJS-style output is evaluated here with a real `require`. Browsers
// never evaluate source text (a strict Content-Security-Policy without
// 'unsafe-eval' works): they import the program's .mjs (weft_program() writes
// one beside each .js), or load a .js with a <script> element. Either way
// the .wasm bytes are handed over as `wasmBinary`.

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

const noFactory = (where) => new Error(`weft: ${where} defines no factory (build it with weft_program())`);

/* Node: evaluates Emscripten's MODULARIZE (CommonJS-style) output with a real
 * `require`, which its Node code paths use, and returns its factory. A plain
 * require() cannot load it: in a "type": "module" package, .js means ESM. */
async function evaluateFactory(where) {
  const { data: src, file } = await load(where, 'text');
  const { createRequire } = await nodeImport('node:module');
  const module = { exports: {} };
  const dirname = file ? file.replace(/[\\/][^\\/]*$/, '') : undefined;
  // eslint-disable-next-line no-new-func
  const fn = new Function('require', 'module', 'exports', '__filename', '__dirname',
    `${src}\n;return typeof module.exports === 'function' ? module.exports : (typeof createWeftProgram === 'function' ? createWeftProgram : undefined);`);
  const factory = fn(createRequire(file || import.meta.url), module, module.exports, file || undefined, dirname);
  if (typeof factory !== 'function') throw noFactory(String(where));
  return factory;
}

// Script elements define the same global (createWeftProgram), so they load
// one at a time, each factory taken before the next script runs.
let scriptQueue = Promise.resolve();

/* Browsers: loads a program's .js with a <script> element (or importScripts
 * in a worker) and returns its factory, without evaluating source text. */
function scriptFactory(url) {
  const next = scriptQueue.then(() => new Promise((resolve, reject) => {
    const g = globalThis;
    const take = () => {
      const factory = g.createWeftProgram;
      // A script's top-level `var` is not deletable (and modules are strict).
      g.createWeftProgram = undefined;
      if (typeof factory === 'function') resolve(factory);
      else reject(noFactory(url.href));
    };
    if (typeof document === 'undefined') {
      if (typeof importScripts !== 'function') { reject(new Error('weft: no document and no importScripts to load ' + url.href)); return; }
      try { importScripts(url.href); } catch (e) { reject(e); return; }
      take();
      return;
    }
    const script = document.createElement('script');
    script.src = url.href;
    script.onload = () => {
      script.remove();
      try { take(); } catch (e) { reject(e); }
    };
    script.onerror = () => { script.remove(); reject(new Error(`weft: cannot load ${url.href}`)); };
    document.head.appendChild(script);
  }));
  scriptQueue = next.catch(() => {});
  return next;
}

/* The factory of the program at `where` (a URL or a path). */
async function loadFactory(where) {
  if (isNode) return evaluateFactory(where);
  const url = toURL(where);
  if (/\.mjs$/.test(url.pathname)) {
    const factory = (await import(/* webpackIgnore: true */ /* @vite-ignore */ url.href)).default;
    if (typeof factory !== 'function') throw noFactory(url.href);
    return factory;
  }
  return scriptFactory(url);
}

/* The prebuilt runtime's factory. */
async function runtimeFactory() {
  if (isNode) return evaluateFactory(runtimeJs());
  // A literal specifier, so that bundlers follow it and ship the runtime.
  return (await import('../../dist/weft.mjs')).default;
}

/**
 * Loads a weft module and returns its JS API. See index.d.ts.
 * @param {import('./index.d.ts').WeftOptions} [options]
 */
export async function createWeft(options = {}) {
  let factory = options.module;
  let wasm = options.wasm;
  if (factory === undefined) {
    factory = await runtimeFactory();
    if (wasm === undefined) wasm = runtimeWasm();
  } else if (typeof factory !== 'function') {
    const where = factory;
    if (wasm === undefined) {
      wasm = where instanceof URL ? new URL(where.href.replace(/\.m?js$/, '.wasm')) : String(where).replace(/\.m?js$/, '.wasm');
    }
    factory = await loadFactory(where);
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
  if (options.budgetUs != null) args.weftBudgetUs = options.budgetUs;
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
