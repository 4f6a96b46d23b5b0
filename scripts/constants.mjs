#!/usr/bin/env node
// The constants C and JS share, written from their one source: the X-macro
// lists of the public headers.
//
//   include/weft/errors.h  WEFT_ERRORS               X(NAME, value, "message")
//   include/weft/future.h  WEFT_FUTURE_STATES        X(NAME, value, "name")
//   include/weft/trace.h   WEFT_TRACE_KINDS          X(NAME, value, "name")
//                          WEFT_TRACE_REASONS        X(NAME, value, "name")
//                          WEFT_TRACE_WARNINGS       X(NAME, value, "name")
//                          WEFT_TRACE_RECORD_FIELDS  X(offset, type, name)
//                          WEFT_TRACE_TEXT, WEFT_TRACE_RECORD_SIZE
//   include/weft/js.h      WEFT_JS_KINDS             X(NAME, value)
//
// into
//   src/js/constants.mjs         ES module: the page, src/js/trace.mjs, Node
//   src/js/constants.d.ts        its types
//   src/js/library_constants.js  an Emscripten JS library ($WeftErrors,
//                                $WeftJsKind), for the other src/js/library_*.js,
//                                which are not modules and cannot import
//
// The three files are committed (the page, the npm package and a user's CMake
// build read them without Node running this first). `node scripts/build.mjs`
// runs this script before it builds, and tests/node/constants.test.mjs fails
// when a committed file is stale.
//
//   node scripts/constants.mjs            write the files that changed
//   node scripts/constants.mjs --check    write nothing; exit 1 naming stale files
//   --root DIR                            read DIR/include, write DIR/src/js
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = join(dirname(fileURLToPath(import.meta.url)), '..');

/* The body of `#define <name>(X) ...` in `text` (continuation lines joined,
 * comments removed), or throws. */
function macroBody(text, name, file) {
  const m = new RegExp(`^#define\\s+${name}\\(X\\)`, 'm').exec(text);
  if (!m) throw new Error(`${file}: no #define ${name}(X)`);
  const lines = text.slice(m.index + m[0].length).split('\n');
  let body = '';
  for (const line of lines) {
    if (line.endsWith('\\')) body += line.slice(0, -1) + '\n';
    else { body += line; break; }
  }
  return body.replace(/\/\*[\s\S]*?\*\//g, ' ');
}

/* The arguments of each X(...) of a list: strings unquoted, numbers as
 * numbers. Anything else in the list is an error: the list must be nothing
 * but X(...) entries. */
function entries(text, name, file) {
  const body = macroBody(text, name, file);
  const out = [];
  const token = /\s*(?:X\(((?:"(?:[^"\\]|\\.)*"|[^()"])*)\)|(\S+))/gy;
  let m;
  while ((m = token.exec(body)) && m[0].trim()) {
    if (m[2] !== undefined) throw new Error(`${file}: ${name}: unexpected ${JSON.stringify(m[2])}`);
    const args = [];
    const arg = /\s*("(?:[^"\\]|\\.)*"|[^,"]+?)\s*(?:,|$)/gy;
    let a;
    while (arg.lastIndex < m[1].length && (a = arg.exec(m[1]))) {
      const v = a[1];
      if (v.startsWith('"')) args.push(JSON.parse(v));
      else if (/^-?\d+$/.test(v)) args.push(Number(v));
      else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) args.push(v);
      else throw new Error(`${file}: ${name}: cannot read argument ${JSON.stringify(v)}`);
    }
    out.push(args);
  }
  if (!out.length) throw new Error(`${file}: ${name} lists nothing`);
  return out;
}

function define(text, name, file) {
  const m = new RegExp(`^#define\\s+${name}\\s+(-?\\d+)\\s*$`, 'm').exec(text);
  if (!m) throw new Error(`${file}: no #define ${name} <number>`);
  return Number(m[1]);
}

/* Checks that every entry is X(<types>) and that no name or value is
 * listed twice (the C side cannot catch a duplicate name in another list). */
function shape(list, name, file, types) {
  for (const e of list) {
    if (e.length !== types.length || e.some((v, i) => typeof v !== types[i]))
      throw new Error(`${file}: ${name}: X(${e.join(', ')}) is not X(${types.join(', ')})`);
  }
  for (const at of [0, 1]) {
    const seen = new Set();
    for (const e of list) {
      if (seen.has(e[at])) throw new Error(`${file}: ${name}: ${e[at]} listed twice`);
      seen.add(e[at]);
    }
  }
  return list;
}

/* Reads every list from the headers under `root`. */
export function readConstants(root = here) {
  const read = (f) => [readFileSync(join(root, 'include', 'weft', f), 'utf8'), `include/weft/${f}`];
  const [errorsH, ef] = read('errors.h');
  const [futureH, ff] = read('future.h');
  const [traceH, tf] = read('trace.h');
  const [jsH, jf] = read('js.h');
  const named = (t, n, f) => shape(entries(t, n, f), n, f, ['string', 'number', 'string']);
  const errors = named(errorsH, 'WEFT_ERRORS', ef).map(([name, code, message]) => ({ name, code, message }));
  const fields = entries(traceH, 'WEFT_TRACE_RECORD_FIELDS', tf).map((e) => {
    if (e.length !== 3 || typeof e[0] !== 'number' || typeof e[1] !== 'string' || typeof e[2] !== 'string')
      throw new Error(`${tf}: WEFT_TRACE_RECORD_FIELDS: X(${e.join(', ')}) is not X(offset, type, name)`);
    return { offset: e[0], type: e[1], name: e[2] };
  });
  const jsKinds = shape(entries(jsH, 'WEFT_JS_KINDS', jf), 'WEFT_JS_KINDS', jf, ['string', 'number'])
    .map(([name, value]) => ({ name, value }));
  const list = (t, n, f) => named(t, n, f).map(([name, value, str]) => ({ name, value, str }));
  return {
    errors,
    futureStates: list(futureH, 'WEFT_FUTURE_STATES', ff),
    kinds: list(traceH, 'WEFT_TRACE_KINDS', tf),
    reasons: list(traceH, 'WEFT_TRACE_REASONS', tf),
    warnings: list(traceH, 'WEFT_TRACE_WARNINGS', tf),
    fields,
    recordSize: define(traceH, 'WEFT_TRACE_RECORD_SIZE', tf),
    textSize: define(traceH, 'WEFT_TRACE_TEXT', tf),
    jsKinds,
  };
}

const TYPES = ['f64', 'i64', 'u32', 'i32', 'u8', 'str', 'text'];

/* Names by value: index = value, '' where no value is listed. */
function byValue(list) {
  const max = Math.max(...list.map((e) => e.value));
  const out = new Array(max + 1).fill('');
  for (const e of list) out[e.value] = e.str;
  return out;
}

const q = (s) => JSON.stringify(s);
const HEAD = (what) => `${what} Generated by scripts/constants.mjs from the X-macro lists of include/weft/errors.h,
${what} future.h, trace.h and js.h: do not edit (build, or run the script, after editing them).
`;

function mjs(c) {
  for (const f of c.fields) if (!TYPES.includes(f.type)) throw new Error(`trace.h: field ${f.name}: unknown type ${f.type}`);
  const codes = c.errors.map((e) => `  ${e.name}: ${e.code},`).join('\n');
  const names = c.errors.map((e) => `  [${e.code}, ${q(`WEFT_${e.name}`)}, ${q(e.message)}],`).join('\n');
  const fields = c.fields.map((f) => `  ${f.name}: Object.freeze({ offset: ${f.offset}, type: ${q(f.type)} }),`).join('\n');
  const jsKinds = c.jsKinds.map((k) => `  ${k.name}: ${k.value},`).join('\n');
  return `${HEAD('//')}
/** Error codes by name, without the WEFT_ prefix: ERRORS.ECANCELED === -1. */
export const ERRORS = Object.freeze({
${codes}
});

const ERROR_TABLE = new Map([
${names}
].map(([code, name, message]) => [code, Object.freeze({ code, name, message })]));

/** { code, name: 'WEFT_E…', message } of an error code (weft_strerror_name and
 * weft_strerror), or undefined for a code weft does not have. */
export function errorInfo(code) { return ERROR_TABLE.get(code); }

/** The lowest error code (WEFT_ERROR_MIN_): the codes run from 0 down to it. */
export const ERROR_MIN = ${Math.min(...c.errors.map((e) => e.code))};

/** weft_future_state names by value (a finish record's status). */
export const FUTURE_STATES = Object.freeze(${q(byValue(c.futureStates))});

/** Trace record kinds by value (weft_trace_kind_name). */
export const TRACE_KINDS = Object.freeze(${q(byValue(c.kinds))});

/** Suspension reasons by value (weft_trace_reason_name); 0 is none. */
export const TRACE_REASONS = Object.freeze(${q(byValue(c.reasons))});

/** Warnings by value (weft_trace_warning_name). */
export const TRACE_WARNINGS = Object.freeze(${q(byValue(c.warnings))});

/** Bytes per trace record, and of its text field. */
export const RECORD_SIZE = ${c.recordSize};
export const RECORD_TEXT = ${c.textSize};

/** Each field of a trace record: its byte offset and type (f64, i64, u32,
 * i32, u8; str: a pointer to a static C string in 8 bytes; text: char[RECORD_TEXT]). */
export const RECORD_FIELDS = Object.freeze({
${fields}
});

/** weft_js_kind: what a settled JS promise gave C. */
export const JS_KINDS = Object.freeze({
${jsKinds}
});
`;
}

function dts(c) {
  const union = (xs) => xs.map(q).join(' | ');
  const codes = c.errors.map((e) => `  readonly ${e.name}: ${e.code};`).join('\n');
  const fields = c.fields.map((f) => `  readonly ${f.name}: { readonly offset: ${f.offset}; readonly type: ${q(f.type)} };`).join('\n');
  const jsKinds = c.jsKinds.map((k) => `  readonly ${k.name}: ${k.value};`).join('\n');
  const named = (l) => l.filter((e) => e.str).map((e) => e.str);
  return `${HEAD('//')}
export declare const ERRORS: {
${codes}
};
export type ErrorName = keyof typeof ERRORS;
export type ErrorCode = (typeof ERRORS)[ErrorName];
export interface ErrorInfo { readonly code: ErrorCode; readonly name: \`WEFT_\${ErrorName}\`; readonly message: string }
export declare function errorInfo(code: number): ErrorInfo | undefined;
export declare const ERROR_MIN: ${Math.min(...c.errors.map((e) => e.code))};

export type FutureStateName = ${union(named(c.futureStates))};
export type TraceKind = ${union(named(c.kinds))};
export type TraceReason = ${union(named(c.reasons))};
export type TraceWarning = ${union(named(c.warnings))};
export declare const FUTURE_STATES: readonly (FutureStateName | '')[];
export declare const TRACE_KINDS: readonly (TraceKind | '')[];
export declare const TRACE_REASONS: readonly (TraceReason | '')[];
export declare const TRACE_WARNINGS: readonly (TraceWarning | '')[];

export declare const RECORD_SIZE: ${c.recordSize};
export declare const RECORD_TEXT: ${c.textSize};
export type RecordFieldType = ${union(TYPES)};
export declare const RECORD_FIELDS: {
${fields}
};

export declare const JS_KINDS: {
${jsKinds}
};
`;
}

function library(c) {
  const codes = c.errors.map((e) => `    ${e.name}: ${e.code},`).join('\n');
  const jsKinds = c.jsKinds.map((k) => `    ${k.name}: ${k.value},`).join('\n');
  return `${HEAD('//')}//
// An Emscripten JS library (not a module): a library function or object that
// needs a code lists '$WeftErrors' (or '$WeftJsKind') in its __deps and reads
// WeftErrors.ECANCELED.

mergeInto(LibraryManager.library, {
  // include/weft/errors.h: WEFT_<name>
  $WeftErrors: {
${codes}
  },
  // include/weft/js.h: WEFT_JS_<name>
  $WeftJsKind: {
${jsKinds}
  },
});
`;
}

/* The generated files for the headers under `root`: [{ path, text }]. */
export function generate(root = here) {
  const c = readConstants(root);
  const out = join(root, 'src', 'js');
  return [
    { path: join(out, 'constants.mjs'), text: mjs(c) },
    { path: join(out, 'constants.d.ts'), text: dts(c) },
    { path: join(out, 'library_constants.js'), text: library(c) },
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const r = args.indexOf('--root');
  const root = r >= 0 ? args[r + 1] : here;
  const stale = [];
  for (const f of generate(root)) {
    const now = existsSync(f.path) ? readFileSync(f.path, 'utf8') : null;
    if (now === f.text) continue;
    if (check) stale.push(relative(root, f.path));
    else writeFileSync(f.path, f.text); // only when changed: programs relink on a new mtime
  }
  if (stale.length) {
    console.error(`stale (the headers' X-macro lists changed): ${stale.join(', ')}\nrun: node scripts/constants.mjs (or node scripts/build.mjs), and commit them`);
    process.exit(1);
  }
}
