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
    runs: {},     // run id -> { resolve, reject, task, signal, onAbort, result, aborted, reason, cause }
    byTask: {},   // task pointer -> run id, while a run's task lives (a rejection it awaits is its cause)
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

    // A JS string as a malloc'd UTF-8 copy (C frees it), or 0 when wasm
    // memory is full.
    cstring: function(s) {
      var n = lengthBytesUTF8(s) + 1;
      var p = _malloc(n);
      if (p) stringToUTF8(s, p, n);
      return p;
    },

    // --- validation of what JS callers pass (weft.run, weft.iterate) ---
    // Everything is checked before anything starts or is allocated: a bad
    // argument throws (rejects) a TypeError or RangeError and C never sees it.

    // Why `s` cannot be a C string, or null when it can: C strings end at
    // the first NUL, and UTF-8 has no encoding for a lone surrogate
    // (stringToUTF8 would merge it with the next character).
    badString: function(s) {
      for (var i = 0; i < s.length; i++) {
        var c = s.charCodeAt(i);
        if (c === 0) return 'contains a NUL character (at ' + i + ')';
        if (c >= 0xD800 && c <= 0xDFFF) {
          var d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
          if (c <= 0xDBFF && d >= 0xDC00 && d <= 0xDFFF) { i++; continue; }
          return 'contains a lone surrogate (at ' + i + ')';
        }
      }
      return null;
    },
    checkName: function(name, who) {
      if (typeof name !== 'string') throw new TypeError(who + ': the name must be a string, got ' + WeftPromise.typeName(name));
      var bad = WeftPromise.badString(name);
      if (bad) throw new TypeError(who + ': the name ' + bad);
      return name;
    },
    // arg as C gets it: { num, text } (text: a string, or null for a number
    // or NULL). intptr_t is 32-bit on wasm32: a number must be an integer in
    // its range, never truncated.
    checkArg: function(arg, who) {
      if (arg === undefined || arg === null) return { num: 0, text: null };
      if (typeof arg === 'number') {
        if (!(arg >= -2147483648 && arg <= 2147483647 && Math.floor(arg) === arg))
          throw new RangeError(who + ': a number arg must be an integer from -2147483648 to 2147483647 (intptr_t), got ' + arg);
        return { num: arg | 0, text: null };
      }
      if (typeof arg === 'string') {
        var bad = WeftPromise.badString(arg);
        if (bad) throw new TypeError(who + ': the string arg ' + bad);
        return { num: 0, text: arg };
      }
      throw new TypeError(who + ': arg must be a number, a string, null or undefined, got ' + WeftPromise.typeName(arg));
    },
    // opts as { signal, result }. Read once each, so a getter cannot answer
    // differently later.
    checkOptions: function(opts, who, withSignal) {
      if (opts === undefined || opts === null) return { signal: null, result: 'number' };
      if (typeof opts !== 'object') throw new TypeError(who + ': options must be an object, got ' + WeftPromise.typeName(opts));
      var result = opts.result;
      if (result === undefined) result = 'number';
      if (result !== 'number' && result !== 'string')
        throw new TypeError(who + ": options.result must be 'number' or 'string', got " + WeftPromise.typeName(result));
      var signal = withSignal ? opts.signal : undefined;
      if (signal === undefined || signal === null) signal = null;
      else if (!(typeof AbortSignal === 'function' && signal instanceof AbortSignal))
        throw new TypeError(who + ': options.signal must be an AbortSignal, got ' + WeftPromise.typeName(signal));
      return { signal: signal, result: result };
    },
    // Checks `want` ('number' or 'string') against what the C side
    // registered as `kind` (weft_js_result: 0 number, 1 string): freeing a
    // number as a string's pointer would corrupt the C heap.
    checkResult: function(want, kind, what, name, who) {
      if ((want === 'string') === (kind === 1)) return;
      throw new TypeError(kind === 1
        ? who + ": the " + what + " '" + name + "' gives strings: pass { result: 'string' }"
        : who + ": the " + what + " '" + name + "' gives numbers: { result: 'string' } is only for " +
          (what === 'task' ? 'WEFT_JS_TASK_STRING' : 'WEFT_JS_GEN_STRING'));
    },
    typeName: function(v) {
      if (v === null) return 'null';
      if (typeof v === 'string') return 'a string';
      if (typeof v === 'number' || typeof v === 'boolean') return typeof v + ' ' + v;
      return typeof v === 'object' ? 'an object' : 'a ' + typeof v;
    },
    // signal.reason, or the platform's default AbortError.
    abortReason: function(signal) {
      var r;
      try { r = signal.reason; } catch (e) { r = undefined; }
      return r !== undefined ? r : new DOMException('This operation was aborted', 'AbortError');
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

    // Kinds: see weft_js_kind in include/weft/js.h. Never throws: it runs in
    // a promise callback, where a throw would leave C waiting forever.
    deliver: function(w, ok, value) {
      if (!w.live) return; // cancelled: the cancel hook already let go
      w.live = false;
      delete WeftPromise.watchers[w.f];
      var K = WeftJsKind, kind = K.UNDEFINED, number = 0, text = null;
      try {
        if (!ok) {
          kind = K.ERROR; text = WeftPromise.describe(value);
          // The reason itself, for the JS caller of the task that awaited it.
          var run = w.task && WeftPromise.runs[WeftPromise.byTask[w.task]];
          if (run) run.cause = { reason: value, text: text };
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
      } catch (e) {
        kind = K.ERROR; text = 'Error: the value could not be read';
      }
      var p = text === null ? 0 : WeftPromise.cstring(text);
      if (text !== null && !p) { Module['_weft_host_fail'](w.f, WeftErrors.ENOMEM); return; }
      Module['_weft__js_settle'](w.f, w.out, kind, number, p);
    },

    // A C failure as JS sees it: a WeftError with the code and its name.
    error: function(code) {
      var s = WeftPromise.strerror(code);
      var msg = s.message + ' (' + s.name + ')';
      // createWeft() passes its WeftError class, so that `instanceof` works.
      var E = Module['WeftError'];
      if (typeof E === 'function') return new E(msg, { code: code, codeName: s.name });
      var e = new Error(msg);
      e.name = 'WeftError';
      e.code = code;
      e.codeName = s.name;
      return e;
    },

    // What weft.run and weft.iterate check and copy into wasm memory before
    // anything starts: the options, the name (registered as a task or a
    // generator, `what`, whose result kind must match { result }) and the
    // argument. Throws a TypeError/RangeError for a bad one, a WeftError
    // (WEFT_EINVAL: no such name; WEFT_ENOMEM: no room for a string).
    // Returns { opts, num, namePtr, argText }: the caller frees namePtr, and
    // argText unless C took it.
    prepare: function(name, arg, opts, what, who) {
      var o = WeftPromise.checkOptions(opts, who, what === 'task');
      var nameText = WeftPromise.checkName(name, who);
      var a = WeftPromise.checkArg(arg, who);
      if (o.signal && o.signal.aborted) return { opts: o };
      var namePtr = WeftPromise.cstring(nameText);
      if (!namePtr) throw WeftPromise.error(WeftErrors.ENOMEM);
      var kind = Module[what === 'task' ? '_weft__js_task_result' : '_weft__js_gen_result'](namePtr);
      if (kind < 0) {
        _free(namePtr);
        var e = WeftPromise.error(WeftErrors.EINVAL);
        e.message = 'weft: no ' + what + " named '" + nameText + "' (register it with " +
          (what === 'task' ? 'WEFT_JS_TASK' : 'WEFT_JS_GEN') + ') (WEFT_EINVAL)';
        throw e;
      }
      try {
        WeftPromise.checkResult(o.result, kind, what, nameText, who);
      } catch (e) {
        _free(namePtr);
        throw e;
      }
      var argText = 0;
      if (a.text !== null && !(argText = WeftPromise.cstring(a.text))) {
        _free(namePtr);
        var m = WeftPromise.error(WeftErrors.ENOMEM);
        m.message = who + ': no room in wasm memory for the string arg (' + lengthBytesUTF8(a.text) + ' bytes) (WEFT_ENOMEM)';
        throw m;
      }
      return { opts: o, num: a.num, namePtr: namePtr, argText: argText };
    },

    // weft.strerror: a code must be an integer (NaN would become 0, WEFT_OK);
    // one outside int32 is unknown to C like any other unknown code.
    strerrorOf: function(code) {
      if (typeof code !== 'number' || Math.floor(code) !== code)
        throw new RangeError('weft.strerror: the code must be an integer, got ' + WeftPromise.typeName(code));
      return WeftPromise.strerror(code >= -2147483648 && code <= 2147483647 ? code : 1);
    },
    strerror: function(code) {
      return { name: UTF8ToString(Module['_weft_strerror_name'](code)), message: UTF8ToString(Module['_weft_strerror'](code)) };
    },

    // weft.run: every argument is checked before the task starts (a bad
    // one rejects with a TypeError or RangeError, a string that does not fit
    // in wasm memory with WEFT_ENOMEM), so nothing the caller passes can
    // throw later inside the loop.
    run: function(name, arg, opts) {
      return new Promise(function(resolve, reject) {
        var p = WeftPromise.prepare(name, arg, opts, 'task', 'weft.run'); // a throw here rejects
        var o = p.opts, signal = o.signal, namePtr = p.namePtr, argText = p.argText;
        if (!namePtr) { reject(WeftPromise.abortReason(signal)); return; } // aborted already
        var id = WeftPromise.nextRun++;
        var run = { resolve: resolve, reject: reject, task: 0, signal: signal, onAbort: null,
                    result: o.result, aborted: false, reason: undefined, cause: null };
        if (signal) {
          run.onAbort = function() {
            if (!run.task || run.aborted) return;
            run.aborted = true;
            run.reason = WeftPromise.abortReason(signal);
            Module['_weft__js_cancel'](run.task);
          };
          try {
            signal.addEventListener('abort', run.onAbort, { once: true });
          } catch (e) {
            _free(namePtr);
            if (argText) _free(argText);
            throw e;
          }
        }
        WeftPromise.runs[id] = run;
        var task = Module['_weft__js_start'](namePtr, p.num, argText, id); // frees argText if it fails
        _free(namePtr);
        if (!task) {
          delete WeftPromise.runs[id];
          WeftPromise.unlisten(run);
          reject(WeftPromise.error(WeftErrors.ENOMEM));
          return;
        }
        run.task = task;
        WeftPromise.byTask[task] = id;
      });
    },
    unlisten: function(run) {
      if (!run.signal || !run.onAbort) return;
      try { run.signal.removeEventListener('abort', run.onAbort); } catch (e) { /* nothing to undo */ }
    },
  },

  // C: weft_js_promise. Returns 0 for an unknown or used handle.
  weft_js_promise_watch__deps: ['$WeftPromise', 'malloc', 'free'],
  weft_js_promise_watch: function(f, handle, out, task) {
    var rec = WeftPromise.promises[handle];
    if (!rec) return 0;
    delete WeftPromise.promises[handle];
    var w = { f: f, out: out, live: true, task: task };
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
    if (run.task) delete WeftPromise.byTask[run.task];
    run.task = 0;
    WeftPromise.unlisten(run); // never throws: this runs inside the loop
    if (status === 0) {
      if (run.result === 'string') {
        var s = value ? UTF8ToString(value) : null;
        if (value) _free(value);
        run.resolve(s);
      } else {
        run.resolve(value);
      }
    } else if (run.aborted && status === WeftErrors.ECANCELED) {
      run.reject(run.reason); // as fetch does: the signal's reason
    } else {
      var e = WeftPromise.error(status);
      if (status === WeftErrors.EJS && run.cause) {
        // The rejection the task awaited, named in the message, kept as the cause.
        e.message += ': ' + run.cause.text;
        e.cause = run.cause.reason;
      }
      run.reject(e);
    }
  },

  $WeftPromiseApi__deps: ['$WeftPromise'],
  $WeftPromiseApi__postset:
    "Module['weftHandle'] = function(p) { return WeftPromise.handle(p); };\n" +
    "Module['weftRun'] = function(name, arg, opts) { return WeftPromise.run(name, arg, opts); };\n" +
    "Module['weftLoopNow'] = function() { return Module['_weft__js_loop_now'](); };\n" +
    "Module['weftStrerror'] = function(code) { return WeftPromise.strerrorOf(code); };",
  $WeftPromiseApi: {},
});

// Make sure every program carries the API, whether or not its C code calls
// into this library.
DEFAULT_LIBRARY_FUNCS_TO_INCLUDE.push('$WeftPromiseApi');
