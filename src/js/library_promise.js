// The host side of include/weft/js.h (src/host/js_bridge.c): JS promises that
// C awaits, and C tasks that JS awaits. Every weft program gets, on its
// Module:
//   Module.weftHandle(promise)         -> integer handle for weft_js_await
//   Module.weftRun(name, arg, opts)    -> Promise for the task's result
//   Module.weftLoopNow()               -> the bridge loop's time, ms
//   Module.weftStrerror(code)          -> { name, message }

mergeInto(LibraryManager.library, {
  // Error codes and value kinds come from library_constants.js (include/weft/errors.h, js.h).
  $WeftPromise__deps: ['$WeftErrors', '$WeftJsKind'],
  $WeftPromise: {
    // Plain objects only: Emscripten serialises this object into the output.
    promises: {}, // handle -> { settled, ok, value } (until C takes it)
    watchers: {}, // future pointer -> watcher, while the host holds the future
    runs: {},     // run id -> { resolve, reject, task, signal, onAbort, result, aborted }
    nextHandle: 1,
    nextRun: 1,

    handle: function(promise) {
      var h = WeftPromise.nextHandle++;
      var rec = { settled: false, ok: false, value: undefined, watcher: null };
      WeftPromise.promises[h] = rec;
      // Observe it now, so a rejection is never reported as unhandled and an
      // outcome that arrives before C asks is kept.
      Promise.resolve(promise).then(function(v) { WeftPromise.settle(rec, true, v); },
                                    function(e) { WeftPromise.settle(rec, false, e); });
      return h;
    },

    settle: function(rec, ok, value) {
      rec.settled = true; rec.ok = ok; rec.value = value;
      if (rec.watcher) WeftPromise.deliver(rec.watcher, ok, value);
    },

    // A JS string as a malloc'd UTF-8 copy (C frees it).
    cstring: function(s) {
      var n = lengthBytesUTF8(s) + 1;
      var p = _malloc(n);
      if (p) stringToUTF8(s, p, n);
      return p;
    },

    // A rejection reason as text. Reading it runs the reason's own code
    // (getters, proxies, toJSON, Symbol.toPrimitive), which may throw: that
    // must not escape into the promise callback, or C would never be told.
    describe: function(reason) {
      try {
        if (reason instanceof Error || (reason && typeof reason === 'object' && typeof reason.message === 'string'))
          return (reason.name || 'Error') + ': ' + reason.message;
        if (reason !== null && typeof reason === 'object') {
          try { var j = JSON.stringify(reason); if (j !== undefined) return j; } catch (e) {}
        }
        return String(reason);
      } catch (e) {
        return 'Error: the rejection reason could not be converted to text';
      }
    },

    // Kinds: see weft_js_kind in include/weft/js.h.
    deliver: function(w, ok, value) {
      if (!w.live) return; // cancelled: the cancel hook already let go
      w.live = false;
      delete WeftPromise.watchers[w.f];
      var K = WeftJsKind, kind = K.UNDEFINED, number = 0, text = null;
      if (!ok) {
        kind = K.ERROR; text = WeftPromise.describe(value);
      } else if (value === null) {
        kind = K.NULL;
      } else if (typeof value === 'boolean') {
        kind = K.BOOLEAN; number = value ? 1 : 0;
      } else if (typeof value === 'number' || typeof value === 'bigint') {
        kind = K.NUMBER; number = Number(value);
      } else if (typeof value === 'string') {
        kind = K.STRING; text = value;
      } else if (typeof value === 'object') {
        try { text = JSON.stringify(value); } catch (e) { text = null; }
        if (text === undefined || text === null) { kind = K.ERROR; text = 'TypeError: value cannot be converted to JSON'; }
        else kind = K.JSON;
      }
      var p = text === null ? 0 : WeftPromise.cstring(text);
      Module['_weft__js_settle'](w.f, w.out, kind, number, p);
    },

    error: function(code, aborted) {
      var s = WeftPromise.strerror(code);
      var msg = aborted ? 'The operation was aborted (' + s.name + ')' : s.message + ' (' + s.name + ')';
      var name = aborted ? 'AbortError' : 'WeftError';
      // createWeft() passes its WeftError class, so that `instanceof` works.
      var E = Module['WeftError'];
      if (typeof E === 'function') return new E(msg, { code: code, codeName: s.name, name: name });
      var e = new Error(msg);
      e.name = name;
      e.code = code;
      e.codeName = s.name;
      return e;
    },

    strerror: function(code) {
      return { name: UTF8ToString(Module['_weft_strerror_name'](code)), message: UTF8ToString(Module['_weft_strerror'](code)) };
    },

    run: function(name, arg, opts) {
      opts = opts || {};
      var signal = opts.signal;
      return new Promise(function(resolve, reject) {
        if (signal && signal.aborted) { reject(WeftPromise.error(WeftErrors.ECANCELED, true)); return; }
        var id = WeftPromise.nextRun++;
        var run = { resolve: resolve, reject: reject, task: 0, signal: signal, onAbort: null,
                    result: opts.result || 'number', aborted: false };
        var argNum = 0, argText = 0;
        if (typeof arg === 'string') argText = WeftPromise.cstring(arg);
        else if (typeof arg === 'number' || typeof arg === 'bigint' || typeof arg === 'boolean') argNum = Number(arg) | 0;
        else if (arg !== undefined && arg !== null) { reject(new TypeError('weft.run: arg must be a number or a string')); return; }
        var namePtr = WeftPromise.cstring(String(name));
        WeftPromise.runs[id] = run;
        var task = Module['_weft__js_start'](namePtr, argNum, argText, id);
        _free(namePtr);
        if (!task) {
          delete WeftPromise.runs[id];
          var e = WeftPromise.error(WeftErrors.EINVAL, false);
          e.message = "weft: no task named '" + name + "' (register it with WEFT_JS_TASK) (WEFT_EINVAL)";
          reject(e);
          return;
        }
        run.task = task;
        if (signal) {
          run.onAbort = function() {
            if (!run.task) return;
            run.aborted = true;
            Module['_weft__js_cancel'](run.task);
          };
          signal.addEventListener('abort', run.onAbort, { once: true });
        }
      });
    },
  },

  // C: weft_js_promise. Returns 0 for an unknown or used handle.
  weft_js_promise_watch__deps: ['$WeftPromise', 'malloc', 'free'],
  weft_js_promise_watch: function(f, handle, out) {
    var rec = WeftPromise.promises[handle];
    if (!rec) return 0;
    delete WeftPromise.promises[handle];
    var w = { f: f, out: out, live: true };
    WeftPromise.watchers[f] = w;
    rec.watcher = w;
    // Settled already: deliver on a later turn, never inside this C call.
    if (rec.settled) Promise.resolve().then(function() { WeftPromise.deliver(w, rec.ok, rec.value); });
    return 1;
  },

  // C: the future was cancelled. Let go of the promise and drop the host's
  // reference now, so a promise that never settles does not keep the loop.
  weft_js_promise_cancel__deps: ['$WeftPromise'],
  weft_js_promise_cancel: function(f) {
    var w = WeftPromise.watchers[f];
    if (!w || !w.live) return;
    w.live = false;
    delete WeftPromise.watchers[f];
    Module['_weft_host_fail'](f, WeftErrors.ECANCELED);
  },

  // C: a task started from JS finished (status 0, or a negative weft code).
  weft_js_task_done__deps: ['$WeftPromise'],
  weft_js_task_done: function(id, status, value) {
    var run = WeftPromise.runs[id];
    if (!run) return;
    delete WeftPromise.runs[id];
    run.task = 0;
    if (run.signal && run.onAbort) run.signal.removeEventListener('abort', run.onAbort);
    if (status === 0) {
      if (run.result === 'string') {
        var s = value ? UTF8ToString(value) : null;
        if (value) _free(value);
        run.resolve(s);
      } else {
        run.resolve(value);
      }
    } else {
      run.reject(WeftPromise.error(status, run.aborted && status === WeftErrors.ECANCELED));
    }
  },

  $WeftPromiseApi__deps: ['$WeftPromise'],
  $WeftPromiseApi__postset:
    "Module['weftHandle'] = function(p) { return WeftPromise.handle(p); };\n" +
    "Module['weftRun'] = function(name, arg, opts) { return WeftPromise.run(name, arg, opts); };\n" +
    "Module['weftLoopNow'] = function() { return Module['_weft__js_loop_now'](); };\n" +
    "Module['weftStrerror'] = function(code) { return WeftPromise.strerror(code); };",
  $WeftPromiseApi: {},
});

// Make sure every program carries the API, whether or not its C code calls
// into this library.
DEFAULT_LIBRARY_FUNCS_TO_INCLUDE.push('$WeftPromiseApi');
