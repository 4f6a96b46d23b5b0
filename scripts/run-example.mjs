#!/usr/bin/env node
// `npm run example -- <name> [--virtual] [--native] [args...]`
// Runs one of examples/*.c: as wasm under Node (default, through
// scripts/run-wasm.mjs) or as the native binary (--native). --virtual picks
// the virtual clock (WEFT_CLOCK=virtual): the same lines, instantly.
// Builds the tree first when the program is missing or older than a source.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const examples = readdirSync(join(root, 'examples'))
  .filter((f) => f.endsWith('.c'))
  .map((f) => f.slice(0, -2))
  .sort();

const argv = process.argv.slice(2);
const name = argv[0];
const rest = argv.slice(1);
const native = rest.includes('--native');
const virtual = rest.includes('--virtual');
const args = rest.filter((a) => a !== '--native' && a !== '--virtual');

if (!name || !examples.includes(name)) {
  if (name) console.error(`unknown example '${name}'`);
  console.error('usage: npm run example -- <name> [--virtual] [--native] [args...]');
  console.error(`examples: ${examples.join(', ')}`);
  process.exit(2);
}

const tree = native ? 'native' : 'wasm';
const program = join(root, 'build', tree, 'examples', native ? name : `${name}.js`);

// Newest modification time under the directories the program is built from.
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const sources = ['src', 'include', 'examples'].map((d) => join(root, d)).filter(existsSync);
const stale = !existsSync(program) || statSync(program).mtimeMs < Math.max(...sources.map(newest), statSync(join(root, 'CMakeLists.txt')).mtimeMs);
if (stale) {
  console.error(`building ${tree}...`);
  const b = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), tree], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (b.status !== 0 || !existsSync(program)) {
    console.error(`build of ${tree} failed`);
    process.exit(b.status || 1);
  }
}

const env = { ...process.env };
if (virtual) env.WEFT_CLOCK = 'virtual';
const r = native
  ? spawnSync(program, args, { stdio: 'inherit', env })
  : spawnSync(process.execPath, [join(root, 'scripts/run-wasm.mjs'), program, ...(virtual ? ['--virtual'] : []), ...args], { stdio: 'inherit', env });
if (r.error) {
  console.error(r.error.message);
  process.exit(1);
}
process.exit(r.status ?? 1);
