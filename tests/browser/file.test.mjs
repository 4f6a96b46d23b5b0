// weft/file.h and weft/zip.h in Chromium (Debian's, through playwright-core):
// tests/bridges/file_browser in tests/browser/fixture.html, on a page served
// by the test from 127.0.0.1 (a secure context: OPFS is there). It writes,
// reads, seeks and removes OPFS files, reads a File handed in as the page
// would from a file input, and hands two downloads to the page: a text file
// and a deflated ZIP of the picked file and an OPFS one, which Info-ZIP's
// unzip and Python's zipfile then judge.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPage, skipReason, startBrowser } from './lib.mjs';

const prog = 'tests/bridges/file_browser';
const skip = skipReason(prog);
let env;
before(async () => { if (!skip) env = await startBrowser(); });
after(async () => { if (env) await env.close(); });

const LINE = 'picked by the user\n';
const PICKED = LINE.repeat(1000);

test('browser: OPFS files, a File handed in, downloads, and a ZIP of them that unzip accepts', { skip }, async () => {
  const r = await runPage(env, prog, { files: { 'picked.txt': [LINE, 1000] }, keepOpen: true, timeoutMs: 60000 });
  // The downloads' bytes are read from their Blobs after the program ends.
  let downloads = r.downloads;
  for (let i = 0; i < 100 && !downloads.every((d) => d.base64 !== null); i++) {
    await new Promise((ok) => setTimeout(ok, 50));
    downloads = await r.page.evaluate(() => window.__results.downloads);
  }
  await r.page.close();
  const why = JSON.stringify({ status: r.status, lines: r.lines, errors: r.errors, consoleErrors: r.consoleErrors });
  assert.equal(r.status, 0, why);
  assert.equal(r.lines.at(-1), '3 passed, 0 failed', why);
  assert.deepEqual(r.consoleErrors, [], why);
  assert.deepEqual(downloads.map((d) => [d.name, d.type]), [['hello.txt', 'text/plain'], ['output.zip', 'application/zip']]);
  assert.equal(Buffer.from(downloads[0].base64, 'base64').toString(), 'downloaded\n');
  const dir = mkdtempSync(join(tmpdir(), 'weft-browser-zip-'));
  try {
    const zip = join(dir, 'output.zip');
    writeFileSync(zip, Buffer.from(downloads[1].base64, 'base64'));
    const t = spawnSync('unzip', ['-t', zip], { encoding: 'utf8' });
    assert.equal(t.status, 0, t.stdout + t.stderr);
    const py = spawnSync('python3', ['-c', `
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(repr([(i.filename, i.compress_type) for i in z.infolist()]))
print(z.read('picked.txt') == sys.argv[2].encode(), z.read('note.txt'))
`, zip, PICKED], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    assert.equal(py.stdout, "[('picked.txt', 8), ('note.txt', 0)]\nTrue b'a note in OPFS\\n'\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
