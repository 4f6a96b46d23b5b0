// What weft's entry points share (src/js/index.mjs for browsers and
// bundlers, src/js/node.mjs for Node, and their weft/core forms): the
// options of createWeft(), checked; the Module arguments they become; the
// JS API over a started module; the WeftError class. No loading and nothing
// host-specific here: each entry point finds the factory and the wasm bytes
// its own way and hands them to start().

/** How a C task's failure reaches JS: `code` is the negative weft code,
 *  `codeName` its symbolic name ('WEFT_ETIMEDOUT'). (A task cancelled through
 *  an AbortSignal rejects with the signal's reason instead, as fetch does.) */
export class WeftError extends Error {
  constructor(message, { code = 0, codeName = '', name = 'WeftError' } = {}) {
    super(message);
    this.name = name;
    this.code = code;
    this.codeName = codeName;
  }
}

import { createPool } from './workers.mjs';

const OPTIONS = new Set(['module', 'wasm', 'clock', 'env', 'args', 'print', 'printErr', 'onExit', 'onError',
  'budgetUs', 'moduleArgs', 'workers']);

const fail = (what) => { throw new TypeError(`weft: createWeft: ${what}`); };

/* Throws a TypeError naming the first bad option; returns the options. */
export function checkOptions(options) {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) fail(`options must be an object, got ${typeof options}`);
  for (const k of Object.keys(options)) if (!OPTIONS.has(k)) fail(`unknown option '${k}' (known: ${[...OPTIONS].join(', ')})`);
  const { clock, env, args, budgetUs, moduleArgs } = options;
  if (clock !== undefined && clock !== 'virtual' && clock !== 'real') fail(`clock must be 'virtual' or 'real', got ${JSON.stringify(clock)}`);
  if (env !== undefined) {
    if (env === null || typeof env !== 'object' || Array.isArray(env)) fail('env must be an object of strings');
    for (const [k, v] of Object.entries(env)) {
      if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) fail(`env.${k} must be a string or a finite number`);
    }
  }
  if (args !== undefined && (!Array.isArray(args) || args.some((a) => typeof a !== 'string'))) fail('args must be an array of strings');
  for (const k of ['print', 'printErr', 'onExit', 'onError']) {
    if (options[k] !== undefined && typeof options[k] !== 'function') fail(`${k} must be a function`);
  }
  if (budgetUs !== undefined && !(typeof budgetUs === 'number' && budgetUs >= 1 && Number.isFinite(budgetUs))) fail('budgetUs must be a number >= 1 (µs)');
  if (moduleArgs !== undefined && (moduleArgs === null || typeof moduleArgs !== 'object')) fail('moduleArgs must be an object');
  const { workers } = options;
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0 && workers <= 1024)) fail(`workers must be an integer from 0 to 1024, got ${workers}`);
  return options;
}

/* A factory from what `module` was given as, once loaded: the factory
 * itself, or an ES module namespace whose default export is one (a
 * weft_program() .mjs: its `wasm` export says where its .wasm is). Returns
 * { factory, wasm } (wasm: a URL or undefined). */
export function factoryOf(loaded, where) {
  if (typeof loaded === 'function') return { factory: loaded, wasm: loaded.wasm instanceof URL ? loaded.wasm : undefined };
  if (loaded && typeof loaded === 'object' && typeof loaded.default === 'function') {
    const wasm = loaded.wasm instanceof URL ? loaded.wasm : factoryOf(loaded.default).wasm;
    return { factory: loaded.default, wasm };
  }
  throw new TypeError(`weft: ${where} defines no factory (build it with weft_program())`);
}

/* What createWeft does on every host, given the host's ways (`host`):
 *   toURL(where)        a module or wasm location as a URL
 *   importModule(url)   the namespace of an ES module (a weft_program .mjs)
 *   scriptFactory(url)  the factory a weft_program .js defines
 *   readWasm(url)       the bytes at a wasm location
 *   noWasm()            what to do when nothing says where the .wasm is:
 *                       bytes, undefined (the factory finds it) or a throw
 *   noRuntime           the TypeError's text when there is no built-in one
 *   spawnWorker(init)   a pool worker (src/js/workers.mjs) sent `init`
 *   cores()             the default pool size
 * Loads `options.module` (or `runtime()`, the prebuilt runtime's ES module,
 * when given) and starts it; returns the JS API. */
export async function loadWith(options, runtime, host) {
  options = checkOptions(options);
  let where = options.module;
  let loaded;
  if (where === undefined) {
    if (!runtime) throw new TypeError(host.noRuntime);
    loaded = await runtime();
    where = 'the built-in runtime';
  } else if (typeof where === 'string' || where instanceof URL) {
    const url = host.toURL(where);
    loaded = /\.mjs$/.test(url.pathname) ? await host.importModule(url) : await host.scriptFactory(url);
    where = url;
  } else {
    loaded = where;
    where = 'module';
  }
  const { factory, wasm: own } = factoryOf(loaded, String(where));
  let wasm = options.wasm;
  if (wasm === undefined || wasm === null) wasm = own || (where instanceof URL ? wasmBeside(where) : undefined);
  const bytes = wasm === undefined ? host.noWasm() : (wasmBytes(wasm) || await host.readWasm(host.toURL(wasm)));
  // Where a pool worker loads the program from: the module's own location, or
  // the .mjs beside the .wasm a weft_program() module names (the built-in
  // runtime's dist/weft.mjs). A factory handed over as a function has none.
  const program = where instanceof URL ? { url: where.href, kind: /\.mjs$/.test(where.pathname) ? 'mjs' : 'js' }
    : own ? { url: own.href.replace(/\.wasm(?=$|[?#])/, '.mjs'), kind: 'mjs' } : null;
  return start(factory, bytes, options, program && bytes ? { program, host } : null);
}

/* Starts the program made by `factory` with `wasmBinary` (bytes, or
 * undefined: the factory finds its .wasm itself) and returns the JS API.
 * With `pool` ({ program, host }), the module is compiled once and shared
 * with the worker pool of weft/worker.h (options.workers, default the host's
 * cores; 0: none). */
export async function start(factory, wasmBinary, options, pool = null) {
  const env = { ...(options.env || {}) };
  if (options.clock === 'virtual') env.WEFT_CLOCK = 'virtual';
  const realClock = options.clock === 'real';
  const extra = options.moduleArgs || {};
  const preRun = [].concat(extra.preRun || []);
  const args = {
    ...extra,
    // The program's argv[1..]; Emscripten would otherwise give it the host
    // process's (Node's process.argv).
    arguments: options.args ? [...options.args] : (extra.arguments || []),
    preRun: [(M) => {
      for (const [k, v] of Object.entries(env)) M.ENV[k] = String(v);
      if (realClock) delete M.ENV.WEFT_CLOCK;
    }, ...preRun],
    WeftError,
  };
  if (wasmBinary) args.wasmBinary = wasmBinary;
  if (options.print) args.print = options.print;
  if (options.printErr) args.printErr = options.printErr;
  if (options.onExit) args.onWeftExit = options.onExit;
  if (options.onError) args.onWeftError = options.onError;
  if (options.budgetUs != null) args.weftBudgetUs = options.budgetUs;
  // A weft program's main may return: the module then stays alive for JS.
  args.noExitRuntime = true;
  const size = options.workers ?? (pool ? pool.host.cores() : 0);
  if (pool && size > 0 && wasmBinary) {
    const compiled = await WebAssembly.compile(wasmBinary);
    args.instantiateWasm = (imports, receive) => {
      // The module compiled, and its imports are its own glue's: this does not
      // fail but for want of memory, which is reported as Emscripten would.
      WebAssembly.instantiate(compiled, imports).then((instance) => receive(instance, compiled),
        (e) => (args.printErr || console.error)(`weft: cannot instantiate the program: ${e && e.message}`));
      return {};
    };
    const init = { type: 'init', url: pool.program.url, kind: pool.program.kind, module: compiled };
    args.weftWorkerPool = createPool({ size, spawn: () => pool.host.spawnWorker(init) });
  }
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
    workers: Module.weftWorkerPool || null,
    module: Module,
  };
}

/* Bytes of a wasm given as bytes; null when it is a location to read. */
export function wasmBytes(wasm) {
  if (wasm instanceof Uint8Array) return wasm;
  if (wasm instanceof ArrayBuffer) return new Uint8Array(wasm);
  if (ArrayBuffer.isView(wasm)) return new Uint8Array(wasm.buffer, wasm.byteOffset, wasm.byteLength);
  if (typeof wasm === 'string' || wasm instanceof URL) return null;
  throw new TypeError(`weft: createWeft: wasm must be bytes (Uint8Array, ArrayBuffer), a URL or a path, got ${typeof wasm}`);
}

/* '<prog>.js' / '<prog>.mjs' → '<prog>.wasm' (a string or a URL). */
export function wasmBeside(where) {
  if (where instanceof URL) {
    const u = new URL(where.href);
    u.pathname = u.pathname.replace(/\.m?js$/, '.wasm');
    return u;
  }
  return String(where).replace(/\.m?js(?=$|[?#])/, '.wasm');
}
