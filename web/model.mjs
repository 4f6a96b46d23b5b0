// The timeline's model, built from weft trace records (the record contract:
// docs/page.md). Pure data, no DOM: the canvas draws it, the tests read it.
//
//   lanes     [{ id, name, parent }] — lane 0 is the loop (and the host)
//   segments  [{ task, state, reason, site, other, t0, t1, i0, i1 }]
//             state: 'ready' | 'running' | 'waiting'; reason for waits;
//             t in ms on the loop's clock, i = index of the record (the
//             "steps" axis); t1/i1 null while the segment is still open
//   arrows    [{ from, to, t, i }]  waker → woken (0 = loop/timer/host)
//   markers   [{ task, kind, t, i, label }]  kind: 'yield' | 'cancel' |
//             'finish' | 'warn' | 'fetch' | 'dropped' | 'output' | 'stderr'
//             (printed lines, on the loop's lane); finish has status
//
// Records are added in order; the model grows incrementally, so a live run
// costs O(new records) per drain.

export class TimelineModel {
  constructor() {
    this.lanes = [{ id: 0, name: 'loop', parent: null }];
    this.laneIndex = new Map([[0, 0]]);
    this.segments = [];
    this.byLane = [[]]; // segment indices per lane, in start order
    this.arrows = [];
    this.markers = [];
    this.open = new Map(); // task id → index of its open segment
    this.count = 0;
    this.t0 = null;
    this.t1 = 0;
    this.dropped = 0;
    this.finished = new Map(); // task id → its finish marker
    this.lastResumed = null;   // the task resumed last
  }

  lane(task, name, parent) {
    let k = this.laneIndex.get(task);
    if (k === undefined) {
      k = this.lanes.length;
      this.laneIndex.set(task, k);
      this.lanes.push({ id: task, name: name || `task ${task}`, parent: parent ?? null });
      this.byLane.push([]);
    } else if (name) {
      this.lanes[k].name = name;
      if (parent != null) this.lanes[k].parent = parent;
    }
    return k;
  }

  close(task, t, i) {
    const s = this.open.get(task);
    if (s === undefined) return;
    this.segments[s].t1 = t;
    this.segments[s].i1 = i;
    this.open.delete(task);
  }

  begin(task, state, t, i, extra = {}) {
    this.close(task, t, i);
    const k = this.lane(task);
    const seg = { task, state, reason: extra.reason ?? null, site: extra.site ?? null, other: extra.other ?? null, t0: t, t1: null, i0: i, i1: null };
    this.open.set(task, this.segments.length);
    this.byLane[k].push(this.segments.length);
    this.segments.push(seg);
  }

  add(records) {
    for (const r of records) this.addOne(r);
    return this;
  }

  addOne(r) {
    if (!r || typeof r !== 'object') return;
    const i = this.count++;
    const t = Number(r.t) || 0;
    if (this.t0 === null) this.t0 = t;
    if (t > this.t1) this.t1 = t;
    const task = r.task ?? 0;
    switch (r.kind) {
      case 'spawn':
        this.lane(task, r.name, r.other ?? 0);
        this.begin(task, 'ready', t, i);
        break;
      case 'resume':
        this.lastResumed = task;
        this.begin(task, 'running', t, i);
        break;
      case 'suspend':
        this.begin(task, 'waiting', t, i, { reason: r.reason || 'future', site: r.site || null, other: r.other || null });
        break;
      case 'wake':
        this.begin(task, 'ready', t, i);
        this.lane(r.other ?? 0);
        this.arrows.push({ from: r.other ?? 0, to: task, t, i });
        break;
      case 'yield_value':
        this.lane(task);
        this.markers.push({ task, kind: 'yield', t, i, label: `yield ${r.value ?? ''}${r.detail ? ' ' + r.detail : ''}`.trim() });
        if (r.other) this.arrows.push({ from: task, to: r.other, t, i, kind: 'yield' });
        break;
      case 'cancel':
        this.lane(task);
        this.markers.push({ task, kind: 'cancel', t, i, label: `cancelled by ${r.other ? 'task ' + r.other : 'the loop'}` });
        break;
      case 'finish':
        this.lane(task);
        this.close(task, t, i);
        this.markers.push({ task, kind: 'finish', t, i, status: r.status || 'done',
          label: r.status === 'failed' ? `failed ${r.detail || ''}`.trim() : r.status === 'cancelled' ? 'cancelled' : `done${r.value != null ? ' → ' + r.value : ''}` });
        this.finished.set(task, this.markers[this.markers.length - 1]);
        break;
      case 'fetch_start':
        this.lane(task);
        this.markers.push({ task, kind: 'fetch', t, i, label: `fetch ${r.detail || ''}`.trim() });
        break;
      case 'fetch_end':
        this.lane(task);
        this.markers.push({ task, kind: 'fetch', t, i, label: `fetch → ${r.status ?? ''}` });
        break;
      case 'warn':
        this.lane(task);
        this.markers.push({ task, kind: 'warn', t, i, label: `${r.detail || 'warning'}${r.value != null ? ' ' + r.value : ''}` });
        break;
      case 'dropped':
        this.dropped += Number(r.value) || 0;
        this.markers.push({ task: 0, kind: 'dropped', t, i, label: `${r.value} records dropped` });
        break;
      default:
        break; // timer_* and unknown kinds: nothing to draw (forward compatible)
    }
  }

  /* A line the program printed, as a tick on the loop's lane at its time
   * (`seq`: how many records preceded it, its place on the steps axis). */
  addOutput({ t, seq, text, stream }) {
    this.markers.push({ task: 0, kind: stream === 'err' ? 'stderr' : 'output', t: Number(t) || 0, i: seq ?? this.count, label: text });
  }

  /* The end of the drawn range: open segments extend to it. */
  end() { return this.t1; }

  /* Segments of one lane as plain objects with open ends filled in. */
  laneSegments(k) {
    return this.byLane[k].map((s) => {
      const seg = this.segments[s];
      return { ...seg, t1: seg.t1 ?? this.t1, i1: seg.i1 ?? this.count };
    });
  }

  /* A JSON-friendly summary (window.weftPage.state.timeline). */
  snapshot() {
    return {
      lanes: this.lanes.map((l, k) => ({ ...l, segments: this.laneSegments(k).map(({ state, reason, site, t0, t1 }) => ({ state, reason, site, t0, t1 })) })),
      arrows: this.arrows.slice(),
      markers: this.markers.slice(),
      records: this.count, t0: this.t0 ?? 0, t1: this.t1, dropped: this.dropped,
    };
  }
}

/* Where each task is suspended: task id → { site, reason } for the tasks
 * whose last state is 'waiting' (for the source pane in step mode). */
export function suspendedSites(model) {
  const out = new Map();
  for (const [task, s] of model.open) {
    const seg = model.segments[s];
    if (seg.state === 'waiting' && seg.site) out.set(task, { site: seg.site, reason: seg.reason });
  }
  return out;
}

/* 'taches.c:21' → { file: 'taches.c', line: 21 } or null. */
export function parseSite(site) {
  const m = /^(.*):(\d+)$/.exec(site || '');
  return m ? { file: m[1].split('/').pop(), line: Number(m[2]) } : null;
}
