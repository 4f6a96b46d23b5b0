// The host side of weft_fetch (src/host/fetch.c): the host's own fetch, one
// AbortController per request, and the body read one chunk per C request
// (back-pressure: nothing is read ahead of what C asked for). Every step
// ends by completing its host future exactly once.

mergeInto(LibraryManager.library, {
  $WeftFetch: {
    reqs: {},   // id -> { controller, response, reader, chunkLen, timer, timedOut, closed }
    next: 1,
    codes: { EURL: -15, ECONNREFUSED: -16, ENETWORK: -17, ECORS: -18, ETIMEDOUT: -2, ECANCELED: -1 },

    // Maps a rejected fetch or read to a weft code.
    classify: function(req, url, e) {
      var C = WeftFetch.codes;
      if (e && e.name === 'AbortError') return req.timedOut ? C.ETIMEDOUT : C.ECANCELED;
      var cause = e && e.cause;
      var code = cause && (cause.code || (cause.errors && cause.errors[0] && cause.errors[0].code));
      if (code === 'ECONNREFUSED') return C.ECONNREFUSED;
      if (code) return C.ENETWORK; // ENOTFOUND, EAI_AGAIN, ECONNRESET, …
      // Browsers say only "TypeError: Failed to fetch"; a cross-origin
      // request failing that way is most likely CORS.
      if (typeof location === 'object' && location.origin && url.origin !== location.origin) return C.ECORS;
      return C.ENETWORK;
    },

    armTimeout: function(req) {
      if (!(req.timeoutMs > 0)) return;
      if (req.timer) clearTimeout(req.timer);
      req.timer = setTimeout(function() { req.timedOut = true; req.controller.abort(); }, req.timeoutMs);
    },
    clearTimeout: function(req) {
      if (req.timer) { clearTimeout(req.timer); req.timer = null; }
    },
  },

  weft_js_fetch_start__deps: ['$WeftFetch'],
  weft_js_fetch_start: function(fut, urlPtr, methodPtr, headersPtr, bodyPtr, bodyLen, timeoutMs) {
    var id = WeftFetch.next++;
    var req = { controller: null, response: null, reader: null, chunkLen: 0, timer: null, timedOut: false,
                timeoutMs: timeoutMs, closed: false };
    WeftFetch.reqs[id] = req;
    var url;
    try {
      var base = typeof location === 'object' && location.href ? location.href : undefined;
      url = new URL(UTF8ToString(urlPtr), base);
    } catch (e) {
      Module['_weft_host_fail'](fut, WeftFetch.codes.EURL);
      return id;
    }
    var init = { method: UTF8ToString(methodPtr), headers: {} };
    UTF8ToString(headersPtr).split('\n').forEach(function(line) {
      var i = line.indexOf(':');
      if (i > 0) init.headers[line.slice(0, i).trim()] = line.slice(i + 1).trim();
    });
    if (bodyPtr && bodyLen) init.body = HEAPU8.slice(bodyPtr, bodyPtr + bodyLen);
    req.controller = new AbortController();
    init.signal = req.controller.signal;
    WeftFetch.armTimeout(req);
    var started;
    try {
      started = fetch(url.href, init);
    } catch (e) {
      started = Promise.reject(e);
    }
    started.then(function(response) {
      WeftFetch.clearTimeout(req);
      req.response = response;
      Module['_weft_host_resolve'](fut, 0);
    }, function(e) {
      WeftFetch.clearTimeout(req);
      Module['_weft_host_fail'](fut, WeftFetch.classify(req, url, e));
    });
    return id;
  },

  weft_js_fetch_status: function(id) {
    var req = WeftFetch.reqs[id];
    return req && req.response ? req.response.status : 0;
  },

  // "status text\nurl\nname: value\n…" in a malloc'd string C frees.
  weft_js_fetch_meta: function(id) {
    var r = WeftFetch.reqs[id].response;
    var text = r.statusText + '\n' + r.url + '\n';
    r.headers.forEach(function(value, name) { text += name + ': ' + value.replace(/\n/g, ' ') + '\n'; });
    var len = lengthBytesUTF8(text) + 1;
    var ptr = _malloc(len);
    if (ptr) stringToUTF8(text, ptr, len);
    return ptr;
  },

  // Resolves `fut` with a malloc'd chunk (its length: weft_js_fetch_chunk_len),
  // or with 0 at the end of the body.
  weft_js_fetch_read: function(fut, id) {
    var req = WeftFetch.reqs[id];
    if (!req || req.closed || !req.response) { Module['_weft_host_fail'](fut, WeftFetch.codes.ECANCELED); return; }
    if (!req.reader) {
      if (!req.response.body) { Module['_weft_host_resolve'](fut, 0); return; }
      req.reader = req.response.body.getReader();
    }
    WeftFetch.armTimeout(req);
    req.reader.read().then(function(step) {
      WeftFetch.clearTimeout(req);
      if (step.done) { Module['_weft_host_resolve'](fut, 0); return; }
      var chunk = step.value;
      var ptr = _malloc(chunk.length || 1);
      if (!ptr) { req.controller.abort(); Module['_weft_host_fail'](fut, -4 /* WEFT_ENOMEM */); return; }
      HEAPU8.set(chunk, ptr);
      req.chunkLen = chunk.length;
      Module['_weft_host_resolve'](fut, ptr);
    }, function(e) {
      WeftFetch.clearTimeout(req);
      Module['_weft_host_fail'](fut, WeftFetch.classify(req, new URL(req.response.url || 'about:blank'), e));
    });
  },

  weft_js_fetch_chunk_len: function(id) {
    var req = WeftFetch.reqs[id];
    return req ? req.chunkLen : 0;
  },

  weft_js_fetch_abort: function(id) {
    var req = WeftFetch.reqs[id];
    if (req && req.controller) req.controller.abort();
  },

  // The C response is gone: abort what is left of the body and forget it.
  weft_js_fetch_close: function(id) {
    var req = WeftFetch.reqs[id];
    if (!req) return;
    req.closed = true;
    WeftFetch.clearTimeout(req);
    if (req.controller) req.controller.abort();
    delete WeftFetch.reqs[id];
  },
});
