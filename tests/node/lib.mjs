// Helpers shared by tests/node/*.test.mjs (not a test file itself).
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const runWasm = join(root, 'scripts', 'run-wasm.mjs');

/* The environment for a child: WEFT_CLOCK set to 'virtual' or removed. */
function envFor(virtual) {
  const env = { ...process.env };
  delete env.WEFT_CLOCK;
  if (virtual) env.WEFT_CLOCK = 'virtual';
  return env;
}

/* Runs a child process asynchronously. Resolves (never rejects) to
 *   { code, signal, stdout, stderr, lines, times, ms, error }
 * where `lines` are stdout's lines (without the final empty one), `times[i]`
 * is when line i arrived (ms since spawn) and `ms` the wall time until exit.
 * The child is killed after `timeoutMs`. */
export function run(cmd, args, { env = process.env, timeoutMs = 30000 } = {}) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    const lines = [];
    const times = [];
    let error = null;
    const timer = setTimeout(() => {
      error = new Error(`timed out after ${timeoutMs} ms: ${cmd} ${args.join(' ')}`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      const now = performance.now() - t0;
      stdout += chunk;
      const parts = (partial + chunk).split('\n');
      partial = parts.pop();
      for (const p of parts) {
        lines.push(p);
        times.push(now);
      }
    });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', (e) => { error = e; });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (partial) {
        lines.push(partial);
        times.push(performance.now() - t0);
      }
      resolve({ code, signal, stdout, stderr, lines, times, ms: performance.now() - t0, error });
    });
  });
}

/* Paths of an example's build outputs. */
export function wasmProgram(name) { return join(root, 'build', 'wasm', 'examples', `${name}.js`); }
export function nativeProgram(name) { return join(root, 'build', 'native', 'examples', name); }

/* Why `mode` ('wasm' | 'native') of example `name` cannot run, or null. */
export function missing(name, mode) {
  if (mode === 'wasm') {
    const js = wasmProgram(name);
    for (const f of [js, js.replace(/\.js$/, '.wasm')]) {
      if (!existsSync(f)) return `build output missing: ${f} (run: node scripts/build.mjs wasm)`;
    }
    return null;
  }
  const bin = nativeProgram(name);
  return existsSync(bin) ? null : `build output missing: ${bin} (run: node scripts/build.mjs native)`;
}

/* Runs example `name` as wasm under Node or natively, with either clock.
 * With `spy` (wasm only), tests/host/spy.js watches the host timers the run
 * asks for: the run's result gains `spy`, the spy's figures (null when the
 * run printed none). */
export function runExample(name, { mode = 'wasm', virtual = false, args = [], timeoutMs, spy = false } = {}) {
  const env = envFor(virtual);
  if (mode !== 'wasm') return run(nativeProgram(name), args, { env, timeoutMs });
  const preload = spy ? ['--import', pathToFileURL(join(root, 'tests', 'host', 'spied.mjs')).href] : [];
  const r = run(process.execPath, [...preload, runWasm, wasmProgram(name), ...(virtual ? ['--virtual'] : []), ...args], { env, timeoutMs });
  return spy ? r.then(withSpy) : r;
}

/* A run with the figures of its `WEFT_SPY {json}` stderr line as `spy`. */
export function withSpy(r) {
  const line = r.stderr.split('\n').find((l) => l.startsWith('WEFT_SPY '));
  r.spy = line ? JSON.parse(line.slice('WEFT_SPY '.length)) : null;
  return r;
}

/* Runs any wasm program (.js + .wasm) through scripts/run-wasm.mjs, real clock. */
export function runWasmProgram(jsPath, { args = [], timeoutMs } = {}) {
  return run(process.execPath, [runWasm, jsPath, ...args], { env: envFor(false), timeoutMs });
}

/* A one-paragraph description of a finished run, for assertion messages. */
export function report(r) {
  return `exit ${r.code}${r.signal ? ` (signal ${r.signal})` : ''} after ${Math.round(r.ms)} ms${r.error ? `, ${r.error.message}` : ''}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
}

/* Returns limited(start): runs the async `start` functions given to it at
 * most `limit` at a time (default: the number of cores, at least 2), each
 * promise resolving to its own function's result. */
export function limiter(limit = Math.max(2, availableParallelism())) {
  let active = 0;
  const queue = [];
  return function limited(start) {
    return new Promise((resolve) => {
      const go = () => {
        active++;
        start().then((r) => {
          active--;
          if (queue.length) queue.shift()();
          resolve(r);
        });
      };
      if (active < limit) go();
      else queue.push(go);
    });
  };
}
