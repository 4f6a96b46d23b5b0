#!/usr/bin/env node
// `npm start`: installs what is missing, builds, then runs the `taches`
// example as wasm under Node (the interactive page replaces this later).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sh = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
sh('bash', ['scripts/ensure-toolchain.sh']);
sh('node', ['scripts/build.mjs', 'wasm']);
sh('node', ['scripts/run-wasm.mjs', 'build/wasm/examples/taches.js', ...process.argv.slice(2)]);
