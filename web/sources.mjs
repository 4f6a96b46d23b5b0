// Where the page's records and output lines come from:
//   ProgramSource  a wasm example running live in this page (real clock for
//                  Run; virtual clock, one task resume per step, for Step)
//   ReplaySource   a recorded trace (an imported one, or a test fixture)
//                  played back at a speed, or stepped resume by resume
// Both call the same hooks: onRecords(records), onLine({ t, text, stream,
// seq }), onExit(status), onError(message), onState().

import { createPool } from '../src/js/workers.mjs';
import { spawnWorker } from '../src/js/browser.mjs';

const noop = () => {};

class Source {
  constructor(hooks) {
    this.hooks = { onRecords: noop, onLine: noop, onExit: noop, onError: noop, onState: noop, ...hooks };
    this.status = 'idle'; // idle | running | paused | stepping | done | error
    this.speed = 1;
    this.resumes = 0;
  }
  setStatus(s) { this.status = s; this.hooks.onState(); }
  setSpeed(x) { this.speed = x; }
}

/* A recorded trace: records (the contract's objects) and output lines
 * ({ t, text, stream, seq }: seq = how many records preceded the line). */
export class ReplaySource extends Source {
  constructor(records, output, hooks) {
    super(hooks);
    this.records = records;
    this.output = output.slice().sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0) || a.t - b.t);
    this.cursor = 0;
    this.line = 0;
    this.clock = records.length ? records[0].t : 0;
    this.raf = 0;
  }

  emitTo(end) {
    end = Math.min(end, this.records.length);
    if (end <= this.cursor) return;
    const batch = this.records.slice(this.cursor, end);
    for (const r of batch) if (r.kind === 'resume') this.resumes++;
    this.cursor = end;
    this.hooks.onRecords(batch);
    while (this.line < this.output.length && (this.output[this.line].seq ?? 0) <= this.cursor) this.hooks.onLine(this.output[this.line++]);
    if (this.cursor >= this.records.length) {
      while (this.line < this.output.length) this.hooks.onLine(this.output[this.line++]);
      cancelAnimationFrame(this.raf);
      this.setStatus('done');
      this.hooks.onExit(0);
    }
  }

  /* Plays on the recorded clock, `speed` times real time. */
  run() {
    if (this.status === 'done') return;
    this.setStatus('running');
    let last = performance.now();
    const tick = (now) => {
      if (this.status !== 'running') return;
      this.clock += (now - last) * this.speed;
      last = now;
      let end = this.cursor;
      while (end < this.records.length && this.records[end].t <= this.clock) end++;
      // A still clock (virtual) would stop here forever: jump to the next record.
      if (end === this.cursor && end < this.records.length && this.records[end].t > this.clock + 60000) this.clock = this.records[end].t;
      this.emitTo(end);
      if (this.status === 'running') this.raf = requestAnimationFrame(tick);
    };
    this.raf = requestAnimationFrame(tick);
  }

  /* One task resume: the records up to the next resume and through the end
   * of that task's slice (its suspend or finish). */
  step() {
    if (this.status === 'done') return false;
    if (this.status === 'running') cancelAnimationFrame(this.raf);
    const recs = this.records;
    let i = this.cursor;
    while (i < recs.length && recs[i].kind !== 'resume') i++;
    const task = i < recs.length ? recs[i].task : null;
    for (i++; i < recs.length; i++) {
      const r = recs[i];
      if (r.kind === 'resume') break;
      if (r.task === task && (r.kind === 'suspend' || r.kind === 'finish')) { i++; break; }
    }
    this.setStatus('stepping');
    if (i > 0 && i <= recs.length) this.clock = recs[i - 1].t;
    this.emitTo(i);
    return this.status !== 'done';
  }

  pause() { if (this.status === 'running') { cancelAnimationFrame(this.raf); this.setStatus('paused'); } }
  resume() { if (this.status === 'paused' || this.status === 'stepping') this.run(); }
  stop() { cancelAnimationFrame(this.raf); this.status = 'idle'; }
}

const factories = new Map(); // program name → { factory, wasm }

/* Loads build/wasm/examples/<name>.mjs (the ES-module copy weft_program()
 * writes beside each .js: imported, no eval, so the page's strict CSP holds)
 * and its .wasm; cached per program. */
export async function loadProgram(name) {
  if (factories.has(name)) return factories.get(name);
  const base = `/build/wasm/examples/${name}`;
  const wasmP = fetch(`${base}.wasm`).then((r) => {
    if (!r.ok) throw new Error(`${base}.wasm: HTTP ${r.status} (run: node scripts/build.mjs wasm)`);
    return r.arrayBuffer();
  });
  let factory;
  try {
    factory = (await import(`${base}.mjs`)).default;
  } catch (e) {
    throw new Error(`cannot load ${base}.mjs (run: node scripts/build.mjs wasm): ${e.message || e}`);
  }
  if (typeof factory !== 'function') throw new Error(`${base}.mjs exports no factory`);
  const entry = { factory, wasm: await wasmP };
  factories.set(name, entry);
  return entry;
}

/* A live run of an example. `trace` is the page's tracing adapter (trace
 * glue; null when the runtime has no tracing): it drains the loop's records
 * after each batch and, for Step, drives the loop by hand. */
export class ProgramSource extends Source {
  constructor(name, args, hooks, { trace = null, virtual = false, workers = 0 } = {}) {
    super(hooks);
    this.workers = workers; // the size of the program's Web Worker pool (weft/worker.h); 0: none
    this.pool = null;
    this.name = name;
    this.args = args;
    this.trace = trace;
    this.virtual = virtual;
    this.recordCount = 0;
    this.lastT = 0;
    this.t0 = null;
    this.started = 0;
    this.module = null;
    this.dead = false;
    this.raf = 0;
  }

  /* The loop's clock as the records tell it (the last record's time), or
   * the page's own without tracing. */
  now() {
    if (this.trace) return this.lastT;
    return performance.now() - this.started;
  }

  async start({ manual = false } = {}) {
    const { factory, wasm } = await loadProgram(this.name);
    if (this.dead) return;
    this.started = performance.now();
    const self = this;
    const opts = {
      arguments: this.args,
      wasmBinary: wasm,
      locateFile: (p) => `/build/wasm/examples/${p}`,
      print: (text) => self.line(text, 'out'),
      printErr: (text) => self.line(text, 'err'),
      onWeftExit: (status) => self.exit(status),
      // A file the program hands to the page (weft_file_open_download): a link to save it.
      onWeftDownload: (blob, name) => { if (!self.dead && self.hooks.onDownload) self.hooks.onDownload({ blob, name, t: self.now() }); },
      onWeftError: (msg) => self.fail(msg),
      onAbort: (what) => self.fail(`abort: ${what}`),
      preRun: [(M) => {
        if (self.virtual) M.ENV.WEFT_CLOCK = 'virtual';
        if (self.trace) self.trace.preRun(M, { manual });
      }],
    };
    if (this.workers > 0) {
      // The pool's workers each load this program too, from the module compiled here once.
      const compiled = await WebAssembly.compile(wasm);
      if (this.dead) return;
      opts.instantiateWasm = (imports, receive) => {
        WebAssembly.instantiate(compiled, imports).then((inst) => receive(inst, compiled), (e) => self.fail(`cannot instantiate: ${e.message || e}`));
        return {};
      };
      const init = { type: 'init', url: new URL(`/build/wasm/examples/${this.name}.mjs`, location.href).href, kind: 'mjs', module: compiled };
      this.pool = opts.weftWorkerPool = createPool({ size: this.workers, spawn: () => spawnWorker(init) });
    }
    if (this.trace) this.trace.options(opts, { manual, source: this });
    this.setStatus(manual ? 'stepping' : 'running');
    this.module = await factory(opts);
    if (this.dead) return;
    this.drain();
    if (!manual && this.trace) this.pump();
  }

  /* While running, drain the records once a frame (the loop drains into the
   * adapter after each batch; this hands them to the page). */
  pump() {
    const tick = () => {
      if (this.dead) return;
      this.drain();
      if (this.status === 'running' || this.status === 'paused') this.raf = requestAnimationFrame(tick);
    };
    this.raf = requestAnimationFrame(tick);
  }

  drain() {
    if (!this.trace || !this.module || this.dead) return;
    const recs = this.trace.drain(this.module);
    if (!recs.length) return;
    // Times from the first record: the real clock does not start at 0.
    if (this.t0 == null) this.t0 = recs[0].t;
    for (const r of recs) {
      r.t -= this.t0;
      if (r.kind === 'timer_arm' && typeof r.value === 'number') r.value -= this.t0; // a deadline
      if (r.kind === 'resume') this.resumes++;
    }
    this.recordCount += recs.length;
    this.lastT = recs[recs.length - 1].t;
    this.hooks.onRecords(recs);
  }

  line(text, stream) {
    if (this.dead) return;
    // Records made so far in this slice are still in the ring: take them
    // first, so the line sits after the resume that printed it.
    this.drain();
    this.hooks.onLine({ t: this.now(), text, stream, seq: this.recordCount });
  }

  exit(status) {
    if (this.dead) return;
    // The program's own time, load to exit (what `npm run bench -- page` compares).
    this.programMs = performance.now() - this.started;
    this.drain();
    cancelAnimationFrame(this.raf);
    if (this.pool) this.pool.close(); // main is done: its workers are not needed
    this.exitStatus = status;
    this.setStatus('done');
    this.hooks.onExit(status);
  }

  fail(msg) {
    if (this.dead) return;
    this.drain();
    cancelAnimationFrame(this.raf);
    if (this.pool) this.pool.close();
    this.setStatus('error');
    this.hooks.onError(msg);
  }

  /* Step: one task resume. Starts the program by hand first. */
  async step() {
    if (this.status === 'done' || this.status === 'error') return false;
    if (!this.trace || !this.trace.canStep) return false;
    if (!this.module) {
      await this.start({ manual: true });
      if (this.dead || !this.module) return false;
    }
    if (this.status === 'running') this.trace.setManual(this.module, true);
    this.setStatus('stepping');
    const before = this.resumes, started = performance.now();
    // Callbacks (timer fires, wakes) are units of work too: go on until a
    // task has been resumed or nothing is left. When nothing ran, the loop
    // waits on the host (a fetch): let the browser deliver it.
    while (this.resumes === before && !this.dead) {
      const count = this.recordCount;
      const more = this.trace.step(this.module);
      this.drain();
      if (!more || this.status === 'done' || this.status === 'error') break;
      if (this.recordCount === count) {
        if (performance.now() - started > 60000) { this.hooks.onError('step: nothing to run for 60 s'); break; }
        await new Promise((r) => setTimeout(r, 4));
      }
    }
    return this.status !== 'done';
  }

  pause() {
    if (this.status !== 'running' || !this.trace || !this.trace.canStep) return;
    this.trace.setManual(this.module, true);
    this.setStatus('paused');
  }

  resume() {
    if ((this.status !== 'paused' && this.status !== 'stepping') || !this.module) return;
    this.trace.setManual(this.module, false);
    this.setStatus('running');
    this.pump();
  }

  setSpeed(x) {
    this.speed = x;
    if (this.trace && this.module && this.trace.setSpeed) this.trace.setSpeed(this.module, x);
  }

  stop() {
    this.dead = true;
    cancelAnimationFrame(this.raf);
    if (this.pool) this.pool.close();
    if (this.trace && this.module && this.trace.stop) this.trace.stop(this.module);
  }
}
