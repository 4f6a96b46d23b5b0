// The host side of weft's async iterators across the JS boundary
// (src/host/js_iter.c, include/weft/js.h):
//   Module.weftIterate(name, arg, opts) -> an AsyncIterator over the C
//                                          generator registered as `name`
//   Module.weftIterHandle(iterable)     -> integer handle for weft_js_iter

mergeInto(LibraryManager.library, {
  $WeftIter__deps: ['$WeftPromise', '$WeftErrors'],
  $WeftIter: {
    // Plain objects only: Emscripten serialises this object into the output.
    iters: {}, // handle -> { it, seq, live } for weft_js_iter
    nextHandle: 1,

    // A C call reported through weft_js_task_done, as a Promise.
    call: function(jg, close, result) {
      return new Promise(function(resolve, reject) {
        var id = WeftPromise.nextRun++;
        WeftPromise.runs[id] = { resolve: resolve, reject: reject, task: 0, signal: null, onAbort: null,
                                 result: result, aborted: false, reason: undefined, cause: null };
        if (Module['_weft__js_gen_call'](jg, close, id) !== 0) {
          delete WeftPromise.runs[id];
          reject(WeftPromise.error(WeftErrors.ENOMEM));
        }
      });
    },

    // weft.iterate: arguments checked as weft.run checks them (TypeError,
    // RangeError, WEFT_ENOMEM), before the generator is created.
    iterate: function(name, arg, opts) {
      var p = WeftPromise.prepare(name, arg, opts, 'generator', 'weft.iterate');
      var o = p.opts, namePtr = p.namePtr, argText = p.argText;
      var jg = Module['_weft__js_gen_open'](namePtr, p.num, argText); // frees argText if it fails
      _free(namePtr);
      if (!jg) throw WeftPromise.error(WeftErrors.ENOMEM);
      var result = o.result;
      var freed = false;
      var chain = Promise.resolve();
      // Frees the C generator once (closing it first if it is suspended).
      var release = function() {
        if (freed) return Promise.resolve();
        freed = true;
        return WeftIter.call(jg, 1, 'number');
      };
      var iterator = {
        // next() calls made before the previous one settled wait their turn,
        // so C never sees two anext at once.
        next: function() {
          var p = chain.then(function() {
            if (freed) return { done: true, value: undefined };
            return WeftIter.call(jg, 0, result).then(function(v) { return { done: false, value: v }; },
              function(e) {
                // The end (WEFT_EDONE) or the generator's error: free it.
                return release().then(function() {
                  if (e.code === WeftErrors.EDONE) return { done: true, value: undefined };
                  throw e;
                }, function() { if (e.code === WeftErrors.EDONE) return { done: true, value: undefined }; throw e; });
              });
          });
          chain = p.then(function() {}, function() {});
          return p;
        },
        // Called by for await on break / throw: closes the generator.
        'return': function(value) {
          var p = chain.then(function() { return release(); }).then(function() { return { done: true, value: value }; });
          chain = p.then(function() {}, function() {});
          return p;
        },
      };
      iterator[Symbol.asyncIterator] = function() { return iterator; };
      return iterator;
    },

    handle: function(iterable) {
      var it;
      if (iterable && typeof iterable[Symbol.asyncIterator] === 'function') it = iterable[Symbol.asyncIterator]();
      else if (iterable && typeof iterable[Symbol.iterator] === 'function') it = iterable[Symbol.iterator]();
      else if (iterable && typeof iterable.next === 'function') it = iterable;
      else throw new TypeError('weft.iterHandle: expected an async iterable or an iterable');
      var h = WeftIter.nextHandle++;
      WeftIter.iters[h] = { it: it, seq: 0, live: true };
      return h;
    },
  },

  // C: the next value of the JS iterator `handle`, as a promise handle (0 for
  // an unknown or closed handle). `done` is set to 1 for the end before the
  // promise settles, if this call (numbered `seq`) is still the current one.
  weft_js_iter_next__deps: ['$WeftIter', '$WeftPromise'],
  weft_js_iter_next: function(handle, done, seq) {
    var rec = WeftIter.iters[handle];
    if (!rec || !rec.live) return 0;
    rec.seq = seq;
    var p = Promise.resolve().then(function() { return rec.it.next(); }).then(function(r) {
      if (r === null || typeof r !== 'object') throw new TypeError('iterator result is not an object');
      if (r.done) {
        if (rec.live && rec.seq === seq) HEAP32[done >>> 2] = 1;
        rec.live = false;
        delete WeftIter.iters[handle];
        return null;
      }
      return r.value;
    });
    return WeftPromise.handle(p);
  },

  // C: closes the JS iterator (its return(), if any). Returns a promise
  // handle for it when `wantPromise`, else 0.
  weft_js_iter_close__deps: ['$WeftIter', '$WeftPromise'],
  weft_js_iter_close: function(handle, wantPromise) {
    var rec = WeftIter.iters[handle];
    var p = Promise.resolve();
    if (rec) {
      rec.live = false;
      delete WeftIter.iters[handle];
      // Looked up in a promise callback: a getter that throws must not throw
      // into the C call that closes the iterator.
      p = Promise.resolve().then(function() {
        var ret = rec.it['return'];
        if (typeof ret === 'function') return ret.call(rec.it);
      });
    }
    if (!wantPromise) { p.catch(function() {}); return 0; }
    return WeftPromise.handle(p.then(function() { return null; }));
  },

  $WeftIterApi__deps: ['$WeftIter'],
  $WeftIterApi__postset:
    "Module['weftIterate'] = function(name, arg, opts) { return WeftIter.iterate(name, arg, opts); };\n" +
    "Module['weftIterHandle'] = function(iterable) { return WeftIter.handle(iterable); };",
  $WeftIterApi: {},
});

DEFAULT_LIBRARY_FUNCS_TO_INCLUDE.push('$WeftIterApi');
