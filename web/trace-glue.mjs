// The page's link to weft's tracing: src/js/trace.mjs (records, task table,
// Chrome trace) and the runtime's trace/step exports in each program. The
// page works without it (output only); the dev server says whether it is
// there (/api/features), so that no missing module is ever requested.

export async function loadTraceGlue() {
  let features = {};
  try { features = await (await fetch('/api/features')).json(); } catch { /* an older server */ }
  if (!features.trace) return null;
  const mod = await import('/src/js/trace.mjs');
  return makeGlue(mod);
}

function makeGlue(mod) {
  if (typeof mod.taskTable !== 'function') return null;
  return {
    taskTable: mod.taskTable,
    toChromeTrace: mod.toChromeTrace,
    fromChromeTrace: mod.fromChromeTrace,
    canStep: false,
    options() {},
    preRun() {},
    now() { return null; },
    drain() { return []; },
  };
}
