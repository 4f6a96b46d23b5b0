// The loader of weft's browser entry points (src/js/index.mjs and
// src/js/core.mjs): no Node built-in, no source text evaluated (a strict
// Content-Security-Policy without 'unsafe-eval' works; wasm needs
// 'wasm-unsafe-eval'). A program's .mjs is imported; its .js is loaded with
// a <script> element (importScripts in a worker). The .wasm bytes are
// fetched and handed over as wasmBinary.
import { WeftError, loadWith } from './api.mjs';

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

const host = {
  toURL,
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
