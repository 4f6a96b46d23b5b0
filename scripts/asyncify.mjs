// The functions Binaryen's Asyncify pass instruments in a weft program, by
// name: the program is relinked from its CMake link line (build/wasm/
// CMakeFiles/<target>.dir/link.txt) with --profiling-funcs, which keeps the
// function names, into a temporary folder, and disassembled with wasm-dis.
// An instrumented function is one that reads Asyncify's state global.
// Used by the size bench (scripts/bench.mjs) and tests/node/asyncify.test.mjs.
//
//   node scripts/asyncify.mjs [target]     prints the list (default: weft_runtime)
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, NODE_PATH: ['/usr/share/nodejs', process.env.NODE_PATH].filter(Boolean).join(':') };

// The function names of `wat` that read Asyncify's state global (the one
// asyncify_start_unwind sets to 1), Asyncify's own functions left out.
export function instrumented(wat) {
  const funcs = wat.split(/\n \(func /).slice(1).map((f) => ({ name: f.split(/\s/)[0].replace(/^\$/, ''), body: f }));
  const start = funcs.find((f) => f.name === 'asyncify_start_unwind');
  const state = start && start.body.match(/global\.set \$(\S+)\s*\(i32\.const 1\)/);
  if (!state) return null;
  const use = `global.get $${state[1]})`;
  return funcs.filter((f) => !f.name.startsWith('asyncify_') && f.body.includes(use)).map((f) => f.name);
}

// Relinks `target` (its link line edited by `edit`): { raw, gzip, names,
// warnings } (names: null when the named relink or wasm-dis failed), or
// null when the target was never linked or the relink failed.
export function relink(target = 'weft_runtime', edit = (c) => c) {
  const dir = join(root, 'build/wasm');
  const linkTxt = join(dir, `CMakeFiles/${target}.dir/link.txt`);
  if (!existsSync(linkTxt)) return null;
  const tmp = mkdtempSync(join(tmpdir(), 'weft-relink-'));
  try {
    const base = edit(readFileSync(linkTxt, 'utf8').trim());
    const link = (out, extra) => spawnSync('bash', ['-c', `${base.replace(/ -o \S+\.js/, ` -o ${join(tmp, out)}`)} ${extra}`], { cwd: dir, env, encoding: 'utf8' });
    const plain = link('plain.js', '');
    if (plain.status !== 0) return null;
    const wasm = readFileSync(join(tmp, 'plain.wasm'));
    const res = { raw: wasm.length, gzip: gzipSync(wasm, { level: 9 }).length, names: null, warnings: plain.stderr.split('\n').filter((l) => /warning/.test(l)) };
    if (link('named.js', '--profiling-funcs').status === 0) {
      const dis = spawnSync('wasm-dis', [join(tmp, 'named.wasm')], { encoding: 'utf8', maxBuffer: 1 << 28 });
      if (dis.status === 0) res.names = instrumented(dis.stdout);
    }
    return res;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = relink(process.argv[2] || 'weft_runtime');
  if (!r || !r.names) {
    console.error('asyncify: relink failed (is build/wasm built? node scripts/build.mjs wasm)');
    process.exit(1);
  }
  for (const w of r.warnings) console.error(w);
  console.log(r.names.join('\n'));
}
