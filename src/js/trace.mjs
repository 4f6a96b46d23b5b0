// weft's trace, on the JS side: reads the records a loop wrote into its ring
// (include/weft/trace.h) out of the module's memory, and turns them into a
// task table and Chrome Trace Event JSON (Perfetto, chrome://tracing) and
// back. Plain ES module with no Node-only API: the page and Node tests both
// use it. The record contract is docs/tracing.md.
//
//   import { drain, taskTable, toChromeTrace, fromChromeTrace } from 'weft/trace';
//   const mod = await createWeftProgram({ weftTrace: true, onWeftBatch: (loop) => all.push(...drain(mod, loop)) });

import { RECORD_SIZE, RECORD_TEXT, RECORD_FIELDS as F, TRACE_KINDS, TRACE_REASONS, TRACE_WARNINGS, FUTURE_STATES, errorInfo }
  from './constants.mjs';

// The record format comes from include/weft/trace.h, through constants.mjs.
export { RECORD_SIZE };
export const KINDS = TRACE_KINDS;
export const REASONS = TRACE_REASONS;

const scratch = new WeakMap(); // Module -> { ptr, max }
const strings = new WeakMap(); // Module -> Map(ptr -> text)
const utf8 = new TextDecoder('utf-8');

function cString(heap, ptr, max = Infinity) {
  let end = ptr;
  const limit = Math.min(heap.length, ptr + max);
  while (end < limit && heap[end] !== 0) end++;
  return utf8.decode(heap.subarray(ptr, end));
}

function staticString(Module, ptr) {
  let m = strings.get(Module);
  if (!m) strings.set(Module, (m = new Map()));
  let s = m.get(ptr);
  if (s === undefined) {
    s = cString(Module.HEAPU8, ptr);
    m.set(ptr, s);
  }
  return s;
}

function errorName(Module, code) {
  const known = errorInfo(code);
  if (known) return known.name;
  const f = Module._weft_strerror_name;
  return f ? staticString(Module, f(code)) : `error ${code}`;
}

function baseName(path) {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}

/* Decodes one record at byte `off` of the module's memory. */
function decode(Module, view, heap, off) {
  const kindNo = view.getUint8(off + F.kind.offset);
  const r = {
    seq: view.getUint32(off + F.seq.offset, true),
    t: view.getFloat64(off + F.t_ms.offset, true),
    kind: TRACE_KINDS[kindNo] || `kind${kindNo}`,
    task: view.getUint32(off + F.task.offset, true),
  };
  const other = view.getUint32(off + F.other.offset, true);
  const value = Number(view.getBigInt64(off + F.value.offset, true));
  const status = view.getUint8(off + F.status.offset);
  const code = view.getInt32(off + F.code.offset, true);
  const text = () => cString(heap, off + F.text.offset, RECORD_TEXT);
  switch (r.kind) {
    case 'spawn': r.other = other; r.name = text(); break;
    case 'suspend': {
      r.reason = TRACE_REASONS[view.getUint8(off + F.reason.offset)] || null;
      const file = view.getUint32(off + F.site_file.offset, true); // wasm32: the low half of the 8 bytes
      r.site = file ? `${baseName(staticString(Module, file))}:${view.getInt32(off + F.site_line.offset, true)}` : null;
      r.other = other;
      break;
    }
    case 'wake': case 'cancel': r.other = other; break;
    case 'timer_arm': r.value = value; break;
    case 'fetch_start': r.detail = text(); break;
    case 'fetch_end': r.status = code > 0 ? code : errorName(Module, code); break;
    case 'yield_value': r.other = other; r.value = value; { const d = text(); if (d) r.detail = d; } break;
    case 'finish':
      r.status = FUTURE_STATES[status] || 'failed';
      if (r.status === 'done') r.value = value; else r.detail = errorName(Module, code);
      break;
    case 'warn': r.detail = TRACE_WARNINGS[status] || 'warning'; r.value = value; r.other = other; break;
    case 'dropped': r.value = value; break;
    default: break;
  }
  return r;
}

/* Moves every record out of `loop`'s ring (default: the first loop the host
 * knows, Module.weftLoops()[0]) and returns them as plain objects, oldest
 * first. Returns [] when the loop does not trace. */
export function drain(Module, loop, { batch = 1024 } = {}) {
  if (loop == null) loop = Module.weftLoops ? Module.weftLoops()[0] : 0;
  if (!loop) return [];
  let s = scratch.get(Module);
  if (!s || s.max < batch) {
    if (s) Module._free(s.ptr);
    s = { ptr: Module._malloc(batch * RECORD_SIZE) >>> 0, max: batch }; // unsigned: wasm memory can pass 2 GiB
    if (!s.ptr) throw new Error('weft trace: out of memory');
    scratch.set(Module, s);
  }
  const out = [];
  for (;;) {
    const n = Module._weft_trace_drain(loop, s.ptr, batch);
    if (n <= 0) break;
    // The memory may have grown during the call: take fresh views.
    const heap = Module.HEAPU8;
    const view = new DataView(heap.buffer);
    for (let i = 0; i < n; i++) out.push(decode(Module, view, heap, s.ptr + i * RECORD_SIZE));
    if (n < batch) break;
  }
  return out;
}

/* --- the task table ------------------------------------------------------- */

const BUCKET = { running: 'busyMs', waiting: 'idleMs', ready: 'scheduledMs' };

/* Folds records into one row per task, in id order, like asyncio ps:
 * { id, name, parent, state, reason, site, waitingOn, awaitedBy, busyMs,
 *   scheduledMs, idleMs, resumes, wakes }. Times run to the last record. */
export function taskTable(records) {
  const rows = new Map();
  const row = (id, t) => {
    let r = rows.get(id);
    if (!r) {
      r = { id, name: `task-${id}`, parent: 0, state: 'ready', reason: null, site: null, waitingOn: null,
        awaitedBy: [], busyMs: 0, scheduledMs: 0, idleMs: 0, resumes: 0, wakes: 0, since: t };
      rows.set(id, r);
    }
    return r;
  };
  const move = (r, state, t) => {
    const b = BUCKET[r.state];
    if (b && t > r.since) r[b] += t - r.since;
    r.since = t;
    r.state = state;
  };
  const unlink = (r) => {
    if (r.waitingOn != null) {
      const w = rows.get(r.waitingOn);
      if (w) w.awaitedBy = w.awaitedBy.filter((id) => id !== r.id);
    }
    r.waitingOn = null;
  };
  let last = 0;
  for (const rec of records) {
    if (typeof rec.t === 'number') last = Math.max(last, rec.t);
    if (!rec.task) continue;
    const r = row(rec.task, rec.t);
    switch (rec.kind) {
      case 'spawn': r.name = rec.name || r.name; r.parent = rec.other || 0; r.since = rec.t; break;
      case 'resume': move(r, 'running', rec.t); r.resumes++; r.reason = null; r.site = null; break;
      case 'suspend':
        move(r, 'waiting', rec.t);
        r.reason = rec.reason || null;
        r.site = rec.site || null;
        if (rec.other) {
          r.waitingOn = rec.other;
          const w = row(rec.other, rec.t);
          if (!w.awaitedBy.includes(r.id)) w.awaitedBy.push(r.id);
        }
        break;
      case 'wake': move(r, 'ready', rec.t); r.wakes++; unlink(r); break;
      case 'finish': move(r, rec.status === 'done' ? 'done' : rec.status, rec.t); unlink(r); r.reason = null; r.site = null; break;
      default: break;
    }
  }
  const out = [];
  for (const r of [...rows.values()].sort((a, b) => a.id - b.id)) {
    const b = BUCKET[r.state];
    if (b && last > r.since) r[b] += last - r.since;
    delete r.since;
    out.push(r);
  }
  return out;
}

/* --- Chrome Trace Event format ----------------------------------------------- */

/* Chrome trace timestamps are µs. Records that share a clock reading (the
 * virtual clock stands still while work runs) are spread 1 ns apart so every
 * slice has a length and events keep their order. */
function timestamps(records) {
  const ts = new Array(records.length);
  let prev = -Infinity;
  for (let i = 0; i < records.length; i++) {
    let x = Math.round((records[i].t || 0) * 1e6) / 1e3;
    if (x < prev + 0.001) x = Math.round((prev + 0.001) * 1e3) / 1e3;
    ts[i] = prev = x;
  }
  return ts;
}

function instantName(r) {
  switch (r.kind) {
    case 'finish': return `finish: ${r.status}`;
    case 'warn': return `warning: ${r.detail}`;
    case 'fetch_start': return `fetch ${r.detail || ''}`.trim();
    case 'fetch_end': return `fetch end: ${r.status}`;
    case 'yield_value': return `yield ${r.value}`;
    default: return r.kind;
  }
}

/* Chrome Trace Event JSON for `records`: one thread per task (tid = task id,
 * named by 'M' metadata; tid 0 is the loop), complete 'X' slices while a task
 * runs, async 'b'/'e' slices for its waits (named by reason), flow arrows
 * 's'/'f' from the waker's slice to the woken task's next slice, and instant
 * events for the rest. Every record rides along in `args.weft` so
 * fromChromeTrace can give them back. */
export function toChromeTrace(records, { pid = 1, processName = 'weft' } = {}) {
  const recs = [...records].sort((a, b) => a.seq - b.seq);
  const ts = timestamps(recs);
  const ev = [];
  const meta = [{ ph: 'M', name: 'process_name', pid, tid: 0, args: { name: processName } }];
  const named = new Map([[0, 'loop']]);
  const nameOf = (id) => named.get(id) || `task-${id}`;
  const running = new Map(); // task -> { ts, rec }
  const waiting = new Map(); // task -> { id, name, ts }
  const flowsTo = new Map(); // woken task -> [{ id, ts, tid }]
  let nextId = 1;
  const endRun = (task, t, end) => {
    const o = running.get(task);
    if (!o) return;
    running.delete(task);
    ev.push({ ph: 'X', name: nameOf(task), cat: 'run', pid, tid: task, ts: o.ts, dur: Math.round((t - o.ts) * 1e3) / 1e3,
      args: end ? { weft: [o.rec, end] } : { weft: [o.rec] } });
  };
  const endWait = (task, t) => {
    const w = waiting.get(task);
    if (!w) return;
    waiting.delete(task);
    ev.push({ ph: 'e', name: w.name, cat: 'wait', id: w.id, pid, tid: task, ts: t });
  };
  for (let i = 0; i < recs.length; i++) {
    const r = recs[i];
    const t = ts[i];
    switch (r.kind) {
      case 'spawn':
        named.set(r.task, r.name || `task-${r.task}`);
        ev.push({ ph: 'i', s: 't', name: 'spawn', cat: 'task', pid, tid: r.task, ts: t, args: { weft: [r] } });
        break;
      case 'resume': {
        endWait(r.task, t);
        running.set(r.task, { ts: t, rec: r });
        for (const f of flowsTo.get(r.task) || []) {
          ev.push({ ph: 's', name: 'wake', cat: 'wake', id: f.id, pid, tid: f.tid, ts: f.ts });
          ev.push({ ph: 'f', bp: 'e', name: 'wake', cat: 'wake', id: f.id, pid, tid: r.task, ts: t });
        }
        flowsTo.delete(r.task);
        break;
      }
      case 'suspend':
        endRun(r.task, t, r);
        endWait(r.task, t);
        waiting.set(r.task, { id: nextId, name: r.reason || 'wait', ts: t });
        ev.push({ ph: 'b', name: r.reason || 'wait', cat: 'wait', id: nextId++, pid, tid: r.task, ts: t,
          args: { site: r.site || null, waitingOn: r.other || null } });
        break;
      case 'finish':
        endRun(r.task, t, r);
        endWait(r.task, t);
        flowsTo.delete(r.task);
        ev.push({ ph: 'i', s: 't', name: instantName(r), cat: 'task', pid, tid: r.task, ts: t, args: { weft: [r] } });
        break;
      case 'wake': {
        let tid = r.other || 0;
        if (!running.has(tid)) {
          // Woken by the loop (a timer, the host) or by a task not running
          // now: the arrow starts from a 1 ns slice on the loop's thread.
          tid = 0;
          ev.push({ ph: 'X', name: r.other ? `wake by ${nameOf(r.other)}` : 'loop', cat: 'loop', pid, tid: 0, ts: t, dur: 0.001 });
        }
        const list = flowsTo.get(r.task) || [];
        list.push({ id: nextId++, ts: t, tid });
        flowsTo.set(r.task, list);
        ev.push({ ph: 'i', s: 't', name: 'wake', cat: 'task', pid, tid: r.task, ts: t, args: { weft: [r] } });
        break;
      }
      default:
        ev.push({ ph: 'i', s: r.kind === 'dropped' ? 'p' : 't', name: instantName(r), cat: r.kind === 'warn' ? 'warning' : 'task',
          pid, tid: r.task || 0, ts: t, args: { weft: [r] } });
        break;
    }
  }
  const lastTs = ts.length ? ts[ts.length - 1] : 0;
  for (const task of [...running.keys()]) endRun(task, lastTs, null);
  for (const task of [...waiting.keys()]) endWait(task, lastTs);
  const tids = new Set([0, ...named.keys()]);
  for (const e of ev) tids.add(e.tid);
  for (const tid of [...tids].sort((a, b) => a - b)) {
    meta.push({ ph: 'M', name: 'thread_name', pid, tid, args: { name: tid === 0 ? 'loop' : `${nameOf(tid)} #${tid}` } });
    meta.push({ ph: 'M', name: 'thread_sort_index', pid, tid, args: { sort_index: tid } });
  }
  return { traceEvents: [...meta, ...ev], displayTimeUnit: 'ms', otherData: { producer: 'weft' } };
}

/* The records behind a trace made by toChromeTrace (a JSON string, the
 * object, or its traceEvents array), in seq order. A trace from elsewhere
 * gives what its slices say: spawn (thread names), resume and suspend per
 * 'X' slice. */
export function fromChromeTrace(json) {
  const obj = typeof json === 'string' ? JSON.parse(json) : json;
  const events = Array.isArray(obj) ? obj : (obj && obj.traceEvents) || [];
  const bySeq = new Map();
  for (const e of events) {
    const w = e && e.args && e.args.weft;
    if (Array.isArray(w)) for (const r of w) if (r && typeof r.seq === 'number') bySeq.set(r.seq, r);
  }
  if (bySeq.size) return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  // Foreign trace: rebuild from slices.
  const out = [];
  let seq = 0;
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name' && e.tid) out.push({ t: 0, kind: 'spawn', task: e.tid, other: 0, name: String(e.args && e.args.name) });
  }
  const slices = events.filter((e) => e.ph === 'X' && e.tid).sort((a, b) => a.ts - b.ts);
  for (const e of slices) {
    out.push({ t: e.ts / 1000, kind: 'resume', task: e.tid });
    out.push({ t: (e.ts + (e.dur || 0)) / 1000, kind: 'suspend', task: e.tid, reason: null, site: null, other: 0 });
  }
  out.sort((a, b) => a.t - b.t);
  for (const r of out) r.seq = seq++;
  return out;
}
