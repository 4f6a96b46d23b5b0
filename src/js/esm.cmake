# cmake -DIN=<prog>.js -DOUT=<prog>.mjs -DWASM=<prog>.wasm -P esm.cmake
#
# Writes the ES-module form of a weft program's MODULARIZE output: the same
# script without its CommonJS / AMD export lines, then
#
#   export const wasm = new URL('<prog>.wasm', import.meta.url);
#   export default <factory>;   // createWeftProgram, finding its .wasm there
#
# A static new URL(…, import.meta.url) is what bundlers recognise: they emit
# the .wasm as an asset (hashed) and rewrite the URL, so the default location
# works in a bundle. Browsers import the module like any other (no source
# text evaluated: a strict Content-Security-Policy holds); Node imports it
# too (weft's Node loader reads the wasm URL with node:fs, since Node's fetch
# cannot read file: URLs). The program is linked for web and worker only
# (CMakeLists.txt), so the module holds no Node-only code.
cmake_policy(VERSION 3.16)
if(NOT IN OR NOT OUT OR NOT WASM)
  message(FATAL_ERROR "usage: cmake -DIN=<prog>.js -DOUT=<prog>.mjs -DWASM=<prog>.wasm -P esm.cmake")
endif()
file(READ "${IN}" body)
# Emscripten's MODULARIZE trailer (3.1.6): CommonJS and AMD exports, which
# would make bundlers treat the module as CommonJS.
set(trailer "if (typeof exports === 'object' && typeof module === 'object')")
string(FIND "${body}" "${trailer}" at)
if(at LESS 0)
  message(FATAL_ERROR "esm.cmake: ${IN} does not end with Emscripten's MODULARIZE exports; cannot make an ES module of it")
endif()
string(SUBSTRING "${body}" 0 ${at} body)
set(esm [=[
// The ES-module form, written by weft's esm.cmake.
export const wasm = new URL('__WEFT_WASM_FILE__', import.meta.url);

/* The program's factory: Emscripten's, which finds the .wasm at `wasm`
 * unless moduleArgs gives wasmBinary, locateFile or instantiateWasm. */
function createProgram(moduleArgs) {
  const args = Object.assign({}, moduleArgs);
  if (!args.wasmBinary && !args.locateFile && !args.instantiateWasm) {
    args.locateFile = (path) => (/\.wasm$/.test(path) ? wasm.href : path);
  }
  return createWeftProgram(args);
}
createProgram.wasm = wasm;
export default createProgram;
]=])
string(REPLACE "__WEFT_WASM_FILE__" "${WASM}" esm "${esm}")
file(WRITE "${OUT}" "${body}${esm}")
