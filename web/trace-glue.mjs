// The page's link to weft's tracing: src/js/trace.mjs (records, task table,
// Chrome trace) and the runtime's hooks in each program (library_weft.js:
// weftTrace, weftManual, weftStep, weftPause/weftResume, weftLoops). The page
// works without it (output only); the dev server says whether it is there
// (/api/features), so that no missing module is ever requested.

export async function loadTraceGlue() {
  let features = {};
  try { features = await (await fetch('/api/features')).json(); } catch { /* an older server */ }
  if (!features.trace) return null;
  const mod = await import('/src/js/trace.mjs');
  return makeGlue(mod);
}

// Big enough for every scenario's whole run between two drains.
const CAPACITY = 1 << 16;

export function makeGlue(mod) {
  if (typeof mod.drain !== 'function' || typeof mod.taskTable !== 'function') return null;
  return {
    taskTable: mod.taskTable,
    toChromeTrace: mod.toChromeTrace,
    fromChromeTrace: mod.fromChromeTrace,
    canStep: true,
    options(opts, { manual }) {
      opts.weftTrace = CAPACITY;
      if (manual) opts.weftManual = true;
    },
    preRun() {},
    /* Every record the program's loops hold now. */
    drain(M) {
      const out = [];
      for (const loop of M.weftLoops ? M.weftLoops() : []) for (const r of mod.drain(M, loop)) out.push(r);
      return out;
    },
    /* One unit of work (weft_loop_step); 1 while work is left. */
    step(M) { return M.weftStep(); },
    setManual(M, on) { if (on) M.weftPause(); else M.weftResume(); },
    stop(M) { if (M.weftPause) M.weftPause(); },
  };
}
