// The host side of weft/file.h (src/host/file.c): files and directories
// named by integer ids, over the backend the host has:
//   node      node:fs/promises (a FileHandle, a Dir): Node's thread pool
//   opfs      the Origin Private File System (navigator.storage.getDirectory())
//   blob      a Blob or File the page handed in (Module.weftFiles, weftProvideFile)
//   download  bytes kept here until close, then a Blob handed to the page
// Every operation on a file waits for the one before it (rec.chain) and ends
// by completing its host future exactly once. A cancelled operation (the C
// side's cancel hook, weft_js_file_cancel) still runs to its end, since no
// backend can abort one, but its result is dropped: a read then writes
// nothing into wasm memory (the task's buffer may be gone) and moves nothing.

mergeInto(LibraryManager.library, {
  // Error codes come from library_constants.js (include/weft/errors.h).
  $WeftFile__deps: ['$WeftErrors'],
  $WeftFile: {
    recs: null, // id -> record (a Map, made by the postset)
    ops: null,  // host future -> { cancelled } while its operation runs
    orphans: null, // id -> the message of a failed close (the record is gone)
    blobs: null, // name -> Blob handed in by weftProvideFile
    next: 1,
    nodeFs: undefined,
    // Open flags and kinds, as src/host/file.c numbers them.
    READ: 1, WRITE: 2, CREATE: 4, TRUNC: 8, EXCL: 16, APPEND: 32,
    K_NONE: 0, K_NODE: 1, K_OPFS: 2, K_BLOB: 3, K_DOWNLOAD: 4,

    // node:fs/promises when this is Node, else null. Programs are linked for
    // the web and loaded as ES modules, so there is no `require`:
    // process.getBuiltinModule (Node >= 20.16) gives Node's own modules.
    fs: function() {
      if (WeftFile.nodeFs === undefined) {
        WeftFile.nodeFs = null;
        if (typeof process === 'object' && process && process.versions && process.versions.node) {
          try {
            var fs = typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('node:fs')
                   : typeof require === 'function' ? require('fs') : null;
            if (fs) WeftFile.nodeFs = fs.promises;
          } catch (e) { /* no fs: stays null */ }
        }
      }
      return WeftFile.nodeFs;
    },
    backend: function() {
      if (WeftFile.fs()) return WeftFile.K_NODE;
      if (typeof navigator === 'object' && navigator && navigator.storage &&
          typeof navigator.storage.getDirectory === 'function') return WeftFile.K_OPFS;
      return WeftFile.K_NONE;
    },
    // The Blob handed in under `name`, if any.
    blob: function(name) {
      var b = WeftFile.blobs.get(name);
      if (b) return b;
      var given = Module['weftFiles'];
      if (given && typeof given === 'object' && Object.prototype.hasOwnProperty.call(given, name)) return given[name];
      return null;
    },
    newRec: function(kind, flags) {
      var id = WeftFile.next++;
      var rec = { id: id, kind: kind, flags: flags, pos: 0, size: 0, chain: Promise.resolve(), message: '',
                  num: [0, 0], fh: null, file: null, handle: null, writable: null, chunks: null, dir: null,
                  entry: null, name: '', type: '' };
      WeftFile.recs.set(id, rec);
      return rec;
    },
    // An error as its weft code; its text becomes rec.message.
    classify: function(rec, e) {
      var C = WeftErrors;
      if (e && typeof e.weftCode === 'number') { rec.message = e.message; return e.weftCode; }
      var code = e && e.code, name = e && e.name;
      rec.message = e && e.message ? String(e.message) : String(e);
      if (name && name !== 'Error' && !code && rec.message.indexOf(name) !== 0) rec.message = name + ': ' + rec.message;
      switch (code) {
        case 'ENOENT': return C.ENOENT;
        case 'EACCES': case 'EPERM': case 'EROFS': return C.EACCES;
        case 'EEXIST': return C.EEXIST;
        case 'EISDIR': return C.EISDIR;
        case 'ENOTDIR': return C.ENOTDIR;
        case 'ENOSPC': return C.ENOSPC;
        case 'EDQUOT': return C.EQUOTA;
        case 'EBADF': return C.EBADF;
        case 'EINVAL': case 'ENAMETOOLONG': case 'ERR_INVALID_ARG_VALUE': case 'ERR_INVALID_ARG_TYPE': return C.EINVAL;
        case 'ENOMEM': return C.ENOMEM;
      }
      switch (name) { // DOMException names of the File System and File APIs
        case 'NotFoundError': return C.ENOENT;
        case 'NotAllowedError': case 'SecurityError': case 'NoModificationAllowedError': return C.EACCES;
        case 'TypeMismatchError': return rec.wantDir ? C.ENOTDIR : C.EISDIR;
        case 'QuotaExceededError': return C.EQUOTA;
        case 'TypeError': return C.EINVAL; // a name OPFS refuses
      }
      return C.EIO;
    },
    error: function(code, message) {
      var e = new Error(message);
      e.weftCode = code;
      return e;
    },
    // Queues work(op) after rec's earlier operations; when it ends, done(value,
    // op) (if given) turns its value into the future's, which completes `fut`
    // (0: nobody waits). Neither callback may throw past here.
    run: function(fut, rec, work, done) {
      var op = { cancelled: false };
      if (fut) WeftFile.ops.set(fut, op);
      rec.chain = rec.chain.then(function() { return work(op); }).then(function(v) {
        var value = done ? done(v, op) : 0;
        if (!fut) return;
        WeftFile.ops.delete(fut);
        if (op.cancelled) Module['_weft_host_fail'](fut, WeftErrors.ECANCELED); // drops the host's reference
        else Module['_weft_host_resolve'](fut, value | 0);
      }, function(e) {
        var code = WeftFile.classify(rec, e);
        if (rec.closing) { // the record goes: keep the message for C
          WeftFile.recs.delete(rec.id);
          if (fut && !op.cancelled) WeftFile.orphans.set(rec.id, rec.message);
        }
        if (!fut) return;
        WeftFile.ops.delete(fut);
        Module['_weft_host_fail'](fut, op.cancelled ? WeftErrors.ECANCELED : code);
      });
    },
    // OPFS: the directory handle of `parts` below the root (create: make
    // missing ones).
    opfsDir: async function(parts, create) {
      var dir = await navigator.storage.getDirectory();
      for (var i = 0; i < parts.length; i++) dir = await dir.getDirectoryHandle(parts[i], { create: !!create });
      return dir;
    },
    // A '/'-separated OPFS path as its parts; '..' cannot be named.
    opfsParts: function(path) {
      var parts = path.split('/').filter(function(p) { return p !== '' && p !== '.'; });
      for (var i = 0; i < parts.length; i++)
        if (parts[i] === '..') throw WeftFile.error(WeftErrors.EINVAL, "EINVAL: '..' in an OPFS path: " + path);
      return parts;
    },
    nodeFlags: function(flags) {
      var F = WeftFile, plus = (flags & F.READ) && (flags & F.WRITE) ? '+' : '';
      if (flags & F.EXCL) return 'wx' + plus;
      if (flags & F.APPEND) return 'a' + plus;
      if (flags & F.TRUNC) return 'w' + plus;
      return plus ? 'r+' : 'r';
    },
    openWork: async function(rec, path, flags) {
      var F = WeftFile, C = WeftErrors;
      var blob = F.blob(path);
      if (blob) {
        if (flags & F.WRITE) throw F.error(C.EACCES, "EACCES: a file handed in by the page is read-only, open '" + path + "'");
        rec.kind = F.K_BLOB; rec.file = blob; rec.size = blob.size;
        return;
      }
      var fs = F.fs();
      if (fs) {
        rec.kind = F.K_NODE;
        rec.fh = await fs.open(path, F.nodeFlags(flags));
        if (flags & F.APPEND) rec.pos = (await rec.fh.stat()).size;
        return;
      }
      if (F.backend() !== F.K_OPFS) throw F.error(C.ENOSYS, 'ENOSYS: this host has no file system (no OPFS), open \'' + path + "'");
      rec.kind = F.K_OPFS;
      if ((flags & F.READ) && (flags & F.WRITE))
        throw F.error(C.ENOSYS, "ENOSYS: OPFS files open to read or to write, not both (mode '+'), open '" + path + "'");
      var parts = F.opfsParts(path);
      if (!parts.length) throw F.error(C.EISDIR, "EISDIR: illegal operation on a directory, open '" + path + "'");
      var name = parts.pop();
      rec.wantDir = true; // a file where a directory of the path should be: ENOTDIR
      var dir = await F.opfsDir(parts, false);
      rec.wantDir = false;
      if (flags & F.EXCL) {
        var exists = true;
        try { await dir.getFileHandle(name); } catch (e) { if (e && e.name === 'NotFoundError') exists = false; else throw e; }
        if (exists) throw F.error(C.EEXIST, "EEXIST: file already exists, open '" + path + "'");
      }
      rec.handle = await dir.getFileHandle(name, { create: !!(flags & F.CREATE) });
      if (flags & F.WRITE) {
        var keep = !(flags & F.TRUNC);
        rec.writable = await rec.handle.createWritable({ keepExistingData: keep });
        if (keep) rec.size = (await rec.handle.getFile()).size;
        if (flags & F.APPEND) { rec.pos = rec.size; }
      } else {
        rec.file = await rec.handle.getFile();
        rec.size = rec.file.size;
      }
    },
    readWork: async function(rec, n) {
      var F = WeftFile;
      if (rec.kind === F.K_NODE) {
        var buf = Buffer.allocUnsafe(n);
        var r = await rec.fh.read(buf, 0, n, rec.pos);
        return r.bytesRead === n ? buf : buf.subarray(0, r.bytesRead);
      }
      if (!rec.file) throw F.error(WeftErrors.EBADF, 'EBADF: the file is not open for reading');
      return new Uint8Array(await rec.file.slice(rec.pos, rec.pos + n).arrayBuffer());
    },
    writeWork: async function(rec, data) {
      var F = WeftFile;
      if (rec.kind === F.K_NODE) {
        var off = 0;
        while (off < data.length) {
          var w = await rec.fh.write(data, off, data.length - off, (rec.flags & F.APPEND) ? null : rec.pos + off);
          off += w.bytesWritten;
        }
      } else if (rec.kind === F.K_OPFS) {
        await rec.writable.write({ type: 'write', position: rec.pos, data: data });
      } else if (rec.kind === F.K_DOWNLOAD) {
        rec.chunks.push(data);
      } else {
        throw F.error(WeftErrors.EBADF, 'EBADF: the file is not open for writing');
      }
      rec.pos += data.length;
      if (rec.pos > rec.size) rec.size = rec.pos;
    },
    sizeWork: async function(rec) {
      var F = WeftFile;
      if (rec.kind === F.K_NODE) {
        var st = await rec.fh.stat();
        rec.num[1] = st.mtimeMs / 1000;
        return st.size;
      }
      if (rec.file) rec.num[1] = (rec.file.lastModified || 0) / 1000;
      return rec.size;
    },
    closeWork: async function(rec) {
      var F = WeftFile;
      if (rec.fh) { var fh = rec.fh; rec.fh = null; await fh.close(); }
      if (rec.writable) { var w = rec.writable; rec.writable = null; await w.close(); }
      if (rec.dir) {
        var d = rec.dir; rec.dir = null;
        if (typeof d.close === 'function') { try { await d.close(); } catch (e) { if (!e || e.code !== 'ERR_DIR_CLOSED') throw e; } }
        else if (typeof d.return === 'function') await d.return();
      }
      if (rec.kind === F.K_DOWNLOAD && rec.chunks) {
        var blob = new Blob(rec.chunks, { type: rec.type });
        rec.chunks = null;
        F.deliver(blob, rec.name);
      }
    },
    // Hands a finished download to the page.
    deliver: function(blob, name) {
      var cb = Module['onWeftDownload'];
      if (typeof cb === 'function') { cb(blob, name); return; }
      var url = URL.createObjectURL(blob), a = document.createElement('a');
      a.href = url; a.download = name; a.style.display = 'none';
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function() { URL.revokeObjectURL(url); }, 60000);
    },
  },
  $WeftFile__postset:
    'WeftFile.recs = new Map(); WeftFile.ops = new Map(); WeftFile.orphans = new Map(); WeftFile.blobs = new Map();' +
    "Module['weftProvideFile'] = function(name, blob) { if (blob == null) WeftFile.blobs.delete(String(name));" +
    " else WeftFile.blobs.set(String(name), blob); };",

  weft_js_file_backend__deps: ['$WeftFile'],
  weft_js_file_backend: function() { return WeftFile.backend(); },

  weft_js_file_open__deps: ['$WeftFile'],
  weft_js_file_open: function(fut, path, flags) {
    var rec = WeftFile.newRec(WeftFile.K_NONE, flags), p = UTF8ToString(path);
    WeftFile.run(fut, rec, function() { return WeftFile.openWork(rec, p, flags); });
    return rec.id;
  },

  weft_js_file_open_download__deps: ['$WeftFile'],
  weft_js_file_open_download: function(fut, name, type) {
    var F = WeftFile, rec = F.newRec(F.K_DOWNLOAD, F.WRITE);
    rec.name = UTF8ToString(name);
    rec.type = type ? UTF8ToString(type) : 'application/octet-stream';
    F.run(fut, rec, async function() {
      var page = typeof document === 'object' && document && typeof document.createElement === 'function';
      if (typeof Module['onWeftDownload'] !== 'function' && !page)
        throw F.error(WeftErrors.ENOSYS, 'ENOSYS: no page to hand a download to (set Module.onWeftDownload)');
      rec.chunks = [];
    });
    return rec.id;
  },

  weft_js_file_kind__deps: ['$WeftFile'],
  weft_js_file_kind: function(id) {
    var rec = WeftFile.recs.get(id);
    return rec ? rec.kind : 0;
  },

  weft_js_file_read__deps: ['$WeftFile'],
  weft_js_file_read: function(fut, id, buf, n) {
    var rec = WeftFile.recs.get(id);
    WeftFile.run(fut, rec, function() { return WeftFile.readWork(rec, n); }, function(bytes, op) {
      if (op.cancelled) return 0; // the buffer may be gone, and the position stays
      HEAPU8.set(bytes, buf >>> 0); // wasm memory can pass 2 GiB: a pointer is unsigned
      rec.pos += bytes.length;
      return bytes.length;
    });
  },

  weft_js_file_write__deps: ['$WeftFile'],
  weft_js_file_write: function(fut, id, buf, n) {
    var rec = WeftFile.recs.get(id), data = HEAPU8.slice(buf >>> 0, (buf >>> 0) + n); // copied now: the caller's buffer may change
    WeftFile.run(fut, rec, function() { return WeftFile.writeWork(rec, data); });
  },

  weft_js_file_seek__deps: ['$WeftFile'],
  weft_js_file_seek: function(fut, id, offset, whence) {
    var F = WeftFile, rec = F.recs.get(id);
    F.run(fut, rec, async function() {
      if (rec.kind === F.K_DOWNLOAD) throw F.error(WeftErrors.ENOSYS, 'ENOSYS: a download only appends');
      var base = whence === 0 ? 0 : whence === 1 ? rec.pos : await F.sizeWork(rec);
      var to = base + offset;
      if (!(to >= 0) || to > Number.MAX_SAFE_INTEGER) throw F.error(WeftErrors.EINVAL, 'EINVAL: seek to a negative position');
      rec.pos = to;
      rec.num[0] = to;
    });
  },

  weft_js_file_stat__deps: ['$WeftFile'],
  weft_js_file_stat: function(fut, id) {
    var F = WeftFile, rec = F.recs.get(id);
    F.run(fut, rec, async function() { rec.num[0] = await F.sizeWork(rec); });
  },

  // fut 0: closed in the background (nobody waits).
  weft_js_file_close__deps: ['$WeftFile'],
  weft_js_file_close: function(fut, id) {
    var F = WeftFile, rec = F.recs.get(id);
    if (!rec) { if (fut) Module['_weft_host_resolve'](fut, 0); return; }
    F.run(fut, rec, function() { rec.closing = true; return F.closeWork(rec); }, function() {
      F.recs.delete(rec.id);
      return 0;
    });
  },

  weft_js_file_number__deps: ['$WeftFile'],
  weft_js_file_number: function(id, which) {
    var rec = WeftFile.recs.get(id);
    return rec ? rec.num[which] : 0;
  },

  weft_js_file_message__deps: ['$WeftFile'],
  weft_js_file_message: function(id, buf, size) {
    var rec = WeftFile.recs.get(id), text = rec ? rec.message : WeftFile.orphans.get(id) || '';
    WeftFile.orphans.delete(id);
    stringToUTF8(text, buf, size);
  },

  // A record whose open failed: nothing to close.
  weft_js_file_forget__deps: ['$WeftFile'],
  weft_js_file_forget: function(id) { WeftFile.recs.delete(id); },

  weft_js_file_cancel__deps: ['$WeftFile'],
  weft_js_file_cancel: function(fut) {
    var op = WeftFile.ops.get(fut);
    if (op) op.cancelled = true;
  },

  weft_js_file_remove__deps: ['$WeftFile'],
  weft_js_file_remove: function(fut, path) {
    var F = WeftFile, rec = F.newRec(F.K_NONE, 0), p = UTF8ToString(path);
    F.run(fut, rec, async function() {
      var fs = F.fs();
      if (fs) {
        var st = null;
        try { st = await fs.stat(p); } catch (e) { /* unlink says why */ }
        if (st && st.isDirectory()) throw F.error(WeftErrors.EISDIR, "EISDIR: is a directory, unlink '" + p + "'");
        await fs.unlink(p);
        return;
      }
      if (F.backend() !== F.K_OPFS) throw F.error(WeftErrors.ENOSYS, "ENOSYS: this host has no file system (no OPFS), unlink '" + p + "'");
      var parts = F.opfsParts(p), name = parts.pop();
      if (name === undefined) throw F.error(WeftErrors.EISDIR, "EISDIR: is a directory, unlink '" + p + "'");
      var dir = await F.opfsDir(parts, false);
      await dir.getFileHandle(name); // NotFoundError, or TypeMismatchError for a directory
      await dir.removeEntry(name);
    });
    return rec.id;
  },

  weft_js_dir_open__deps: ['$WeftFile'],
  weft_js_dir_open: function(fut, path) {
    var F = WeftFile, rec = F.newRec(F.K_NONE, 0), p = UTF8ToString(path);
    rec.wantDir = true;
    F.run(fut, rec, async function() {
      var fs = F.fs();
      if (fs) { rec.kind = F.K_NODE; rec.dir = await fs.opendir(p); return; }
      if (F.backend() !== F.K_OPFS) throw F.error(WeftErrors.ENOSYS, "ENOSYS: this host has no file system (no OPFS), opendir '" + p + "'");
      rec.kind = F.K_OPFS;
      rec.dir = (await F.opfsDir(F.opfsParts(p), false)).entries();
    });
    return rec.id;
  },

  // Resolves with the next name's UTF-8 size + 1, or 0 at the end.
  weft_js_dir_read__deps: ['$WeftFile'],
  weft_js_dir_read: function(fut, id) {
    var F = WeftFile, rec = F.recs.get(id);
    F.run(fut, rec, async function() {
      if (rec.kind === F.K_NODE) {
        var d = await rec.dir.read();
        rec.entry = d ? { name: d.name, type: d.isFile() ? 1 : d.isDirectory() ? 2 : 3 } : null;
      } else {
        var step = await rec.dir.next();
        rec.entry = step.done ? null : { name: step.value[0], type: step.value[1].kind === 'file' ? 1 : 2 };
      }
      return rec.entry ? lengthBytesUTF8(rec.entry.name) + 1 : 0;
    }, function(need) { return need; });
  },

  weft_js_dir_name__deps: ['$WeftFile'],
  weft_js_dir_name: function(id, buf, size) {
    var rec = WeftFile.recs.get(id), e = rec && rec.entry;
    if (!e) return 0;
    stringToUTF8(e.name, buf, size);
    return e.type;
  },
});
