#!/usr/bin/env node
// `npm start`: installs what is missing, builds the wasm tree (the examples),
// then serves the interactive page (web/) on 127.0.0.1 and prints its URL.
//   npm start -- [--port N] [--no-build]
// (port 8080 by default; 0 picks a free one)
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
let port = Number(process.env.PORT || 8080);
let build = true;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--port' && i + 1 < argv.length) port = Number(argv[++i]);
  else if (argv[i].startsWith('--port=')) port = Number(argv[i].slice(7));
  else if (argv[i] === '--no-build') build = false;
  else { console.error('usage: npm start -- [--port N] [--no-build]'); process.exit(2); }
}
if (!Number.isInteger(port) || port < 0 || port > 65535) { console.error(`bad port: ${port}`); process.exit(2); }

if (build) {
  const sh = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
  sh('bash', ['scripts/ensure-toolchain.sh']);
  sh('node', ['scripts/build.mjs', 'wasm']);
}
const { startPageServer } = await import('../web/server.mjs');
const server = await startPageServer({ port });
console.log(`weft page: ${server.url}/   (Ctrl-C to stop)`);
