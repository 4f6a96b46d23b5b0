#!/usr/bin/env node
// Builds the libFuzzer target tests/fuzz/fuzz_prop.c with clang (ASan +
// UBSan + libFuzzer) into build/fuzz/ and runs it for a bounded time.
//   node scripts/fuzz.mjs [--seconds 60] [--json out.json]
// Prints the number of executions; exits non-zero when the fuzzer found a
// failing input (saved as build/fuzz/crash-*; replay: build/fuzz/fuzz_prop <file>).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const seconds = Number(opt('--seconds', '60'));
const jsonOut = opt('--json', null);

const out = join(root, 'build', 'fuzz');
mkdirSync(join(out, 'corpus'), { recursive: true });
// The native library's sources, as CMakeLists.txt lists them (WEFT_SOURCES,
// plus the native context), so a layer added there is fuzzed too.
const cmake = readFileSync(join(root, 'CMakeLists.txt'), 'utf8');
const listed = cmake.match(/set\(WEFT_SOURCES([^)]*)\)/)[1].split(/\s+/).filter((f) => f.endsWith('.c'));
const lib = [...listed, 'src/task/ctx_native.c'];
const sources = [...lib, 'tests/prop/gen.c', 'tests/prop/model.c', 'tests/prop/run.c', 'tests/fuzz/fuzz_prop.c'];
const exe = join(out, 'fuzz_prop');
execFileSync('clang', ['-std=gnu11', '-g', '-O1', '-fsanitize=fuzzer,address,undefined', '-fno-sanitize-recover=undefined',
  '-Iinclude', ...sources, '-o', exe], { cwd: root, stdio: 'inherit' });

const t0 = Date.now();
const r = spawnSync(exe, [`-max_total_time=${seconds}`, '-print_final_stats=1', '-max_len=512', '-timeout=20',
  `-artifact_prefix=${out}/`, join(out, 'corpus')], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
const log = (r.stdout || '') + (r.stderr || '');
const execs = Number((/stat::number_of_executed_units:\s*(\d+)/.exec(log) || [])[1] || 0);
const result = {
  seconds: Math.round((Date.now() - t0) / 1000),
  executions: execs,
  corpus: readdirSync(join(out, 'corpus')).length,
  ok: r.status === 0,
  command: `node scripts/fuzz.mjs --seconds ${seconds}`,
};
console.log(`fuzz_prop: ${execs} executions in ${result.seconds} s, corpus ${result.corpus}, ${result.ok ? 'no failure' : 'FAILED'}`);
if (!result.ok) console.log(log.split('\n').slice(-60).join('\n'));
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(result, null, 2));
process.exit(result.ok ? 0 : 1);
