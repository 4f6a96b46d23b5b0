// weft/dom.h in a real browser (tests/bridges/dom_client in the fixture
// page): frames and idle periods, then DOM events the test dispatches once
// the program says it waits for them: one event with a timeout, a cancelled
// wait, synthetic clicks delivered in order through the iterator, a burst
// that overflows its bounded buffer, a key press. Every click listener weft
// added is removed by the end (the test counts them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runPage, skipReason, startBrowser } from './lib.mjs';

const prog = 'tests/bridges/dom_client';
const skip = skipReason(prog, 'examples/animate');
let env;
before(async () => { if (!skip) env = await startBrowser(); });
after(async () => { if (env) await env.close(); });

function ended(r) {
  const why = JSON.stringify({ status: r.status, lines: r.lines, errors: r.errors, consoleErrors: r.consoleErrors });
  assert.equal(r.status, 0, why);
  assert.deepEqual(r.errors, [], why);
  assert.deepEqual(r.consoleErrors, [], why);
}

test('browser dom: frames with increasing timestamps, idle periods, cancelled waits; bad targets named', { skip }, async () => {
  const r = await runPage(env, prog, { args: ['frames'] });
  ended(r);
  assert.deepEqual(r.lines, [
    'three frames ok',
    'timestamps increase: yes',
    'frame (cancelled) WEFT_ECANCELED',
    'idle ok',
    'time left in [0, 50]: yes',
    'idle (cancelled) WEFT_ECANCELED',
    'dom wait #nope WEFT_ENOENT',
    'dom wait [[ WEFT_EINVAL',
    'dom events on document: iterator ',
    'traced waits: frame idle',
    'ticker ticked',
  ]);
});

test('browser dom: one event, a timeout, a cancel, clicks in order, a bounded burst, a key; no listener left behind', { skip }, async () => {
  const page = await env.browser.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  await page.goto(`${env.server.url}/?${new URLSearchParams({ prog, args: 'events', spy: '{}' })}`);
  const results = () => page.evaluate(() => window.__results);
  const waitFor = async (line) => {
    const deadline = Date.now() + 20000;
    for (;;) {
      const r = await results();
      if (r.lines.includes(line)) return;
      if (r.done || Date.now() > deadline) throw new Error(`no '${line}': ${JSON.stringify(r)}`);
      await new Promise((res) => setTimeout(res, 20));
    }
  };
  await waitFor('waiting: go');
  // From here on, count the click listeners added and removed.
  await page.evaluate(() => {
    window.__clickListeners = 0;
    const add = EventTarget.prototype.addEventListener, remove = EventTarget.prototype.removeEventListener;
    EventTarget.prototype.addEventListener = function (type, fn, o) { if (type === 'click') window.__clickListeners++; return add.call(this, type, fn, o); };
    EventTarget.prototype.removeEventListener = function (type, fn, o) { if (type === 'click') window.__clickListeners--; return remove.call(this, type, fn, o); };
    document.dispatchEvent(new Event('weft-go'));
  });
  await waitFor('waiting: clicks');
  await page.evaluate(() => {
    for (let i = 1; i <= 5; i++) document.dispatchEvent(new MouseEvent('click', { clientX: i, clientY: 2 * i, button: 0 }));
  });
  await waitFor('waiting: burst');
  await page.evaluate(() => {
    for (let i = 1; i <= 20; i++) document.dispatchEvent(new MouseEvent('click', { clientX: i }));
  });
  await waitFor('waiting: key');
  await page.evaluate(() => window.dispatchEvent(new KeyboardEvent('keydown', { key: 'q' })));
  const deadline = Date.now() + 20000;
  let r;
  while (!(r = await results()).done && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
  const listeners = await page.evaluate(() => window.__clickListeners);
  await page.close();
  ended({ ...r, consoleErrors });
  assert.deepEqual(r.lines, [
    'waiting: go',
    'go ok',
    '  type weft-go',
    'click (timed out) WEFT_ETIMEDOUT',
    'click on #status (cancelled) WEFT_ECANCELED',
    'waiting: clicks',
    ...[1, 2, 3, 4, 5].map((i) => `  click at ${i},${2 * i} button 0`),
    'five clicks ok',
    'waiting: burst',
    '  first at 1',
    '  eighth at 8',
    '  burst of 20: 8 kept, 12 dropped',
    'waiting: key',
    'key ok',
    "  keydown 'q'",
    'traced waits: dom',
    'ticker ticked',
  ]);
  assert.equal(listeners, 0, 'every click listener weft added was removed');
});

test('browser animate: frames drive the canvas while clicks on it are handled; the end of the animation stops the clicks', { skip }, async () => {
  const page = await env.browser.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  await page.goto(`${env.server.url}/?${new URLSearchParams({ prog: 'examples/animate', args: '90', spy: '{}' })}`);
  const results = () => page.evaluate(() => window.__results);
  const deadline = Date.now() + 20000;
  let r;
  while (!(r = await results()).lines.includes('listening for clicks') && !r.done && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
  const drawn = await page.evaluate(() => {
    const c = document.getElementById('weft-animate');
    for (let i = 1; i <= 3; i++) c.dispatchEvent(new MouseEvent('click', { clientX: 10 * i, clientY: i, bubbles: true }));
    return c.width;
  });
  while (!(r = await results()).done && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
  // A disc was drawn: some pixel of the canvas is not transparent.
  const painted = await page.evaluate(() => {
    const c = document.getElementById('weft-animate');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < d.length; i += 4) if (d[i]) return true;
    return false;
  });
  await page.close();
  ended({ ...r, consoleErrors });
  assert.equal(drawn, 320);
  assert.deepEqual(r.lines, ['listening for clicks', 'click 1 at 10,1', 'click 2 at 20,2', 'click 3 at 30,3', 'animated 90 frames', 'clicks: 3']);
  assert.equal(painted, true);
});
