// The C test programs of tests/c (registered in tests/CMakeLists.txt with
// weft_program) also build as wasm: build/wasm/tests/<name>.js + .wasm. Each
// one found at test time is run under Node through scripts/run-wasm.mjs and
// must exit 0 with a last line "N passed, 0 failed". Programs whose name
// contains "stack_overflow" must instead fail, saying on stderr that a task
// overflowed; "deadlock" ones must fail reporting the deadlock. The programs run concurrently, a few at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { limiter, report, root, runWasmProgram } from './lib.mjs';

const dir = join(root, 'build', 'wasm', 'tests');
const isDir = (p) => existsSync(p) && statSync(p).isDirectory();

// What to skip for, when the wasm build (or its tests directory) is absent.
const skip = !isDir(join(root, 'build', 'wasm'))
  ? 'build output missing: build/wasm (run: node scripts/build.mjs wasm)'
  : !isDir(dir)
    ? 'build output missing: build/wasm/tests/ (configure with WEFT_BUILD_TESTS=ON: node scripts/build.mjs wasm)'
    : false;

const programs = skip
  ? []
  : readdirSync(dir)
    .filter((f) => f.endsWith('.js') && existsSync(join(dir, f.replace(/\.js$/, '.wasm'))))
    .map((f) => f.slice(0, -3))
    .sort();

// The names tests/CMakeLists.txt lists in set(WEFT_C_TESTS ...), if it does.
function registered() {
  const file = join(root, 'tests', 'CMakeLists.txt');
  if (!existsSync(file)) return null;
  const m = /set\(\s*WEFT_C_TESTS\b([^)]*)\)/.exec(readFileSync(file, 'utf8'));
  if (!m) return null;
  return m[1].replace(/#[^\n]*/g, '').split(/\s+/).filter(Boolean);
}

test('build/wasm/tests/ holds C test programs', { skip }, () => {
  assert.ok(programs.length > 0,
    `no C test program (<name>.js with its .wasm) in ${dir}: tests/CMakeLists.txt should build tests/c/*.c with weft_program(), and node scripts/build.mjs wasm should have built them`);
});

const names = registered();
test('every C test listed in tests/CMakeLists.txt was built as wasm', { skip: skip || (names ? false : 'tests/CMakeLists.txt has no set(WEFT_C_TESTS ...) list') }, () => {
  const absent = names.filter((n) => !programs.includes(n));
  assert.deepEqual(absent, [], `listed in tests/CMakeLists.txt but not built in ${dir} (run: node scripts/build.mjs wasm)`);
});

// Start them all, `limit` at a time; each test awaits its own.
const limited = limiter();
const runs = new Map(programs.map((p) => [p, limited(() => runWasmProgram(join(dir, `${p}.js`), { timeoutMs: 180000 }))]));

for (const p of programs) {
  if (p.includes('stack_overflow')) {
    test(`${p} (wasm) fails, reporting the overflow`, async () => {
      const r = await runs.get(p);
      assert.equal(r.error, null, report(r));
      assert.notEqual(r.code, 0, `expected a non-zero exit\n${report(r)}`);
      assert.match(r.stderr, /task 'deep' overflowed its \d+-byte (C stack|Asyncify save buffer)/, report(r));
    });
  } else if (p.includes('deadlock')) {
    test(`${p} (wasm) fails, reporting the deadlock`, async () => {
      const r = await runs.get(p);
      assert.equal(r.error, null, report(r));
      assert.notEqual(r.code, 0, `expected a non-zero exit\n${report(r)}`);
      assert.match(r.stderr, /weft: deadlock \(WEFT_EDEADLK\)/, report(r));
      // The tasks were cancelled and cleaned up before the program ended.
      assert.deepEqual(r.lines.filter(Boolean), ['main woke: WEFT_ECANCELED', 'bystander woke: WEFT_ECANCELED'], report(r));
    });
  } else {
    test(`${p} (wasm)`, async () => {
      const r = await runs.get(p);
      assert.equal(r.error, null, report(r));
      assert.equal(r.code, 0, report(r));
      const last = r.lines.filter((l) => l.trim() !== '').pop() ?? '';
      assert.match(last, /^\d+ passed, 0 failed$/, `last line of stdout: '${last}'\n${report(r)}`);
    });
  }
}
