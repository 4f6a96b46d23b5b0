// The zip suite of `npm run bench` (scripts/bench.mjs calls suiteZip): zip
// throughput of a set of files (200 MB at --scale 1: half random bytes, half
// text), stored and deflated, for
//   weft-wasm    tests/bridges/zip_tool as wasm under Node: weft_zip_new over
//                weft_path_chunks, written with weft_file_write (node:fs/promises;
//                deflate through CompressionStream('deflate-raw'))
//   weft-native  the same program natively (stdio; zlib's deflate)
//   js           fflate's streaming Zip over Node streams (bench/zip-fflate.mjs)
//   zip-cli      Info-ZIP's `zip -r` (-0 stored, -6 deflated)
// each in its own process, the rounds interleaved (one run of each per
// round, in a rotating order) so that all see the same page cache and the
// machine's speed of the moment. The figure is the input's size over the
// process's wall time (MB/s; 1 MB = 10^6 bytes). Every archive is checked
// with `unzip -tq` once (outside the timing).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export const ZIP_IMPLS = ['weft-wasm', 'weft-native', 'js', 'zip-cli'];

// Text that deflate shrinks about as much as source code: varied lines.
function textFile(bytes, seed) {
  const words = ['async', 'await', 'future', 'task', 'loop', 'weft', 'yield', 'chunk', 'archive', 'stream', 'cancel', 'gather'];
  let s = '';
  let x = seed * 2654435761 >>> 0;
  while (s.length < bytes) {
    x = (x * 1103515245 + 12345) >>> 0;
    const n = 3 + (x % 9);
    const line = [];
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      line.push(words[x % words.length]);
    }
    s += `${line.join(' ')} ${x % 1000}\n`;
  }
  return Buffer.from(s.slice(0, bytes));
}

export async function suiteZip({ add, sz, reps, child, root, failures }) {
  const FILES = sz(200), SIZE = 1e6, R = reps(3);
  const MB = Math.round((FILES * SIZE) / 1e6);
  const tool = { wasm: join(root, 'build/wasm/tests/bridges/zip_tool.js'), native: join(root, 'build/native/tests/bridges/zip_tool') };
  const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
  const skip = {
    'weft-wasm': existsSync(tool.wasm) ? null : `build output missing: ${tool.wasm}`,
    'weft-native': existsSync(tool.native) ? null : `build output missing: ${tool.native}`,
    js: existsSync(join(root, 'node_modules/fflate')) ? null : 'npm package `fflate` not installed (`npm ci`)',
    'zip-cli': has('zip') ? null : '`zip` not found (scripts/ensure-toolchain.sh installs it)',
  };
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-zip-'));
  const raw = [];
  try {
    const src = join(dir, 'set');
    mkdirSync(src);
    const names = [];
    for (let i = 0; i < FILES; i++) {
      const name = `${String(i).padStart(4, '0')}.${i % 2 ? 'txt' : 'bin'}`;
      writeFileSync(join(src, name), i % 2 ? textFile(SIZE, i) : randomBytes(SIZE));
      names.push(name);
    }
    const paths = names.map((n) => join(src, n));
    const command = (impl, method, out) => {
      const entries = ['--', ...paths.map((p, i) => `file:${p}:${names[i]}`)];
      if (impl === 'weft-wasm') return [process.execPath, [join(root, 'scripts/run-wasm.mjs'), tool.wasm, out, method, ...entries]];
      if (impl === 'weft-native') return [tool.native, [out, method, ...entries]];
      if (impl === 'js') return [process.execPath, [join(root, 'bench/zip-fflate.mjs'), out, method, ...paths]];
      return ['sh', ['-c', `cd "${src}" && zip -q -r ${method === 'store' ? '-0' : '-6'} "${out}" .`]];
    };
    const impls = ZIP_IMPLS.filter((i) => !skip[i]);
    for (const method of ['store', 'deflate']) {
      const times = Object.fromEntries(impls.map((i) => [i, []]));
      const sizes = {};
      for (let round = 0; round < R; round++) {
        const order = impls.map((_, k) => impls[(k + round) % impls.length]);
        for (const impl of order) {
          const out = join(dir, `${impl}-${method}.zip`);
          rmSync(out, { force: true });
          const [cmd, args] = command(impl, method, out);
          const r = await child(cmd, args, { timeoutMs: 900000 });
          if (r.status !== 0) {
            const msg = `zip ${method} ${impl}: failed (status ${r.status}) ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`;
            console.error(`bench: ${msg}`);
            failures.push(msg);
            continue;
          }
          times[impl].push(r.ms);
          if (round === 0) {
            const t = spawnSync('unzip', ['-tq', out], { encoding: 'utf8' });
            if (t.status !== 0) failures.push(`zip ${method} ${impl}: unzip -t refused the archive: ${t.stdout.trim()}`);
            sizes[impl] = statSync(out).size;
          }
          console.error(`bench: ${`${impl} zip ${MB} MB ${method} (round ${round})`.padEnd(44)} ${Math.round(r.ms)} ms`);
        }
      }
      const what = method === 'store' ? 'stored' : 'deflated';
      for (const impl of impls) {
        const ms = times[impl];
        if (!ms.length) continue;
        const sorted = [...ms].sort((a, b) => a - b);
        const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        add(impl, `zip ${MB} MB ${what}, MB/s`, Math.round((MB / (sorted[0] / 1000)) * 10) / 10, 'MB/s');
        add(impl, `zip ${MB} MB ${what}, MB/s (median)`, Math.round((MB / (median / 1000)) * 10) / 10, 'MB/s');
        add(impl, `zip ${MB} MB ${what}, archive MB`, Math.round(sizes[impl] / 1e5) / 10, 'MB');
        raw.push({ bench: 'zip', impl, method, mb: MB, files: FILES, runs_ms: ms.map((x) => Math.round(x)), archive_bytes: sizes[impl] });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const skipped = Object.fromEntries(Object.entries(skip).filter(([, v]) => v));
  return {
    skipped,
    rows: [
      { label: `zip: ${MB} MB in ${FILES} files, stored, MB/s (median run)`, metric: `zip ${MB} MB stored, MB/s (median)`, unit: 'MB/s', better: 'higher', only: ZIP_IMPLS },
      { label: `zip: the same, stored, MB/s (best run)`, metric: `zip ${MB} MB stored, MB/s`, unit: 'MB/s', better: 'higher', only: ZIP_IMPLS },
      { label: `zip: the same, deflated, MB/s (median run)`, metric: `zip ${MB} MB deflated, MB/s (median)`, unit: 'MB/s', better: 'higher', only: ZIP_IMPLS },
      { label: `zip: the same, deflated, MB/s (best run)`, metric: `zip ${MB} MB deflated, MB/s`, unit: 'MB/s', better: 'higher', only: ZIP_IMPLS },
      { label: `zip: the deflated archive, MB`, metric: `zip ${MB} MB deflated, archive MB`, unit: 'MB', better: 'lower', only: ZIP_IMPLS },
    ],
    raw,
    notes: [
      `${FILES} files of 1 MB (half random bytes, half text) in a temporary folder, zipped into one archive by each implementation in its own process, ${R} rounds interleaved; MB/s is the input's size over the process's wall time (its start-up included). weft (wasm): tests/bridges/zip_tool under Node, \`weft_zip_new\` over \`weft_path_chunks\` (64 KiB reads on node:fs/promises), the archive written in 64 KiB chunks with \`weft_file_write\`, deflate through the host's CompressionStream('deflate-raw'); weft (native): the same program on stdio and zlib (level 6). JS column: fflate ${fflateVersion(root)} (\`Zip\` with \`ZipPassThrough\` / \`ZipDeflate\` level 6 over Node streams, bench/zip-fflate.mjs). zip -r: Info-ZIP's \`zip -q -r -0\` / \`-6\`. Every archive passed \`unzip -t\` once per run.${Object.keys(skipped).length ? ` Not measured: ${Object.entries(skipped).map(([k, v]) => `${k} (${v})`).join('; ')}.` : ''}`,
    ],
  };
}

function fflateVersion(root) {
  try {
    return JSON.parse(spawnSync('cat', [join(root, 'node_modules/fflate/package.json')], { encoding: 'utf8' }).stdout).version;
  } catch {
    return '?';
  }
}
