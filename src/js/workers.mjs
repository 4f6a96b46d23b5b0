// The worker pool of include/weft/worker.h, on any host: jobs of one weft
// program run in workers that each hold their own instance of it (made from
// the same compiled WebAssembly.Module), one job per worker at a time, the
// rest waiting in FIFO order. Workers start on first use. A job that traps,
// or whose worker dies, rejects and its worker is replaced; cancelling a
// running job terminates its worker (C cannot be interrupted) and replaces
// it. The host-specific part is `spawn()` (src/js/node.mjs: worker_threads;
// src/js/browser.mjs: a module Web Worker), which returns
//   { post(msg, transfer), onMessage(fn), onError(fn), terminate(), ref(), unref() }
// and has already been sent the program to load (worker_core.mjs).

/* A pool of at most `size` workers. Returns { submit(fn, bytes, outCap),
 * size, stats() }; submit returns a job: { done (a Promise of { rc, bytes }),
 * cancel(), cancelled }. */
export function createPool({ size, spawn }) {
  const idle = [];
  const queue = [];
  let live = 0;
  let nextId = 1;
  const counts = { started: 0, replaced: 0, jobs: 0 };
  const all = new Set(); // the live workers

  function dispatch() {
    while (queue.length) {
      let w = idle.pop();
      if (!w) {
        if (live >= size) return;
        w = startWorker();
      }
      const job = queue.shift();
      job.worker = w;
      w.job = job;
      w.ref();
      w.post({ type: 'job', id: job.id, fn: job.fn, bytes: job.bytes, outCap: job.outCap }, [job.bytes.buffer]);
      job.bytes = null;
    }
  }

  function startWorker() {
    const w = spawn();
    all.add(w);
    live++;
    counts.started++;
    w.job = null;
    w.dead = false;
    w.onMessage((msg) => {
      const job = w.job;
      if (!job || msg.id !== job.id) return;
      w.job = null;
      job.worker = null;
      if (msg.type === 'result') {
        job.resolve({ rc: msg.rc, bytes: msg.bytes });
        w.unref();
        idle.push(w);
      } else {
        job.reject(new Error(msg.message || 'the worker trapped'));
        retire(w);
      }
      dispatch();
    });
    w.onError((err) => {
      const job = w.job;
      w.job = null;
      retire(w);
      if (job) {
        job.worker = null;
        job.reject(err instanceof Error ? err : new Error(String(err)));
      }
      dispatch();
    });
    return w;
  }

  // Ends a worker whose instance can no longer be trusted (it trapped, it
  // died, or its job was cancelled while it ran).
  function retire(w) {
    if (w.dead) return;
    w.dead = true;
    all.delete(w);
    live--;
    counts.replaced++;
    const i = idle.indexOf(w);
    if (i >= 0) idle.splice(i, 1);
    w.terminate();
  }

  let closed = false;

  function submit(fn, bytes, outCap) {
    let resolve, reject;
    const done = new Promise((res, rej) => { resolve = res; reject = rej; });
    const job = { id: nextId++, fn, bytes, outCap, worker: null, cancelled: false, done, resolve, reject };
    if (closed) {
      job.cancel = () => {};
      reject(new Error('the worker pool is closed'));
      return job;
    }
    job.cancel = () => {
      if (job.cancelled) return;
      job.cancelled = true;
      const q = queue.indexOf(job);
      if (q >= 0) queue.splice(q, 1);
      const w = job.worker;
      if (w) {
        w.job = null;
        job.worker = null;
        retire(w);
      }
      reject(new Error('cancelled'));
      dispatch();
    };
    counts.jobs++;
    queue.push(job);
    dispatch();
    return job;
  }

  /* Ends every worker: running and queued jobs reject (their C futures fail
   * with WEFT_EWORKER), later submits too. For a host that is done with the
   * program (the page's Reset); idempotent. */
  function close() {
    if (closed) return;
    closed = true;
    for (const job of queue.splice(0)) job.reject(new Error('the worker pool is closed'));
    idle.length = 0;
    for (const w of all) {
      const job = w.job;
      w.job = null;
      w.dead = true;
      w.terminate();
      if (job) { job.worker = null; job.reject(new Error('the worker pool is closed')); }
    }
    all.clear();
    live = 0;
  }

  return { submit, size, close, stats: () => ({ ...counts, live, idle: idle.length, queued: queue.length }) };
}

/* The pool size a host gets when createWeft's `workers` is not given. */
export function defaultPoolSize(cores) {
  return Math.max(1, Math.floor(Number(cores) || 1));
}
