// Inside a pool worker (src/js/workers.mjs): loads the program once, as an
// instance of the compiled module the pool sent, without running its main,
// then runs each job through weft__worker_call (src/host/worker.c) and posts
// the result back. The host-specific entry points are worker_node.mjs and
// worker_browser.mjs; they pass how to post, how to listen and how to load a
// program's factory.

/* Serves jobs. `loadFactory(url, kind)` returns the program's factory. */
export function serve({ post, onMessage, loadFactory }) {
  let ready = null;
  let M = null;
  onMessage(async (msg) => {
    if (msg.type === 'init') {
      ready = boot(msg).catch((e) => { M = null; return e; });
      return;
    }
    if (msg.type !== 'job') return;
    const err = await ready;
    if (!M) {
      post({ type: 'trap', id: msg.id, message: `weft: the worker could not load the program: ${err && err.message}` });
      return;
    }
    run(msg);
  });

  async function boot({ url, kind, module }) {
    const factory = await loadFactory(url, kind);
    M = await factory({
      noInitialRun: true,
      noExitRuntime: true,
      arguments: [],
      instantiateWasm(imports, receive) {
        WebAssembly.instantiate(module, imports).then((instance) => receive(instance, module));
        return {};
      },
    });
  }

  function run({ id, fn, bytes, outCap }) {
    const len = bytes.length;
    const inP = M._malloc(Math.max(1, len));
    const outP = M._malloc(Math.max(1, outCap));
    const lenP = M._malloc(4);
    if (!inP || !outP || !lenP) {
      post({ type: 'result', id, rc: -4 /* WEFT_ENOMEM */, bytes: new Uint8Array(0) });
      return;
    }
    M.HEAPU8.set(bytes, inP);
    let rc;
    try {
      rc = M._weft__worker_call(fn, inP, len, outP, outCap, lenP);
    } catch (e) {
      // A trap leaves the instance in an unknown state: the pool retires it.
      post({ type: 'trap', id, message: String(e && e.message || e) });
      return;
    }
    const n = rc === 0 ? M.HEAPU32[lenP >> 2] : 0;
    const out = M.HEAPU8.slice(outP, outP + n);
    M._free(inP);
    M._free(outP);
    M._free(lenP);
    post({ type: 'result', id, rc, bytes: out }, [out.buffer]);
  }
}
