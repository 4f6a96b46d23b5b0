// weft/net.h's TCP streams on 127.0.0.1 (tests/bridges/net_client.c and the
// echo_tcp example): several clients served at once, a server that ends or
// resets mid-stream, a refused port, cancellation of connect, accept, recv
// and a blocked send, back-pressure from a slow reader, and a ticker task
// that keeps running throughout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { report, root, runExample, runWasmProgram } from './lib.mjs';

const prog = join(root, 'build', 'wasm', 'tests', 'bridges', 'net_client.js');
const example = join(root, 'build', 'wasm', 'examples', 'echo_tcp.js');
const skip = existsSync(prog) && existsSync(example) ? false : 'build output missing (run: node scripts/build.mjs wasm)';

/* A server on 127.0.0.1 that runs `onConnection(socket)`; closes with `close()`. */
async function serve(onConnection) {
  const server = createServer(onConnection);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { port: server.address().port, close: () => new Promise((r) => server.close(r)) };
}

async function client(...args) {
  const r = await runWasmProgram(prog, { args, timeoutMs: 30000 });
  assert.equal(r.error, null, report(r));
  return r;
}

test('echo_tcp: seed 004\'s exchange over real TCP', { skip }, async () => {
  const r = await runExample('echo_tcp', { timeoutMs: 30000 });
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines, ["Received from client b'Hello World!'", "Received from server b'!dlroW olleH'"], report(r));
});

test('echo_tcp: the server serves five clients at once, each gets its message reversed', { skip }, async () => {
  const r = await runExample('echo_tcp', { args: ['5'], timeoutMs: 30000 });
  assert.equal(r.code, 0, report(r));
  const msgs = ['Hello World!', ...[2, 3, 4, 5].map((i) => `Hello World! ${i}`)];
  const expected = [
    ...msgs.map((m) => `Received from client b'${m}'`),
    ...msgs.map((m) => `Received from server b'${[...m].reverse().join('')}'`),
  ];
  assert.deepEqual([...r.lines].sort(), expected.sort(), report(r));
});

test('net: a refused port is WEFT_ECONNREFUSED with the host\'s message, and no stream', { skip }, async () => {
  const { port, close } = await serve(() => {});
  await close();
  const r = await client('refused', String(port));
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines, ['connect WEFT_ECONNREFUSED', `  why: connect ECONNREFUSED 127.0.0.1:${port}`, 'stream NULL', 'traced waits: socket', 'ticker ticked'], report(r));
});

test('net: listening on a port that is taken is WEFT_EADDRINUSE, and no listener', { skip }, async () => {
  const s = await serve(() => {});
  const r = await client('listen', String(s.port));
  await s.close();
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines, ['listen WEFT_EADDRINUSE', `  why: listen EADDRINUSE: address already in use 127.0.0.1:${s.port}`,
    'listener NULL', 'traced waits: socket', 'ticker ticked'], report(r));
});

test('net: a server that ends mid-stream gives the chunks, then the end for good; a send after it WEFT_EPIPE', { skip }, async () => {
  const s = await serve((sock) => { sock.write('part1 '); sock.once('data', () => sock.end('part2')); });
  const r = await client('peer', String(s.port));
  await s.close();
  assert.equal(r.code, 0, report(r));
  // The iterator ends cleanly (status 0); recv says WEFT_EDONE from then on.
  assert.deepEqual(r.lines, ['connect ok', "received 'part1 part2'", 'end ok', 'again WEFT_EDONE',
    'send WEFT_EPIPE', '  why: the stream is closed for writing', 'close ok', 'traced waits: socket', 'ticker ticked'], report(r));
});

test('net: a server that resets mid-stream: the chunks, then WEFT_ECONNRESET, and again', { skip }, async () => {
  const s = await serve((sock) => { sock.write('part1'); sock.once('data', () => sock.resetAndDestroy()); });
  const r = await client('peer', String(s.port));
  await s.close();
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines.slice(0, 3), ['connect ok', "received 'part1'", 'end WEFT_ECONNRESET'], report(r));
  assert.match(r.lines[3], /^  why: .*ECONNRESET/, report(r));
  assert.equal(r.lines[4], 'again WEFT_ECONNRESET', report(r));
  assert.equal(r.lines.at(-1), 'ticker ticked', report(r));
});

test('net: cancel during connect, accept, recv and a blocked send; nothing is lost, memory stays bounded', { skip }, async () => {
  const r = await client('cancel');
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines, [
    'listen ok',
    'connect (cancelled) WEFT_ECANCELED',
    'accept (timed out) WEFT_ECANCELED',
    'connect ok',
    'accept ok',
    'recv (timed out) WEFT_ECANCELED',
    'send ok',
    'recv ok',
    "got 'after'",
    'send (blocked, timed out) WEFT_ECANCELED',
    'sent bounded: yes',
    'close server side ok',
    'close client side ok',
    'close listener ok',
    'traced waits: socket',
    'ticker ticked',
  ], report(r));
});

test('net: a serving task cancelled in recv still closes its connection (WEFT_DEFER, shielded): the client sees a clean end', { skip }, async () => {
  const r = await client('shielded');
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines, ['connect ok', 'server recv WEFT_ECANCELED', '  deferred close ok', 'server task WEFT_ECANCELED',
    'client recv WEFT_EDONE', 'traced waits: socket', 'ticker ticked'], report(r));
});

test('net: a slow reader makes the writer wait (the host stops reading), then gets every byte', { skip }, async () => {
  const TOTAL = 64 << 20, PIECE = 1 << 20;
  let flushedAt200 = -1;
  const s = await serve((sock) => {
    let flushed = 0, queued = 0;
    setTimeout(() => { flushedAt200 = flushed; }, 200);
    const pump = () => {
      while (queued < TOTAL) {
        queued += PIECE;
        const ok = sock.write(Buffer.alloc(PIECE, 7), () => { flushed += PIECE; });
        if (!ok) { sock.once('drain', pump); return; }
      }
      sock.end();
    };
    pump();
  });
  const r = await client('slow', String(s.port));
  await s.close();
  assert.equal(r.code, 0, report(r));
  assert.deepEqual(r.lines, ['connect ok', 'end ok', `received ${TOTAL} bytes`, 'traced waits: socket', 'ticker ticked'], report(r));
  // While the C reader slept 300 ms after its first chunk, the kernel's
  // buffers and the host's 64 KiB were all the writer could fill.
  assert.ok(flushedAt200 >= 0 && flushedAt200 < 24 << 20, `flushed ${flushedAt200} bytes while the reader slept`);
});
