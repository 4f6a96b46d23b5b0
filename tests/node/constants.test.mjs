// The constants C and JS share have one source, the X-macro lists of the
// public headers (scripts/constants.mjs):
//   - the committed src/js/constants.mjs, .d.ts and library_constants.js are
//     what the headers give now (not stale);
//   - they hold exactly what the compiler sees: tests/c/test_constants prints
//     every list as C has it (as wasm: wasm32's record offsets; natively too);
//   - the JS consumers use them (no mirrored table, no bare code literal);
//   - adding an error code or a trace reason is one edit in one header: done
//     in a copy of the tree, the generated files, the C enum and strerror, the
//     trace reader and the page's colours all have it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { report, root, run, runWasmProgram } from './lib.mjs';
import * as C from '../../src/js/constants.mjs';
import { KINDS, REASONS, RECORD_SIZE } from '../../src/js/trace.mjs';
import { COLORS } from '../../web/timeline.mjs';

const script = join(root, 'scripts', 'constants.mjs');

test('constants: the generated files are up to date with the headers', () => {
  const r = spawnSync(process.execPath, [script, '--check'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

/* The lists as a test_constants run printed them. */
function parseDump(lines) {
  const d = { errors: [], kind: [], reason: [], warning: [], state: [], field: [], js_kind: [] };
  for (const line of lines) {
    const m = /^ {2}const (\w+) (.*)$/.exec(line);
    if (!m) continue;
    const [what, rest] = [m[1], m[2]];
    if (what === 'error') {
      const [, code, name, message] = /^(-?\d+) (\S+) (.*)$/.exec(rest);
      d.errors.push({ code: Number(code), name, message });
    } else if (what === 'field') {
      const [name, offset, size, type] = rest.split(' ');
      d.field.push({ name, offset: Number(offset), size: Number(size), type });
    } else if (what === 'js_kind') {
      const [value, name] = rest.split(' ');
      d.js_kind.push({ value: Number(value), name });
    } else if (what === 'record_size' || what === 'record_text') {
      d[what] = Number(rest);
    } else {
      const [, value, name, str] = /^(-?\d+) (\S+) ?(.*)$/.exec(rest);
      d[what].push({ value: Number(value), name, str });
    }
  }
  return d;
}

const SIZES = { f64: 8, i64: 8, u32: 4, i32: 4, u8: 1 };

function compare(d, where) {
  // Every error code C has, with its value, name and message; no other.
  assert.deepEqual(d.errors.map((e) => [e.name, e.code]), Object.entries(C.ERRORS).map(([n, v]) => [`WEFT_${n}`, v]), where);
  for (const e of d.errors) assert.deepEqual(C.errorInfo(e.code), e, where);
  assert.equal(C.errorInfo(C.ERROR_MIN - 1), undefined);
  assert.equal(C.errorInfo(1), undefined);
  assert.equal(C.ERROR_MIN, Math.min(...d.errors.map((e) => e.code)));
  const byValue = (list) => {
    const out = new Array(Math.max(...list.map((e) => e.value)) + 1).fill('');
    for (const e of list) out[e.value] = e.str;
    return out;
  };
  assert.deepEqual(C.TRACE_KINDS, byValue(d.kind), where);
  assert.deepEqual(C.TRACE_REASONS, byValue(d.reason), where);
  assert.deepEqual(C.TRACE_WARNINGS, byValue(d.warning), where);
  assert.deepEqual(C.FUTURE_STATES, byValue(d.state), where);
  assert.equal(d.record_size, C.RECORD_SIZE, where);
  assert.equal(d.record_text, C.RECORD_TEXT, where);
  assert.deepEqual(d.field.map((f) => f.name), Object.keys(C.RECORD_FIELDS), where);
  for (const f of d.field) {
    const js = C.RECORD_FIELDS[f.name];
    assert.equal(js.offset, f.offset, `${where}: field ${f.name}`);
    assert.equal(js.type, f.type, `${where}: field ${f.name}`);
    if (SIZES[f.type]) assert.equal(f.size, SIZES[f.type], `${where}: field ${f.name}`);
    if (f.type === 'text') assert.equal(f.size, C.RECORD_TEXT);
  }
  assert.deepEqual(d.js_kind.map((k) => [k.name, k.value]), Object.entries(C.JS_KINDS), where);
}

const wasmDump = join(root, 'build', 'wasm', 'tests', 'test_constants.js');
test('constants: constants.mjs holds what the C compiler sees (wasm32)',
  { skip: existsSync(wasmDump) ? false : `build output missing: ${wasmDump} (run: node scripts/build.mjs wasm)` }, async () => {
    const r = await runWasmProgram(wasmDump, { timeoutMs: 60000 });
    assert.equal(r.code, 0, report(r));
    compare(parseDump(r.lines), 'wasm');
  });

const nativeDump = join(root, 'build', 'native', 'tests', 'test_constants');
test('constants: constants.mjs holds what the C compiler sees (native)',
  { skip: existsSync(nativeDump) ? false : `build output missing: ${nativeDump} (run: node scripts/build.mjs native)` }, async () => {
    const r = await run(nativeDump, []);
    assert.equal(r.code, 0, report(r));
    compare(parseDump(r.lines), 'native');
  });

test('constants: the trace reader and the page take theirs from constants.mjs', () => {
  assert.equal(KINDS, C.TRACE_KINDS);
  assert.equal(REASONS, C.TRACE_REASONS);
  assert.equal(RECORD_SIZE, C.RECORD_SIZE);
  const reasons = C.TRACE_REASONS.filter(Boolean);
  for (const r of reasons) assert.match(COLORS[r] || '', /^#[0-9a-f]{6}$/, `no colour for reason ${r}`);
  assert.equal(new Set(reasons.map((r) => COLORS[r])).size, reasons.length, 'two reasons share a colour');
});

test('constants: the JS libraries have no mirrored table and no bare error code', () => {
  for (const f of ['library_fetch.js', 'library_promise.js', 'library_iter.js', 'library_weft.js']) {
    const js = readFileSync(join(root, 'src', 'js', f), 'utf8').replace(/\/\/[^\n]*/g, '');
    assert.doesNotMatch(js, /\bcodes\s*:/, `${f}: a table of codes (use WeftErrors)`);
    assert.doesNotMatch(js, /\.error\(\s*-\d/, `${f}: a bare code (use WeftErrors)`);
    assert.doesNotMatch(js, /code\s*[!=]==?\s*-\d/, `${f}: a bare code (use WeftErrors)`);
    assert.doesNotMatch(js, /_weft_host_fail'\]\([^)]*-\d/, `${f}: a bare code (use WeftErrors)`);
    assert.doesNotMatch(js, /\bkind\s*=\s*\d/, `${f}: a bare weft_js_kind (use WeftJsKind)`);
  }
  const lib = readFileSync(join(root, 'src', 'js', 'library_constants.js'), 'utf8');
  for (const [name, code] of Object.entries(C.ERRORS)) assert.match(lib, new RegExp(`\\b${name}: ${code},`));
});

// One edit in one header: a copy of the tree gets a new error code and a new
// trace reason by one line each; everything else follows from the build.
const cc = process.env.CC || 'cc';
const hasCc = spawnSync(cc, ['--version']).status === 0;
test('constants: adding an error code or a trace reason is one line in one header', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'weft-constants-'));
  try {
    for (const d of ['include', 'src', 'web', 'scripts']) cpSync(join(root, d), join(tmp, d), { recursive: true });
    const edit = (file, find, add) => {
      const p = join(tmp, file);
      const text = readFileSync(p, 'utf8');
      assert.ok(text.includes(find), `${file}: ${find}`);
      writeFileSync(p, text.replace(find, `${find} \\\n${add}`));
    };
    const min = C.ERROR_MIN, next = min - 1;
    const lastError = `X(${Object.keys(C.ERRORS).find((n) => C.ERRORS[n] === min)}, ${min}, "${C.errorInfo(min).message}")`;
    edit('include/weft/errors.h', lastError, `  X(ETESTONLY, ${next}, "a code added by the test")`);
    const reasons = C.TRACE_REASONS, r = reasons.length;
    const lastReason = `X(${reasons[r - 1].toUpperCase()}, ${r - 1}, "${reasons[r - 1]}")`;
    edit('include/weft/trace.h', lastReason, `  X(TESTONLY, ${r}, "testonly")`);

    execFileSync(process.execPath, [join(tmp, 'scripts', 'constants.mjs'), '--root', tmp]);
    const T = await import(pathToFileURL(join(tmp, 'src', 'js', 'constants.mjs')).href);
    assert.equal(T.ERRORS.ETESTONLY, next);
    assert.deepEqual(T.errorInfo(next), { code: next, name: 'WEFT_ETESTONLY', message: 'a code added by the test' });
    assert.equal(T.ERROR_MIN, next);
    assert.equal(T.TRACE_REASONS[r], 'testonly');
    assert.match(readFileSync(join(tmp, 'src', 'js', 'library_constants.js'), 'utf8'), new RegExp(`ETESTONLY: ${next},`));
    assert.match(readFileSync(join(tmp, 'src', 'js', 'constants.d.ts'), 'utf8'), /"testonly"/);
    const trace = await import(pathToFileURL(join(tmp, 'src', 'js', 'trace.mjs')).href);
    assert.equal(trace.REASONS[r], 'testonly');
    const { COLORS: colors } = await import(pathToFileURL(join(tmp, 'web', 'timeline.mjs')).href);
    assert.match(colors.testonly, /^#[0-9a-f]{6}$/);
    assert.ok(!Object.entries(colors).some(([k, v]) => k !== 'testonly' && v === colors.testonly), 'the new reason has a colour of its own');

    if (!hasCc) return; // the C half needs a native compiler (npm test has one)
    // C: the enum, WEFT_ERROR_MIN_ and strerror follow; trace.c compiles with it.
    writeFileSync(join(tmp, 'main.c'), `#include <stdio.h>
#include <string.h>
#include "weft.h"
_Static_assert(WEFT_ETESTONLY == ${next} && WEFT_ERROR_MIN_ == ${next}, "error code");
_Static_assert(WEFT_REASON_TESTONLY == ${r}, "reason");
int main(void) {
  printf("%s|%s\\n", weft_strerror_name(${next}), weft_strerror(${next}));
  return 0;
}
`);
    const inc = ['-I', join(tmp, 'include')];
    execFileSync(cc, ['-std=c11', '-fsyntax-only', ...inc, join(tmp, 'src', 'trace', 'trace.c')]);
    execFileSync(cc, ['-std=c11', ...inc, join(tmp, 'main.c'), join(tmp, 'src', 'core', 'errors.c'), '-o', join(tmp, 'main')]);
    assert.equal(execFileSync(join(tmp, 'main'), { encoding: 'utf8' }), 'WEFT_ETESTONLY|a code added by the test\n');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
