// weft/net.h's WebSocket streams against a `ws` server on 127.0.0.1
// (tests/node/ws_server.mjs): text and binary messages, the server's close
// code and reason, our own close code, an abrupt close, a refused port and
// a bad URL, in Node 22 (the global WebSocket; tests/majors), in Node 20
// with --experimental-websocket, and what Node 20 says without it. Also
// the echo_ws example (seed 004's client; the reply comes back reversed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket as WsWebSocket } from 'ws';
import { createWeft } from '../../src/js/core.node.mjs';
import { report, root, run, runWasm } from './lib.mjs';
import { closedPortUrl } from './server.mjs';
import { WS_CANCEL_LINES, WS_LINES, startWsServer } from './ws_server.mjs';

const prog = join(root, 'build', 'wasm', 'tests', 'bridges', 'net_client.js');
const example = join(root, 'build', 'wasm', 'examples', 'echo_ws.js');
const node22 = join(root, 'tests', 'majors', 'node_modules', 'node22', 'bin', 'node');
const built = existsSync(prog) && existsSync(example) ? false : 'build output missing (run: node scripts/build.mjs wasm)';
const skip22 = built || (existsSync(node22) ? false : `Node 22 missing: ${node22} (bash scripts/ensure-toolchain.sh --browser)`);
const major = Number(process.versions.node.split('.')[0]);
const skip20 = built || (major === 20 ? false : `runs under Node 20 (this is ${process.versions.node})`);

let server;
before(async () => { server = await startWsServer(); });
after(async () => { await server.close(); });

async function client(node, nodeArgs, program, ...args) {
  const r = await run(node, [...nodeArgs, runWasm, program, ...args], { timeoutMs: 30000 });
  assert.equal(r.error, null, report(r));
  return r;
}


test('ws (Node 22): text and binary echo, the server\'s close code and reason, our close code', { skip: skip22 }, async () => {
  const before = server.stats.closes.length;
  const r = await client(node22, [], prog, 'ws', server.url);
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines, WS_LINES, report(r));
  // The server saw our code and reason (its own close of the first
  // connection is answered with its code; hosts differ on the reason).
  const closes = server.stats.closes.slice(before);
  assert.deepEqual(closes.map(([code]) => code), [4001, 4000]);
  assert.deepEqual(closes[1], [4000, 'done']);
});

test('ws (Node 22): cancel during connect and recv (nothing lost); a 4 MiB message (past the high-water mark) there and back whole', { skip: skip22 }, async () => {
  const r = await client(node22, [], prog, 'wscancel', server.url);
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines, WS_CANCEL_LINES, report(r));
});

test('ws (Node 22): a connection dropped without a close frame is WEFT_ECONNRESET (1006)', { skip: skip22 }, async () => {
  const r = await client(node22, [], prog, 'wsdrop', server.url);
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines, ['connect ok', 'end WEFT_ECONNRESET', '  why: WebSocket closed without a close frame (1006)',
    '  close 1006', 'traced waits: socket', 'ticker ticked'], report(r));
});

test('ws (Node 22): a server closing with 1002 (protocol error) is WEFT_EPROTO', { skip: skip22 }, async () => {
  const r = await client(node22, [], prog, 'wsdrop', server.url, 'close 1002 bad frame');
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines, ['connect ok', 'end WEFT_EPROTO', '  why: WebSocket protocol error (1002): bad frame',
    '  close 1002', 'traced waits: socket', 'ticker ticked'], report(r));
});

test('ws (Node 22): a refused port, a URL that is not ws:', { skip: skip22 }, async () => {
  const refused = (await closedPortUrl()).replace('http:', 'ws:');
  const r = await client(node22, [], prog, 'wsfail', refused);
  assert.equal(r.code, 0, report(r));
  assert.match(r.lines[0], /^connect WEFT_E(CONNREFUSED|NETWORK)$/, report(r));
  assert.match(r.lines[1], new RegExp(`^  why: WebSocket connection to ${refused.replace(/[.]/g, '\\.')} failed`), report(r));
  assert.deepEqual(r.lines.slice(2), ['stream NULL', 'traced waits: socket', 'ticker ticked'], report(r));
  const bad = await client(node22, [], prog, 'wsfail', 'http://127.0.0.1/');
  // Refused at once: no time passes, so the ticker does not tick.
  assert.deepEqual(bad.lines, ['connect WEFT_EURL', '  why: not a ws: or wss: URL: "http://127.0.0.1/"', 'stream NULL', 'traced waits: none', 'ticker did not tick (nothing waited)'], report(bad));
});

test('echo_ws (Node 22): seed 004\'s client over a WebSocket, the reply reversed', { skip: skip22 }, async () => {
  const r = await client(node22, [], example, `${server.url}reverse`, 'Hello World!', 'abc');
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines, ["Received from server b'!dlroW olleH'", "Received from server b'cba'"], report(r));
});

test('ws (Node 20): without a WebSocket, WEFT_ENOSYS says what to do; with --experimental-websocket it works', { skip: skip20 }, async () => {
  const none = await client(process.execPath, [], prog, 'wsfail', server.url);
  assert.equal(none.lines[0], 'connect WEFT_ENOSYS', report(none));
  assert.match(none.lines[1], /Node >= 22.*--experimental-websocket.*Module\.weftWebSocket/, report(none));
  const r = await client(process.execPath, ['--experimental-websocket', '--no-warnings'], prog, 'ws', server.url);
  assert.deepEqual(r.lines, WS_LINES, report(r));
});

/* Runs net_client in this process with `WebSocket` handed in as
 * Module.weftWebSocket; resolves with its lines and exit status. */
function inProcess(WebSocket, ...args) {
  return new Promise((resolve, reject) => {
    const lines = [];
    createWeft({
      module: prog, args, print: (t) => lines.push(t), printErr: (t) => lines.push(`stderr: ${t}`),
      moduleArgs: { weftWebSocket: WebSocket },
      onExit: (status) => resolve({ status, lines }),
      onError: reject,
    }).catch(reject);
  });
}

test('ws (this Node, the ws package handed in as Module.weftWebSocket): the same exchange; a refused port is WEFT_ECONNREFUSED', { skip: built }, async () => {
  const r = await inProcess(WsWebSocket, 'ws', server.url);
  assert.deepEqual(r, { status: 0, lines: WS_LINES });
  const refused = (await closedPortUrl()).replace('http:', 'ws:');
  const f = await inProcess(WsWebSocket, 'wsfail', refused);
  assert.equal(f.lines[0], 'connect WEFT_ECONNREFUSED', f.lines.join('\n'));
  assert.match(f.lines[1], /^  why: WebSocket connection to .* failed \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/);
});
