// The host side of weft's network streams (src/host/net.c,
// include/weft/net.h): TCP through node:net (reached at run time with
// process.getBuiltinModule, since programs are linked for the web and have
// no `require`), WebSocket through the global WebSocket or the constructor
// handed in as Module.weftWebSocket.
//
// A record per stream or listener, named by an id C keeps. Each record has
// at most one pending future per slot (connectFut, readFut, writeFut,
// acceptFut, closeFut), completed exactly once: by the host event that
// ends the wait, or by weft_js_net_cancel. What a step produces (a chunk, a
// connection) stays in the record until C takes it, so a step cancelled
// after it completed loses nothing.

mergeInto(LibraryManager.library, {
  $WeftNet__deps: ['$WeftErrors'],
  $WeftNet: {
    recs: null, // id -> record (a Map, made by the postset)
    next: 1,
    nodeNet: undefined,
    // WEFT_STREAM_HIGH_WATER and WEFT_STREAM_LINGER_MS (include/weft/net.h).
    HWM: 64 << 10,
    LINGER_MS: 1000,

    // node:net when this is Node, else null.
    net: function() {
      if (WeftNet.nodeNet === undefined) {
        WeftNet.nodeNet = null;
        if (typeof process === 'object' && process && process.versions && process.versions.node) {
          try {
            WeftNet.nodeNet = typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('node:net')
                            : typeof require === 'function' ? require('net') : null;
          } catch (e) { /* stays null */ }
        }
      }
      return WeftNet.nodeNet;
    },

    // Completes the future in `slot` of `rec`, once; returns what
    // _weft_host_resolve returned (nonzero: it was cancelled meanwhile), or
    // -1 when nothing waited.
    resolve: function(rec, slot, value) {
      var f = rec[slot];
      if (!f) return -1;
      rec[slot] = 0;
      return Module['_weft_host_resolve'](f, value);
    },
    fail: function(rec, slot, code, message) {
      var f = rec[slot];
      if (!f) return;
      rec[slot] = 0;
      if (message) rec.message = message;
      Module['_weft_host_fail'](f, code);
    },

    // A Node socket error as a weft code; its message is kept.
    classify: function(rec, e) {
      var C = WeftErrors, code = e && e.code;
      rec.message = String(e && e.message || e);
      if (code === 'ECONNREFUSED') return C.ECONNREFUSED;
      if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') return C.ECONNRESET;
      if (code === 'EADDRINUSE') return C.EADDRINUSE;
      if (code === 'EACCES') return C.EACCES;
      return C.ENETWORK;
    },

    // The read waiting on `rec` ends if it can: a chunk is there (1), the
    // stream failed, or it ended (0). Chunks come before the end or the
    // failure that followed them.
    wakeRead: function(rec) {
      if (!rec.readFut) return;
      if (rec.chunks.length) WeftNet.resolve(rec, 'readFut', 1);
      else if (rec.err) WeftNet.fail(rec, 'readFut', rec.err);
      else if (rec.eof) WeftNet.resolve(rec, 'readFut', 0);
    },
    push: function(rec, bytes, text) {
      if (rec.discard) return; // closing: nobody reads any more
      rec.chunks.push({ bytes: bytes, text: text });
      rec.buffered += bytes.length;
      if (rec.sock && !rec.paused && rec.buffered >= WeftNet.HWM) { rec.paused = true; rec.sock.pause(); }
      WeftNet.wakeRead(rec);
    },
    // The stream is over (closed, failed): whatever still waits ends.
    over: function(rec) {
      rec.closed = true;
      if (rec.linger) { clearTimeout(rec.linger); rec.linger = null; }
      if (rec.poll) { clearInterval(rec.poll); rec.poll = null; }
      if (!rec.err) rec.eof = true;
      WeftNet.wakeRead(rec);
      WeftNet.fail(rec, 'writeFut', rec.err || WeftErrors.EPIPE, rec.err ? '' : 'the stream was closed');
      WeftNet.resolve(rec, 'closeFut', 0);
    },

    record: function(id) {
      var rec = { id: id, kind: '', sock: null, ws: null, server: null, chunks: [], buffered: 0, paused: false,
                  eof: false, err: 0, message: '', closed: false, writeEnded: false, discard: false,
                  connectFut: 0, readFut: 0, writeFut: 0, acceptFut: 0, closeFut: 0, pending: [],
                  closeCode: 0, closeReason: '', linger: null, poll: null, href: '' };
      WeftNet.recs.set(id, rec);
      return rec;
    },

    // The accept waiting on listener `rec` takes the first connection; one
    // it was cancelled for stays first.
    wakeAccept: function(rec) {
      if (!rec.acceptFut || !rec.pending.length) return;
      var cid = rec.pending.shift();
      if (WeftNet.resolve(rec, 'acceptFut', cid) !== 0) rec.pending.unshift(cid);
    },

    // Listens to Node socket `sock` for record `rec`.
    wireTcp: function(rec, sock) {
      rec.kind = 'tcp';
      rec.sock = sock;
      sock.on('data', function(b) {
        WeftNet.push(rec, new Uint8Array(b.buffer, b.byteOffset, b.length), false);
      });
      sock.on('end', function() { rec.eof = true; WeftNet.wakeRead(rec); });
      sock.on('drain', function() { WeftNet.resolve(rec, 'writeFut', 0); });
      sock.on('error', function(e) {
        var code = WeftNet.classify(rec, e);
        if (rec.connectFut) { WeftNet.fail(rec, 'connectFut', code); return; }
        // A reset after the peer's clean end, or while closing, is not a
        // failure of what was read.
        if (!rec.err && !rec.eof && !rec.writeEnded) rec.err = code;
        WeftNet.wakeRead(rec);
        WeftNet.fail(rec, 'writeFut', rec.err || code);
      });
      sock.on('close', function() {
        WeftNet.fail(rec, 'connectFut', WeftErrors.ENETWORK, rec.message || 'the connection closed');
        WeftNet.over(rec);
      });
    },

    // A WebSocket close event as the stream's end: 1006 (no close frame)
    // and 1002 (protocol error) are failures, other codes a clean end.
    wsClosed: function(rec, ev) {
      var C = WeftErrors;
      if (rec.closed) return; // over already (a failed connect's error event, the close's linger)
      rec.closeCode = ev && ev.code || 1006;
      rec.closeReason = ev && ev.reason || '';
      if (rec.connectFut) {
        var why = rec.message || '';
        WeftNet.fail(rec, 'connectFut', /ECONNREFUSED/.test(why) ? C.ECONNREFUSED : C.ENETWORK,
                     'WebSocket connection to ' + rec.href + ' failed' + (why ? ' (' + why + ')' : ''));
      } else if (!rec.closeFut && !rec.err) {
        if (rec.closeCode === 1006) { rec.err = C.ECONNRESET; rec.message = 'WebSocket closed without a close frame (1006)'; }
        else if (rec.closeCode === 1002) { rec.err = C.EPROTO; rec.message = 'WebSocket protocol error (1002)' + (rec.closeReason ? ': ' + rec.closeReason : ''); }
      }
      WeftNet.over(rec);
    },

    // What an error event says, when anything (ws and undici put an Error
    // in it; browsers say nothing).
    eventMessage: function(ev) {
      var e = ev && ev.error, cause = e && e.cause;
      var text = (ev && ev.message) || (e && e.message) || '';
      var code = (e && e.code) || (cause && (cause.code || cause.message)) || '';
      return code && text.indexOf(code) < 0 ? (text ? text + ': ' : '') + code : text;
    },
  },
  $WeftNet__postset: 'WeftNet.recs = new Map();',

  weft_js_net_new__deps: ['$WeftNet'],
  weft_js_net_new: function() {
    var id = WeftNet.next++;
    WeftNet.record(id);
    return id;
  },

  // Connects record `id` to host:port; `fut` resolves (1) once connected.
  weft_js_tcp_connect__deps: ['$WeftNet'],
  weft_js_tcp_connect: function(fut, id, hostPtr, port) {
    var rec = WeftNet.recs.get(id), net = WeftNet.net();
    rec.connectFut = fut;
    if (!net) {
      WeftNet.fail(rec, 'connectFut', WeftErrors.ENOSYS, 'TCP needs node:net (Node); in a browser use weft_ws_connect');
      return;
    }
    var host = UTF8ToString(hostPtr), sock;
    try {
      sock = net.connect({ host: host, port: port });
    } catch (e) {
      WeftNet.fail(rec, 'connectFut', WeftErrors.EINVAL, String(e && e.message || e));
      return;
    }
    WeftNet.wireTcp(rec, sock);
    sock.once('connect', function() { WeftNet.resolve(rec, 'connectFut', 1); });
  },

  // Opens a WebSocket for record `id`; `fut` resolves (1) once it is open.
  weft_js_ws_connect__deps: ['$WeftNet'],
  weft_js_ws_connect: function(fut, id, urlPtr) {
    var rec = WeftNet.recs.get(id), C = WeftErrors;
    rec.kind = 'ws';
    rec.connectFut = fut;
    var WS = Module['weftWebSocket'] || (typeof WebSocket === 'function' ? WebSocket : null);
    if (!WS) {
      WeftNet.fail(rec, 'connectFut', C.ENOSYS, 'no WebSocket here: Node >= 22 has one (Node 20: --experimental-websocket), ' +
                   'or pass a constructor as Module.weftWebSocket (the ws package\'s, through moduleArgs)');
      return;
    }
    var text = UTF8ToString(urlPtr), url = null;
    try {
      url = new URL(text, typeof location === 'object' && location && location.href ? location.href : undefined);
    } catch (e) { /* invalid */ }
    if (!url || (url.protocol !== 'ws:' && url.protocol !== 'wss:')) {
      WeftNet.fail(rec, 'connectFut', C.EURL, 'not a ws: or wss: URL: ' + JSON.stringify(text));
      return;
    }
    rec.href = url.href;
    var ws;
    try {
      ws = new WS(url.href);
    } catch (e) {
      WeftNet.fail(rec, 'connectFut', C.EURL, String(e && e.message || e));
      return;
    }
    rec.ws = ws;
    ws.binaryType = 'arraybuffer';
    ws.onopen = function() { WeftNet.resolve(rec, 'connectFut', 1); };
    ws.onmessage = function(ev) {
      var d = ev.data;
      if (typeof d === 'string') WeftNet.push(rec, new TextEncoder().encode(d), true);
      else if (d instanceof ArrayBuffer) WeftNet.push(rec, new Uint8Array(d), false);
      else if (ArrayBuffer.isView(d)) WeftNet.push(rec, new Uint8Array(d.buffer, d.byteOffset, d.byteLength), false);
    };
    ws.onerror = function(ev) {
      var m = WeftNet.eventMessage(ev);
      if (m) rec.message = m;
      // Node 22's WebSocket fires no close event after a failed connection:
      // the error ends the connect.
      if (rec.connectFut) WeftNet.wsClosed(rec, { code: 1006, reason: '' });
    };
    ws.onclose = function(ev) { WeftNet.wsClosed(rec, ev); };
  },

  // Listens on host:port for record `id`; `fut` resolves with the port.
  weft_js_tcp_listen__deps: ['$WeftNet'],
  weft_js_tcp_listen: function(fut, id, hostPtr, port) {
    var rec = WeftNet.recs.get(id), net = WeftNet.net();
    rec.kind = 'listener';
    rec.connectFut = fut;
    if (!net) {
      WeftNet.fail(rec, 'connectFut', WeftErrors.ENOSYS, 'listening needs node:net (Node): a browser cannot listen');
      return;
    }
    var server = rec.server = net.createServer();
    server.on('error', function(e) {
      var code = WeftNet.classify(rec, e);
      WeftNet.fail(rec, 'connectFut', code);
    });
    server.on('connection', function(sock) {
      if (rec.closed) { sock.destroy(); return; }
      var cid = WeftNet.next++;
      WeftNet.wireTcp(WeftNet.record(cid), sock);
      rec.pending.push(cid);
      WeftNet.wakeAccept(rec);
    });
    try {
      server.listen(port, UTF8ToString(hostPtr), function() {
        WeftNet.resolve(rec, 'connectFut', server.address().port);
      });
    } catch (e) {
      WeftNet.fail(rec, 'connectFut', WeftErrors.EINVAL, String(e && e.message || e));
    }
  },

  // The next connection of listener `id`, as its record's id.
  weft_js_net_accept__deps: ['$WeftNet'],
  weft_js_net_accept: function(fut, id) {
    var rec = WeftNet.recs.get(id);
    rec.acceptFut = fut;
    WeftNet.wakeAccept(rec);
  },

  // Connection `conn` goes back to the front of listener `id`'s queue (C
  // was cancelled as it arrived).
  weft_js_net_unaccept: function(id, conn) {
    var rec = WeftNet.recs.get(id);
    if (rec) rec.pending.unshift(conn);
  },

  // Resolves `fut` with 1 when a chunk is there (weft_js_net_chunk_len,
  // weft_js_net_take), 0 at the end; fails it with the stream's failure.
  weft_js_net_read__deps: ['$WeftNet'],
  weft_js_net_read: function(fut, id) {
    var rec = WeftNet.recs.get(id);
    rec.readFut = fut;
    WeftNet.wakeRead(rec);
  },

  weft_js_net_chunk_len: function(id) {
    var rec = WeftNet.recs.get(id);
    return rec && rec.chunks.length ? rec.chunks[0].bytes.length : 0;
  },

  // Copies the first chunk to buf and drops it; 1 for a text message. The
  // socket reads again once C has taken enough (back-pressure).
  weft_js_net_take: function(id, buf) {
    var rec = WeftNet.recs.get(id), c = rec.chunks.shift();
    HEAPU8.set(c.bytes, buf);
    rec.buffered -= c.bytes.length;
    if (rec.paused && rec.buffered < WeftNet.HWM) { rec.paused = false; rec.sock.resume(); }
    return c.text ? 1 : 0;
  },

  // Sends len bytes at ptr (a text message when `text`); `fut` resolves
  // once the host's buffer is below the high-water mark.
  weft_js_net_write__deps: ['$WeftNet'],
  weft_js_net_write: function(fut, id, ptr, len, text) {
    var rec = WeftNet.recs.get(id), C = WeftErrors;
    rec.writeFut = fut;
    if (rec.err) { WeftNet.fail(rec, 'writeFut', rec.err); return; }
    if (rec.kind === 'tcp') {
      if (rec.writeEnded || rec.closed || rec.sock.writableEnded || rec.sock.destroyed) {
        WeftNet.fail(rec, 'writeFut', C.EPIPE, 'the stream is closed for writing');
        return;
      }
      if (!len) { WeftNet.resolve(rec, 'writeFut', 0); return; }
      var ok;
      try {
        ok = rec.sock.write(HEAPU8.slice(ptr, ptr + len));
      } catch (e) {
        WeftNet.fail(rec, 'writeFut', C.EPIPE, String(e && e.message || e));
        return;
      }
      if (ok) WeftNet.resolve(rec, 'writeFut', 0); // else 'drain' resolves it
      return;
    }
    var ws = rec.ws;
    if (rec.writeEnded || ws.readyState !== 1) {
      WeftNet.fail(rec, 'writeFut', C.EPIPE, 'the WebSocket is not open');
      return;
    }
    try {
      ws.send(text ? UTF8ToString(ptr, len) : HEAPU8.slice(ptr, ptr + len));
    } catch (e) {
      WeftNet.fail(rec, 'writeFut', C.EPIPE, String(e && e.message || e));
      return;
    }
    if (!(ws.bufferedAmount > WeftNet.HWM)) { WeftNet.resolve(rec, 'writeFut', 0); return; }
    // The WebSocket API has no 'drain' event: its buffer is polled.
    rec.poll = setInterval(function() {
      if (ws.bufferedAmount > WeftNet.HWM && rec.writeFut) return;
      clearInterval(rec.poll);
      rec.poll = null;
      WeftNet.resolve(rec, 'writeFut', 0);
    }, 5);
  },

  // Closes stream `id`: TCP ends its side and waits for the socket to
  // close; a WebSocket sends its close frame and waits for the peer's; at
  // most LINGER_MS, then the connection is dropped. `fut` resolves then.
  weft_js_net_close__deps: ['$WeftNet'],
  weft_js_net_close: function(fut, id, code, reasonPtr) {
    var rec = WeftNet.recs.get(id);
    rec.closeFut = fut;
    if (rec.closed) { WeftNet.resolve(rec, 'closeFut', 0); return; }
    rec.writeEnded = true;
    rec.discard = true;
    rec.chunks = [];
    rec.buffered = 0;
    if (rec.kind === 'tcp') {
      // Read on to the peer's end (its FIN is what closes the socket).
      if (rec.paused) { rec.paused = false; rec.sock.resume(); }
      rec.sock.end();
      rec.linger = setTimeout(function() { rec.linger = null; rec.sock.destroy(); }, WeftNet.LINGER_MS);
      return;
    }
    try {
      rec.ws.close(code, reasonPtr ? UTF8ToString(reasonPtr) : undefined);
    } catch (e) {
      rec.ws.close();
    }
    rec.linger = setTimeout(function() { rec.linger = null; WeftNet.over(rec); }, WeftNet.LINGER_MS);
  },

  // The WebSocket close code (0: none, TCP) and its reason, copied to buf.
  weft_js_net_close_info: function(id, buf, size) {
    var rec = WeftNet.recs.get(id);
    stringToUTF8(rec && rec.closeReason || '', buf, size);
    return rec ? rec.closeCode : 0;
  },

  // The cancel hook of step `fut` of record `id`: that wait ends with
  // ECANCELED. A cancelled close drops the connection at once.
  weft_js_net_cancel__deps: ['$WeftNet'],
  weft_js_net_cancel: function(id, fut) {
    var rec = WeftNet.recs.get(id);
    if (!rec) return;
    var slots = ['connectFut', 'readFut', 'writeFut', 'acceptFut', 'closeFut'];
    for (var i = 0; i < slots.length; i++) {
      if (rec[slots[i]] !== fut) continue;
      if (rec.poll && slots[i] === 'writeFut') { clearInterval(rec.poll); rec.poll = null; }
      WeftNet.fail(rec, slots[i], WeftErrors.ECANCELED, 'cancelled');
      if (slots[i] === 'closeFut' || slots[i] === 'connectFut') {
        if (rec.sock) rec.sock.destroy();
        if (rec.ws && rec.ws.readyState < 2) rec.ws.close();
      }
    }
  },

  // C is done with record `id`: drop the connection (or the server and
  // the connections nobody accepted) and forget it.
  weft_js_net_forget__deps: ['$WeftNet'],
  weft_js_net_forget: function(id) {
    var rec = WeftNet.recs.get(id);
    if (!rec) return;
    WeftNet.recs.delete(id);
    rec.discard = true;
    if (rec.linger) { clearTimeout(rec.linger); rec.linger = null; }
    if (rec.poll) { clearInterval(rec.poll); rec.poll = null; }
    ['connectFut', 'readFut', 'writeFut', 'acceptFut', 'closeFut'].forEach(function(slot) {
      WeftNet.fail(rec, slot, WeftErrors.ECANCELED, 'closed');
    });
    if (rec.sock && !rec.sock.destroyed) rec.sock.destroy();
    if (rec.ws && rec.ws.readyState < 2) { try { rec.ws.close(); } catch (e) { /* closing already */ } }
    if (rec.server) {
      rec.closed = true;
      rec.server.close();
      rec.pending.forEach(function(cid) {
        var c = WeftNet.recs.get(cid);
        WeftNet.recs.delete(cid);
        if (c && c.sock) c.sock.destroy();
      });
      rec.pending = [];
    }
  },

  weft_js_net_message: function(id, buf, size) {
    var rec = WeftNet.recs.get(id);
    stringToUTF8(rec && rec.message || '', buf, size);
  },
});
