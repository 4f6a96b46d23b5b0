// The page suite of `npm run bench -- page` (scripts/bench.mjs calls
// suitePage; it runs only when named): what the interactive page (web/)
// costs the program it shows, in Chromium (playwright-core, Debian's
// /usr/bin/chromium), served by web/server.mjs.
//
// Workloads: reception with 2 clients × 1 000 iterations × 1 ms, and the
// same program printing 10 000 lines (2 × 5 000 iterations × 0 ms), each
//   in the page  Run at ×1 (the program live on the real clock) and at ×8
//                (the program on the virtual clock, stepped by the page,
//                then its recording replayed 8 times faster);
//   bare         the same .wasm in the same page and browser, through the
//                same factory, with no tracing, no hooks, nothing drawn
//                (print discards), on the real or the virtual clock.
// Figures (median of the repetitions):
//   loop time ratio       the program's time from load to exit in the page
//                         ÷ the same bare (target ≤ 1.1×)
//   longest main-thread task  the longest task of the renderer's main thread
//                         during the page's run, from Chromium's own trace
//                         (RunTask events; target ≤ 16 ms)
//   frames over 16 ms     animation frames that came more than 20 ms after
//                         the previous one (a vsync missed), out of all.
import { startPageServer } from '../web/server.mjs';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/* The longest RunTask (ms) on the page's renderer main thread in a Chrome
 * trace, and how many ran over 16 and over 50 ms. */
function mainThreadTasks(trace) {
  const ev = trace.traceEvents || trace;
  const mains = new Set(ev.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const durs = ev.filter((e) => e.ph === 'X' && (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') && mains.has(`${e.pid}:${e.tid}`))
    .map((e) => (e.dur || 0) / 1000);
  // Where the main thread's time went: the browser's rendering steps, the
  // page's frames (FireAnimationFrame) and the program's host callbacks
  // (TimerFire: its timers; the MessageChannel message: its "run now").
  const kinds = { paint: ['Paint', 'PrePaint', 'Layerize', 'Commit'], layout: ['Layout', 'UpdateLayoutTree'], frames: ['FireAnimationFrame'], timers: ['TimerFire'] };
  const by = Object.fromEntries(Object.keys(kinds).map((k) => [k, 0]));
  for (const e of ev) {
    if (e.ph !== 'X' || !mains.has(`${e.pid}:${e.tid}`)) continue;
    for (const [k, names] of Object.entries(kinds)) if (names.includes(e.name)) by[k] += (e.dur || 0) / 1000;
  }
  return { longest: durs.length ? Math.max(...durs) : 0, over16: durs.filter((d) => d > 16).length, over50: durs.filter((d) => d > 50).length, tasks: durs.length, busy: durs.reduce((a, b) => a + b, 0), by };
}

export async function suitePage({ add, sz, reps, openChromium, failures }) {
  const R = reps(3);
  const n = sz(1000), lines = sz(5000);
  const workloads = [
    { key: `reception 2×${n}×1 ms`, q: { scenario: 'reception', timeout: 100000, i1: 1, i2: 1, n1: n, n2: n } },
    { key: `${2 * lines} lines`, q: { scenario: 'reception', timeout: 100000, i1: 0, i2: 0, n1: lines, n2: lines } }, // 0 ms: a line per iteration
  ];
  const speeds = [[0, '×1'], [3, '×8']];
  const rows = [], raw = [], notes = [];
  const browser = await openChromium();
  if (browser.skip) return { rows, raw, notes: [`skipped: ${browser.skip}`], skipped: { 'weft-wasm': browser.skip } };
  const server = await startPageServer({ port: 0 });
  try {
    for (const w of workloads) {
      for (const [exp, speed] of speeds) {
        const virtual = exp !== 0;
        const figures = [];
        for (let r = 0; r < R; r++) {
          const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
          const page = await context.newPage();
          const q = new URLSearchParams({ ...Object.fromEntries(Object.entries(w.q).map(([k, v]) => [k, String(v)])), speed: String(exp) });
          await page.goto(`${server.url}/?${q}`);
          await page.evaluate(() => window.weftPage.ready);
          const args = await page.evaluate(async () => {
            const { SCENARIOS } = await import('/web/scenarios.mjs');
            const st = window.weftPage.state;
            return SCENARIOS.find((s) => s.name === st.scenario).args(st.params);
          });
          // Bare: the program alone, in this page, before the page runs it.
          const bareMs = await page.evaluate(async ({ args, virtual }) => {
            const { loadProgram } = await import('/web/sources.mjs');
            const { factory, wasm } = await loadProgram('reception');
            const t0 = performance.now();
            await new Promise((resolve, reject) => {
              factory({
                arguments: args, wasmBinary: wasm, locateFile: (p) => `/build/wasm/examples/${p}`,
                print: () => {}, printErr: () => {}, onWeftExit: resolve, onWeftError: reject, onAbort: reject,
                preRun: [(M) => { if (virtual) M.ENV.WEFT_CLOCK = 'virtual'; }],
              }).catch(reject);
            });
            return performance.now() - t0;
          }, { args, virtual });
          // The page's run, with Chromium's trace and a frame probe.
          await page.evaluate(() => {
            const gaps = window.__gaps = [];
            let last = null;
            const tick = (t) => { if (last != null) gaps.push(t - last); last = t; if (!window.__stop) requestAnimationFrame(tick); };
            requestAnimationFrame(tick);
          });
          await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel'] });
          await page.keyboard.press('r');
          await page.waitForFunction(() => { const s = window.weftPage.state; return s.status === 'done' && s.programMs != null; }, null, { timeout: 300000, polling: 100 });
          await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
          const trace = JSON.parse((await browser.stopTracing()).toString('utf8'));
          const st = await page.evaluate(() => { window.__stop = true; const s = window.weftPage.state; return { programMs: s.programMs, renderMs: s.renderMs, exit: s.exit, lines: s.output.length, records: s.records, gaps: window.__gaps }; });
          await context.close();
          if (st.exit !== 0) { failures.push(`page ${w.key} ${speed}: exit ${st.exit}`); continue; }
          const tasks = mainThreadTasks(trace);
          const f = {
            bench: 'page', workload: w.key, speed, round: r, page_ms: +st.programMs.toFixed(1), bare_ms: +bareMs.toFixed(1),
            ratio: +(st.programMs / bareMs).toFixed(3), longest_task_ms: +tasks.longest.toFixed(1), tasks_over_16ms: tasks.over16,
            tasks_over_50ms: tasks.over50, frames: st.gaps.length, frames_over_16ms: st.gaps.filter((g) => g > 20).length,
            lines: st.lines, records: st.records,
            // The main thread during the run (Chromium's trace) and the page's own frames (weftPage.state.renderMs).
            main_busy_ms: +tasks.busy.toFixed(0), ...Object.fromEntries(Object.entries(tasks.by).map(([k, v]) => [`main_${k}_ms`, +v.toFixed(0)])),
            page_frames: st.renderMs.frames, ...Object.fromEntries(['output', 'status', 'table', 'source', 'timeline'].map((k) => [`page_${k}_ms`, +st.renderMs[k].toFixed(0)])),
          };
          console.error(`bench: page ${w.key} ${speed} #${r}: page ${f.page_ms} ms, bare ${f.bare_ms} ms (${f.ratio}×); longest task ${f.longest_task_ms} ms, ${f.tasks_over_16ms} over 16 ms; ${f.frames_over_16ms} of ${f.frames} frames late`);
          console.error(`bench:   main thread busy ${f.main_busy_ms} ms: paint ${f.main_paint_ms}, layout ${f.main_layout_ms}, frames ${f.main_frames_ms}, program timers ${f.main_timers_ms}; the page's ${f.page_frames} frames: output ${f.page_output_ms}, status ${f.page_status_ms}, table ${f.page_table_ms}, source ${f.page_source_ms}, timeline ${f.page_timeline_ms} ms`);
          figures.push(f);
          raw.push(f);
        }
        if (!figures.length) continue;
        const m = (k) => median(figures.map((f) => f[k]));
        const base = `page ${w.key} ${speed}`;
        add('weft-wasm', `${base}: loop time ratio`, m('ratio'), '× bare');
        add('weft-wasm', `${base}: page ms`, m('page_ms'), 'ms');
        add('weft-wasm', `${base}: bare ms`, m('bare_ms'), 'ms');
        add('weft-wasm', `${base}: longest main-thread task`, m('longest_task_ms'), 'ms');
        add('weft-wasm', `${base}: frames over 16 ms`, m('frames_over_16ms'), 'frames');
        for (const [metric, label, unit] of [['loop time ratio', 'loop time in the page ÷ bare', '×'], ['longest main-thread task', 'longest main-thread task', 'ms'], ['frames over 16 ms', 'frames over 16 ms', 'frames']]) {
          rows.push({ label: `${w.key} at ${speed}: ${label}`, metric: `${base}: ${metric}`, unit, better: 'lower', only: ['weft-wasm'] });
        }
        const ratio = m('ratio'), longest = m('longest_task_ms');
        const judge = (text, ok, detail) => `${ok ? '✓ met' : '✗ not met'} — ${text}: ${detail}`;
        notes.push(judge(`page ${w.key} at ${speed}: loop time ≤ 1.1× bare`, ratio <= 1.1, `${ratio.toFixed(2)}× (${m('page_ms').toFixed(0)} ms vs ${m('bare_ms').toFixed(0)} ms)`));
        notes.push(judge(`page ${w.key} at ${speed}: no main-thread task over 16 ms`, longest <= 16, `longest ${longest.toFixed(1)} ms; ${m('frames_over_16ms')} of ${m('frames')} frames late`));
      }
    }
  } finally {
    await server.close();
    await browser.close();
  }
  for (const line of notes) console.error(`bench: ${line}`);
  return {
    rows, raw,
    notes: [
      `The page (web/, \`npm start\`) in Chromium, ${R} runs each, medians. Loop time: the program's load-to-exit time in the page ÷ the same .wasm run bare in the same page and browser (same factory, no tracing, print discarded); at ×8 the page steps the program on the virtual clock itself, then replays the recording. Longest main-thread task: Chromium's trace (RunTask on CrRendererMain) during the page's run and replay. Frames over 16 ms: animation frames more than 20 ms after the previous one.`,
      ...notes,
    ],
  };
}
