# cmake -DIN=<prog>.js -DOUT=<prog>.mjs -P esm.cmake
#
# Writes an ES-module copy of a weft program's MODULARIZE output: the same
# script plus `export default createWeftProgram`. Browsers import it like any
# module, so a page under a strict Content-Security-Policy (no 'unsafe-eval')
# can load weft without evaluating source text. Node cannot use it: the
# script's Node branch needs CommonJS's require and __dirname, so Node loads
# the .js (src/js/index.mjs).
file(READ "${IN}" body)
file(WRITE "${OUT}" "${body}\nexport default createWeftProgram;\n")
