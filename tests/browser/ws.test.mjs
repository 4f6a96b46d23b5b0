// weft/net.h's WebSocket streams in a real browser: tests/bridges/net_client
// and the echo_ws example in the fixture page, against the `ws` server of
// tests/node/ws_server.mjs on 127.0.0.1 (another port: WebSocket has no
// same-origin rule). The console may show only what a browser logs for the
// failed and dropped connections.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runPage, skipReason, startBrowser } from './lib.mjs';
import { closedPortUrl } from '../node/server.mjs';
import { WS_CANCEL_LINES, WS_LINES, startWsServer } from '../node/ws_server.mjs';

const prog = 'tests/bridges/net_client';
const skip = skipReason(prog, 'examples/echo_ws');
let env;
let server;
before(async () => {
  if (skip) return;
  server = await startWsServer();
  env = await startBrowser();
});
after(async () => {
  if (env) await env.close();
  if (server) await server.close();
});

function ended(r, allowed = []) {
  const why = JSON.stringify({ status: r.status, lines: r.lines, errors: r.errors, consoleErrors: r.consoleErrors });
  assert.equal(r.status, 0, why);
  assert.deepEqual(r.errors, [], why);
  assert.deepEqual(r.consoleErrors.filter((e) => !allowed.some((re) => re.test(e))), [], why);
}

// What browsers log for a WebSocket that fails or is dropped.
const WS_LOGS = [/WebSocket connection to .* failed/, /Firefox can.t establish a connection/, /was interrupted while the page was loading/];

test('browser ws: text and binary echo, the server\'s close code and reason, our close code', { skip }, async () => {
  const before = server.stats.closes.length;
  const r = await runPage(env, prog, { args: ['ws', server.url] });
  ended(r);
  assert.deepEqual(r.lines, WS_LINES);
  assert.deepEqual(server.stats.closes.slice(before).map(([code]) => code), [4001, 4000]);
  assert.deepEqual(server.stats.closes.at(-1), [4000, 'done']);
});

test('browser ws: cancel during connect and recv (nothing lost); a 4 MiB message (past the high-water mark) there and back whole', { skip }, async () => {
  const r = await runPage(env, prog, { args: ['wscancel', server.url] });
  ended(r, WS_LOGS);
  assert.deepEqual(r.lines, WS_CANCEL_LINES);
});

test('browser ws: dropped without a close frame is WEFT_ECONNRESET (1006); a 1002 close WEFT_EPROTO', { skip }, async () => {
  const r = await runPage(env, prog, { args: ['wsdrop', server.url] });
  ended(r, WS_LOGS);
  assert.deepEqual(r.lines, ['connect ok', 'end WEFT_ECONNRESET', '  why: WebSocket closed without a close frame (1006)', '  close 1006', 'traced waits: socket', 'ticker ticked']);
  const p = await runPage(env, prog, { args: ['wsdrop', server.url, 'close 1002 bad frame'] });
  ended(p, WS_LOGS);
  assert.deepEqual(p.lines, ['connect ok', 'end WEFT_EPROTO', '  why: WebSocket protocol error (1002): bad frame', '  close 1002', 'traced waits: socket', 'ticker ticked']);
});

test('browser ws: a refused port is WEFT_ENETWORK (browsers do not say why)', { skip }, async () => {
  const refused = (await closedPortUrl()).replace('http:', 'ws:');
  const r = await runPage(env, prog, { args: ['wsfail', refused] });
  ended(r, WS_LOGS);
  assert.deepEqual(r.lines.slice(0, 2), ['connect WEFT_ENETWORK', `  why: WebSocket connection to ${refused} failed`]);
  assert.deepEqual(r.lines.slice(2), ['stream NULL', 'traced waits: socket', 'ticker ticked']);
});

test('browser echo_ws: seed 004\'s client over a WebSocket, the reply reversed', { skip }, async () => {
  const r = await runPage(env, 'examples/echo_ws', { args: [`${server.url}reverse`, 'Hello World!'] });
  ended(r);
  assert.deepEqual(r.lines, ["Received from server b'!dlroW olleH'"]);
});
