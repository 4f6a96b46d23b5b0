// The WebSocket echo server of the WebSocket tests and `echo_ws` (the `ws`
// package, on 127.0.0.1, an ephemeral port). Each message comes back as it
// came, text as text and binary as binary, except:
//   "close <code> <reason>"  the server closes with that code and reason
//   "drop"                   the server drops the TCP connection (1006 for the client)
// On the path /reverse every text message comes back reversed instead (seed
// 004's server, for echo_ws).
import { WebSocketServer } from 'ws';

export async function startWsServer() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const stats = { connections: 0, closes: [] };
  wss.on('connection', (ws, req) => {
    stats.connections++;
    const reverse = req.url === '/reverse';
    ws.on('close', (code, reason) => stats.closes.push([code, reason.toString()]));
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? null : data.toString();
      const close = text && /^close (\d+) ?(.*)$/.exec(text);
      if (close) ws.close(Number(close[1]), close[2]);
      else if (text === 'drop') ws.terminate();
      else if (text !== null && reverse) ws.send([...text].reverse().join(''));
      else ws.send(data, { binary: isBinary });
    });
  });
  const { port } = wss.address();
  return {
    url: `ws://127.0.0.1:${port}/`,
    stats,
    close: () => new Promise((r) => { for (const c of wss.clients) c.terminate(); wss.close(r); }),
  };
}

// What tests/bridges/net_client.c's `ws` scenario prints against this
// server, in every host.
export const WS_LINES = [
  'connect ok',
  'text ok',
  "  text 'Hello World!' (12 bytes)",
  'binary ok',
  '  binary 0 1 2 255 0',
  'end WEFT_EDONE', // the server closed cleanly: the end, with its code and reason
  "  close 4001 'bye now'",
  'send after end WEFT_EPIPE',
  '  why: the WebSocket is not open',
  'close ok',
  'again ok',
  'close 4000 ok',
  'traced waits: socket',
  'ticker ticked',
];

// What its `wscancel` scenario prints.
export const WS_CANCEL_LINES = [
  'connect (cancelled) WEFT_ECANCELED',
  'connect ok',
  'recv (timed out) WEFT_ECANCELED',
  'recv ok',
  "  'still there'",
  'send 4 MiB ok',
  'recv 4 MiB ok',
  '  4194304 bytes, the same',
  'close ok',
  'traced waits: socket',
  'ticker ticked',
];
