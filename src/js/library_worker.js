// The host side of weft/worker.h (src/host/worker.c): a job is a host
// future. Its input is copied out of this instance's memory at once; the
// pool (Module.weftWorkerPool, made by the JS loader from src/js/workers.mjs)
// runs it in a worker's own instance of this program and hands back the
// result bytes, which are copied into the caller's buffer only if the job was
// not cancelled meanwhile (the task's buffer may be gone then).

mergeInto(LibraryManager.library, {
  $WeftWorker__deps: ['$WeftErrors'],
  $WeftWorker: {
    jobs: null, // host future -> the pool's job ({ cancel }), while it runs
  },

  weft_js_worker_submit__deps: ['$WeftWorker', '$WeftErrors'],
  weft_js_worker_submit: function(fut, fn, inPtr, inLen, outPtr, outCap) {
    var pool = Module['weftWorkerPool'];
    if (!pool) {
      Module['_weft_host_fail'](fut, WeftErrors.ENOSYS);
      return;
    }
    if (!WeftWorker.jobs) WeftWorker.jobs = new Map();
    var input = HEAPU8.slice(inPtr, inPtr + inLen);
    var job = pool.submit(fn, input, outCap);
    WeftWorker.jobs.set(fut, job);
    job.done.then(function(r) {
      WeftWorker.jobs.delete(fut);
      if (job.cancelled) { Module['_weft_host_fail'](fut, WeftErrors.ECANCELED); return; }
      if (r.rc !== 0) { Module['_weft_host_fail'](fut, r.rc); return; }
      if (r.bytes.length > outCap) { Module['_weft_host_fail'](fut, WeftErrors.EINVAL); return; }
      HEAPU8.set(r.bytes, outPtr);
      Module['_weft_host_resolve'](fut, r.bytes.length);
    }, function() {
      WeftWorker.jobs.delete(fut);
      Module['_weft_host_fail'](fut, job.cancelled ? WeftErrors.ECANCELED : WeftErrors.EWORKER);
    });
  },

  // The C side's cancel hook: the pool drops the job, or replaces its worker.
  weft_js_worker_cancel__deps: ['$WeftWorker'],
  weft_js_worker_cancel: function(fut) {
    var job = WeftWorker.jobs && WeftWorker.jobs.get(fut);
    if (job) job.cancel();
  },
});
