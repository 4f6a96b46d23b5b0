// Types for weft's npm entry points: 'weft' (src/js/node.mjs under Node,
// src/js/index.mjs in browsers and bundlers) and 'weft/core' (the same
// createWeft without the built-in runtime; core.d.ts).

/** A pointer into the module's memory (a wasm32 address). */
export type Pointer = number;

/** The Emscripten module of a weft program, as far as weft exposes it: the
 *  heap views, the runtime methods weft exports, the C functions weft
 *  exports and the host's driving functions (src/js/library_*.js). */
export interface WeftModule {
  readonly HEAP8: Int8Array;
  readonly HEAPU8: Uint8Array;
  readonly HEAP16: Int16Array;
  readonly HEAPU16: Uint16Array;
  readonly HEAP32: Int32Array;
  readonly HEAPU32: Uint32Array;
  readonly HEAPF32: Float32Array;
  readonly HEAPF64: Float64Array;
  /** The C side's environment (getenv), settable before main runs. */
  readonly ENV: Record<string, string | undefined>;
  UTF8ToString(ptr: Pointer, maxBytesToRead?: number): string;
  stringToUTF8(text: string, outPtr: Pointer, maxBytesToWrite: number): number;
  lengthBytesUTF8(text: string): number;

  _malloc(size: number): Pointer;
  _free(ptr: Pointer): void;
  _realloc(ptr: Pointer, size: number): Pointer;
  /** weft_strerror / weft_strerror_name: static C strings. */
  _weft_strerror(code: number): Pointer;
  _weft_strerror_name(code: number): Pointer;
  /** Host futures (include/weft/host.h): complete a weft_host_future. */
  _weft_host_resolve(future: Pointer, value: number): number;
  _weft_host_fail(future: Pointer, code: number): number;
  /** One batch of ready work; returns ms until the next deadline (< 0: none). */
  _weft_loop_run_ready(loop: Pointer): number;
  _weft_loop_run_once(loop: Pointer): number;
  _weft_loop_step(loop: Pointer): number;
  _weft_loop_step_task(loop: Pointer): number;
  /** Tracing (include/weft/trace.h; read the records with 'weft/trace'). */
  _weft_trace_enable(loop: Pointer, capacity: number): number;
  _weft_trace_disable(loop: Pointer): number;
  _weft_trace_drain(loop: Pointer, out: Pointer, max: number): number;
  _weft_trace_set_long_running_ms(loop: Pointer, ms: number): number;

  /** The JS bridge, as Weft wraps it. */
  weftRun: Weft['run'];
  weftIterate: Weft['iterate'];
  weftHandle: Weft['handle'];
  weftIterHandle: Weft['iterHandle'];
  weftLoopNow: Weft['loopNow'];
  weftStrerror: Weft['strerror'];
  /** Stops the host's automatic driving of the loops (a pending host timer
   *  is dropped); weftResume() restarts it. */
  weftPause(): void;
  weftResume(): void;
  weftPaused(): boolean;
  /** The loops the host knows (pointers), oldest first. */
  weftLoops(): Pointer[];
  /** Runs one unit of work of `loop` (default: the first); 1 while work is
   *  left, 0 when none is. { task: true }: until one task has been resumed. */
  weftStep(loop?: Pointer, options?: { task?: boolean }): 0 | 1;
}

/** What a weft_program() .mjs exports (and 'weft/runtime'): its factory,
 *  whose `wasm` is where its .wasm is. */
export interface WeftProgramFactory {
  (moduleArgs?: Record<string, unknown>): Promise<WeftModule>;
  readonly wasm?: URL;
}
export interface WeftProgramModule {
  readonly default: WeftProgramFactory;
  readonly wasm?: URL;
}

/** A number reaches C as (void *)(intptr_t)arg, a string as a `const char *`
 *  (UTF-8, valid during the call), null / undefined as NULL. */
export type WeftArg = number | string | null | undefined;

export interface WeftOptions {
  /** The weft program to load: its .mjs imported as a namespace
   *  (`import * as prog from './myprog.mjs'`) or its default export (the
   *  factory); or the URL / path of its .mjs or .js. Default (not in
   *  'weft/core'): the prebuilt runtime in the package's dist/. In browsers a
   *  .mjs URL is imported and a .js URL is loaded with a <script> element: no
   *  source text is evaluated, so a Content-Security-Policy without
   *  'unsafe-eval' works (wasm needs 'wasm-unsafe-eval'). */
  module?: WeftProgramFactory | WeftProgramModule | string | URL;
  /** The program's .wasm: its bytes, or a URL / path. Default: where the
   *  .mjs says (`wasm`, a new URL('x.wasm', import.meta.url) that bundlers
   *  rewrite), else the module's URL with .js / .mjs replaced by .wasm. Read
   *  with node:fs on Node, fetched in browsers. */
  wasm?: Uint8Array | ArrayBuffer | ArrayBufferView | string | URL;
  /** The clock of the loops weft_run and the JS bridge create: 'real'
   *  (default) or 'virtual', which jumps to the next deadline whenever
   *  nothing is ready (the same order of events, at once). */
  clock?: 'virtual' | 'real';
  /** Environment variables for the C side (getenv), set before main runs:
   *  WEFT_BUDGET_US, WEFT_TRACE, your program's own. */
  env?: Readonly<Record<string, string | number>>;
  /** The program's command-line arguments, argv[1..] (default: none). */
  args?: readonly string[];
  /** Where the program's stdout / stderr lines go (default: console.log /
   *  console.warn). */
  print?: (line: string) => void;
  printErr?: (line: string) => void;
  /** Called with the program's exit status: when main returns or calls
   *  exit(), and when weft_run's main task ends (0, or 1 when it failed).
   *  The host process's exit code is never touched. */
  onExit?: (status: number) => void;
  /** Called when the loop traps (a C crash, a task's stack overflow): the
   *  message is also printed with printErr, and the module is dead. */
  onError?: (message: string, error: unknown) => void;
  /** How long (µs) the loop may run ready work before it gives the host a
   *  turn (rendering, input, I/O callbacks). Default 4000 (4 ms). Same as
   *  env.WEFT_BUDGET_US. */
  budgetUs?: number;
  /** Extra Emscripten Module arguments (preRun is added to weft's). */
  moduleArgs?: Record<string, unknown>;
  /** The size of the worker pool that runs weft_to_worker jobs (weft/worker.h):
   *  an integer from 0 (no pool: jobs fail with WEFT_ENOSYS) to 1024. Default:
   *  the cores the host reports. Workers start on first use. */
  workers?: number;
}

/** The worker pool of weft/worker.h, for inspection. */
export interface WeftWorkerPool {
  readonly size: number;
  /** Workers started and replaced (after a trap or a cancelled job), jobs
   *  submitted; workers alive, idle; jobs waiting. */
  stats(): { started: number; replaced: number; jobs: number; live: number; idle: number; queued: number };
  /** Ends every worker: running and waiting jobs fail with WEFT_EWORKER, as do
   *  later ones. For when the program is no longer needed; idempotent. */
  close(): void;
}

export interface RunOptions {
  /** Aborting it cancels the C task; the promise then rejects with
   *  signal.reason (a DOMException named AbortError unless abort() was given
   *  a reason), as fetch does. Anything but an AbortSignal is a TypeError. */
  signal?: AbortSignal;
  /** 'number' (default): the task's intptr_t result. 'string': for a task
   *  defined with WEFT_JS_TASK_STRING, which returns a malloc'd UTF-8 string
   *  (or 0 for null) that weft frees. Checked against the task's
   *  registration: a mismatch is a TypeError and nothing starts. */
  result?: 'number' | 'string';
}

/** How a C task's failure reaches JS (weft.run's rejection, weft.iterate's
 *  next()). A task cancelled through an AbortSignal rejects with the
 *  signal's reason instead, as fetch does. */
export class WeftError extends Error {
  constructor(message: string, details?: { code?: number; codeName?: string; name?: 'WeftError' });
  name: 'WeftError';
  /** WEFT_EJS: the JS rejection the task awaited, when there was one. */
  cause?: unknown;
  /** The negative weft code (WEFT_EJS = -20, WEFT_ECANCELED = -1, ...). */
  code: number;
  /** Its symbolic name, e.g. 'WEFT_ETIMEDOUT'. */
  codeName: string;
}

export interface Weft {
  /** Starts the C task registered with WEFT_JS_TASK(name) and resolves to
   *  its result: a number, or with { result: 'string' } the string it
   *  returned (WEFT_JS_TASK_STRING). `arg` reaches C as
   *  (void *)(intptr_t)arg for a number (an integer from -2^31 to 2^31 - 1:
   *  anything else is a RangeError), a `const char *` for a string (one with
   *  a NUL or a lone surrogate is a TypeError; one that does not fit in wasm
   *  memory rejects with WEFT_ENOMEM), NULL for undefined/null; any other
   *  type is a TypeError. So is a name that is not a string or has a NUL or a
   *  lone surrogate. Every check happens before the task starts. Rejects with
   *  a WeftError; a task failing with WEFT_EJS after awaiting a rejected
   *  promise rejects with that rejection as `cause`. */
  run(name: string, arg: WeftArg, options: RunOptions & { result: 'string' }): Promise<string | null>;
  run(name: string, arg?: WeftArg, options?: RunOptions & { result?: 'number' }): Promise<number>;
  run(name: string, arg?: WeftArg, options?: RunOptions): Promise<number | string | null>;
  /** Registers a promise (or a value) for C and returns its handle, for
   *  weft_js_await(handle, &value) / weft_js_promise(loop, handle, &value).
   *  Each handle can be awaited from C once. */
  handle(promise: unknown): number;
  /** Iterates the C async generator registered with WEFT_JS_GEN(name):
   *  `for await (const x of weft.iterate('count', 3))`. Values are numbers,
   *  or strings with { result: 'string' } (the generator yields malloc'd
   *  UTF-8 strings, which weft frees: WEFT_JS_GEN_STRING generators only, a
   *  mismatch is a TypeError; arguments are checked as for run()). The generator's error rejects next()
   *  with a WeftError; leaving the loop early (return()) closes it. Throws a
   *  WeftError (WEFT_EINVAL) when no generator has that name. */
  iterate(name: string, arg: WeftArg, options: { result: 'string' }): AsyncIterableIterator<string | null>;
  iterate(name: string, arg?: WeftArg, options?: { result?: 'number' }): AsyncIterableIterator<number>;
  /** Registers an async iterable (or a plain iterable) for C, which consumes
   *  it with weft_js_iter(handle). Each handle can be wrapped once. */
  iterHandle(iterable: AsyncIterable<unknown> | Iterable<unknown>): number;
  /** The time of the loop JS tasks run on, in milliseconds (monotonic). */
  loopNow(): number;
  /** weft_strerror_name / weft_strerror of a code (an integer; anything
   *  else is a RangeError). */
  strerror(code: number): { name: string; message: string };
  /** The worker pool, or null when there is none (workers: 0, or a program
   *  whose location is unknown: a factory handed over as a function). */
  workers: WeftWorkerPool | null;
  /** The Emscripten module. */
  module: WeftModule;
}

/** Loads the prebuilt runtime, or your own weft program, and returns its API. */
export function createWeft(options?: WeftOptions): Promise<Weft>;
export default createWeft;
