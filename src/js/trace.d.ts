// Types of src/js/trace.mjs (weft/trace): see docs/tracing.md. The kinds and
// reasons come from include/weft/trace.h through ./constants (generated).
import type { TraceKind, TraceReason } from './constants.js';
export type { TraceKind, TraceReason };
import type { WeftModule } from './index.js';

export interface TraceRecord {
  seq: number;
  t: number;            // the loop's clock, ms
  kind: TraceKind | string; // unknown kinds are to be ignored
  task: number;         // 0: the loop / the host
  other?: number | null;
  reason?: TraceReason | string | null; // a trace from a newer runtime may carry others
  site?: string | null; // 'file.c:123'
  name?: string | null;
  value?: number | null;
  status?: string | number | null;
  detail?: string | null;
}

export interface TaskRow {
  id: number; name: string; parent: number;
  state: 'ready' | 'running' | 'waiting' | 'done' | 'failed' | 'cancelled';
  reason: TraceReason | string | null; site: string | null; waitingOn: number | null; awaitedBy: number[];
  busyMs: number; scheduledMs: number; idleMs: number; resumes: number; wakes: number;
}

export interface ChromeTrace { traceEvents: object[]; displayTimeUnit?: string; otherData?: object }

export { RECORD_SIZE } from './constants.js';
/** Kind names by value ('' where none). */
export const KINDS: readonly (TraceKind | '')[];
/** Reason names by value ('' for none). */
export const REASONS: readonly (TraceReason | '')[];
/** Moves every record out of the loop's ring (default: Module.weftLoops()[0]). */
/** What drain() uses of a module: weft.module, or a weft program's own. */
export type DrainableModule = Pick<WeftModule, 'HEAPU8' | '_malloc' | '_free' | '_weft_trace_drain' | '_weft_strerror_name'> &
  Partial<Pick<WeftModule, 'weftLoops'>>;
export function drain(Module: DrainableModule, loop?: number, options?: { batch?: number }): TraceRecord[];
export function taskTable(records: TraceRecord[]): TaskRow[];
export function toChromeTrace(records: TraceRecord[], options?: { pid?: number; processName?: string }): ChromeTrace;
export function fromChromeTrace(json: string | ChromeTrace | object[]): TraceRecord[];
