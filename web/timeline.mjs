// A canvas timeline for weft traces: one lane per task plus the loop's lane,
// segments coloured by state, arrows from waker to woken, markers for
// yielded values, cancellations, finishes. Wheel zooms around the pointer,
// dragging pans, hovering shows the await site and how long the wait lasted.
// Reusable (the package exports it as 'weft/timeline'): give it a <canvas>
// and a TimelineModel fed with trace records (src/js/trace.mjs); it depends
// only on src/js/constants.mjs (the reasons) and renders every name with
// fillText (never as HTML).
//
//   import { Timeline, TimelineModel } from 'weft/timeline';
//   const model = new TimelineModel().add(records);   // add more as they come
//   const tl = new Timeline(canvas, { tooltip: divElement });
//   tl.setModel(model); tl.invalidate();              // redraw after add()

import { TRACE_REASONS } from '../src/js/constants.mjs';

export { TimelineModel, suspendedSites, parseSite } from './model.mjs';

/* The colour of a wait, by its reason. The reasons themselves are
 * include/weft/trace.h's (through src/js/constants.mjs): one without a colour
 * here gets a distinct one of its own, derived from its number (reasonColor),
 * so adding a reason needs no edit in this file. */
const REASON_COLORS = {
  timer: '#5b8fd6', fetch: '#9b59d0', future: '#9aa5b1', task: '#7aa6a0', gather: '#4fb3a3', queue: '#e07b39',
  lock: '#c0392b', event: '#d35400', semaphore: '#a04000', condition: '#b9770e', generator: '#d6589f',
  yield: '#e5a3c8', promise: '#8e7cc3',
};

/* A colour for reason number `n`: hues a golden angle apart, as #rrggbb. */
export function reasonColor(n) {
  const h = (n * 137.508) % 360, s = 0.5, l = 0.55;
  const f = (k) => {
    const x = (k + h / 30) % 12;
    const c = l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(x - 3, 9 - x, 1));
    return Math.round(c * 255).toString(16).padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

export const COLORS = Object.freeze({
  running: '#2f9e44', ready: '#f2c94c',
  ...Object.fromEntries(TRACE_REASONS.map((r, n) => [r, REASON_COLORS[r] || reasonColor(n)]).filter(([r]) => r)),
  waiting: '#9aa5b1',
});
const MARK = { finish: '#222', cancel: '#d62728', yield: '#c2185b', warn: '#ff8f00', fetch: '#6a1b9a', dropped: '#d62728', output: '#444', stderr: '#b00020' };

export function colorOf(seg) {
  if (seg.state === 'waiting') return COLORS[seg.reason] || COLORS.waiting;
  return COLORS[seg.state] || '#ccc';
}

/* The colours as packed RGBA words (ImageData order, little-endian). */
function paletteOf() {
  const keys = Object.keys(COLORS);
  const rgba = new Uint32Array(keys.length);
  keys.forEach((k, i) => {
    const h = COLORS[k];
    const [r, g, b] = [1, 3, 5].map((o) => parseInt(h.slice(o, o + 2), 16));
    rgba[i] = (255 << 24 | b << 16 | g << 8 | r) >>> 0;
  });
  const at = new Map(keys.map((k, i) => [k, i]));
  return {
    keys, rgba,
    index: (seg) => at.get(seg.state === 'waiting' ? (COLORS[seg.reason] ? seg.reason : 'waiting') : seg.state) ?? at.get('waiting'),
  };
}

/* Index of the first element of `arr` (sorted by key(x)) whose key ≥ v. */
function lowerBound(arr, v, key) {
  let lo = 0, hi = arr.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (key(arr[mid]) < v) lo = mid + 1; else hi = mid; }
  return lo;
}

export class Timeline {
  constructor(canvas, { tooltip = null, laneHeight = 22, labelWidth = 150 } = {}) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.tooltip = tooltip;
    this.laneHeight = laneHeight;
    this.maxLabelWidth = labelWidth;
    this.axisHeight = 20;
    this.axis = 'time'; // or 'steps' (record index: shows the order when the clock stands still)
    this.model = null;
    this.view = null; // { x0, x1 } in axis units; null = fit
    this.follow = true;
    this.frames = 0;
    this.lastDrawMs = 0;
    this.pending = false;
    this.hover = null;
    this.highlightLane = null;
    this.onLaneClick = null; // (lane index) => void: a click on a lane
    this.emptyText = 'nothing has run yet';
    this.bind();
  }

  setModel(model) { this.model = model; this.view = null; this.invalidate(); }
  setAxis(axis) { this.axis = axis; this.view = null; this.invalidate(); }

  invalidate() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.draw(); });
  }

  // Axis helpers: a segment/record's position on the current axis.
  s0(seg) { return this.axis === 'time' ? seg.t0 : seg.i0; }
  s1(seg) {
    if (this.axis === 'time') return seg.t1 ?? this.model.t1;
    return seg.i1 ?? this.model.count;
  }
  pos(x) { return this.axis === 'time' ? x.t : x.i; }
  extent() {
    const m = this.model;
    if (!m || m.count === 0) return { x0: 0, x1: 1 };
    // A margin after the end, so that the last markers are not cut.
    if (this.axis === 'time') { const x0 = m.t0 ?? 0, x1 = Math.max(m.t1, x0 + 1); return { x0, x1: x1 + (x1 - x0) * 0.02 }; }
    return { x0: 0, x1: Math.max(m.count, 1) * 1.02 };
  }

  /* The visible range: the user's view, moved to the end when following. */
  range() {
    const e = this.extent();
    if (!this.view) return e;
    let { x0, x1 } = this.view;
    if (this.follow && x1 < e.x1) { const w = x1 - x0; x1 = e.x1; x0 = x1 - w; }
    return { x0, x1 };
  }

  fit() { this.view = null; this.invalidate(); }

  zoom(factor, atPx) {
    const { x0, x1 } = this.range();
    const w = this.plotWidth();
    const frac = atPx == null ? 0.5 : Math.min(1, Math.max(0, (atPx - this.labelWidth) / w));
    const at = x0 + (x1 - x0) * frac;
    const nw = Math.max((x1 - x0) * factor, this.axis === 'time' ? 1e-3 : 2);
    this.view = { x0: at - nw * frac, x1: at + nw * (1 - frac) };
    if (factor > 1) this.clampToExtent();
    this.follow = false;
    this.invalidate();
  }

  pan(fraction) {
    const { x0, x1 } = this.range();
    const d = (x1 - x0) * fraction;
    this.view = { x0: x0 + d, x1: x1 + d };
    this.follow = false;
    this.invalidate();
  }

  clampToExtent() {
    const e = this.extent();
    if (this.view.x1 - this.view.x0 >= e.x1 - e.x0) this.view = null;
  }

  /* The lane labels' column: `labelWidth` (150) on a wide canvas, a fifth
   * of a narrow one (64 px at least): a phone keeps room for the lanes. */
  get labelWidth() { return Math.round(Math.min(this.maxLabelWidth, Math.max(64, this.cssWidth() * 0.2))); }

  plotWidth() { return Math.max(10, this.cssWidth() - this.labelWidth - 10); }
  cssWidth() { return this.canvas.clientWidth || this.canvas.width; }

  resize() {
    const dpr = window.devicePixelRatio || 1;
    const lanes = this.model ? this.model.lanes.length : 1;
    const h = this.axisHeight + lanes * this.laneHeight + 8;
    const w = this.cssWidth();
    if (this.canvas.style.height !== `${h}px`) this.canvas.style.height = `${h}px`;
    if (this.canvas.width !== Math.round(w * dpr) || this.canvas.height !== Math.round(h * dpr)) {
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(h * dpr);
    }
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return { w, h };
  }

  xOf(v, r) { return this.labelWidth + ((v - r.x0) / (r.x1 - r.x0)) * this.plotWidth(); }
  yOf(lane) { return this.axisHeight + lane * this.laneHeight; }

  draw() {
    const started = performance.now();
    const ctx = this.ctx;
    const { w, h } = this.resize();
    ctx.clearRect(0, 0, w, h);
    ctx.font = '12px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    const m = this.model;
    if (!m) return;
    if (m.count === 0) {
      // No axis before anything has run: it would measure nothing.
      ctx.fillStyle = '#555';
      ctx.fillText(this.emptyText, 6, this.axisHeight / 2 + 4);
      this.frames++;
      return;
    }
    const r = this.range();
    this.drawAxis(r, w);
    const L = this.labelWidth, R = L + this.plotWidth();
    // Lanes: background and labels.
    for (let k = 0; k < m.lanes.length; k++) {
      const y = this.yOf(k);
      ctx.fillStyle = k === this.highlightLane ? '#e8f0fe' : k % 2 ? '#fafafa' : '#f2f2f2';
      ctx.fillRect(0, y, w, this.laneHeight);
      ctx.fillStyle = '#222';
      const l = m.lanes[k];
      const label = k === 0 ? 'loop' : L < 120 ? l.name : `${l.id} ${l.name}`;
      ctx.save();
      ctx.beginPath(); ctx.rect(0, y, L - 6, this.laneHeight); ctx.clip();
      ctx.fillText(label, 6, y + this.laneHeight / 2);
      ctx.restore();
    }
    ctx.save();
    ctx.beginPath(); ctx.rect(L, 0, R - L, h); ctx.clip();
    // Segments, lane by lane, only the visible ones. A lane with more
    // segments than pixels is drawn by pixel column instead (drawDense).
    const segs = m.segments;
    const dense = [];
    const pw = this.plotWidth();
    for (let k = 1; k < m.lanes.length; k++) {
      const idx = m.byLane[k];
      const y = this.yOf(k) + 3, hh = this.laneHeight - 6;
      let j = lowerBound(idx, r.x0, (s) => this.s1(segs[s]));
      const jEnd = lowerBound(idx, r.x1 + 1e-9, (s) => this.s0(segs[s]));
      if (jEnd - j > pw / 3) { dense.push([k, j, jEnd]); continue; }
      let lastPx = -1;
      for (; j < idx.length; j++) {
        const seg = segs[idx[j]];
        const a = this.s0(seg);
        if (a > r.x1) break;
        let xa = this.xOf(a, r), xb = this.xOf(this.s1(seg), r);
        if (seg.state === 'running' && xb - xa < 2) xb = xa + 2; // a slice on a still clock stays visible
        if (xb < lastPx + 0.5 && xb - xa < 1) continue; // many sub-pixel segments: one is enough
        lastPx = xb;
        ctx.fillStyle = colorOf(seg);
        ctx.fillRect(xa, seg.state === 'ready' ? y + hh / 3 : y, Math.max(xb - xa, 1), seg.state === 'ready' ? hh / 3 : hh);
      }
    }
    if (dense.length) this.drawDense(dense, r);
    // Arrows waker → woken (skipped when too dense to read).
    const arrows = m.arrows;
    const a0 = lowerBound(arrows, r.x0, (a) => this.pos(a));
    const a1 = lowerBound(arrows, r.x1 + 1e-9, (a) => this.pos(a));
    if (a1 - a0 <= Math.min(1000, pw / 3)) this.drawArrows(arrows, a0, a1, r);
    // Markers: printed lines as one path per stream (one tick a pixel
    // column), the others one by one.
    const mk = m.markers;
    const k0 = lowerBound(mk, r.x0, (a) => this.pos(a));
    const k1 = lowerBound(mk, r.x1 + 1e-9, (a) => this.pos(a));
    if (k1 - k0 <= 5000) {
      const ticks = { output: new Set(), stderr: new Set() };
      for (let j = k0; j < k1; j++) {
        const k = mk[j];
        if (ticks[k.kind]) ticks[k.kind].add(Math.round(this.xOf(this.pos(k), r)));
        else this.drawMarker(k, r);
      }
      const y = this.yOf(0) + this.laneHeight / 2;
      for (const kind of ['output', 'stderr']) {
        if (!ticks[kind].size) continue;
        ctx.fillStyle = MARK[kind];
        ctx.beginPath();
        for (const x of ticks[kind]) ctx.rect(x - 1, y - 7, 2, 14);
        ctx.fill();
      }
    }
    ctx.restore();
    this.frames++;
    this.lastDrawMs = performance.now() - started;
  }

  /* Lanes with more segments than pixels: each device-pixel column takes the
   * colour of the segment under its centre, written into a one-pixel high
   * row per lane of an ImageData, then stretched to the lane's height (a
   * drawImage per lane instead of a fillRect per segment). */
  drawDense(lanes, r) {
    const m = this.model, segs = m.segments;
    const dpr = window.devicePixelRatio || 1;
    const W = Math.max(1, Math.round(this.plotWidth() * dpr));
    const H = m.lanes.length;
    if (!this.off || this.off.width !== W || this.off.height !== H) {
      this.off = document.createElement('canvas');
      this.off.width = W;
      this.off.height = H;
      this.offCtx = this.off.getContext('2d');
    }
    const img = this.offCtx.createImageData(W, H);
    const px = new Uint32Array(img.data.buffer);
    const palette = this.palette || (this.palette = paletteOf());
    const scale = W / (r.x1 - r.x0);
    const time = this.axis === 'time', end = time ? m.t1 : m.count;
    for (const [k, j0, j1] of lanes) {
      const idx = m.byLane[k], row = k * W;
      for (let j = j0; j < j1; j++) {
        const seg = segs[idx[j]];
        const a = ((time ? seg.t0 : seg.i0) - r.x0) * scale;
        const b = (((time ? seg.t1 : seg.i1) ?? end) - r.x0) * scale;
        const c0 = Math.max(0, Math.ceil(a - 0.5)), c1 = Math.min(W - 1, Math.ceil(b - 0.5) - 1);
        if (c0 > c1) continue;
        const color = palette.rgba[seg.ci ?? (seg.ci = palette.index(seg))];
        for (let c = c0; c <= c1; c++) px[row + c] = color;
      }
    }
    this.offCtx.putImageData(img, 0, 0);
    const ctx = this.ctx;
    ctx.imageSmoothingEnabled = false;
    for (const [k] of lanes) ctx.drawImage(this.off, 0, k, W, 1, this.labelWidth, this.yOf(k) + 3, W / dpr, this.laneHeight - 6);
    ctx.imageSmoothingEnabled = true;
  }

  drawAxis(r, w) {
    const ctx = this.ctx;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, this.axisHeight);
    ctx.fillStyle = '#555';
    ctx.strokeStyle = '#ddd';
    for (const { v, text } of axisTicks(r.x0, r.x1, this.plotWidth(), this.axis)) {
      const x = this.xOf(v, r);
      ctx.fillText(text, x + 2, this.axisHeight / 2);
      ctx.beginPath(); ctx.moveTo(x + 0.5, this.axisHeight - 4); ctx.lineTo(x + 0.5, this.canvas.height); ctx.stroke();
    }
  }

  /* Arrows a0…a1: one path for the curves and one for the heads per colour
   * (a path per arrow is what made a live frame slow), at most one arrow
   * per pixel column and pair of lanes. */
  drawArrows(arrows, a0, a1, r) {
    const ctx = this.ctx, m = this.model, bend = 6, seen = new Set();
    for (const yieldKind of [false, true]) {
      const curves = new Path2D(), heads = new Path2D();
      let any = false;
      for (let j = a0; j < a1; j++) {
        const a = arrows[j];
        if ((a.kind === 'yield') !== yieldKind) continue;
        const fk = m.laneIndex.get(a.from), tk = m.laneIndex.get(a.to);
        if (fk === undefined || tk === undefined) continue;
        const x = this.xOf(this.pos(a), r);
        const key = `${Math.round(x)}:${fk}:${tk}`;
        if (seen.has(key)) continue;
        seen.add(key);
        any = true;
        const y0 = this.yOf(fk) + this.laneHeight / 2, y1 = this.yOf(tk) + this.laneHeight / 2;
        curves.moveTo(x, y0); curves.bezierCurveTo(x + bend, y0, x + bend, y1, x, y1);
        const dir = y1 > y0 ? -1 : 1;
        heads.moveTo(x, y1); heads.lineTo(x - 3, y1 + dir * 5); heads.lineTo(x + 3, y1 + dir * 5); heads.closePath();
      }
      if (!any) continue;
      ctx.strokeStyle = ctx.fillStyle = yieldKind ? MARK.yield : '#333';
      ctx.lineWidth = 1;
      ctx.stroke(curves);
      ctx.fill(heads);
    }
  }

  drawArrow(a, r) {
    const ctx = this.ctx, m = this.model;
    const fk = m.laneIndex.get(a.from), tk = m.laneIndex.get(a.to);
    if (fk === undefined || tk === undefined) return;
    const x = this.xOf(this.pos(a), r);
    const y0 = this.yOf(fk) + this.laneHeight / 2, y1 = this.yOf(tk) + this.laneHeight / 2;
    ctx.strokeStyle = a.kind === 'yield' ? MARK.yield : '#333';
    ctx.fillStyle = ctx.strokeStyle;
    ctx.lineWidth = 1;
    const bend = 6;
    ctx.beginPath(); ctx.moveTo(x, y0); ctx.bezierCurveTo(x + bend, y0, x + bend, y1, x, y1); ctx.stroke();
    const dir = y1 > y0 ? -1 : 1;
    ctx.beginPath(); ctx.moveTo(x, y1); ctx.lineTo(x - 3, y1 + dir * 5); ctx.lineTo(x + 3, y1 + dir * 5); ctx.closePath(); ctx.fill();
  }

  drawMarker(mk, r) {
    const ctx = this.ctx, m = this.model;
    const k = m.laneIndex.get(mk.task);
    if (k === undefined) return;
    const x = this.xOf(this.pos(mk), r), y = this.yOf(k) + this.laneHeight / 2;
    ctx.fillStyle = MARK[mk.kind] || '#000';
    ctx.strokeStyle = MARK[mk.kind] || '#000';
    ctx.beginPath();
    if (mk.kind === 'finish') {
      ctx.fillStyle = mk.status === 'done' ? '#222' : mk.status === 'cancelled' ? MARK.cancel : '#b00020';
      ctx.moveTo(x, y - 7); ctx.lineTo(x + 6, y); ctx.lineTo(x, y + 7); ctx.closePath(); ctx.fill();
    } else if (mk.kind === 'cancel') {
      ctx.lineWidth = 2; ctx.moveTo(x - 5, y - 5); ctx.lineTo(x + 5, y + 5); ctx.moveTo(x + 5, y - 5); ctx.lineTo(x - 5, y + 5); ctx.stroke(); ctx.lineWidth = 1;
    } else if (mk.kind === 'output' || mk.kind === 'stderr') {
      ctx.fillRect(x - 1, y - 7, 2, 14);
    } else if (mk.kind === 'yield') {
      ctx.arc(x, y, 4, 0, Math.PI * 2); ctx.fill();
    } else {
      ctx.moveTo(x, y - 6); ctx.lineTo(x + 5, y + 4); ctx.lineTo(x - 5, y + 4); ctx.closePath(); ctx.fill();
    }
  }

  /* What is under (px, py) in CSS pixels: { lane, seg, marker } or null. */
  hit(px, py) {
    const m = this.model;
    if (!m) return null;
    const k = Math.floor((py - this.axisHeight) / this.laneHeight);
    if (k < 0 || k >= m.lanes.length || px < this.labelWidth) return k >= 0 && k < m.lanes.length ? { lane: k } : null;
    const r = this.range();
    const v = r.x0 + ((px - this.labelWidth) / this.plotWidth()) * (r.x1 - r.x0);
    const tol = (4 / this.plotWidth()) * (r.x1 - r.x0);
    const task = m.lanes[k].id;
    const marker = m.markers.find((mk) => mk.task === task && Math.abs(this.pos(mk) - v) <= tol);
    const idx = m.byLane[k];
    let j = lowerBound(idx, v - tol, (s) => this.s1(m.segments[s]));
    let seg = null;
    for (; j < idx.length; j++) {
      const s = m.segments[idx[j]];
      if (this.s0(s) > v + tol) break;
      seg = s;
      if (this.s0(s) <= v && this.s1(s) >= v) break;
    }
    return { lane: k, seg, marker };
  }

  /* Lane k's state now, in words (the page's text alternative for the
   * canvas): "Tâche 1 (task 2): waiting on timer at taches.c:24 since 0 ms". */
  laneState(k) {
    const m = this.model;
    const l = m && m.lanes[k];
    if (!l) return '';
    if (k === 0) return 'the loop';
    const who = `${l.name} (task ${l.id})`;
    const fin = m.finished && m.finished.get(l.id);
    if (fin) return `${who}: ${fin.status === 'done' ? 'done' : fin.status} at ${fmtMs(fin.t)}`;
    const idx = m.byLane[k];
    const seg = idx.length ? m.segments[idx[idx.length - 1]] : null;
    if (!seg) return `${who}: not started`;
    if (seg.state === 'waiting') {
      return `${who}: waiting on ${seg.reason}${seg.other ? ` (task ${seg.other})` : ''}${seg.site ? ` at ${seg.site}` : ''} since ${fmtMs(seg.t0)}`;
    }
    return `${who}: ${seg.state} since ${fmtMs(seg.t0)}`;
  }

  describe(h) {
    const m = this.model;
    const lane = m.lanes[h.lane];
    const who = h.lane === 0 ? 'loop' : `task ${lane.id} ${lane.name}`;
    const parts = [who];
    if (h.seg) {
      const s = h.seg;
      const dur = (s.t1 ?? m.t1) - s.t0;
      if (s.state === 'waiting') {
        parts.push(`waiting on ${s.reason}${s.other ? ' (task ' + s.other + ')' : ''}`);
        if (s.site) parts.push(`at ${s.site}`);
        parts.push(`for ${fmtMs(dur)}${s.t1 == null ? ' so far' : ''}`);
      } else {
        parts.push(`${s.state} ${fmtMs(dur)}`);
      }
      parts.push(`from ${fmtMs(s.t0)}`);
    }
    if (h.marker) parts.push(h.marker.kind === 'output' || h.marker.kind === 'stderr' ? `printed: ${h.marker.label}` : h.marker.label);
    return parts.join(' · ');
  }

  bind() {
    const c = this.canvas;
    let drag = null;
    c.addEventListener('wheel', (e) => {
      e.preventDefault();
      const rect = c.getBoundingClientRect();
      if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) this.pan((e.deltaX || e.deltaY) / 1000);
      else this.zoom(Math.exp(e.deltaY / 300), e.clientX - rect.left);
    }, { passive: false });
    c.addEventListener('pointerdown', (e) => { drag = { x: e.clientX, y: e.clientY, range: this.range(), moved: false }; c.setPointerCapture(e.pointerId); });
    c.addEventListener('pointerup', (e) => {
      // A click (no drag) on a lane: onLaneClick(lane index).
      if (drag && !drag.moved && this.onLaneClick) {
        const rect = c.getBoundingClientRect();
        const h = this.hit(e.clientX - rect.left, e.clientY - rect.top);
        if (h && h.lane != null) this.onLaneClick(h.lane);
      }
      drag = null;
    });
    c.addEventListener('pointermove', (e) => {
      const rect = c.getBoundingClientRect();
      if (drag) {
        const dx = e.clientX - drag.x;
        if (Math.abs(dx) > 2) drag.moved = true;
        if (dx !== 0 && drag.moved) {
          const d = (-dx / this.plotWidth()) * (drag.range.x1 - drag.range.x0);
          this.view = { x0: drag.range.x0 + d, x1: drag.range.x1 + d };
          this.follow = false;
          this.invalidate();
        }
        return;
      }
      const h = this.hit(e.clientX - rect.left, e.clientY - rect.top);
      this.hover = h;
      if (!this.tooltip) return;
      if (!h || (!h.seg && !h.marker && h.lane == null)) { this.tooltip.hidden = true; return; }
      this.tooltip.textContent = this.describe(h);
      this.tooltip.hidden = false;
      this.tooltip.style.left = `${e.clientX - rect.left + 12}px`;
      this.tooltip.style.top = `${e.clientY - rect.top + 12}px`;
    });
    c.addEventListener('pointerleave', () => { if (this.tooltip) this.tooltip.hidden = true; });
    if (typeof ResizeObserver === 'function') new ResizeObserver(() => this.invalidate()).observe(c);
  }
}

/* The axis's ticks over [x0, x1] drawn `width` px wide: about one per
 * 90 px, at 1, 2 or 5 × a power of ten, each label with the decimals its
 * step needs, so that no two read alike however far one zooms; on the
 * steps axis (records) whole numbers only. */
export function axisTicks(x0, x1, width, axis = 'time') {
  const span = x1 - x0;
  if (!(span > 0) || !Number.isFinite(span)) return [];
  const target = span / Math.max(2, width / 90);
  const p = 10 ** Math.floor(Math.log10(target));
  let step = [1, 2, 5, 10].map((f) => f * p).find((x) => x >= target) || p * 10;
  if (axis !== 'time') step = Math.max(1, Math.round(step));
  const unit = axis === 'time' ? (step >= 1000 ? 's' : 'ms') : '#';
  const dec = Math.min(12, Math.max(0, Math.ceil(-Math.log10(unit === 's' ? step / 1000 : step) - 1e-9)));
  const out = [];
  for (let k = Math.ceil(x0 / step); k * step <= x1 && out.length < 1000; k++) {
    const v = k * step;
    out.push({ v, text: unit === 's' ? `${(v / 1000).toFixed(dec)} s` : unit === 'ms' ? `${v.toFixed(dec)} ms` : `#${Math.round(v)}` });
  }
  return out;
}

/* A time on the loop's clock in seconds, always with milliseconds: the
 * output's column reads in one unit. */
export function fmtClock(ms) {
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(3)} s` : '?';
}

export function fmtMs(ms) {
  if (!Number.isFinite(ms)) return '?';
  if (Math.abs(ms) >= 1000) return `${+(ms / 1000).toFixed(3)} s`;
  return `${+ms.toFixed(3)} ms`;
}
