// A tiny static server for the browser tests, on 127.0.0.1 (ephemeral port):
//   /                   fixture.html
//   /tests/browser/…, /tests/host/…, /build/wasm/…, /src/js/…, /dist/…
//                       files from the tree
//   anything else       proxied to `upstream` (an http://127.0.0.1:port base,
//                       e.g. tests/node/server.mjs for fetch), so that it is
//                       same-origin for the page; 404 without one
import { createServer, request } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.css': 'text/css' };
const served = ['tests/browser/', 'tests/host/', 'build/wasm/', 'src/js/', 'dist/'];

// `csp`: a Content-Security-Policy header value sent with every file.
export async function startStaticServer(root, { upstream, csp } = {}) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const rel = path === '/' ? 'tests/browser/fixture.html' : normalize(path.slice(1));
    if (served.some((p) => rel.startsWith(p)) && !rel.includes('..')) {
      const file = join(root, rel);
      if (!existsSync(file) || !statSync(file).isFile()) { res.writeHead(404).end('not found'); return; }
      // Cross-origin isolated, so that performance.now() ticks by 5 µs
      // rather than 100 µs (the loop's budget and the tests measure with it).
      res.writeHead(200, {
        'Content-Type': types[extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store',
        'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp',
        ...(csp ? { 'Content-Security-Policy': csp } : {}),
      });
      createReadStream(file).pipe(res);
      return;
    }
    if (!upstream) { res.writeHead(404).end('not found'); return; }
    const up = request(upstream + req.url, { method: req.method, headers: req.headers }, (upRes) => {
      res.writeHead(upRes.statusCode, upRes.statusMessage, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => res.destroy());
    // A fetch the page aborts closes this connection: close the upstream one too.
    res.on('close', () => { if (!res.writableEnded) up.destroy(); });
    req.pipe(up);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}
