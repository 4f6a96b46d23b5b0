// The page's dev server: small, node:http only, bound to 127.0.0.1.
//
//   /                          web/index.html
//   /web/…                     the page's modules and CSS
//   /build/wasm/examples/…     the examples built as wasm (.mjs + .wasm)
//   /examples/<name>.c         their C source, shown by the page
//   /src/js/<name>.mjs         the package's browser-safe JS (trace.mjs)
//   /api/features              what the tree has: { trace: bool }
//   /ws/reverse                a WebSocket (the `ws` package): each text
//                              message comes back reversed (seed 004's
//                              server, for echo_ws), binary as it came
//   /api/<pages>/<per>/<ms>/docs?page=N
//                              the paged JSON API that get_docs reads:
//                              {"page":N,"docs":[…]}, `per` documents a page,
//                              an empty list after `pages` pages, each
//                              answer delayed by `ms`
//
// Every response carries a strict Content-Security-Policy (no inline script,
// no eval; 'wasm-unsafe-eval' only lets WebAssembly compile) and is
// cross-origin isolated, so that performance.now() is precise.
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.css': 'text/css; charset=utf-8', '.c': 'text/plain; charset=utf-8',
  '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml',
};

// Only these prefixes are served from the tree, and only these extensions.
const served = [
  ['web/', ['.html', '.mjs', '.css', '.json', '.png', '.svg']],
  ['build/wasm/examples/', ['.mjs', '.wasm']],
  ['examples/', ['.c']],
  ['src/js/', ['.mjs']],
];

const headers = (type) => ({
  'Content-Type': type, 'Cache-Control': 'no-store', 'Content-Security-Policy': CSP,
  'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp',
  'X-Content-Type-Options': 'nosniff',
});

/* The documents of page `page` (1-based) of the /api/…/docs API. */
export function docsPage(page, pages, per) {
  const docs = [];
  if (page >= 1 && page <= pages) for (let i = 0; i < per; i++) docs.push(`document ${(page - 1) * per + i + 1}`);
  return { page, docs };
}

function api(url, res) {
  if (url.pathname === '/api/features') {
    // What this tree has, so that the page never requests a missing module.
    const body = JSON.stringify({ trace: existsSync(join(root, 'src/js/trace.mjs')) });
    res.writeHead(200, headers('application/json'));
    res.end(body);
    return true;
  }
  const m = /^\/api\/(\d{1,3})\/(\d{1,2})\/(\d{1,5})\/docs$/.exec(url.pathname);
  if (!m) return false;
  const [pages, per, ms] = m.slice(1).map(Number);
  const page = Number(url.searchParams.get('page') || '1');
  const body = JSON.stringify(docsPage(page, Math.min(pages, 100), Math.min(per, 64)));
  const t = setTimeout(() => { res.writeHead(200, headers('application/json')); res.end(body); }, Math.min(ms, 10000));
  res.on('close', () => clearTimeout(t));
  return true;
}

/* Starts the server; resolves to { url, port, close }. port 0 = ephemeral. */
export async function startPageServer({ port = 0, host = '127.0.0.1' } = {}) {
  const server = createServer((req, res) => {
    let url;
    try { url = new URL(req.url, 'http://x'); } catch { res.writeHead(400).end(); return; }
    if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405).end(); return; }
    if (api(url, res)) return;
    let path;
    try { path = decodeURIComponent(url.pathname); } catch { res.writeHead(400).end(); return; }
    const rel = path === '/' ? 'web/index.html' : normalize(path.slice(1)).split(sep).join('/');
    const rule = served.find(([p]) => rel.startsWith(p));
    if (!rule || rel.includes('..') || !rule[1].includes(extname(rel))) { res.writeHead(404, headers('text/plain')).end('not found'); return; }
    const file = join(root, rel);
    if (!existsSync(file) || !statSync(file).isFile()) { res.writeHead(404, headers('text/plain')).end('not found'); return; }
    res.writeHead(200, headers(types[extname(file)] || 'application/octet-stream'));
    if (req.method === 'HEAD') { res.end(); return; }
    createReadStream(file).pipe(res);
  });
  // Seed 004's echo server over a WebSocket: the reply reversed.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => ws.send(isBinary ? data : [...data.toString()].reverse().join(''), { binary: isBinary }));
  });
  server.on('upgrade', (req, socket, head) => {
    let path = '';
    try { path = new URL(req.url, 'http://x').pathname; } catch { /* refused below */ }
    if (path !== '/ws/reverse') { socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n'); return; }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(port, host, resolve); });
  const p = server.address().port;
  return {
    url: `http://${host}:${p}`, port: p,
    close: () => new Promise((r) => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      server.close(r);
    }),
  };
}
