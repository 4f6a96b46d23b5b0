#!/usr/bin/env node
// The local HTTP server of the fetch benchmark, in its own process so that
// serving does not share the client's event loop: 127.0.0.1, an ephemeral
// port printed as one JSON line ({"port": N}), keep-alive, and these routes:
//   /json   {"hello":"weft","n":<request count>} (a small JSON body)
//   /bench/browser/*, /build/wasm/bench/*   the files of the Chromium run
//           (bench/browser/fetch.html and the wasm benchmark program)
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TYPES = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm' };

let count = 0;
const server = createServer((req, res) => {
  count++;
  if (req.url.startsWith('/json')) {
    const body = JSON.stringify({ hello: 'weft', n: count });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  } else if (/^\/(bench\/browser|build\/wasm\/bench)\/[\w.-]+$/.test(req.url.split('?')[0])) {
    const path = normalize(join(root, req.url.split('?')[0]));
    readFile(path).then((data) => {
      res.writeHead(200, { 'Content-Type': TYPES[extname(path)] || 'application/octet-stream', 'Content-Length': data.length });
      res.end(data);
    }, () => {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    });
  } else {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  }
});
server.keepAliveTimeout = 60000;
server.maxRequestsPerSocket = 0;
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  console.log(JSON.stringify({ port: server.address().port }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
