// Loads one weft wasm program into fixture.html and reports to the test:
//   /?prog=tests/host/host_order&args=a,b&budgetUs=1&virtual=1&spy={json}
// prog is a path under /build/wasm/ without .js. Results: window.__results =
// { done, status, lines, errors, spy } (the test polls `done`).
(function () {
  var q = new URLSearchParams(location.search);
  var results = window.__results = { done: false, status: null, lines: [], errors: [], spy: null };
  var out = document.getElementById('out');
  var statusEl = document.getElementById('status');
  results.spy = window.weftInstallSpy(JSON.parse(q.get('spy') || '{}'));
  function line(text, isErr) {
    (isErr ? results.errors : results.lines).push(text);
    out.textContent += text + '\n';
  }
  function finish(status) {
    if (results.done) return;
    results.status = status;
    statusEl.textContent = q.get('prog') + ': exit ' + status;
    statusEl.className = status === 0 ? 'ok' : 'fail';
    results.done = true;
  }
  var prog = q.get('prog');
  var script = document.createElement('script');
  script.src = '/build/wasm/' + prog + '.js';
  script.onerror = function () { line('cannot load ' + script.src, true); finish(-1); };
  script.onload = function () {
    var opts = {
      arguments: q.get('args') ? q.get('args').split(',') : [],
      print: function (t) { line(t, false); },
      printErr: function (t) { line(t, true); },
      onWeftExit: finish,
      onWeftError: function (msg) { line(msg, true); finish(1); },
      onAbort: function (what) { line('abort: ' + what, true); finish(1); },
      preRun: [function (M) { if (q.get('virtual')) M.ENV.WEFT_CLOCK = 'virtual'; }],
    };
    if (q.get('budgetUs')) opts.weftBudgetUs = Number(q.get('budgetUs'));
    // files={"name":["text", repeat]}: Files handed in (weft/file.h), each
    // its text repeated (the URL stays short); downloads are
    // kept as base64 in __results.downloads, in the order they were made.
    if (q.get('files')) {
      var given = JSON.parse(q.get('files'));
      opts.weftFiles = {};
      Object.keys(given).forEach(function (n) { opts.weftFiles[n] = new File([given[n][0].repeat(given[n][1])], n, { type: 'text/plain' }); });
    }
    results.downloads = [];
    opts.onWeftDownload = function (blob, name) {
      var d = { name: name, type: blob.type, size: blob.size, base64: null };
      results.downloads.push(d);
      blob.arrayBuffer().then(function (buf) {
        var bytes = new Uint8Array(buf), s = '';
        for (var i = 0; i < bytes.length; i += 8192) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
        d.base64 = btoa(s);
      });
    };
    statusEl.textContent = prog + ': running';
    // The MODULARIZE output defines the global factory createWeftProgram;
    // it fetches the .wasm next to the script.
    window.createWeftProgram(opts).catch(function (e) { line('load failed: ' + e, true); finish(1); });
  };
  document.head.appendChild(script);
})();
