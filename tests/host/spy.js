// Host-timer spy for the host tests, in Node (tests/host/run.mjs) and in
// browsers (tests/browser/fixture.html loads it as a classic script before
// the program). weftInstallSpy(opts) wraps setTimeout/clearTimeout,
// setImmediate/clearImmediate and MessageChannel so the returned stats say
// how many host callbacks were ever outstanding at once (maxLive), how many
// of each kind were asked for, every delay passed to setTimeout, and the
// delays of the setTimeouts that fired, summed (firedMs, fired): how long the
// program asked the host to wait, which no load on the machine changes; and
// how late the latest of them fired (maxLateMs), which load does change.
// opts.fastForwardMs: a setTimeout of at least that many ms fires after
// 1 ms of real time and moves the clock (performance.now, process.hrtime)
// forward by its delay, so a program can sleep 2^31 ms in a few ms.
// weftSpyMark(name) records the counts and the time at that point in
// stats.marks.
// opts.noImmediate: hide setImmediate and MessageChannel (a control: weft
// then falls back to setTimeout(0), which is clamped).
(function (g) {
  // Host turns (immediates + setTimeouts) between marks `from` and `to` of
  // a spy's stats, and the µs per turn.
  g.weftSpyTurns = function (stats, from, to) {
    var a = stats.marks.find(function (m) { return m.name === from; });
    var b = stats.marks.find(function (m) { return m.name === to; });
    var turns = b.immediates - a.immediates + b.setTimeout - a.setTimeout;
    return { turns: turns, usPerTurn: (b.t - a.t) * 1000 / Math.max(1, turns) };
  };
  g.weftInstallSpy = function (opts) {
    opts = opts || {};
    var stats = { setTimeout: 0, clearTimeout: 0, immediates: 0, maxLive: 0, delays: [], fired: 0, firedMs: 0, maxLateMs: 0, offsetMs: 0, marks: [] };
    var rawNow = g.performance.now.bind(g.performance);
    // A program marks a phase (host_zero: around its yields) to get the
    // counts at that point.
    g.weftSpyMark = function (name) {
      stats.marks.push({ name: name, t: g.performance.now(), immediates: stats.immediates, setTimeout: stats.setTimeout });
    };
    var live = new Set();
    var byId = new Map();
    var real = { setTimeout: g.setTimeout, clearTimeout: g.clearTimeout, setImmediate: g.setImmediate, clearImmediate: g.clearImmediate };
    function add(tok) { live.add(tok); if (live.size > stats.maxLive) stats.maxLive = live.size; }

    if (opts.fastForwardMs) {
      var perfNow = g.performance.now.bind(g.performance);
      g.performance.now = function () { return perfNow() + stats.offsetMs; };
      if (typeof process === 'object' && process.hrtime) {
        var hrtime = process.hrtime;
        process.hrtime = function (prev) {
          var t = hrtime.call(process);
          var ns = t[0] * 1e9 + t[1] + stats.offsetMs * 1e6;
          var r = [Math.floor(ns / 1e9), ns % 1e9];
          if (prev) { r[0] -= prev[0]; r[1] -= prev[1]; if (r[1] < 0) { r[0]--; r[1] += 1e9; } }
          return r;
        };
      }
    }

    g.setTimeout = function (fn, delay) {
      var args = Array.prototype.slice.call(arguments, 2);
      delay = Number(delay) || 0;
      stats.setTimeout++;
      if (stats.delays.length < 20000) stats.delays.push(delay);
      var ff = opts.fastForwardMs && delay >= opts.fastForwardMs;
      var tok = {};
      add(tok);
      var armedAt = rawNow();
      var id = real.setTimeout.call(g, function () {
        live.delete(tok);
        byId.delete(id);
        stats.fired++;
        stats.firedMs += delay;
        if (!ff) stats.maxLateMs = Math.max(stats.maxLateMs, rawNow() - armedAt - delay);
        if (ff) stats.offsetMs += delay;
        fn.apply(g, args);
      }, ff ? 1 : delay);
      byId.set(id, tok);
      return id;
    };
    g.clearTimeout = function (id) {
      var tok = byId.get(id);
      if (tok) { stats.clearTimeout++; live.delete(tok); byId.delete(id); }
      return real.clearTimeout.call(g, id);
    };

    if (opts.noImmediate) {
      g.setImmediate = undefined;
      g.MessageChannel = undefined;
      return stats;
    }
    if (typeof real.setImmediate === 'function') {
      var immById = new Map();
      g.setImmediate = function (fn) {
        var args = Array.prototype.slice.call(arguments, 1);
        stats.immediates++;
        var tok = {};
        add(tok);
        var id = real.setImmediate.call(g, function () { live.delete(tok); immById.delete(id); fn.apply(g, args); });
        immById.set(id, tok);
        return id;
      };
      g.clearImmediate = function (id) {
        var tok = immById.get(id);
        if (tok) { live.delete(tok); immById.delete(id); }
        return real.clearImmediate.call(g, id);
      };
    }
    if (typeof g.MessageChannel === 'function') {
      var RealChannel = g.MessageChannel;
      g.MessageChannel = function () {
        var mc = new RealChannel();
        var pending = [];
        var handler = null;
        mc.port1.onmessage = function (e) {
          live.delete(pending.shift());
          if (handler) handler.call(mc.port1, e);
        };
        Object.defineProperty(mc.port1, 'onmessage', { get: function () { return handler; }, set: function (h) { handler = h; } });
        var post = mc.port2.postMessage.bind(mc.port2);
        mc.port2.postMessage = function (m) {
          stats.immediates++;
          var tok = {};
          pending.push(tok);
          add(tok);
          post(m);
        };
        return mc;
      };
    }
    return stats;
  };
})(globalThis);
