// The host side of the ZIP writer's deflate (src/host/zip.c): the host's
// CompressionStream('deflate-raw') (Node >= 18, current browsers), one per
// entry. A pump reads the compressed side as it comes into `out`; each push
// writes one chunk of input, waits until the stream has taken it (its
// back-pressure), and completes its host future with the bytes the pump has
// collected so far, which C then takes (weft_js_deflate_take); what the pump
// collects later goes with the next push. The final push closes the input
// and waits for the pump to drain everything.

mergeInto(LibraryManager.library, {
  $WeftDeflate__deps: ['$WeftErrors'],
  $WeftDeflate: {
    streams: null, // id -> { writer, out: [Uint8Array], ready, pumped, error }
    next: 1,
    available: function() {
      if (typeof CompressionStream !== 'function') return false;
      try { new CompressionStream('deflate-raw'); return true; } catch (e) { return false; }
    },
  },
  $WeftDeflate__postset: 'WeftDeflate.streams = new Map();',

  weft_js_deflate_new__deps: ['$WeftDeflate'],
  weft_js_deflate_new: function() {
    var D = WeftDeflate;
    if (!D.available()) return 0;
    var cs = new CompressionStream('deflate-raw'), id = D.next++;
    var s = { writer: cs.writable.getWriter(), out: [], ready: 0, error: null, pumped: null };
    var reader = cs.readable.getReader();
    s.pumped = (async function() {
      for (;;) {
        var step = await reader.read();
        if (step.done) return;
        s.out.push(step.value);
        s.ready += step.value.length;
      }
    })().catch(function(e) { s.error = e; });
    D.streams.set(id, s);
    return id;
  },

  weft_js_deflate_push__deps: ['$WeftDeflate'],
  weft_js_deflate_push: function(fut, id, data, n, final) {
    var s = WeftDeflate.streams.get(id);
    data >>>= 0; // wasm memory can pass 2 GiB: a pointer is unsigned
    var chunk = n ? HEAPU8.slice(data, data + n) : null; // copied now: C's chunk may change
    (async function() {
      if (chunk) await s.writer.write(chunk);
      if (final) { await s.writer.close(); await s.pumped; }
      if (s.error) throw s.error;
      return s.ready;
    })().then(function(ready) { Module['_weft_host_resolve'](fut, ready); },
              function(e) { Module['_weft_host_fail'](fut, WeftErrors.EIO); });
  },

  // Copies up to cap ready bytes to buf; returns how many.
  weft_js_deflate_take__deps: ['$WeftDeflate'],
  weft_js_deflate_take: function(id, buf, cap) {
    var s = WeftDeflate.streams.get(id), got = 0;
    buf >>>= 0;
    while (s.out.length && got < cap) {
      var c = s.out[0], k = Math.min(c.length, cap - got);
      HEAPU8.set(k === c.length ? c : c.subarray(0, k), buf + got);
      got += k;
      if (k === c.length) s.out.shift();
      else s.out[0] = c.subarray(k);
    }
    s.ready -= got;
    return got;
  },

  weft_js_deflate_free__deps: ['$WeftDeflate'],
  weft_js_deflate_free: function(id) {
    var s = WeftDeflate.streams.get(id);
    if (!s) return;
    WeftDeflate.streams.delete(id);
    try { s.writer.abort().catch(function() {}); } catch (e) { /* already closed */ }
  },
});
