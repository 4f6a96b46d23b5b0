// Types for 'weft/timeline' (web/timeline.mjs, web/model.mjs).
/** A trace record (docs/tracing.md; 'weft/trace' drain() gives them);
 *  fields a kind does not use may be absent. */
export interface TimelineRecord {
  seq?: number; t: number; kind: string; task?: number;
  other?: number | null; reason?: string | null; site?: string | null; name?: string | null;
  value?: number | null; status?: string | number | null; detail?: string | null;
}

export interface Segment {
  task: number; state: 'ready' | 'running' | 'waiting'; reason: string | null; site: string | null;
  other: number | null; t0: number; t1: number | null; i0: number; i1: number | null;
}
export interface Marker { task: number; kind: string; t: number; i: number; label: string; status?: string }
export interface Arrow { from: number; to: number; t: number; i: number; kind?: 'yield' }
export interface Lane { id: number; name: string; parent: number | null }

/** Lanes, segments, arrows and markers built incrementally from trace records. */
export class TimelineModel {
  lanes: Lane[];
  segments: Segment[];
  arrows: Arrow[];
  markers: Marker[];
  count: number;
  t0: number | null;
  t1: number;
  dropped: number;
  /** Adds records in order (unknown kinds are ignored); returns this. */
  add(records: Iterable<TimelineRecord>): this;
  /** A printed line, as a tick on the loop's lane. */
  addOutput(line: { t: number; seq?: number; text: string; stream?: 'out' | 'err' }): void;
  snapshot(): object;
}
export function suspendedSites(model: TimelineModel): Map<number, { site: string; reason: string }>;
export function parseSite(site: string | null | undefined): { file: string; line: number } | null;

export const COLORS: Record<string, string>;
/** The axis's ticks over [x0, x1] drawn width px wide: labels that never repeat (steps axis: whole records). */
export function axisTicks(x0: number, x1: number, width: number, axis?: 'time' | 'steps'): { v: number; text: string }[];
/** The colour a reason without one of its own gets, from its number (a distinct hue). */
export function reasonColor(n: number): string;

/** Draws a TimelineModel on a canvas: wheel zooms, drag pans, hover describes. */
export class Timeline {
  /** labelWidth: the lane labels' column on a wide canvas (150); a narrow one gives them a fifth of its width. */
  constructor(canvas: HTMLCanvasElement, options?: { tooltip?: HTMLElement | null; laneHeight?: number; labelWidth?: number });
  /** The lane labels' column now, in CSS pixels. */
  readonly labelWidth: number;
  model: TimelineModel | null;
  axis: 'time' | 'steps';
  follow: boolean;
  setModel(model: TimelineModel): void;
  setAxis(axis: 'time' | 'steps'): void;
  /** Redraws at the next animation frame. */
  invalidate(): void;
  draw(): void;
  fit(): void;
  zoom(factor: number, atPx?: number): void;
  pan(fraction: number): void;
  range(): { x0: number; x1: number };
  /** What the canvas says while the model holds no record (no axis is drawn). */
  emptyText: string;
  /** Called with the lane's index when a lane is clicked (not dragged). */
  onLaneClick: ((lane: number) => void) | null;
  /** The lane drawn highlighted (an index into model.lanes), or null. */
  highlightLane: number | null;
  /** Lane k's state now, in words: "Tâche 1 (task 2): waiting on timer at taches.c:24 since 0 ms". */
  laneState(k: number): string;
}
