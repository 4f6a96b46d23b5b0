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
//   weftTrace     record every scheduler event of the loops weft creates
//                 (weft_run, the JS bridge): true, or a ring capacity in
//                 records (sets WEFT_TRACE; read them with src/js/trace.mjs).
//   weftManual    JS drives the loop itself: the host arms no timer and runs
//                 nothing until Module.weftResume(); Module.weftStep() runs one
//                 unit of work (weft_loop_step).
//   onWeftBatch   called as onWeftBatch(loop) after each batch the host runs
//                 (and after each weftStep): the place to drain the trace.
//   onWeftExit    called as onWeftExit(status) when the program ends: main
//                 returned or called exit(), or weft_run's main task ended.
//                 Nothing else reports it: the host process's exit code is
//                 the host's business.
//   onWeftError   called as onWeftError(message, error) when the loop traps
//                 (the message is also printed with printErr); the module
//                 is dead afterwards.
//
// Module functions added here: weftPause() stops the automatic driving (a
// pending host timer is dropped), weftResume() restarts it, weftPaused(),
// weftLoops() lists the loops the host knows (pointers), weftStep(loop?) runs
// one unit of work of `loop` (default: the first) and returns 1 while work is
// left, 0 when none is; weftStep(loop, { task: true }) steps until one task
// has been resumed (weft_loop_step_task).

mergeInto(LibraryManager.library, {
  $WeftHost__deps: ['$ENV'],
  $WeftHost__postset: "addOnPreRun(function() { if (Module['weftBudgetUs'] != null) ENV['WEFT_BUDGET_US'] = String(Math.max(1, Math.round(Number(Module['weftBudgetUs'])))); " +
    "var tr = Module['weftTrace']; if (tr) ENV['WEFT_TRACE'] = tr === true ? 'on' : String(Math.max(1, Math.round(Number(tr)))); " +
    "if (Module['weftManual']) WeftHost.paused = true; }); WeftHost.install();",
  $WeftHost: {
    // Plain objects only: Emscripten serialises this object into the output.
    // loops[loop] = { timer: setTimeout id or null, immediate: bool, gen }
    loops: {},
    seen: [], // every loop that ever asked for the host, until freed
    paused: false,
    channel: null,
    install: function() {
      // The host process is not weft's: the program's exit status goes to
      // onWeftExit, never to process.exitCode or process.exit (Emscripten's
      // Node glue would set one or call the other; weft links without it,
      // -sENVIRONMENT=web,worker, and with -sNODEJS_CATCH_EXIT=0
      // -sNODEJS_CATCH_REJECTION=0 should a program put Node back). quit_
      // is how main's return or exit() ends a program: Emscripten calls it
      // with the status, then it throws the ExitStatus its caller expects.
      var quit = quit_;
      quit_ = function(status, toThrow) {
        WeftHost.exited(status);
        quit(status, toThrow);
      };
      Module['weftPause'] = function() {
        WeftHost.paused = true;
        for (var k in WeftHost.loops) {
          var s = WeftHost.loops[k];
          s.gen++; // a pending immediate does nothing
          s.immediate = false;
          if (s.timer !== null) { clearTimeout(s.timer); s.timer = null; }
        }
      };
      Module['weftResume'] = function() {
        WeftHost.paused = false;
        // The loop recomputes what it needs and re-arms for it.
        for (var k in WeftHost.loops) WeftHost.arm(Number(k), 0);
      };
      Module['weftPaused'] = function() { return WeftHost.paused; };
      Module['weftLoops'] = function() { return WeftHost.seen.slice(); };
      Module['weftStep'] = function(loop, opts) {
        if (loop == null) loop = WeftHost.seen[0];
        if (!loop) return 0;
        var rc;
        try {
          rc = opts && opts['task'] ? Module['_weft_loop_step_task'](loop) : Module['_weft_loop_step'](loop);
        } catch (e) {
          if (e instanceof ExitStatus || e === 'unwind') return 0;
          WeftHost.fail(loop, e);
          return 0;
        }
        if (Module['onWeftBatch']) Module['onWeftBatch'](loop);
        return rc;
      };
    },
    // The program's end, reported once per way out: main returned or called
    // exit() (quit_), or weft_run's main task ended (weft_js_main_done).
    exited: function(status) {
      if (Module['onWeftExit']) Module['onWeftExit'](status);
    },
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
      if (!s) {
        s = { timer: null, immediate: false, gen: 0, pending: -1 };
        WeftHost.loops[loop] = s;
        if (WeftHost.seen.indexOf(loop) < 0) WeftHost.seen.push(loop);
      }
      s.pending = delay;
      if (delay < 0) {
        s.gen++; // a pending immediate, which cannot be withdrawn, does nothing
        if (s.timer !== null) clearTimeout(s.timer);
        delete WeftHost.loops[loop];
        return;
      }
      if (WeftHost.paused) return; // JS drives: remembered, nothing scheduled
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
        return;
      }
      if (Module['onWeftBatch']) Module['onWeftBatch'](loop);
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
      if (Module['onWeftError']) Module['onWeftError'](msg, e);
    },
  },

  weft_js_arm__deps: ['$WeftHost', '$ENV'],
  weft_js_arm: function(loop, delay) { WeftHost.arm(loop, delay); },

  weft_js_loop_freed__deps: ['$WeftHost'],
  weft_js_loop_freed: function(loop) {
    WeftHost.arm(loop, -1);
    var i = WeftHost.seen.indexOf(loop);
    if (i >= 0) WeftHost.seen.splice(i, 1);
  },

  weft_js_main_done__deps: ['$WeftHost'],
  weft_js_main_done: function(status) { WeftHost.exited(status); },

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

  // Programs linked with -sSTACK_OVERFLOW_CHECK=2 (every weft program; see
  // ctx_asyncify.c): the table entry of C's `slot` becomes the export
  // __set_stack_limits, so C sets the checked limits with a wasm call at
  // each switch. The table takes only a wasm function: the raw export, kept
  // before Asyncify wraps every export in a JS function (the postset runs
  // before the module is instantiated). `asm[...]` is the form emcc's
  // export minifier rewrites. Returns 1 when installed, 0 without the check.
  weft_js_stack_check_install__deps: ['$Asyncify'],
  weft_js_stack_check_install__postset: 'var weftRawExports = null; (function() { ' +
    'var instrument = Asyncify.instrumentWasmExports; ' +
    'Asyncify.instrumentWasmExports = function(e) { weftRawExports = e; return instrument(e); }; })();',
  weft_js_stack_check_install: function(slot) {
    var asm = weftRawExports;
    var f = asm && asm['__set_stack_limits'];
    if (!f) return 0;
    wasmTable.set(slot, f);
    return 1;
  },

  // Binaryen's Asyncify pass replaces these "asyncify" imports with its own
  // functions, so they never reach JS; defining them only keeps emcc's
  // undefined-symbol check meaningful for everything else.
  start_unwind: function() { abort('asyncify intrinsic reached JS'); },
  stop_unwind: function() { abort('asyncify intrinsic reached JS'); },
  start_rewind: function() { abort('asyncify intrinsic reached JS'); },
  stop_rewind: function() { abort('asyncify intrinsic reached JS'); },
});
