// Loads a weft program's Emscripten output (MODULARIZE CommonJS) from a
// script run under Node, for the repository's own runners (scripts/,
// tests/, bench/). The .js is CommonJS, but it sits under this package's
// "type": "module", so require() would load it as an ES module (Node >=
// 20.19 does, and finds no export; older Nodes throw ERR_REQUIRE_ESM).
// It is evaluated as CommonJS explicitly, under its own file name so that
// stack traces point into it. (The npm package's src/js/index.mjs has its
// own loader: the package cannot import from scripts/.)
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { runInThisContext } from 'node:vm';

// Returns what `file` assigns to module.exports: the program's factory.
export function loadCommonJS(file) {
  const src = readFileSync(file, 'utf8');
  const wrapper = runInThisContext(`(function (exports, require, module, __filename, __dirname) {${src}\n})`, { filename: file });
  const module = { exports: {} };
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}
