// The interactive page: scenarios, controls, the timeline, output, task
// table and source. Everything the drawing is made from is exposed as
// window.weftPage (state, model, actions) for the browser tests.
import { SCENARIOS, scenario as findScenario, paramsOf } from './scenarios.mjs';
import { TimelineModel, suspendedSites, parseSite } from './model.mjs';
import { Timeline, COLORS, fmtMs, fmtClock } from './timeline.mjs';
import { TRACE_REASONS } from '../src/js/constants.mjs';
import { ProgramSource, ReplaySource } from './sources.mjs';
import { loadTraceGlue } from './trace-glue.mjs';

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, text) => {
  const e = document.createElement(tag);
  Object.assign(e, props);
  if (text != null) e.textContent = String(text); // names are text, never HTML
  return e;
};

const page = {
  scenario: null,
  params: {},
  paramErrors: [],
  mode: 'idle',        // idle | run | step | replay
  source: null,
  records: [],
  output: [],
  exit: null,
  errors: [],
  model: new TimelineModel(),
  glue: null,          // tracing (src/js/trace.mjs and the runtime's hooks), or null
  sourceText: '',
  speedExp: 0,
  imported: null,      // the replayed trace: { records, output, name, recorded }
  outputFlushes: 0,    // frames that appended output lines
  invalid: new Map(),  // parameter key → why its input's value is refused (Run and Step wait)
  notice: '',          // what the page did not do as asked (speed), in the status line
  selected: null,      // the task chosen (lane, table row, badge, site): id, or null
};

const timeline = new Timeline($('timeline'), { tooltip: $('tooltip') });
timeline.emptyText = 'nothing has run yet: Run (r) or Step (s)';
timeline.setModel(page.model);

function speed() { return 2 ** page.speedExp; }

/* ---- scenario & URL ------------------------------------------------------ */

function readURL() {
  const q = new URLSearchParams(location.search);
  const sc = findScenario(q.get('scenario')) || SCENARIOS[0];
  const { params, errors } = paramsOf(sc, Object.fromEntries(q));
  page.scenario = sc;
  page.params = params;
  page.paramErrors = errors;
  const s = Number(q.get('speed'));
  if (Number.isInteger(s) && s >= -3 && s <= 3) page.speedExp = s;
}

function writeURL() {
  const q = new URLSearchParams({ scenario: page.scenario.name });
  for (const p of page.scenario.params) q.set(p.key, String(page.params[p.key]));
  if (page.speedExp) q.set('speed', String(page.speedExp));
  history.replaceState(null, '', `${location.pathname}?${q}`);
}

function buildScenarioUI() {
  const sel = $('scenario');
  sel.replaceChildren(...SCENARIOS.map((s) => el('option', { value: s.name, selected: s === page.scenario }, `${s.name} — ${s.title}`)));
  const form = $('params');
  form.replaceChildren(...page.scenario.params.map((p) => {
    const label = el('label', {}, null);
    label.append(document.createTextNode(p.label + ' '));
    const input = el('input', { name: p.key, value: String(page.params[p.key]), type: 'text', inputMode: typeof p.value === 'number' ? 'decimal' : 'text' });
    // A refused value stays in its input, marked, and named above the
    // controls with the reason; Run and Step wait until it is fixed.
    const check = (final) => {
      let v;
      try { v = p.check(input.value); } catch (e) {
        const why = `${p.label}: “${input.value}” is not ${e.message}`;
        input.setCustomValidity(why);
        input.setAttribute('aria-invalid', 'true');
        if (final) { page.invalid.set(p.key, why); showParamErrors(); }
        return;
      }
      input.setCustomValidity('');
      input.removeAttribute('aria-invalid');
      if (page.invalid.delete(p.key)) showParamErrors();
      if (v === page.params[p.key]) return;
      page.params[p.key] = v;
      writeURL();
      // Other parameters: this run is no longer the imported trace's.
      if (page.mode === 'replay' && page.imported && !page.imported.recorded) actions.backToLive();
    };
    input.addEventListener('input', () => check(false));
    input.addEventListener('change', () => check(true));
    label.append(input);
    return label;
  }));
  page.invalid.clear();
  showParamErrors();
  if (page.scenario.stage) ensureStage(page.scenario.stage);
  else { $('stage').replaceChildren(); $('stage').hidden = true; }
  $('about').textContent = page.scenario.about + (page.paramErrors.length ? `  (ignored: ${page.paramErrors.join('; ')})` : '');
}

function showParamErrors() {
  const box = $('param-error');
  const why = [...page.invalid.values()];
  box.hidden = why.length === 0;
  box.textContent = why.length ? `${why.join('; ')} — Run and Step wait for a valid value.` : '';
}

/* True (and says why) when a parameter's value is refused: no program starts. */
function blocked() {
  if (!page.invalid.size) return false;
  page.notice = `not started: ${[...page.invalid.values()].join('; ')}`;
  dirty();
  return true;
}

async function loadSource() {
  const name = `${page.scenario.name}.c`;
  $('source-name').textContent = `examples/${name}`;
  try {
    const r = await fetch(`/examples/${name}`);
    page.sourceText = r.ok ? await r.text() : `/* examples/${name}: HTTP ${r.status} */`;
  } catch (e) {
    page.sourceText = `/* cannot load examples/${name}: ${e.message} */`;
  }
  renderSource();
}

/* ---- the run ------------------------------------------------------------- */

function hooks() {
  return {
    onRecords: (recs) => { for (const r of recs) page.records.push(r); page.model.add(recs); dirty(); },
    // Inside the program's print: only queued, drawn by the next frame
    // (flushOutput), so that DOM work never counts as the task's time.
    onLine: (line) => { page.output.push(line); page.model.addOutput(line); outputItems.push(line); dirty(); },
    onExit: (status) => { page.exit = status; if (page.source?.programMs != null) page.programMs = page.source.programMs; dirty(); },
    onDownload: (d) => { outputItems.push({ download: d }); dirty(); },
    onError: (msg) => { page.errors.push(msg); page.exit = page.exit ?? 1; dirty(); },
    onState: () => dirty(),
  };
}

function clear() {
  if (page.source) page.source.stop();
  page.source = null;
  page.records = [];
  page.output = [];
  page.exit = null;
  page.errors = [];
  page.mode = 'idle';
  page.notice = '';
  page.programMs = null;
  page.model = new TimelineModel();
  timeline.setModel(page.model);
  timeline.follow = $('follow').checked = true;
  timeline.highlightLane = null;
  page.selected = null;
  outputItems = [];
  shownFrom = shownEnd = 0;
  $('output').replaceChildren();
  $('output-more').hidden = true;
  dirty();
}

/* What a program of scenario `sc` is started with: its arguments, and the
 * host facilities it asks for (a worker pool, a canvas to draw on). */
function programOptions(sc, virtual) {
  if (sc.stage) ensureStage(sc.stage);
  return { args: sc.args(page.params, { origin: location.origin }), options: { trace: page.glue, virtual, workers: sc.workers || 0 } };
}

/* The canvas a scenario draws on (its `stage`), above the output; only
 * that scenario's: another scenario's is removed. */
function ensureStage(id) {
  const box = $('stage');
  if (box.querySelector(`#${id}`)) return;
  box.replaceChildren(el('canvas', { id, width: 320, height: 80, className: 'stage', ariaLabel: `${id}: the program draws here; click it` }));
  box.hidden = false;
}

function newProgramSource(virtual) {
  const sc = page.scenario;
  const { args, options } = programOptions(sc, virtual);
  return new ProgramSource(sc.name, args, hooks(), options);
}

const actions = {
  /* Run: the program live on the real clock (an imported trace: replayed). */
  async run() {
    if (page.source && page.mode === 'replay' && !page.imported?.recorded) {
      // An imported trace: play it (again, from the start, once finished).
      if (page.source.status === 'done') actions.replay(page.imported, { start: false });
      page.source.setSpeed(speed());
      page.source.run();
      return;
    }
    if (page.source && (page.source.status === 'paused' || page.source.status === 'stepping')) { actions.resume(); return; }
    if (blocked()) return;
    const host = page.scenario.host;
    if (speed() !== 1 && page.glue && !host) { await actions.runAtSpeed(); return; }
    clear();
    if (speed() !== 1) {
      page.notice = host ? `${page.scenario.name} ${host.does}: it runs at ×1 on the real clock (${host.follows} does not follow a virtual clock)`
        : `${page.scenario.name} runs at ×1 on the real clock: this build has no tracing to record a virtual-clock run`;
    }
    page.mode = 'run';
    page.source = newProgramSource(false);
    page.source.setSpeed(speed());
    try { await page.source.start(); } catch (e) { page.errors.push(String(e.message || e)); dirty(); }
  },
  /* Run at another speed than real time: the program runs to its end on the
   * virtual clock (a few ms), then its recording is replayed at the speed. */
  async runAtSpeed() {
    clear();
    const records = [], output = [], errors = [];
    const sc = page.scenario;
    const { args, options } = programOptions(sc, true);
    const src = new ProgramSource(sc.name, args, {
      onRecords: (recs) => { for (const r of recs) records.push(r); },
      onLine: (l) => output.push(l),
      onError: (msg) => errors.push(msg),
    }, options);
    await src.start({ manual: true });
    for (let n = 1; await src.step(); n++) {
      if (n % 500 === 0) await new Promise((r) => setTimeout(r, 0));
      if (records.length > 1e6) { errors.push('stopped after a million records'); break; }
    }
    src.stop();
    actions.replay({ records, output, name: `a virtual-clock run at ×${speed()}`, recorded: true });
    page.programMs = src.programMs ?? null;
    page.errors.push(...errors);
  },
  /* Step: one task resume, on the virtual clock. */
  async step() {
    if (!page.source || page.source.status === 'done' || page.source.status === 'error') {
      if (page.mode === 'replay' && page.imported && !page.imported.recorded) actions.replay(page.imported, { start: false });
      else {
        if (blocked()) return;
        clear();
        page.mode = 'step';
        page.source = newProgramSource(true);
        // On a virtual clock that stands still, time shows no order: steps do.
        if (timeline.axis === 'time') { $('axis').value = 'steps'; timeline.setAxis('steps'); }
      }
    }
    try { await page.source.step(); } catch (e) { page.errors.push(String(e.message || e)); }
    dirty();
  },
  pauseResume() {
    const s = page.source;
    if (!s) return;
    if (s.status === 'running') s.pause(); else actions.resume();
  },
  resume() { if (page.source) { page.source.setSpeed(speed()); page.source.resume(); } },
  /* Leaves an imported trace: Run and Step run the program again. */
  backToLive() {
    page.imported = null;
    clear();
  },
  reset() {
    const imported = page.mode === 'replay' ? page.imported : null;
    clear();
    if (imported) actions.replay(imported, { start: false });
  },
  faster() { setSpeed(page.speedExp + 1); },
  slower() { setSpeed(page.speedExp - 1); },
  toggleAxis() { $('axis').value = timeline.axis === 'time' ? 'steps' : 'time'; timeline.setAxis($('axis').value); },
  toggleFollow() { timeline.follow = !timeline.follow; $('follow').checked = timeline.follow; if (timeline.follow) timeline.fit(); },
  /* The trace as Chrome Trace Event JSON (an object). */
  exportJSON() {
    const json = page.glue && page.glue.toChromeTrace ? page.glue.toChromeTrace(page.records) : { traceEvents: [], weftRecords: page.records };
    // The program's output travels as instant events on the loop's thread.
    for (const l of page.output) {
      json.traceEvents.push({ name: l.text, cat: 'weft.output', ph: 'i', s: 't', ts: Math.round(l.t * 1000), pid: 1, tid: 0, args: { stream: l.stream, seq: l.seq } });
    }
    json.otherData = { ...(json.otherData || {}), weft: 'trace', scenario: page.scenario.name, params: JSON.stringify(page.params) };
    return json;
  },
  exportTrace() {
    const blob = new Blob([JSON.stringify(actions.exportJSON())], { type: 'application/json' });
    const a = el('a', { href: URL.createObjectURL(blob), download: `weft-${page.scenario.name}.trace.json` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  },
  /* Loads a trace (Chrome Trace Event JSON from Export, or a plain list of
   * records) and replays it. `start`: play it at once (default: show all). */
  importJSON(json, name = 'imported trace') {
    let records, output = [];
    if (Array.isArray(json)) records = json;
    else if (json && Array.isArray(json.traceEvents)) {
      output = json.traceEvents.filter((e) => e.cat === 'weft.output' && e.ph === 'i')
        .map((e) => ({ t: e.ts / 1000, text: e.name, stream: e.args?.stream || 'out', seq: e.args?.seq ?? 0 }));
      const rest = { ...json, traceEvents: json.traceEvents.filter((e) => e.cat !== 'weft.output') };
      if (page.glue && page.glue.fromChromeTrace) records = page.glue.fromChromeTrace(rest);
      else if (Array.isArray(json.weftRecords)) records = json.weftRecords;
      else throw new Error('no weft records in this trace (is src/js/trace.mjs there?)');
    } else throw new Error('not a trace: expected {traceEvents: […]} or a list of records');
    // The trace's own scenario and parameters (Export writes them), so that
    // the source, the URL and "back to live" are the run's.
    const sc = findScenario(json?.otherData?.scenario);
    if (sc) {
      let from = {};
      try { from = JSON.parse(json.otherData.params || '{}') || {}; } catch { /* parameters unreadable: the defaults */ }
      const { params, errors } = paramsOf(sc, from);
      const other = sc !== page.scenario;
      page.scenario = sc;
      page.params = params;
      page.paramErrors = errors;
      writeURL();
      buildScenarioUI();
      if (other) loadSource();
    }
    actions.replay({ records, output, name }, { start: false, all: true });
  },
  replay(imported, { start = true, all = false } = {}) {
    clear();
    page.mode = 'replay';
    page.imported = imported;
    page.source = new ReplaySource(imported.records, imported.output, hooks());
    page.source.setSpeed(speed());
    if (all) page.source.emitTo(imported.records.length);
    else if (start) page.source.run();
    dirty();
  },
  importFile(file) {
    file.text().then((text) => actions.importJSON(JSON.parse(text), file.name))
      .catch((e) => { page.errors.push(`import: ${e.message}`); dirty(); });
  },
  selectScenario(name) {
    const sc = findScenario(name);
    if (!sc) return;
    page.scenario = sc;
    page.params = paramsOf(sc).params;
    page.paramErrors = [];
    page.imported = null;
    writeURL();
    buildScenarioUI();
    clear();
    loadSource();
  },
};

function setSpeed(k) {
  page.speedExp = Math.max(-3, Math.min(3, k));
  $('speed').value = String(page.speedExp);
  $('speed-out').textContent = speed() >= 1 ? `×${speed()}` : `×1/${1 / speed()}`;
  if (page.source) page.source.setSpeed(speed());
  // A live program follows the real clock: say that the speed waits.
  const live = page.mode === 'run' && page.source && ['running', 'paused'].includes(page.source.status);
  page.notice = live ? `speed ${$('speed-out').textContent} applies from the next Run: a live run follows the real clock` : '';
  writeURL();
  dirty();
}

/* ---- rendering ----------------------------------------------------------- */

let renderPending = false;
/* While a program runs, the page redraws ten times a second: each frame's
 * style, layout and paint (software-rasterised in a headless or GPU-less
 * browser) is main-thread time the program's timers wait behind. Stopped,
 * stepping or replaying done: at the next frame. */
const RUNNING_FRAME_MS = 100;
let lastRender = -Infinity, renderTimer = null;
function dirty() {
  const running = page.source?.status === 'running';
  // A redraw held back for a running program is not held once it stops.
  if (renderTimer !== null && !running) { clearTimeout(renderTimer); renderTimer = null; renderPending = false; }
  if (renderPending) return;
  renderPending = true;
  const frame = () => { renderTimer = null; requestAnimationFrame(() => { renderPending = false; lastRender = performance.now(); render(); }); };
  const wait = running ? lastRender + RUNNING_FRAME_MS - performance.now() : 0;
  if (wait > 0) renderTimer = setTimeout(frame, wait); else frame();
}

/* Every printed line and download, in order: the program's print only
 * queues them here (see hooks); the next frame draws them. The box holds
 * the last OUTPUT_ROWS, the last OUTPUT_ROWS_RUNNING while a program runs
 * (each row is layout and paint in every frame); page.output keeps all. */
let outputItems = [];
let shownFrom = 0, shownEnd = 0; // outputItems[shownFrom, shownEnd) are in the box
const OUTPUT_ROWS = 1000, OUTPUT_ROWS_RUNNING = 200;

function lineItem(l) {
  if (l.download) return downloadItem(l.download);
  const li = el('li', { className: l.stream === 'err' ? 'err' : '' });
  li.append(el('span', { className: 't' }, fmtClock(l.t)), el('span', { className: 'text' }, l.text));
  return li;
}

/* Appends the queued lines in one go and keeps the box scrolled to its end
 * when it was there (scrollTop of the box itself: the window never moves). */
function flushOutput() {
  const running = page.source?.status === 'running';
  const total = outputItems.length, from = Math.max(0, total - (running ? OUTPUT_ROWS_RUNNING : OUTPUT_ROWS));
  const refill = !running && shownFrom > from; // stopped: bring back the rows a run left out
  if (shownEnd === total && !refill) return;
  const box = $('output');
  const atEnd = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
  const frag = document.createDocumentFragment();
  if (refill || from >= shownEnd) {
    for (let i = from; i < total; i++) frag.append(itemNode(outputItems[i]));
    box.replaceChildren(frag);
    shownFrom = from;
  } else {
    for (let i = shownEnd; i < total; i++) frag.append(itemNode(outputItems[i]));
    box.append(frag);
    for (; shownFrom < from; shownFrom++) box.firstElementChild.remove();
  }
  shownEnd = total;
  const more = $('output-more');
  more.hidden = shownFrom === 0;
  if (shownFrom) setText(more, `the last ${total - shownFrom} of ${total} lines${running ? ' while it runs' : ''} (Export keeps them all)`);
  page.outputFlushes++;
  if (atEnd || refill) box.scrollTop = box.scrollHeight;
}
// A download's row is made once (its link holds an object URL).
const itemNode = (l) => (l.download ? (l.node || (l.node = lineItem(l))) : lineItem(l));

/* A file the program handed to the page (the backup scenario's output.zip):
 * a link that saves it, in the output, outside the program's own lines. */
function downloadItem(d) {
  const a = el('a', { href: URL.createObjectURL(d.blob), download: d.name, className: 'download' }, `${d.name} (${d.blob.size} bytes)`);
  const li = el('li', { className: 'download' });
  li.append(el('span', { className: 't' }, fmtClock(d.t)), el('span', { className: 'text' }, 'download: '), a);
  return li;
}

/* The status line (aria-live: it changes only when the state does; the
 * counts, which change every frame, are beside it, not announced). */
function statusText() {
  const s = page.source;
  const errs = (page.notice ? ' — ' + page.notice : '') + (page.errors.length ? ' — ' + page.errors.join('; ') : '');
  if (!s) return (page.glue ? 'ready' : 'ready (this runtime has no tracing: Run shows output only)') + errs;
  const what = page.mode === 'replay' ? `replay of ${page.imported?.name || 'a trace'}` : page.mode === 'step' ? 'step mode, virtual clock' : 'real clock';
  const st = s.status === 'done' ? `finished (exit ${page.exit ?? 0})` : s.status;
  return `${page.scenario.name}: ${st} — ${what}${errs}`;
}
function countsText() {
  const s = page.source;
  return s ? `${s.resumes} resumes, ${page.records.length} records` : '';
}
const setText = (node, text) => { if (node.textContent !== text) node.textContent = text; };

/* The canvas's text alternative: what it spans and the active lane's state
 * (the lane chosen with ↑ ↓ or a click, else the last task resumed). */
function activeLane() {
  const m = page.model;
  if (page.selected != null && m.laneIndex.has(page.selected)) return m.laneIndex.get(page.selected);
  return m.lastResumed != null ? m.laneIndex.get(m.lastResumed) : null;
}
function canvasLabel() {
  const m = page.model;
  if (!m.count) return 'timeline: nothing has run yet';
  const k = activeLane();
  const span = `timeline of ${page.scenario.name}: ${m.lanes.length - 1} tasks from ${fmtMs(m.t0 ?? 0)} to ${fmtMs(m.t1)}`;
  return k == null ? span : `${span}; ${timeline.laneState(k)}`;
}

/* Where the page's frames go (ms, summed since the page loaded; the page
 * bench reports them): output, status, table, source, timeline. */
const renderMs = { frames: 0, output: 0, status: 0, table: 0, source: 0, timeline: 0, longest: 0 };
const timed = (part, fn) => { const t = performance.now(); fn(); const d = performance.now() - t; renderMs[part] += d; return d; };

function render() {
  const t0 = performance.now();
  timed('output', flushOutput);
  timed('status', renderStatus);
  // The table and the source are rebuilt from every record: while a program
  // runs, four times a second is enough (a frame stays short on long traces).
  const now = performance.now();
  if (page.source?.status !== 'running' || now - lastTable > 250) {
    lastTable = now;
    timed('table', renderTable);
    timed('source', renderSource);
  }
  timed('timeline', () => timeline.draw());
  renderMs.frames++;
  renderMs.longest = Math.max(renderMs.longest, performance.now() - t0);
}
let lastTable = -Infinity;

function renderStatus() {
  const st = $('status');
  setText(st, statusText());
  setText($('counts'), countsText());
  st.className = `status ${page.errors.length ? 'error' : page.source?.status === 'done' ? 'done' : ''}`;
  const replaying = page.mode === 'replay' && page.imported && !page.imported.recorded;
  $('replaying').hidden = !replaying;
  if (replaying) setText($('replaying-name'), page.imported.name);
  const label = canvasLabel();
  if ($('timeline').getAttribute('aria-label') !== label) $('timeline').setAttribute('aria-label', label);
  setText($('pause'), ['paused', 'stepping'].includes(page.source?.status) ? 'Resume' : 'Pause');
  const off = !page.source || !['running', 'paused', 'stepping'].includes(page.source.status);
  if ($('pause').disabled !== off) $('pause').disabled = off;
}

function taskRows() {
  if (page.glue && page.glue.taskTable) return page.glue.taskTable(page.records);
  // Without src/js/trace.mjs: what the timeline's model knows.
  const m = page.model, rows = [];
  for (let k = 1; k < m.lanes.length; k++) {
    const l = m.lanes[k];
    const segs = m.byLane[k].map((s) => m.segments[s]);
    const fin = m.markers.find((mk) => mk.kind === 'finish' && mk.task === l.id);
    const last = segs[segs.length - 1];
    const sum = (state) => segs.filter((s) => s.state === state).reduce((a, s) => a + ((s.t1 ?? m.t1) - s.t0), 0);
    rows.push({
      id: l.id, name: l.name, parent: l.parent, state: fin ? fin.status : last ? last.state : 'ready',
      reason: !fin && last?.state === 'waiting' ? last.reason : null, site: !fin && last?.state === 'waiting' ? last.site : null,
      waitingOn: !fin && last?.state === 'waiting' ? last.other : null, awaitedBy: [],
      busyMs: sum('running'), scheduledMs: sum('ready'), idleMs: sum('waiting'),
      resumes: segs.filter((s) => s.state === 'running').length, wakes: m.arrows.filter((a) => a.to === l.id).length,
    });
  }
  return rows;
}

function renderTable() {
  const rows = taskRows();
  page.table = rows;
  const ms = (v) => (v == null ? '' : fmtMs(v));
  $('tasks').tBodies[0].replaceChildren(...rows.map((r) => {
    const tr = el('tr', { className: `state-${r.state}${r.id === page.selected ? ' selected' : ''}` });
    tr.dataset.task = String(r.id);
    if (r.id === page.selected) tr.setAttribute('aria-current', 'true');
    const cells = [
      [r.id, 'num'], [r.name], [r.parent ?? ''], [r.state + (r.reason && r.state === 'waiting' ? ` (${r.reason})` : ''), 'state'],
      [r.waitingOn ? `task ${r.waitingOn}` : ''], [r.site ? r.site.split('/').pop() : ''], [(r.awaitedBy || []).join(', ')],
      [ms(r.busyMs), 'num'], [ms(r.scheduledMs), 'num'], [ms(r.idleMs), 'num'], [r.resumes ?? '', 'num'], [r.wakes ?? '', 'num'],
    ];
    tr.append(...cells.map(([v, cls]) => el('td', { className: cls || '' }, v)));
    // The name selects the task: its lane, its row, its line in the source.
    const name = el('button', { type: 'button', className: 'link' }, r.name);
    name.dataset.task = String(r.id);
    tr.cells[1].replaceChildren(name);
    return tr;
  }));
}

let shownSource = null, shownMarks = null;
const BADGES = 3; // badges a gutter holds; more show as "+n"

/* Where each task is suspended, in the order of the task ids: [{ task, name,
 * reason, site, line }] (line: in the shown file, or null). */
function suspendedList() {
  const file = `${page.scenario.name}.c`;
  const out = [];
  for (const [task, { site, reason }] of suspendedSites(page.model)) {
    const p = parseSite(site);
    const lane = page.model.lanes[page.model.laneIndex.get(task)];
    out.push({ task, name: lane?.name || `task ${task}`, reason, site, line: p && p.file === file ? p.line : null });
  }
  return out.sort((a, b) => a.task - b.task);
}

function renderSource() {
  const pre = $('source');
  if (shownSource !== page.sourceText) {
    shownSource = page.sourceText;
    shownMarks = null;
    pre.replaceChildren(...page.sourceText.split('\n').map((text, i) => {
      const line = el('span', { className: 'line' });
      line.dataset.n = String(i + 1);
      line.append(el('span', { className: 'gutter' }), el('span', { className: 'code' }, text));
      return line;
    }));
  }
  const list = suspendedList();
  const byLine = new Map();
  for (const s of list) if (s.line != null) { if (!byLine.has(s.line)) byLine.set(s.line, []); byLine.get(s.line).push(s); }
  page.suspendedLines = [...byLine.keys()].sort((a, b) => a - b);
  // Nothing moved: no DOM change (no layout, no paint).
  const marks = JSON.stringify([list.map((s) => [s.task, s.site, s.reason, s.name]), page.selected]);
  if (marks === shownMarks && !scrollWanted) return;
  shownMarks = marks;
  for (const s of pre.querySelectorAll('.suspended, .current')) { s.classList.remove('suspended', 'current'); s.firstChild.replaceChildren(); }
  const what = (s) => `${s.name} (task ${s.task}): ${s.reason}`;
  for (const [line, who] of byLine) {
    const span = pre.children[line - 1];
    if (!span) continue;
    span.classList.add('suspended');
    if (who.some((s) => s.task === page.selected)) span.classList.add('current');
    const shown = who.length > BADGES ? who.slice(0, BADGES - 1) : who;
    span.firstChild.replaceChildren(...shown.map((s) => {
      const b = el('button', { type: 'button', className: 'badge', title: what(s) }, s.task);
      b.dataset.task = String(s.task);
      // The name starts with the visible text (the id), as WCAG 2.5.3 asks.
      b.setAttribute('aria-label', `${s.task}: ${s.name}, waiting on ${s.reason}`);
      b.setAttribute('aria-pressed', String(s.task === page.selected));
      return b;
    }));
    if (who.length > shown.length) {
      const rest = who.slice(shown.length);
      span.firstChild.append(el('span', { className: 'badge more', title: rest.map(what).join('\n') }, `+${rest.length}`));
    }
  }
  // Every suspended task, its site and why: a button each (the same link).
  const sites = $('sites');
  const key = JSON.stringify([list.map((s) => [s.task, s.site, s.reason, s.name]), page.selected]);
  if (sites.dataset.key !== key) {
    sites.dataset.key = key;
    sites.replaceChildren(...list.map((s) => {
      const b = el('button', { type: 'button' }, `${s.name} — ${s.reason}${s.site ? ' at ' + s.site.split('/').pop() : ''}`);
      b.dataset.task = String(s.task);
      b.setAttribute('aria-pressed', String(s.task === page.selected));
      const li = el('li');
      li.append(b);
      return li;
    }));
  }
  // Keep the selected task's line, else the topmost suspended one, in view
  // (inside the pane only).
  const sel = list.find((s) => s.task === page.selected && s.line != null);
  const line = sel ? sel.line : page.suspendedLines[0];
  if (line != null && page.source?.status !== 'running') scrollSourceTo(line, Boolean(sel) && scrollWanted);
  scrollWanted = false;
}
let scrollWanted = false;

function scrollSourceTo(line, force) {
  const pre = $('source'), span = pre.children[line - 1];
  if (!span) return;
  const top = span.offsetTop - pre.offsetTop;
  if (force || top < pre.scrollTop || top > pre.scrollTop + pre.clientHeight - 20) pre.scrollTop = Math.max(0, top - 40);
}

/* Chooses task `id`: its lane is highlighted (and described to screen
 * readers), its table row marked and scrolled to, its await line marked
 * and scrolled to in the source. null: none. */
function select(id) {
  page.selected = id;
  const k = id == null ? undefined : page.model.laneIndex.get(id);
  timeline.highlightLane = k ?? null;
  timeline.invalidate();
  scrollWanted = true;
  renderTable();
  renderSource();
  const tr = $('tasks').querySelector('tr.selected');
  const wrap = $('tasks-wrap');
  if (tr && (tr.offsetTop < wrap.scrollTop || tr.offsetTop + tr.offsetHeight > wrap.scrollTop + wrap.clientHeight)) wrap.scrollTop = tr.offsetTop - 30;
  dirty();
}

function buildLegend() {
  // Every reason of include/weft/trace.h (src/js/constants.mjs), in its order.
  const items = [['running', COLORS.running], ['ready', COLORS.ready], ...TRACE_REASONS.filter(Boolean).map((k) => [`waiting: ${k}`, COLORS[k]])];
  $('legend').replaceChildren(...items.map(([name, color]) => {
    const li = el('li');
    const sw = el('i');
    sw.style.background = color;
    li.append(sw, document.createTextNode(name));
    return li;
  }), el('li', {}, '◆ finish  ✕ cancel  ● yielded value  ▲ warning / fetch  ↘ waker → woken'));
}

/* ---- wiring -------------------------------------------------------------- */

/* Controls run one after the other (a Step that loads the program finishes
 * before the next one starts); weftPage.settled() waits for them. */
let chain = Promise.resolve();
function queue(fn) {
  chain = chain.then(() => fn()).catch((e) => { page.errors.push(String(e && e.message || e)); dirty(); });
  return chain;
}

const CONTROLS = 'input, select, textarea, button, summary, a[href], [contenteditable]';

function bindControls() {
  $('scenario').addEventListener('change', (e) => actions.selectScenario(e.target.value));
  $('params').addEventListener('submit', (e) => e.preventDefault());
  $('run').addEventListener('click', () => queue(actions.run));
  $('step').addEventListener('click', () => queue(actions.step));
  $('pause').addEventListener('click', () => queue(actions.pauseResume));
  $('reset').addEventListener('click', () => queue(actions.reset));
  $('speed').addEventListener('input', (e) => setSpeed(Number(e.target.value)));
  $('axis').addEventListener('change', (e) => timeline.setAxis(e.target.value));
  $('follow').addEventListener('change', (e) => { timeline.follow = e.target.checked; if (timeline.follow) timeline.fit(); });
  $('export').addEventListener('click', () => actions.exportTrace());
  // A button clicked with the mouse keeps no focus, so that the shortcuts
  // work at once; pressed from the keyboard (detail 0) it keeps it.
  for (const b of document.querySelectorAll('.controls button')) b.addEventListener('click', (e) => { if (e.detail > 0) b.blur(); });
  $('import').addEventListener('click', () => $('import-file').click());
  // Badges, the list of sites and the table's names choose a task.
  for (const id of ['source', 'sites', 'tasks']) {
    $(id).addEventListener('click', (e) => {
      const b = e.target instanceof Element && e.target.closest('button[data-task]');
      if (b) select(Number(b.dataset.task));
    });
  }
  timeline.onLaneClick = (k) => select(k > 0 ? page.model.lanes[k].id : null);
  $('live').addEventListener('click', (e) => {
    queue(actions.backToLive);
    // The banner and its button go away: from the keyboard, Run is what
    // comes next; after a mouse click, the shortcuts.
    if (e.detail === 0) $('run').focus(); else $('live').blur();
  });
  $('import-file').addEventListener('change', (e) => { if (e.target.files[0]) actions.importFile(e.target.files[0]); e.target.value = ''; });
  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    // A focused control keeps its own keys (← → move a slider, space and
    // Enter press a button): no shortcut fires; Esc leaves the control.
    const t = e.target;
    if (t instanceof Element && t.closest(CONTROLS)) {
      if (e.key === 'Escape' && t instanceof HTMLElement) t.blur();
      return;
    }
    if (t === $('timeline') && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
      e.preventDefault();
      const n = page.model.lanes.length, k = activeLane() ?? 0;
      select(page.model.lanes[Math.max(0, Math.min(n - 1, k + (e.key === 'ArrowUp' ? -1 : 1)))].id);
      return;
    }
    const keys = {
      r: actions.run, s: actions.step, ' ': actions.pauseResume, x: actions.reset,
      '[': actions.slower, ']': actions.faster, '+': () => timeline.zoom(0.5), '=': () => timeline.zoom(0.5), '-': () => timeline.zoom(2),
      ArrowLeft: () => timeline.pan(-0.2), ArrowRight: () => timeline.pan(0.2), 0: () => timeline.fit(),
      f: actions.toggleFollow, a: actions.toggleAxis, e: actions.exportTrace, i: () => $('import-file').click(),
    };
    const fn = keys[e.key];
    if (!fn) return;
    e.preventDefault();
    queue(fn);
  });
}

async function main() {
  readURL();
  // On a phone the list of shortcuts starts folded.
  if (window.matchMedia('(max-width: 600px)').matches) $('keys-box').open = false;
  buildScenarioUI();
  buildLegend();
  bindControls();
  setSpeed(page.speedExp);
  page.glue = await loadTraceGlue();
  await loadSource();
  dirty();
}

window.weftPage = {
  get state() {
    return {
      scenario: page.scenario.name, params: { ...page.params }, mode: page.mode, notice: page.notice,
      invalid: [...page.invalid.values()], replaying: page.mode === 'replay' && Boolean(page.imported) && !page.imported.recorded,
      status: page.source ? page.source.status : 'idle', exit: page.exit, errors: page.errors.slice(),
      resumes: page.source ? page.source.resumes : 0, records: page.records.length,
      output: page.output.map((l) => ({ ...l })), outputFlushes: page.outputFlushes, table: taskRows(), suspendedLines: (renderSource(), page.suspendedLines),
      programMs: page.programMs, renderMs: { ...renderMs }, canvasLabel: canvasLabel(), activeLane: activeLane(), selected: page.selected, suspended: suspendedList(),
      timeline: page.model.snapshot(), tracing: Boolean(page.glue), speed: speed(), axis: timeline.axis, follow: timeline.follow,
    };
  },
  get model() { return page.model; },
  get records() { return page.records; },
  get source() { return page.source; },
  timeline,
  actions,
  settled: () => chain,
  ready: main(),
};
