// The host side of weft_fetch (src/host/fetch.c): the host's own fetch, a
// way to abort each request (an AbortController's signal, or in Node
// undici's own abort function: see globalDispatcher), and the body read one
// chunk per C request (back-pressure: nothing is read ahead of what C asked
// for, except a body of known size up to wholeMax, taken whole: see
// prefetch). Every step ends by completing its host future exactly once; a
// chunk that arrives for a step C no longer waits for (cancelled meanwhile)
// is freed here.

mergeInto(LibraryManager.library, {
  // Error codes come from library_constants.js (include/weft/errors.h).
  $WeftFetch__deps: ['$WeftErrors'],
  $WeftFetch: {
    // id -> the request's record (weft_js_fetch_new). In Node it is also
    // the request's undici dispatcher (dispatch, global): one object less
    // per request. A Map (made by the postset: this object is compiled as
    // text, and a Map literal here would come out as {}).
    reqs: null,
    next: 1,
    // Bodies of a known size up to this are read whole at once (prefetch):
    // about one network read, so a streaming reader loses no progress.
    wholeMax: 64 << 10,
    // Whether Node's fetch is undici 5 or 6 (see globalDispatcher); set on first use.
    undici: undefined,

    // Node's global dispatcher when requests can be aborted through it,
    // else null. Node's fetch follows a caller's AbortSignal with a
    // listener, a WeakRef and a finalizer per request, about 7 % of the CPU
    // of a small request (docs/fetch.md). Its `dispatcher` option (undici's)
    // instead hands each request to the dispatcher with fetch's own handler,
    // which keeps undici's abort function in handler.abort once connected
    // (undici 5 and 6); calling it ends the request as the signal would.
    // Null in browsers, with other undici majors, before Node's first fetch
    // has made its global dispatcher, and for requests with a timeout (the
    // timer must end a request that is still connecting): those carry a
    // signal.
    globalDispatcher: function() {
      if (WeftFetch.undici === undefined) {
        var v = typeof process === 'object' && process && process.versions && process.versions.undici;
        WeftFetch.undici = /^[56]\./.test(v || '');
      }
      if (!WeftFetch.undici) return null;
      var d = globalThis[Symbol.for('undici.globalDispatcher.1')];
      return d && typeof d.dispatch === 'function' ? d : null;
    },
    // dispatcher.dispatch of a request record (the `dispatcher` option of
    // fetch), called by undici with `this` the record: forwards to Node's
    // global dispatcher (req.global) and keeps fetch's handler for
    // WeftFetch.abort. One shared function, no closure per request. The
    // handler is left as undici made it: changing its shape on every request
    // slowed undici's own code down.
    dispatch: function(opts, handler) {
      var req = this;
      if (req.aborted) { // aborted before undici dispatched it
        handler.onError(WeftFetch.abortError());
        return true;
      }
      if (typeof handler.onConnect === 'function' && 'abort' in handler) req.handler = handler;
      else WeftFetch.undici = false; // not the handler this was written for: later requests carry signals
      return this.global.dispatch(opts, handler);
    },
    abortError: function() {
      return new DOMException('This operation was aborted', 'AbortError');
    },
    // Aborts request `req`: its pending fetch or read rejects, which
    // completes the step waiting on it.
    abort: function(req) {
      if (req.controller) { req.controller.abort(); return; }
      if (req.aborted) return;
      req.aborted = true;
      var handler = req.handler;
      if (handler && typeof handler.abort === 'function') { handler.abort(WeftFetch.abortError()); return; }
      // Not connected yet: aborted once it is (or failed by dispatch if not
      // dispatched yet), which may take a whole connection attempt, so the
      // headers step ends now.
      if (handler) {
        var onConnect = handler.onConnect;
        handler.onConnect = function(abort, context) {
          var rv = onConnect.call(this, abort, context);
          abort(WeftFetch.abortError());
          return rv;
        };
      }
      var fut = req.startFut;
      req.startFut = 0;
      if (fut) WeftFetch.fail(fut, req, WeftErrors.ECANCELED, 'request aborted: ' + req.href);
    },
    // Maps a rejected fetch or read to a weft code, and records a message.
    classify: function(req, url, e) {
      var C = WeftErrors;
      if (req.aborted || (e && e.name === 'AbortError')) {
        req.message = req.timedOut ? 'no response within ' + req.timeoutMs + ' ms: ' + url.href
                                   : 'request aborted: ' + url.href;
        return req.timedOut ? C.ETIMEDOUT : C.ECANCELED;
      }
      var cause = e && e.cause;
      var code = cause && (cause.code || (cause.errors && cause.errors[0] && cause.errors[0].code));
      req.message = String(e && e.message || e) + (cause ? ' (' + (cause.message || code) + ')' : '') + ': ' + url.href;
      if (code === 'ECONNREFUSED') return C.ECONNREFUSED;
      if (code) return C.ENETWORK; // ENOTFOUND, EAI_AGAIN, ECONNRESET, UND_ERR_SOCKET, …
      // Browsers say only "TypeError: Failed to fetch" (no cause); a
      // cross-origin request failing that way is most likely CORS.
      if (e instanceof TypeError && typeof location === 'object' && location && location.origin &&
          url.origin !== location.origin) {
        req.message = 'cross-origin request refused (CORS?): ' + url.href + ' from ' + location.origin;
        return C.ECORS;
      }
      return C.ENETWORK;
    },

    // The last URL C passed: its bytes, its text, the page's URL it was
    // resolved against (none in Node) and the URL (null: invalid). Most
    // programs fetch from few URLs, and decoding and parsing one cost more
    // than the rest of weft_js_fetch_start's own work.
    last: { bytes: null, base: undefined, text: '', url: null },
    // The NUL-terminated URL at ptr, resolved: WeftFetch.last, brought up to
    // date. The same bytes against the same page give it again as it was
    // (its URL is shared: never changed).
    urlAt: function(ptr) {
      var base = typeof location === 'object' && location && location.href ? location.href : undefined;
      ptr >>>= 0; // wasm memory can pass 2 GiB: pointers are unsigned here
      var end = ptr;
      while (HEAPU8[end]) end++;
      var last = WeftFetch.last, n = end - ptr, i = 0;
      if (last.bytes && last.bytes.length === n && last.base === base) {
        while (i < n && HEAPU8[ptr + i] === last.bytes[i]) i++;
        if (i === n) return last;
      }
      var text = UTF8ToString(ptr, n), url = null;
      try {
        url = new URL(text, base);
      } catch (e) {
        // invalid: url stays null
      }
      return (WeftFetch.last = { bytes: HEAPU8.slice(ptr, end), base: base, text: text, url: url });
    },

    // The request's idle timeout, from now. setTimeout takes at most
    // 2^31 - 1 ms (a longer delay fires at once): a longer timeout waits in
    // steps, re-armed until its deadline.
    timerMax: 2147483647,
    armTimeout: function(req) {
      if (!(req.timeoutMs > 0)) return;
      WeftFetch.clearTimeout(req);
      WeftFetch.armUntil(req, Date.now() + req.timeoutMs, req.timeoutMs);
    },
    armUntil: function(req, deadline, left) {
      req.timer = setTimeout(function() {
        var now = Date.now();
        if (now < deadline) { WeftFetch.armUntil(req, deadline, deadline - now); return; }
        req.timer = null;
        req.timedOut = true;
        WeftFetch.abort(req);
      }, Math.min(Math.ceil(left), WeftFetch.timerMax));
    },
    clearTimeout: function(req) {
      if (req.timer) { clearTimeout(req.timer); req.timer = null; }
    },
    // A small body of known size is taken whole as soon as the headers are
    // in, the moment JS code would call arrayBuffer(): left unread until the
    // task asks, it made Node's fetch pause and resume the stream, the
    // largest of weft's own costs per small request. At most wholeMax bytes
    // are read ahead; larger or unsized bodies wait for C (back-pressure).
    prefetch: function(req) {
      var r = req.response;
      var declared = r.body ? r.headers.get('content-length') : null;
      if (declared === null || !(Number(declared) <= WeftFetch.wholeMax)) return;
      // A Content-Length counts the encoded bytes: 2 KB of gzip can decode
      // to gigabytes, which arrayBuffer() would hold in JS at once. Encoded
      // bodies are read chunk by chunk, as C asks (back-pressure).
      var encoding = r.headers.get('content-encoding');
      if (encoding !== null && !/^\s*(identity)?\s*$/i.test(encoding)) return;
      // fut and ok: the step that took it (takeWhole), once one has.
      var whole = req.whole = { bytes: null, error: null, fut: 0, ok: null };
      r.arrayBuffer().then(function(buf) {
        whole.bytes = new Uint8Array(buf);
        req.finished = true; // nothing left to abort
        if (whole.fut) WeftFetch.settleWhole(req, whole);
      }, function(e) {
        whole.error = e || new Error('the body failed');
        if (whole.fut) WeftFetch.settleWhole(req, whole);
      });
    },
    // Step `fut` takes the prefetched body, once: ok(fut, req, bytes), or
    // the step fails, within the request's timeout. A body in already comes
    // this way only when empty or failed (weft_js_fetch_take hands over the
    // rest without a step), and completes the step at once. Afterwards the
    // response's stream is locked by arrayBuffer() (getReader would throw):
    // req.drained makes a later read find the end instead.
    takeWhole: function(req, fut, ok) {
      var whole = req.whole;
      req.whole = null;
      req.drained = true;
      whole.fut = fut;
      whole.ok = ok;
      if (whole.bytes || whole.error) WeftFetch.settleWhole(req, whole);
      else WeftFetch.armTimeout(req);
    },
    settleWhole: function(req, whole) {
      WeftFetch.clearTimeout(req);
      if (whole.error) WeftFetch.failRead(whole.fut, req, whole.error);
      else whole.ok(whole.fut, req, whole.bytes);
    },
    // A malloc'd copy of `bytes` with room for a NUL after them, or 0 when
    // wasm memory is full.
    copyIn: function(bytes) {
      var ptr = _malloc(bytes.length + 1) >>> 0;
      if (ptr) HEAPU8.set(bytes, ptr);
      return ptr;
    },
    // Copies `chunk` into malloc'd memory and completes read step `fut` with it.
    deliver: function(fut, req, chunk) {
      var ptr = WeftFetch.copyIn(chunk);
      if (!ptr) {
        WeftFetch.abort(req);
        WeftFetch.fail(fut, req, WeftErrors.ENOMEM, 'out of memory for a ' + chunk.length + '-byte chunk');
        return;
      }
      req.chunkLen = chunk.length;
      // Nonzero: the step was cancelled meanwhile and C will never see ptr.
      if (Module['_weft_host_resolve'](fut, ptr) !== 0) _free(ptr);
    },
    // At most chunkMax bytes of `bytes` for read step `fut`; the rest waits
    // in req.rest.
    chunkMax: 64 << 10,
    deliverPart: function(fut, req, bytes) {
      var max = WeftFetch.chunkMax;
      req.rest = bytes.length > max ? bytes.subarray(max) : null;
      WeftFetch.deliver(fut, req, bytes.length > max ? bytes.subarray(0, max) : bytes);
    },
    // req.reader, made on first use (null: no body). getReader throws on a
    // locked or disturbed stream: that fails step `fut` (returns false)
    // instead of throwing into the C call, which would kill the module.
    openReader: function(fut, req) {
      if (req.reader || !req.response.body) return true;
      try {
        req.reader = req.response.body.getReader();
        return true;
      } catch (e) {
        WeftFetch.failRead(fut, req, e);
        return false;
      }
    },
    // One chunk for read step `fut`, or the end when `bytes` is empty.
    deliverOrEnd: function(fut, req, bytes) {
      if (bytes.length) WeftFetch.deliver(fut, req, bytes);
      else Module['_weft_host_resolve'](fut, 0);
    },
    // Completes whole-body step `fut` with a malloc'd copy of `bytes`.
    deliverWhole: function(fut, req, bytes) {
      var ptr = WeftFetch.copyIn(bytes);
      if (!ptr) {
        WeftFetch.abort(req);
        WeftFetch.fail(fut, req, WeftErrors.ENOMEM, 'the body does not fit in memory (' + bytes.length +
          ' bytes read, no room for a ' + (bytes.length + 1) + '-byte buffer): read it chunk by chunk with weft_response_read');
        return;
      }
      WeftFetch.resolveWhole(fut, req, ptr, bytes.length);
    },
    // The n bytes at ptr (room for n + 1) are the rest of the body, which
    // C is handed: NUL-terminated, their length in chunkLen.
    sealWhole: function(req, ptr, n) {
      HEAPU8[(ptr >>> 0) + n] = 0;
      req.finished = true;
      req.chunkLen = n;
    },
    // Completes whole-body step `fut` with the n bytes at ptr (sealWhole):
    // C owns them, unless the step was cancelled meanwhile.
    resolveWhole: function(fut, req, ptr, n) {
      WeftFetch.sealWhole(req, ptr, n);
      if (Module['_weft_host_resolve'](fut, ptr) !== 0) _free(ptr);
    },
    failRead: function(fut, req, e) {
      WeftFetch.clearTimeout(req);
      Module['_weft_host_fail'](fut, WeftFetch.classify(req, new URL(req.response.url || req.href || 'about:blank'), e));
    },
    fail: function(fut, req, code, message) {
      req.message = message;
      Module['_weft_host_fail'](fut, code);
    },
  },

  $WeftFetch__postset: 'WeftFetch.reqs = new Map();',

  // A new request (not started yet): its id names it in every other call.
  weft_js_fetch_new__deps: ['$WeftFetch'],
  weft_js_fetch_new: function(timeoutMs) {
    var id = WeftFetch.next++;
    // controller: the AbortController, unless undici's abort is used
    // (handler, once dispatched); startFut: the headers step until it
    // completes; whole: the prefetched body (prefetch).
    WeftFetch.reqs.set(id, { href: '', controller: null, handler: null, aborted: false, startFut: 0, response: null,
                             reader: null, chunkLen: 0, timer: null, timedOut: false, timeoutMs: timeoutMs, message: '',
                             finished: false, whole: null, drained: false, rest: null, global: null,
                             dispatch: WeftFetch.dispatch });
    return id;
  },

  // Starts request `id`; completes `fut` with the status when the headers
  // are in. A null method means GET, null headers none.
  weft_js_fetch_start__deps: ['$WeftFetch'],
  weft_js_fetch_start: function(fut, id, urlPtr, methodPtr, headersPtr, bodyPtr, bodyLen) {
    var req = WeftFetch.reqs.get(id);
    var at = WeftFetch.urlAt(urlPtr), url = at.url, request, init;
    if (!url) {
      WeftFetch.fail(fut, req, WeftErrors.EURL, 'invalid URL: ' + JSON.stringify(at.text));
      return;
    }
    req.href = url.href;
    if (!methodPtr && !headersPtr && !(bodyPtr && bodyLen)) {
      // Nothing that Request could refuse (the URL parsed above): fetch
      // builds its own Request, and building one here too costs a second.
      request = url.href;
    } else {
      init = { method: methodPtr ? UTF8ToString(methodPtr) : 'GET', headers: [] };
      if (headersPtr) UTF8ToString(headersPtr).split('\n').forEach(function(line) {
        var i = line.indexOf(':');
        if (i > 0) init.headers.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
      });
      if (bodyPtr && bodyLen) init.body = HEAPU8.slice(bodyPtr >>> 0, (bodyPtr >>> 0) + bodyLen);
      try {
        request = new Request(url.href, init); // a bad method or header throws here
      } catch (e) {
        WeftFetch.fail(fut, req, WeftErrors.EINVAL, String(e && e.message || e));
        return;
      }
    }
    // The init holds only what aborts the request: an empty header list or
    // the default method would cost Node's fetch a conversion each.
    var global = req.timeoutMs > 0 ? null : WeftFetch.globalDispatcher();
    if (global) {
      req.global = global;
      init = { dispatcher: req };
    } else {
      init = { signal: (req.controller = new AbortController()).signal };
    }
    req.startFut = fut;
    WeftFetch.armTimeout(req);
    var started;
    try {
      started = fetch(request, init);
    } catch (e) {
      started = Promise.reject(e);
    }
    started.then(function(response) {
      WeftFetch.clearTimeout(req);
      if (!req.startFut) { // aborted while it connected (WeftFetch.abort)
        if (response.body) response.body.cancel().catch(function() {});
        return;
      }
      req.startFut = 0;
      req.response = response;
      try {
        WeftFetch.prefetch(req);
      } catch (e) {
        req.whole = null; // read as C asks instead
      }
      Module['_weft_host_resolve'](fut, response.status);
    }, function(e) {
      WeftFetch.clearTimeout(req);
      if (!req.startFut) return;
      req.startFut = 0;
      Module['_weft_host_fail'](fut, WeftFetch.classify(req, url, e));
    });
  },

  // "status text\nurl\nname: value\n…" in a malloc'd string C frees.
  weft_js_fetch_meta: function(id) {
    var r = WeftFetch.reqs.get(id).response;
    var text = r.statusText + '\n' + r.url + '\n';
    r.headers.forEach(function(value, name) { text += name + ': ' + value.replace(/\n/g, ' ') + '\n'; });
    var len = lengthBytesUTF8(text) + 1;
    var ptr = _malloc(len);
    if (ptr) stringToUTF8(text, ptr, len);
    return ptr;
  },

  // Resolves `fut` with a malloc'd chunk (its length: weft_js_fetch_chunk_len),
  // or with 0 at the end of the body. A chunk is at most chunkMax bytes: a
  // larger piece from the host's stream (a decoded one can be any size) is
  // handed over in parts, the rest kept for the next reads.
  weft_js_fetch_read: function(fut, id) {
    var req = WeftFetch.reqs.get(id);
    if (req.whole) { // taken whole (prefetch): one chunk, then the end
      WeftFetch.takeWhole(req, fut, WeftFetch.deliverOrEnd);
      return;
    }
    if (req.rest) { WeftFetch.deliverPart(fut, req, req.rest); return; }
    if (req.drained) { Module['_weft_host_resolve'](fut, 0); return; } // its one chunk was taken
    if (!WeftFetch.openReader(fut, req)) return;
    if (!req.reader) { req.finished = true; Module['_weft_host_resolve'](fut, 0); return; }
    WeftFetch.armTimeout(req);
    req.reader.read().then(function(step) {
      WeftFetch.clearTimeout(req);
      if (step.done) { req.finished = true; Module['_weft_host_resolve'](fut, 0); return; }
      WeftFetch.deliverPart(fut, req, step.value);
    }, function(e) { WeftFetch.failRead(fut, req, e); });
  },

  // Reads the rest of the body into one malloc'd, NUL-terminated buffer
  // (its length: weft_js_fetch_chunk_len) and resolves `fut` with it: one
  // host future per body instead of one per chunk and one for the end. The
  // buffer grows in wasm memory as chunks arrive, so a body too large for it
  // fails (ENOMEM) and aborts once the memory is full, not after the host
  // has buffered all of it.
  weft_js_fetch_read_all__deps: ['$WeftFetch', 'malloc', 'free', 'realloc'],
  weft_js_fetch_read_all: function(fut, id) {
    var req = WeftFetch.reqs.get(id);
    if (req.whole) { // taken whole (prefetch)
      WeftFetch.takeWhole(req, fut, WeftFetch.deliverWhole);
      return;
    }
    var ptr = 0, cap = 0, n = 0;
    var grow = function(need, what) {
      if (need <= cap) return true;
      var ncap = cap ? cap : 256;
      while (ncap < need) ncap *= 2;
      var np = _realloc(ptr, ncap);
      if (!np) {
        WeftFetch.abort(req);
        WeftFetch.fail(fut, req, WeftErrors.ENOMEM, 'the body does not fit in memory (' + (what || n + ' bytes read') +
          ', no room for a ' + ncap + '-byte buffer): read it chunk by chunk with weft_response_read');
        return false;
      }
      ptr = np;
      cap = ncap;
      return true;
    };
    var finish = function() {
      if (!grow(n + 1)) { _free(ptr); return; }
      WeftFetch.resolveWhole(fut, req, ptr, n);
    };
    var failed = function(e) {
      _free(ptr);
      WeftFetch.failRead(fut, req, e);
    };
    if (req.rest) { // what a read left of the host's last piece
      var rest = req.rest;
      req.rest = null;
      if (!grow(rest.length + 1)) return;
      HEAPU8.set(rest, ptr >>> 0);
      n = rest.length;
    }
    if (req.drained) { finish(); return; } // its one chunk was taken
    if (!req.reader) {
      if (!req.response.body) { finish(); return; }
      var declared = req.response.headers.get('content-length');
      var length = declared === null ? -1 : Number(declared);
      // A Content-Length sizes the buffer only for an identity body: an
      // encoded one's counts its encoded bytes.
      var encoding = req.response.headers.get('content-encoding');
      if (encoding === null && length > 0 && length < 0x10000000 && !grow(length + 1, 'Content-Length ' + length)) return;
      if (!WeftFetch.openReader(fut, req)) { _free(ptr); return; }
    }
    var step = function() {
      WeftFetch.armTimeout(req);
      req.reader.read().then(function(r) {
        WeftFetch.clearTimeout(req);
        if (r.done) { finish(); return; }
        if (!grow(n + r.value.length + 1)) { _free(ptr); return; }
        HEAPU8.set(r.value, (ptr >>> 0) + n);
        n += r.value.length;
        step();
      }, failed);
    };
    step();
  },

  // The prefetched body (prefetch), when it is in already and not empty:
  // a malloc'd, NUL-terminated copy C owns (its length:
  // weft_js_fetch_chunk_len), for a read step or a whole-body step alike.
  // Else 0, and the step waits through weft_js_fetch_read or _read_all,
  // which deliver an empty body as such and report a failure (a malloc
  // failing here too).
  weft_js_fetch_take__deps: ['$WeftFetch', 'malloc'],
  weft_js_fetch_take: function(id) {
    var req = WeftFetch.reqs.get(id), whole = req.whole;
    if (!whole || !whole.bytes || !whole.bytes.length) return 0;
    var ptr = WeftFetch.copyIn(whole.bytes);
    if (!ptr) return 0;
    req.whole = null;
    req.drained = true;
    WeftFetch.sealWhole(req, ptr, whole.bytes.length);
    return ptr;
  },

  weft_js_fetch_chunk_len: function(id) {
    return WeftFetch.reqs.get(id).chunkLen;
  },

  // The message of request `id`'s failure, copied into buf (size bytes).
  weft_js_fetch_message: function(id, buf, size) {
    var req = WeftFetch.reqs.get(id);
    stringToUTF8(req && req.message || '', buf, size);
  },

  // The cancel hook of a step: aborts the whole request (its pending fetch
  // or read then rejects, which completes the step).
  weft_js_fetch_abort: function(id) {
    var req = WeftFetch.reqs.get(id);
    if (req) WeftFetch.abort(req);
  },

  // The C side is done with request `id`: abort what is left and forget it.
  // A request whose body was read to its end has nothing left: aborting it
  // anyway costs a DOMException and undici's abort path per request, a
  // third of the time of many small fetches.
  weft_js_fetch_close: function(id) {
    var req = WeftFetch.reqs.get(id);
    if (!req) return;
    WeftFetch.clearTimeout(req);
    if (!req.finished) WeftFetch.abort(req);
    WeftFetch.reqs.delete(id);
  },
});
