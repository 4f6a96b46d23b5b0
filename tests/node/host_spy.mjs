// Preloaded (node --import) into a wasm program's process by
// host_loop.test.mjs: counts the host timers the weft loop keeps, and prints
// the figures as one JSON line on stderr when the process exits.
const stats = { setTimeout: 0, maxLive: 0, maxDelay: 0, setImmediate: 0 };
const live = new Set();
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const realSetImmediate = globalThis.setImmediate;

globalThis.setTimeout = function (fn, delay, ...args) {
  stats.setTimeout++;
  stats.maxDelay = Math.max(stats.maxDelay, Number(delay) || 0);
  // Streamed too, for programs the test has to end itself.
  process.stderr.write(`WEFT_SPY_TIMEOUT ${delay}\n`);
  const t = realSetTimeout(() => { live.delete(t); fn(...args); }, delay);
  live.add(t);
  stats.maxLive = Math.max(stats.maxLive, live.size);
  return t;
};
globalThis.clearTimeout = function (t) {
  live.delete(t);
  return realClearTimeout(t);
};
globalThis.setImmediate = function (fn, ...args) {
  stats.setImmediate++;
  return realSetImmediate(fn, ...args);
};
process.on('exit', () => { process.stderr.write(`WEFT_SPY ${JSON.stringify(stats)}\n`); });
