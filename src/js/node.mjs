// weft's npm entry point under Node (the "node" condition of the package's
// exports; browsers and bundlers get src/js/index.mjs). Loads a weft wasm
// module (the prebuilt runtime in dist/, or your own weft program) and
// returns a small JS API over it; see index.d.ts.
//
//   import { createWeft } from 'weft';
//   const weft = await createWeft();
//   await weft.run('sleep_then', 100);                  // a C task, as a Promise
//
// weft programs are linked for web and worker (CMakeLists.txt): nothing in
// them touches the Node process (no process listeners, no exit code, no
// require). What the web glue lacks under Node is a way to read its .wasm,
// since Node's fetch cannot read file: URLs: this loader reads it with
// node:fs and hands the bytes over as wasmBinary. A program's .mjs is
// imported; its .js (a classic script) is run in this context with a
// CommonJS `module` to assign its factory to.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { availableParallelism, cpus } from 'node:os';
import { runInThisContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { WeftError, factoryOf, loadWith } from './api.mjs';

export { WeftError };

/* A URL from a URL, a URL string or a file path. */
function toURL(where) {
  if (where instanceof URL) return where;
  if (typeof where !== 'string') throw new TypeError(`weft: createWeft: expected a URL or a path, got ${typeof where}`);
  if (/^[a-z][a-z0-9+.-]*:/i.test(where) && !/^[a-z]:[\\/]/i.test(where)) return new URL(where);
  return pathToFileURL(resolve(where));
}

async function read(url, as) {
  if (url.protocol === 'file:') {
    const data = await readFile(fileURLToPath(url));
    return as === 'text' ? data.toString('utf8') : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`weft: cannot load ${url.href}: HTTP ${response.status}`);
  return as === 'text' ? response.text() : new Uint8Array(await response.arrayBuffer());
}

/* The factory of a program's .js, a classic script that assigns it to
 * module.exports when there is a CommonJS `module`. */
async function scriptFactory(url) {
  const src = await read(url, 'text');
  const filename = url.protocol === 'file:' ? fileURLToPath(url) : url.href;
  const wrapper = runInThisContext(`(function (module, exports) {${src}\n})`, { filename });
  const module = { exports: {} };
  wrapper.call(module.exports, module, module.exports);
  return module.exports;
}

/* The factory of the program at `url` (a pool worker's load). */
export async function loadFactory(url, kind) {
  const u = new URL(url);
  return kind === 'mjs' ? factoryOf(await import(u.href), u.href).factory : scriptFactory(u);
}

/* A pool worker (src/js/workers.mjs) on a worker_threads thread. */
function spawnWorker(init) {
  const w = new Worker(new URL('./worker_node.mjs', import.meta.url));
  w.postMessage(init);
  return {
    post: (msg, transfer) => w.postMessage(msg, transfer),
    onMessage: (fn) => w.on('message', fn),
    onError: (fn) => {
      w.on('error', fn);
      w.on('exit', (code) => fn(new Error(`weft: a pool worker exited (${code})`)));
    },
    terminate: () => { w.terminate(); },
    ref: () => w.ref(),
    unref: () => w.unref(),
  };
}

const host = {
  toURL,
  spawnWorker,
  cores: () => (typeof availableParallelism === 'function' ? availableParallelism() : cpus().length),
  importModule: (url) => import(url.href),
  scriptFactory,
  readWasm: (url) => read(url, 'bytes'),
  noWasm: () => {
    throw new TypeError('weft: createWeft: pass `wasm` (the .wasm bytes, URL or path): under Node a factory alone cannot find its .wasm');
  },
  noRuntime: "weft: createWeft: weft/core has no built-in runtime: pass `module` (your weft_program's .mjs, its URL or path, or its factory), or import 'weft'",
};

/* Loads `options.module` (or `runtime()`, the prebuilt runtime's ES module)
 * and starts it. */
export function load(options, runtime) {
  return loadWith(options, runtime, host);
}

/**
 * Loads the prebuilt runtime, or your own weft program (`options.module`),
 * and returns its JS API. See index.d.ts.
 * @param {import('./index.d.ts').WeftOptions} [options]
 */
export function createWeft(options) {
  return load(options, () => import('../../dist/weft.mjs'));
}

export default createWeft;
