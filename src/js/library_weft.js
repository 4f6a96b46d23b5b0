// weft's Emscripten JS library: the host side of the loop.
//
// The C loop never blocks the host. After each batch of ready work it tells
// the host when it next needs to run (weft_js_arm), and the host keeps ONE
// timer per loop for that: setImmediate (Node) or a MessageChannel message
// (browsers) for "now", because setTimeout(0) is clamped to 4 ms once nested,
// and setTimeout otherwise (clamped to 2^31-1 ms and re-armed).
//
// At most one host callback is outstanding per loop: a pending immediate
// absorbs every later request (it runs the loop, which re-arms for whatever
// is next), and a pending setTimeout is cleared before another is set.
//
// Module options read here (pass them to the program's factory):
//   weftBudgetUs  how long weft_loop_run_ready may run ready work before it
//                 returns to the host, in µs (default 4000): sets the
//                 environment variable WEFT_BUDGET_US before main runs, which
//                 weft_run (and the JS bridge's loop) read into
//                 weft_loop_options.budget_us. Smaller keeps rendering and
//                 input more responsive while tasks stay busy; larger costs
//                 fewer host round trips.

mergeInto(LibraryManager.library, {
  $WeftHost__deps: ['$ENV'],
  $WeftHost__postset: "addOnPreRun(function() { if (Module['weftBudgetUs'] != null) ENV['WEFT_BUDGET_US'] = String(Math.max(1, Math.round(Number(Module['weftBudgetUs'])))); });",
  $WeftHost: {
    // Plain objects only: Emscripten serialises this object into the output.
    // loops[loop] = { timer: setTimeout id or null, immediate: bool, gen }
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
    // delay: ms until the loop next needs to run; 0 now, < 0 never (disarm).
    arm: function(loop, delay) {
      var s = WeftHost.loops[loop];
      if (!s) { s = { timer: null, immediate: false, gen: 0 }; WeftHost.loops[loop] = s; }
      if (delay < 0) {
        s.gen++; // a pending immediate, which cannot be withdrawn, does nothing
        if (s.timer !== null) clearTimeout(s.timer);
        delete WeftHost.loops[loop];
        return;
      }
      if (s.immediate) return; // the loop runs very soon and re-arms itself
      if (s.timer !== null) { clearTimeout(s.timer); s.timer = null; }
      var gen = ++s.gen;
      var fire = function() {
        if (s.gen !== gen || ABORT) return;
        s.timer = null;
        s.immediate = false;
        WeftHost.run(loop);
      };
      if (delay === 0) {
        s.immediate = true;
        WeftHost.immediate(fire);
      } else {
        // Never early: round up; past setTimeout's limit, the loop finds
        // nothing due when this fires and arms the remainder.
        s.timer = setTimeout(fire, Math.min(Math.ceil(delay), 2147483647));
      }
    },
    run: function(loop) {
      try {
        Module['_weft_loop_run_ready'](loop);
      } catch (e) {
        if (e instanceof ExitStatus || e === 'unwind') return;
        WeftHost.fail(loop, e);
      }
    },
    // A trap inside the loop is fatal for the module (its C state is
    // mid-switch): name the cause, mark the module aborted, and return
    // normally so the host's own event loop is not torn down by a rethrow.
    fail: function(loop, e) {
      delete WeftHost.loops[loop];
      var msg;
      if (ABORT) {
        msg = String(e && e.message || e); // abort() already printed it
      } else {
        var ptr = Module['_weft__diagnose'](loop);
        msg = ptr ? UTF8ToString(ptr) : 'weft: the loop trapped: ' + e;
        err(msg);
        ABORT = true;
      }
      EXITSTATUS = 1;
      if (ENVIRONMENT_IS_NODE) process.exitCode = 1;
      if (Module['onWeftError']) Module['onWeftError'](msg, e);
    },
  },

  weft_js_arm__deps: ['$WeftHost', '$ENV'],
  weft_js_arm: function(loop, delay) { WeftHost.arm(loop, delay); },

  weft_js_main_done: function(status) {
    if (Module['onWeftExit']) Module['onWeftExit'](status);
    else if (ENVIRONMENT_IS_NODE) process.exitCode = status;
  },

  // Emscripten's STACK_OVERFLOW_CHECK=2 calls this when a function is about
  // to move __stack_pointer past the limits weft sets for the running task.
  // Nothing has been written below the stack yet, so the task is intact and
  // can be named.
  __handle_stack_overflow__deps: ['emscripten_stack_get_base'],
  __handle_stack_overflow: function(requested) {
    var name = Module['_weft__current_task_name']();
    if (name) {
      abort("weft: task '" + UTF8ToString(name) + "' overflowed its " +
            Module['_weft__current_task_stack_size']() + '-byte C stack (WEFT_ESTACK)');
    }
    abort('stack overflow (SP would be 0x' + (requested >>> 0).toString(16) + ')');
  },

  // Programs linked with -sSTACK_OVERFLOW_CHECK=2: see ctx_asyncify.c.
  weft_js_stack_check_available: function() {
    return Module['asm']['__set_stack_limits'] ? 1 : 0;
  },
  weft_js_set_stack_limits: function(base, end) {
    Module['asm']['__set_stack_limits'](base, end);
  },

  // Binaryen's Asyncify pass replaces these "asyncify" imports with its own
  // functions, so they never reach JS; defining them only keeps emcc's
  // undefined-symbol check meaningful for everything else.
  start_unwind: function() { abort('asyncify intrinsic reached JS'); },
  stop_unwind: function() { abort('asyncify intrinsic reached JS'); },
  start_rewind: function() { abort('asyncify intrinsic reached JS'); },
  stop_rewind: function() { abort('asyncify intrinsic reached JS'); },
});
