// Types of src/js/trace.mjs (weft/trace): see docs/tracing.md.
export type TraceKind = 'spawn' | 'resume' | 'suspend' | 'wake' | 'timer_arm' | 'timer_fire' | 'timer_cancel' |
  'fetch_start' | 'fetch_end' | 'yield_value' | 'cancel' | 'finish' | 'warn' | 'dropped';

export interface TraceRecord {
  seq: number;
  t: number;            // the loop's clock, ms
  kind: TraceKind | string; // unknown kinds are to be ignored
  task: number;         // 0: the loop / the host
  other?: number | null;
  reason?: string | null;
  site?: string | null; // 'file.c:123'
  name?: string | null;
  value?: number | null;
  status?: string | number | null;
  detail?: string | null;
}

export interface TaskRow {
  id: number; name: string; parent: number;
  state: 'ready' | 'running' | 'waiting' | 'done' | 'failed' | 'cancelled';
  reason: string | null; site: string | null; waitingOn: number | null; awaitedBy: number[];
  busyMs: number; scheduledMs: number; idleMs: number; resumes: number; wakes: number;
}

export interface ChromeTrace { traceEvents: object[]; displayTimeUnit?: string; otherData?: object }

export const RECORD_SIZE: 128;
export const KINDS: readonly string[];
export const REASONS: readonly string[];
/** Moves every record out of the loop's ring (default: Module.weftLoops()[0]). */
export function drain(Module: any, loop?: number, options?: { batch?: number }): TraceRecord[];
export function taskTable(records: TraceRecord[]): TaskRow[];
export function toChromeTrace(records: TraceRecord[], options?: { pid?: number; processName?: string }): ChromeTrace;
export function fromChromeTrace(json: string | ChromeTrace | object[]): TraceRecord[];
