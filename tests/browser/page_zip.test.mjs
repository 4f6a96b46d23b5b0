// The page's backup scenario (stream_generator, seed 002's compress.py) in
// Debian's chromium: run live, it hands output.zip to the page, which lists
// it in the output as a link; the link saves it, and the downloaded archive is judged by Debian's `unzip -t` and Python's
// zipfile (every entry's CRC checked; the size and entry count the program
// printed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumPath, engine, skipReason } from './lib.mjs';
import { startPageServer } from '../../web/server.mjs';

const skip = (engine !== 'chromium' && 'drives playwright-core: Chromium only') || skipReason('examples/stream_generator')
  || (spawnSync('unzip', ['-v']).status !== 0 && 'unzip missing (scripts/ensure-toolchain.sh installs it)');
let browser, server;

before(async () => {
  if (skip) return;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  server = await startPageServer({ port: 0 });
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

test('page: the backup scenario offers output.zip as a download, and unzip -t and zipfile accept it', { skip, timeout: 120000 }, async () => {
  const page = await browser.newPage({ acceptDownloads: true });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(`${server.url}/?scenario=stream_generator`);
  await page.evaluate(() => window.weftPage.ready);
  await page.locator('#run').click();
  await page.waitForFunction(() => window.weftPage.state.status === 'done', null, { timeout: 90000, polling: 50 });
  const st = await page.evaluate(async () => { await window.weftPage.settled(); return window.weftPage.state; });
  assert.equal(st.exit, 0, JSON.stringify(st.output.slice(-5)));
  // The program handed output.zip to the page: a link in the output saves it.
  const link = page.locator('#output a.download');
  assert.equal(await link.count(), 1);
  assert.match(await link.textContent(), /^output\.zip \(\d+ bytes\)$/);
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.equal(download.suggestedFilename(), 'output.zip');
  const dir = mkdtempSync(join(tmpdir(), 'weft-page-zip-'));
  try {
    const zip = join(dir, 'output.zip');
    await download.saveAs(zip);
    const t = spawnSync('unzip', ['-t', zip], { encoding: 'utf8' });
    assert.equal(t.status, 0, t.stdout + t.stderr);
    assert.match(t.stdout, /No errors detected/);
    const py = spawnSync('python3', ['-c', [
      'import sys, zipfile',
      'z = zipfile.ZipFile(sys.argv[1])',
      'assert z.testzip() is None',
      'print("\\n".join(i.filename for i in z.infolist()))',
    ].join('\n'), zip], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    const names = py.stdout.trim().split('\n');
    // The program's own account of what it wrote: the archive's size and entries.
    const m = /output\.zip: (\d+) bytes, (\d+) files/.exec(st.output.map((l) => l.text).join('\n'));
    assert.ok(m, JSON.stringify(st.output));
    assert.equal(statSync(zip).size, Number(m[1]));
    assert.equal(names.length, Number(m[2]), py.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(errors, []);
  await page.close();
});
