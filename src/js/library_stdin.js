// The host side of weft_stdin_lines (src/host/stdin.c): Node's
// process.stdin, read as C asks. Chunks queue here until C takes them; past
// 64 KiB queued the stream is paused (back-pressure), and it is paused
// again when C closes its iterator, so that the process can exit.

mergeInto(LibraryManager.library, {
  $WeftStdin__deps: ['$WeftErrors'],
  $WeftStdin: {
    rec: null, // made on first open
    HWM: 64 << 10,
    wake: function(rec) {
      if (!rec.fut) return;
      var f = rec.fut;
      if (rec.chunks.length) { rec.fut = 0; Module['_weft_host_resolve'](f, 1); }
      else if (rec.err) { rec.fut = 0; Module['_weft_host_fail'](f, WeftErrors.EIO); }
      else if (rec.eof) { rec.fut = 0; Module['_weft_host_resolve'](f, 0); }
    },
  },

  // 0 when there is a stdin to read (Node), else ENOSYS.
  weft_js_stdin_open__deps: ['$WeftStdin'],
  weft_js_stdin_open: function() {
    var stream = typeof process === 'object' && process && process.versions && process.versions.node ? process.stdin : null;
    if (!stream) return WeftErrors.ENOSYS;
    var rec = WeftStdin.rec;
    if (!rec) {
      rec = WeftStdin.rec = { stream: stream, chunks: [], buffered: 0, eof: false, err: null, fut: 0, open: false };
      stream.on('data', function(b) {
        rec.chunks.push(new Uint8Array(b.buffer, b.byteOffset, b.length));
        rec.buffered += b.length;
        if (rec.buffered >= WeftStdin.HWM) stream.pause();
        WeftStdin.wake(rec);
      });
      stream.on('end', function() { rec.eof = true; WeftStdin.wake(rec); });
      stream.on('error', function(e) { rec.err = e; WeftStdin.wake(rec); });
    }
    rec.open = true;
    if (rec.buffered < WeftStdin.HWM && !rec.eof) stream.resume();
    return 0;
  },

  // Resolves `fut` with 1 once a chunk is there, 0 at the end.
  weft_js_stdin_next__deps: ['$WeftStdin'],
  weft_js_stdin_next: function(fut) {
    WeftStdin.rec.fut = fut;
    WeftStdin.wake(WeftStdin.rec);
  },

  weft_js_stdin_chunk_len__deps: ['$WeftStdin'],
  weft_js_stdin_chunk_len: function() {
    return WeftStdin.rec.chunks[0].length;
  },

  weft_js_stdin_take__deps: ['$WeftStdin'],
  weft_js_stdin_take: function(buf) {
    var rec = WeftStdin.rec, c = rec.chunks.shift();
    HEAPU8.set(c, buf);
    rec.buffered -= c.length;
    if (rec.open && !rec.eof && rec.buffered < WeftStdin.HWM) rec.stream.resume();
  },

  weft_js_stdin_cancel__deps: ['$WeftStdin'],
  weft_js_stdin_cancel: function(fut) {
    var rec = WeftStdin.rec;
    if (!rec || rec.fut !== fut) return;
    rec.fut = 0;
    Module['_weft_host_fail'](fut, WeftErrors.ECANCELED);
  },

  weft_js_stdin_close__deps: ['$WeftStdin'],
  weft_js_stdin_close: function() {
    var rec = WeftStdin.rec;
    if (!rec) return;
    rec.open = false;
    rec.stream.pause();
  },
});
