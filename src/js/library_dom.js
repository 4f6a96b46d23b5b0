// The host side of weft/dom.h (src/host/dom.c): animation frames, idle
// periods and DOM events. A frame or idle wait keeps its host callback's id
// under its future (waits), so that the cancel hook can take it back; an
// event listener is a record (listeners) whose events queue, bounded,
// until C takes them (weft_js_dom_take).

mergeInto(LibraryManager.library, {
  $WeftDom__deps: ['$WeftErrors'],
  $WeftDom: {
    waits: null,     // future -> { cancel: function, value: number } (a Map, made by the postset)
    listeners: null, // id -> record
    next: 1,
    // What Node and other hosts without requestIdleCallback report as the
    // time left (dom.h).
    IDLE_MS: 50,
    now: function() {
      return typeof performance === 'object' && performance ? performance.now() : Date.now();
    },
    // Completes wait `fut` with its value, once.
    done: function(fut, value) {
      var w = WeftDom.waits.get(fut);
      if (!w || w.finished) return;
      w.finished = true;
      w.value = value;
      Module['_weft_host_resolve'](fut, 0);
    },
    // The wait on listener `rec` ends once an event is queued.
    wake: function(rec) {
      if (!rec.fut || !rec.queue.length) return;
      var f = rec.fut;
      rec.fut = 0;
      Module['_weft_host_resolve'](f, 0);
    },
    // The element or object `text` names, or an error code.
    target: function(text) {
      if (text === 'window') return typeof window === 'object' ? window : WeftErrors.ENOSYS;
      if (typeof document !== 'object' || !document) return WeftErrors.ENOSYS;
      if (text === 'document') return document;
      try {
        return document.querySelector(text) || WeftErrors.ENOENT;
      } catch (e) {
        return WeftErrors.EINVAL; // not a selector
      }
    },
  },
  $WeftDom__postset: 'WeftDom.waits = new Map(); WeftDom.listeners = new Map();',

  weft_js_frame__deps: ['$WeftDom'],
  weft_js_frame: function(fut) {
    var w = { finished: false, value: 0, cancel: null };
    WeftDom.waits.set(fut, w);
    if (typeof requestAnimationFrame === 'function') {
      var id = requestAnimationFrame(function(t) { WeftDom.done(fut, t); });
      w.cancel = function() { cancelAnimationFrame(id); };
    } else {
      var timer = setTimeout(function() { WeftDom.done(fut, WeftDom.now()); }, 16);
      w.cancel = function() { clearTimeout(timer); };
    }
  },

  weft_js_idle__deps: ['$WeftDom'],
  weft_js_idle: function(fut, timeoutMs) {
    var w = { finished: false, value: 0, cancel: null };
    WeftDom.waits.set(fut, w);
    if (typeof requestIdleCallback === 'function') {
      var id = requestIdleCallback(function(deadline) {
        WeftDom.done(fut, deadline.didTimeout ? 0 : deadline.timeRemaining());
      }, timeoutMs >= 0 ? { timeout: timeoutMs } : undefined);
      w.cancel = function() { cancelIdleCallback(id); };
    } else if (typeof setImmediate === 'function') {
      var imm = setImmediate(function() { WeftDom.done(fut, WeftDom.IDLE_MS); });
      w.cancel = function() { clearImmediate(imm); };
    } else {
      var timer = setTimeout(function() { WeftDom.done(fut, WeftDom.IDLE_MS); }, 0);
      w.cancel = function() { clearTimeout(timer); };
    }
  },

  // What wait `fut` reported (a frame's timestamp, the idle time left); C
  // asks once it resumed, and the wait is forgotten.
  weft_js_dom_last: function(fut) {
    var w = WeftDom.waits.get(fut);
    WeftDom.waits.delete(fut);
    return w ? w.value : 0;
  },

  // The cancel hook of a frame or idle wait: the host callback is taken
  // back, and the wait ends with ECANCELED.
  weft_js_dom_cancel_wait: function(fut) {
    var w = WeftDom.waits.get(fut);
    WeftDom.waits.delete(fut);
    if (!w || w.finished) return;
    w.finished = true;
    w.cancel();
    Module['_weft_host_fail'](fut, WeftErrors.ECANCELED);
  },

  // Adds a listener for `type` on the target named by `targetPtr`; returns
  // its id, or a negative code (ENOENT, EINVAL, ENOSYS).
  weft_js_dom_listen__deps: ['$WeftDom'],
  weft_js_dom_listen: function(targetPtr, typePtr, capacity) {
    var t = WeftDom.target(UTF8ToString(targetPtr));
    if (typeof t === 'number') return t;
    var id = WeftDom.next++;
    var rec = { target: t, type: UTF8ToString(typePtr), capacity: capacity, queue: [], dropped: 0, fut: 0, handler: null };
    rec.handler = function(ev) {
      if (rec.queue.length >= rec.capacity) { rec.dropped++; return; }
      rec.queue.push(ev);
      WeftDom.wake(rec);
    };
    t.addEventListener(rec.type, rec.handler);
    WeftDom.listeners.set(id, rec);
    return id;
  },

  // Resolves `fut` once listener `id` has an event (at once if one waits).
  weft_js_dom_next__deps: ['$WeftDom'],
  weft_js_dom_next: function(fut, id) {
    var rec = WeftDom.listeners.get(id);
    rec.fut = fut;
    WeftDom.wake(rec);
  },

  // Copies listener `id`'s first event into the weft_dom_event at `p`
  // (include/weft/dom.h: time 0, x 8, y 16, button 24, type 28, key 60).
  weft_js_dom_take: function(id, p) {
    var rec = WeftDom.listeners.get(id), ev = rec.queue.shift();
    HEAPF64[p >> 3] = ev.timeStamp || 0;
    HEAPF64[(p + 8) >> 3] = typeof ev.clientX === 'number' ? ev.clientX : 0;
    HEAPF64[(p + 16) >> 3] = typeof ev.clientY === 'number' ? ev.clientY : 0;
    HEAP32[(p + 24) >> 2] = typeof ev.button === 'number' ? ev.button : -1;
    stringToUTF8(String(ev.type || ''), p + 28, 32);
    stringToUTF8(typeof ev.key === 'string' ? ev.key : '', p + 60, 32);
  },

  // The cancel hook of an event wait: it ends with ECANCELED; an event that
  // came meanwhile stays queued for the next wait.
  weft_js_dom_cancel_next: function(fut, id) {
    var rec = WeftDom.listeners.get(id);
    if (!rec || rec.fut !== fut) return;
    rec.fut = 0;
    Module['_weft_host_fail'](fut, WeftErrors.ECANCELED);
  },

  weft_js_dom_dropped: function(id) {
    var rec = WeftDom.listeners.get(id);
    return rec ? rec.dropped : 0;
  },

  weft_js_dom_unlisten: function(id) {
    var rec = WeftDom.listeners.get(id);
    if (!rec) return;
    WeftDom.listeners.delete(id);
    rec.target.removeEventListener(rec.type, rec.handler);
    if (rec.fut) { var f = rec.fut; rec.fut = 0; Module['_weft_host_fail'](f, WeftErrors.ECANCELED); }
  },
});
