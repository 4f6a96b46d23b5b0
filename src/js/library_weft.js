// weft's Emscripten JS library: the host side of the loop.
//
// The C loop never blocks the host. After each batch of ready work it tells
// the host when it next needs to run (weft_js_arm), and the host keeps ONE
// timer per loop for that: setImmediate (Node) or a MessageChannel message
// (browsers) for "now", because setTimeout(0) is clamped to 4 ms once nested,
// and setTimeout otherwise (clamped to 2^31-1 ms and re-armed).

mergeInto(LibraryManager.library, {
  $WeftHost: {
    // Plain objects only: Emscripten serialises this object into the output.
    loops: {},
    channel: null,
    queue: [],
    immediate: function(fn) {
      if (typeof setImmediate === 'function') { setImmediate(fn); return; }
      if (typeof MessageChannel === 'function') {
        if (!WeftHost.channel) {
          WeftHost.channel = new MessageChannel();
          WeftHost.channel.port1.onmessage = function() { var f = WeftHost.queue.shift(); if (f) f(); };
        }
        WeftHost.queue.push(fn);
        WeftHost.channel.port2.postMessage(0);
        return;
      }
      setTimeout(fn, 0);
    },
    arm: function(loop, delay) {
      var s = WeftHost.loops[loop];
      if (!s) { s = { timer: null, gen: 0 }; WeftHost.loops[loop] = s; }
      s.gen++;
      if (s.timer !== null) { clearTimeout(s.timer); s.timer = null; }
      if (delay < 0) { delete WeftHost.loops[loop]; return; }
      var gen = s.gen;
      var fire = function() {
        if (s.gen !== gen || ABORT) return;
        s.timer = null;
        WeftHost.run(loop);
      };
      if (delay === 0) WeftHost.immediate(fire);
      else s.timer = setTimeout(fire, Math.min(Math.ceil(delay), 2147483647));
    },
    run: function(loop) {
      try {
        Module['_weft_loop_run_ready'](loop);
      } catch (e) {
        if (e instanceof ExitStatus || e === 'unwind') return;
        var state = Module['asm']['asyncify_get_state'] ? Module['asm']['asyncify_get_state']() : 0;
        var msgPtr = Module['_weft__diagnose'](loop, state);
        var msg = msgPtr ? UTF8ToString(msgPtr) : 'weft: the loop trapped: ' + e;
        err(msg);
        delete WeftHost.loops[loop];
        if (typeof process === 'object' && process.exitCode === undefined) process.exitCode = 1;
        if (Module['onWeftError']) Module['onWeftError'](msg, e);
        if (!ABORT) abort(msg);
      }
    },
  },

  weft_js_arm__deps: ['$WeftHost'],
  weft_js_arm: function(loop, delay) { WeftHost.arm(loop, delay); },

  weft_js_main_done: function(status) {
    if (Module['onWeftExit']) Module['onWeftExit'](status);
    else if (ENVIRONMENT_IS_NODE) process.exitCode = status;
  },

  // Binaryen's Asyncify pass replaces these "asyncify" imports with its own
  // functions, so they never reach JS; defining them only keeps emcc's
  // undefined-symbol check meaningful for everything else.
  start_unwind: function() { abort('asyncify intrinsic reached JS'); },
  stop_unwind: function() { abort('asyncify intrinsic reached JS'); },
  start_rewind: function() { abort('asyncify intrinsic reached JS'); },
  stop_rewind: function() { abort('asyncify intrinsic reached JS'); },
});
