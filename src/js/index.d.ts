// Types for weft's npm entry point (src/js/index.mjs).

export interface WeftOptions {
  /** The weft program to load: its Emscripten factory (the MODULARIZE
   *  export of a program built with weft_program()), or the URL / path of its
   *  .js or .mjs. Default: the prebuilt runtime in the package's dist/.
   *  In browsers a .mjs URL is imported and a .js URL is loaded with a
   *  <script> element: no source text is evaluated, so a Content-Security-
   *  Policy without 'unsafe-eval' works (wasm needs 'wasm-unsafe-eval'). */
  module?: ((moduleArgs: object) => Promise<any>) | string | URL;
  /** The program's .wasm: its bytes, or a URL / path. Default: the module's
   *  URL with .js / .mjs replaced by .wasm (read with node:fs on Node,
   *  fetched in browsers). */
  wasm?: Uint8Array | ArrayBuffer | string | URL;
  /** Environment variables for the C side (WEFT_CLOCK: 'virtual', WEFT_BUDGET_US, ...). */
  env?: Record<string, string | number>;
  /** Where the program's stdout / stderr lines go (default: console). */
  print?: (line: string) => void;
  printErr?: (line: string) => void;
  /** How long (µs) the loop may run ready work before it gives the host a
   *  turn (rendering, input, I/O callbacks). Default 4000 (4 ms). Same as
   *  env.WEFT_BUDGET_US. */
  budgetUs?: number;
  /** Called with the exit status when a program's weft_run main task ends. */
  onExit?: (status: number) => void;
  /** Extra Emscripten Module arguments. */
  moduleArgs?: Record<string, unknown>;
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

/** How a C task's failure reaches JS. */
export interface WeftError extends Error {
  name: 'WeftError';
  /** The negative weft code (WEFT_EJS = -20, WEFT_ECANCELED = -1, ...). */
  /** WEFT_EJS: the JS rejection the task awaited, when there was one. */
  cause?: unknown;
  code: number;
  /** Its symbolic name, e.g. 'WEFT_ETIMEDOUT'. */
  codeName: string;
}

export interface Weft {
  /** Starts the C task registered with WEFT_JS_TASK(name). `arg` reaches C
   *  as (void *)(intptr_t)arg for a number (an integer from -2^31 to
   *  2^31 - 1: anything else is a RangeError), a `const char *` for a string
   *  (one with a NUL or a lone surrogate is a TypeError; one that does not
   *  fit in wasm memory rejects with WEFT_ENOMEM), NULL for undefined/null;
   *  any other type is a TypeError. So is a name that is not a string or has
   *  a NUL or a lone surrogate. Every check happens before the task starts.
   *  A task failing with WEFT_EJS after awaiting a rejected promise rejects
   *  with that rejection as `cause`. */
  run(name: string, arg?: number | string | null, options?: RunOptions & { result: 'string' }): Promise<string | null>;
  run(name: string, arg?: number | string | null, options?: RunOptions): Promise<number>;
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
  iterate(name: string, arg: number | string | null | undefined, options: { result: 'string' }): AsyncIterableIterator<string | null>;
  iterate(name: string, arg?: number | string | null, options?: { result?: 'number' }): AsyncIterableIterator<number>;
  /** Registers an async iterable (or a plain iterable) for C, which consumes
   *  it with weft_js_iter(handle). Each handle can be wrapped once. */
  iterHandle(iterable: AsyncIterable<unknown> | Iterable<unknown>): number;
  /** The time of the loop JS tasks run on, in milliseconds (monotonic). */
  loopNow(): number;
  /** weft_strerror_name / weft_strerror of a code (an integer; anything
   *  else is a RangeError). */
  strerror(code: number): { name: string; message: string };
  /** The Emscripten Module (exports such as _malloc, HEAPU8, ...). */
  module: any;
}

/** Loads the prebuilt runtime, or your own weft program, and returns its API. */
export function createWeft(options?: WeftOptions): Promise<Weft>;
export default createWeft;
