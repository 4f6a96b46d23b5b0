// Helpers for tests/browser/*.test.mjs (not a test file itself): Debian's
// chromium driven by playwright-core, or with WEFT_BROWSER=firefox Debian's
// firefox-esr driven by puppeteer-core over WebDriver BiDi (no browser
// download either way), the static server, and one fixture page per
// program run. The tests use the pages through what both drivers share
// (newPage, goto, evaluate, on('console' | 'pageerror'), screenshot, close).
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer } from './server.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const chromiumPath = process.env.WEFT_CHROMIUM || '/usr/bin/chromium';
/** The engine the browser tests run in: 'chromium' (default) or 'firefox'. */
export const engine = process.env.WEFT_BROWSER === 'firefox' ? 'firefox' : 'chromium';

function findPlaywright() {
  try { return createRequire(join(root, 'package.json')).resolve('playwright-core'); } catch { return null; }
}

/* Why the browser tests cannot run here, or false. */
export function skipReason(...programs) {
  if (engine === 'firefox') {
    const why = firefoxSkipReason();
    if (why) return why;
  } else {
    if (!existsSync(chromiumPath)) return `no chromium at ${chromiumPath} (run: bash scripts/ensure-toolchain.sh --browser)`;
    if (!findPlaywright()) return 'playwright-core is not installed (run: npm ci)';
  }
  for (const p of programs) {
    const f = join(root, 'build', 'wasm', `${p}.wasm`);
    if (!existsSync(f)) return `build output missing: ${f} (run: node scripts/build.mjs wasm)`;
  }
  return false;
}

/* Starts the browser (chromium, or firefox: `engine`) and the static server; returns { browser, server, close }. */
export async function startBrowser({ upstream, csp } = {}) {
  if (engine === 'firefox') {
    const browser = await startFirefox();
    const server = await startStaticServer(root, { upstream, csp });
    return { browser, server, close: async () => { await browser.close(); await server.close(); } };
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    // A fresh temporary profile per launch (playwright's default).
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
  const server = await startStaticServer(root, { upstream, csp });
  return { browser, server, close: async () => { await browser.close(); await server.close(); } };
}

export const firefoxPath = process.env.WEFT_FIREFOX || '/usr/bin/firefox-esr';

/* Why Firefox cannot run here, or false. */
export function firefoxSkipReason() {
  if (!existsSync(firefoxPath)) return `no firefox-esr at ${firefoxPath} (run: bash scripts/ensure-toolchain.sh --browser)`;
  try { createRequire(join(root, 'package.json')).resolve('puppeteer-core'); } catch { return 'puppeteer-core is not installed (run: npm ci)'; }
  return false;
}

/* Starts Debian's Firefox ESR through puppeteer-core over WebDriver BiDi (a
 * fresh temporary profile); resolves to the browser, whose newPage(),
 * page.goto / evaluate / on('console' | 'pageerror') / close are used as
 * playwright's are. */
export async function startFirefox() {
  const { default: puppeteer } = await import('puppeteer-core');
  return puppeteer.launch({
    browser: 'firefox', executablePath: firefoxPath, headless: true,
    // No update checks, telemetry or first-run pages in the test profile.
    extraPrefsFirefox: { 'app.update.enabled': false, 'datareporting.policy.dataSubmissionEnabled': false, 'toolkit.telemetry.enabled': false },
  });
}

/* Loads `prog` (a path under build/wasm/ without .js) in the fixture page
 * and waits for it to end. Resolves to the page's __results plus
 * `consoleErrors` (console errors and uncaught page errors) and `page`
 * (closed unless keepOpen). */
export async function runPage({ browser, server }, prog, { args = [], budgetUs, virtual, spy = {}, files, timeoutMs = 30000, keepOpen = false } = {}) {
  const page = await browser.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  const q = new URLSearchParams({ prog, spy: JSON.stringify(spy) });
  if (args.length) q.set('args', args.join(','));
  if (budgetUs != null) q.set('budgetUs', String(budgetUs));
  if (virtual) q.set('virtual', '1');
  if (files) q.set('files', JSON.stringify(files));
  await page.goto(`${server.url}/?${q}`);
  // Polled from here: waitForFunction's polling would call the page's
  // setTimeout, which the spy counts.
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(() => Boolean(window.__results && window.__results.done)))) {
    if (Date.now() > deadline) throw new Error(`${prog}: not done after ${timeoutMs} ms: ${JSON.stringify(await page.evaluate(() => window.__results))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const results = await page.evaluate(() => window.__results);
  if (!keepOpen) await page.close();
  return { ...results, consoleErrors, page };
}

/* Saves a screenshot of `page` under test-artifacts/ (git-ignored). */
export async function screenshot(page, name) {
  const dir = join(root, 'test-artifacts');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/* Key=value numbers on the program's stdout lines. */
export function valuesOf(lines) {
  return Object.fromEntries([...lines.join('\n').matchAll(/(\w+)=(-?[\d.]+)/g)].map((m) => [m[1], Number(m[2])]));
}
