// The loader of weft's browser entry points (src/js/index.mjs and
// src/js/core.mjs): no Node built-in, no source text evaluated (a strict
// Content-Security-Policy without 'unsafe-eval' works; wasm needs
// 'wasm-unsafe-eval'). A program's .mjs is imported; its .js is loaded with
// a <script> element (importScripts in a worker). The .wasm bytes are
// fetched and handed over as wasmBinary.
import { WeftError, factoryOf, loadWith } from './api.mjs';

export { WeftError };

function toURL(where) {
  if (where instanceof URL) return where;
  if (typeof where !== 'string') throw new TypeError(`weft: createWeft: expected a URL, got ${typeof where}`);
  const base = typeof location === 'object' && location ? location.href : undefined;
  return new URL(where, base);
}

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`weft: cannot load ${url.href}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

// Script elements define the same global (createWeftProgram), so they load
// one at a time, each factory taken before the next script runs.
let scriptQueue = Promise.resolve();

/* Loads a program's .js with a <script> element (or importScripts in a
 * worker) and returns its factory. */
function scriptFactory(url) {
  const next = scriptQueue.then(() => new Promise((resolve, reject) => {
    const g = globalThis;
    const take = () => {
      const factory = g.createWeftProgram;
      // A script's top-level `var` is not deletable (and modules are strict).
      g.createWeftProgram = undefined;
      if (typeof factory === 'function') resolve(factory);
      else reject(new TypeError(`weft: ${url.href} defines no factory (build it with weft_program())`));
    };
    if (typeof document === 'undefined') {
      if (typeof importScripts !== 'function') { reject(new Error(`weft: no document and no importScripts to load ${url.href}`)); return; }
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

/* The factory of the program at `url` (a pool worker's load; a .js needs
 * importScripts, which module workers lack: build the program's .mjs). */
export async function loadFactory(url, kind) {
  const u = new URL(url);
  return kind === 'mjs' ? factoryOf(await import(/* webpackIgnore: true */ /* @vite-ignore */ u.href), u.href).factory : scriptFactory(u);
}

/* A pool worker (src/js/workers.mjs) as a module Web Worker, sent `init`
 * ({ type: 'init', url, kind, module }). Exported for the page (web/), which
 * starts the examples with their own factories. */
export function spawnWorker(init) {
  const w = new Worker(new URL('./worker_browser.mjs', import.meta.url), { type: 'module' });
  w.postMessage(init);
  return {
    post: (msg, transfer) => w.postMessage(msg, transfer),
    onMessage: (fn) => w.addEventListener('message', (e) => fn(e.data)),
    onError: (fn) => w.addEventListener('error', (e) => { e.preventDefault(); fn(new Error(e.message || 'weft: a pool worker failed')); }),
    terminate: () => w.terminate(),
    ref: () => {},
    unref: () => {},
  };
}

const host = {
  toURL,
  spawnWorker,
  cores: () => (typeof navigator === 'object' && navigator && navigator.hardwareConcurrency) || 1,
  importModule: (url) => import(/* webpackIgnore: true */ /* @vite-ignore */ url.href),
  scriptFactory,
  readWasm: fetchBytes,
  // No location at all: the factory finds its .wasm beside its script.
  noWasm: () => undefined,
  noRuntime: "weft: createWeft: weft/core has no built-in runtime: pass `module` (your weft_program's .mjs, its URL, or its factory), or import 'weft'",
};

/* Loads `options.module` (or `runtime()`, the prebuilt runtime's ES module)
 * and starts it. */
export function load(options, runtime) {
  return loadWith(options, runtime, host);
}
