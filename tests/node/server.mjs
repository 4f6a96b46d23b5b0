// A real HTTP server for the bridge tests, on 127.0.0.1 with an ephemeral
// port (node:http). `stats.closedEarly` counts responses whose connection
// the client closed before the response ended (an aborted fetch);
// `stats.requests` counts requests by path.
//
//   /json            {"hello":"weft"} with X-Weft: yes
//   /status/<code>   that status, body "status <code>"
//   /redirect        302 to /json
//   /echo            "<method> <x-echo header> <body>"
//   /slow            "chunk0 " … "chunk3 ", one every 50 ms
//   /docs?page=N     a paged JSON API: {"page":N,"docs":[…]}, 7 documents, 3 a page
//   /download        1 MiB with Content-Length, 16 pieces 10 ms apart
//   /late            Content-Length 12: the headers at once, "late arrival" 100 ms later
//   /hang            never answers (no headers)
//   /seen?url=U      answers "seen" once a request for U has arrived
//   /never           headers and "started", then nothing, never ending
//   /big             50 MiB generated on the fly, at the client's pace
//   /sized           "small sized body" with a Content-Length (read whole by the host)
//   /gzip            16 MiB of "a", gzip-encoded: a Content-Length of ~16 KB
//   /bomb            64 MiB of zeros gzipped twice (Content-Encoding: gzip, gzip)
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';

// Compressed bodies, made on first use: 16 MiB that gzip to about 16 KB
// (a Content-Length far below the decoded size), and 64 MiB gzipped twice
// (`Content-Encoding: gzip, gzip`: a few hundred bytes).
let gz16, bomb64;
const gzip16 = () => (gz16 ??= gzipSync(Buffer.alloc(16 << 20, 0x61)));
const gzipBomb = () => (bomb64 ??= gzipSync(gzipSync(Buffer.alloc(64 << 20))));

// What tests/bridges/fetch_client's 'basic' scenario prints against this
// server (/json, /status/404, /status/500, /redirect, POST /echo), in Node
// and in the browser alike.
export const BASIC_LINES = [
  '200 OK type=application/json len=16 body={"hello":"weft"}',
  '404 Not Found type=text/plain len=10 body=status 404',
  '500 Internal Server Error type=text/plain len=10 body=status 500',
  '200 OK type=text/plain len=12 body=late arrival',
  'redirected to /json x-weft=yes',
  'json streamed: 1 chunk, 16 bytes, then WEFT_EDONE; the rest: 0, 0 bytes',
  '200 OK type=text/plain len=15 body=POST hello ping',
];

export async function startServer() {
  const stats = { closedEarly: 0, requests: {} };
  // /seen?url=U answers once a request for U (path and query) has arrived:
  // a client synchronises on what the server saw instead of on a delay.
  const seen = new Set();
  const seenWaiters = new Map();
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    stats.requests[url.pathname] = (stats.requests[url.pathname] || 0) + 1;
    seen.add(req.url);
    for (const w of seenWaiters.get(req.url) || []) w();
    seenWaiters.delete(req.url);
    if (url.pathname === '/seen') {
      const want = url.searchParams.get('url');
      const answer = () => { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('seen'); };
      if (seen.has(want)) answer();
      else seenWaiters.set(want, [...(seenWaiters.get(want) || []), answer]);
      return;
    }
    res.on('close', () => { if (!res.writableEnded) stats.closedEarly++; });
    if (url.pathname === '/json') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Weft': 'yes' });
      res.end('{"hello":"weft"}');
    } else if (url.pathname.startsWith('/status/')) {
      const code = Number(url.pathname.slice(8));
      res.writeHead(code, { 'Content-Type': 'text/plain' });
      res.end(`status ${code}`);
    } else if (url.pathname === '/redirect') {
      res.writeHead(302, { Location: '/json' });
      res.end();
    } else if (url.pathname === '/echo') {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end(`${req.method} ${req.headers['x-echo']} ${body}`);
      });
    } else if (url.pathname === '/slow') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      let n = 0;
      const t = setInterval(() => {
        res.write(`chunk${n} `);
        if (++n === 4) { clearInterval(t); res.end(); }
      }, 50);
      res.on('close', () => clearInterval(t));
    } else if (url.pathname === '/docs') {
      // Seed 003's paginated API, as JSON: 3 documents per page, 7 in all;
      // an empty page after the last. Titles exercise JSON escapes.
      const page = Number(url.searchParams.get('page') || 1);
      const docs = [];
      for (let i = (page - 1) * 3 + 1; i <= Math.min(page * 3, 7); i++) docs.push(i === 5 ? 'document 5, "quoted"' : `document ${i}`);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ page, docs }));
    } else if (url.pathname === '/download') {
      // 1 MiB with a Content-Length, sent in 16 pieces 10 ms apart.
      const piece = Buffer.alloc(64 * 1024, 0x62);
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': 16 * piece.length });
      let n = 0;
      const t = setInterval(() => { res.write(piece); if (++n === 16) { clearInterval(t); res.end(); } }, 10);
      res.on('close', () => clearInterval(t));
    } else if (url.pathname === '/late') {
      // A small body of known size that comes after its headers: read whole
      // by the host (library_fetch.js: prefetch), it is not in yet when the
      // task asks for it, so the task waits for it.
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 12 });
      res.flushHeaders();
      const t = setTimeout(() => res.end('late arrival'), 100);
      res.on('close', () => clearTimeout(t));
    } else if (url.pathname === '/sized') {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 16 });
      res.end('small sized body');
    } else if (url.pathname === '/gzip' || url.pathname === '/bomb') {
      const body = url.pathname === '/gzip' ? gzip16() : gzipBomb();
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length,
        'Content-Encoding': url.pathname === '/gzip' ? 'gzip' : 'gzip, gzip' });
      res.end(body);
    } else if (url.pathname === '/hang') {
      // Never answers: not even headers.
    } else if (url.pathname === '/never') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('started');
    } else if (url.pathname === '/big') {
      // 50 MB generated on the fly, written as the client drains it.
      const total = 50 * 1024 * 1024;
      const block = Buffer.alloc(64 * 1024, 0x61);
      let sent = 0;
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': total });
      const pump = () => {
        while (sent < total) {
          sent += block.length;
          if (!res.write(block)) { res.once('drain', pump); return; }
        }
        res.end();
      };
      pump();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

// A URL on 127.0.0.1 where nothing listens (a port just freed).
export async function closedPortUrl() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${port}/`;
}

// A misbehaving HTTP/1.1 server on raw TCP (node:net), on 127.0.0.1 with an
// ephemeral port, for what node:http would refuse to send. By path:
//   /reset       Content-Length 100000, 1000 bytes, then a TCP reset
//   /badchunk    chunked, then a chunk size that is not hex
//   /short       Content-Length 100, 10 bytes, then the end of the connection
//   /conflict    two different Content-Length headers
//   /nulheader   a header value with a NUL in it
//   /bigheaders  10 MB of headers
//   /loop        302 to itself, forever
export async function startHostileServer() {
  const { createServer: createTcpServer } = await import('node:net');
  const sockets = new Set();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let head = '';
    socket.on('data', (d) => {
      if (head.includes('\r\n\r\n')) return;
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const path = head.split(' ')[1];
      const send = (s) => socket.write(Buffer.from(s, 'latin1'));
      if (path === '/reset') {
        send('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n' + 'x'.repeat(1000));
        setImmediate(() => socket.resetAndDestroy());
      } else if (path === '/badchunk') {
        send('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nnot a chunk\r\n');
        socket.end();
      } else if (path === '/short') {
        send('HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n0123456789');
        socket.end();
      } else if (path === '/conflict') {
        send('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello');
        socket.end();
      } else if (path === '/nulheader') {
        send('HTTP/1.1 200 OK\r\nX-Bad: a\0b\r\nContent-Length: 2\r\n\r\nok');
        socket.end();
      } else if (path === '/bigheaders') {
        send('HTTP/1.1 200 OK\r\n');
        const line = `X-Pad: ${'p'.repeat(1000)}\r\n`;
        send(line.repeat(10000)); // 10 MB
        send('Content-Length: 2\r\n\r\nok');
        socket.end();
      } else if (path === '/loop') {
        send('HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        socket.end();
      } else {
        send('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(r); }),
  };
}
