#!/usr/bin/env node
// Writes README.md's "without CMake" block (between the hand-build:begin and
// hand-build:end markers) from what CMakeLists.txt builds with: the sources,
// the optimisation and the link flags, which CMake writes to
// build/wasm/weft-hand-build.json when it configures the wasm tree. The list
// in the README therefore cannot drift from the build's.
//   node scripts/docs.mjs [path/to/weft-hand-build.json]          rewrite README.md
//   node scripts/docs.mjs --check [path/to/weft-hand-build.json]  exit 1 if it is stale
// scripts/build.mjs runs it after building a wasm tree; tests/node/package.test.mjs checks it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BEGIN = '<!-- hand-build:begin (scripts/docs.mjs writes this block from CMakeLists.txt) -->';
const END = '<!-- hand-build:end -->';

/* A flag for sh: single-quoted when it holds a character the shell would
 * expand or split on. */
const sh = (f) => (/^[\w@%+=:,./-]+$/.test(f) ? f : `'${f.replace(/'/g, "'\\''")}'`);

/* The README block for a weft-hand-build.json's content. */
export function handBuildBlock(spec, prefix = 'node_modules/weft') {
  const p = (f) => `${prefix}/${f}`;
  // One word per flag for the wrapping ('--js-library <file>' stays on one line).
  const link = spec.link.map((f) => (f.startsWith('--js-library ') ? `--js-library ${p(f.slice(13))}` : sh(f)));
  const wrap = (words, indent) => {
    const lines = [];
    let line = '';
    for (const w of words) {
      if (line && line.length + 1 + w.length > 100) { lines.push(line); line = indent + w; } else line = line ? `${line} ${w}` : w;
    }
    lines.push(line);
    return lines.join(' \\\n');
  };
  const compile = ['emcc', '-c', `-std=gnu${spec.std}`, ...spec.optimize, `-I${prefix}/include`];
  return [
    BEGIN,
    '```sh',
    '# weft: every source, each into its .o',
    'mkdir -p objs',
    `for f in ${spec.sources.map(p).join(' \\\n         ')}; do`,
    `  ${compile.join(' ')} "$f" -o "objs/$(basename "$f" .c).o"`,
    'done',
    '# your program, then the link: myprog.js (a classic script defining createWeftProgram) + myprog.wasm',
    `${compile.join(' ')} main.c -o main.o`,
    wrap(['emcc', 'main.o', 'objs/*.o', ...spec.optimize, ...link, '-o', 'myprog.js'], '  '),
    '```',
    '',
    'Load it with `createWeft({ module: \'./myprog.js\' })` (its `.wasm` is found beside it). `weft_program()`',
    'also writes the ES-module form, `myprog.mjs` (`src/js/esm.cmake`), which bundlers and `import` want.',
    END,
  ].join('\n');
}

function main() {
  const args = process.argv.slice(2);
  const check = args[0] === '--check';
  if (check) args.shift();
  const json = args[0] || join(root, 'build', 'wasm', 'weft-hand-build.json');
  if (!existsSync(json)) { console.error(`docs.mjs: ${json} is missing (configure the wasm tree: node scripts/build.mjs wasm)`); process.exit(2); }
  const spec = JSON.parse(readFileSync(json, 'utf8'));
  const readmePath = join(root, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const a = readme.indexOf(BEGIN);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) { console.error('docs.mjs: README.md has no hand-build block'); process.exit(2); }
  const next = readme.slice(0, a) + handBuildBlock(spec) + readme.slice(b + END.length);
  if (check) {
    if (next !== readme) { console.error('docs.mjs: README.md\'s hand-build block is stale (run: node scripts/docs.mjs)'); process.exit(1); }
    return;
  }
  if (next !== readme) writeFileSync(readmePath, next);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
