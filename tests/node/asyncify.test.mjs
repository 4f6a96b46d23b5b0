// The functions Asyncify instruments in the runtime (dist/weft.wasm, the
// weft_runtime target) must stay within the committed list
// tests/node/asyncify-instrumented.txt: each one costs code size and, on a
// task's path, time at every switch (issue #18). A function instrumented
// that the list lacks fails the test: take it off the path (CMakeLists.txt's
// WEFT_ASYNCIFY_REMOVE, or keep an indirect call out of its caller), or, if
// it can really suspend, add it to the list in the same commit. A name of
// the list no longer instrumented is reported, not failed (drop it).
// Binaryen must also find every weft pattern of ASYNCIFY_REMOVE in the
// runtime (a pattern it warns is "non-matching" names a function that is
// not there, so its callers are instrumented instead).
// The runtime is relinked with its names (scripts/asyncify.mjs), ~15 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { relink, root } from '../../scripts/asyncify.mjs';

const linkTxt = join(root, 'build/wasm/CMakeFiles/weft_runtime.dir/link.txt');
const skip = existsSync(linkTxt) ? false : 'build output missing: build/wasm (run: node scripts/build.mjs wasm)';
const listFile = join(root, 'tests/node/asyncify-instrumented.txt');
const committed = readFileSync(listFile, 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);

const r = skip ? null : relink('weft_runtime');

test('the runtime relinks with its function names', { skip }, () => {
  assert.ok(r && r.names, 'relinking build/wasm\'s weft_runtime with --profiling-funcs failed');
});

test('Asyncify instruments no function of the runtime beyond tests/node/asyncify-instrumented.txt', { skip }, (t) => {
  const extra = r.names.filter((n) => !committed.includes(n));
  const gone = committed.filter((n) => !r.names.includes(n));
  if (gone.length) t.diagnostic(`no longer instrumented (drop from the list): ${gone.join(', ')}`);
  assert.deepEqual(extra, [], `newly instrumented: ${extra.join(', ')} (${r.names.length} in all)`);
});

test('every weft pattern of ASYNCIFY_REMOVE matches a function of the runtime', { skip }, () => {
  const bad = r.warnings.filter((w) => /non-matching pattern: (weft|dynCall)/.test(w));
  assert.deepEqual(bad, []);
});
