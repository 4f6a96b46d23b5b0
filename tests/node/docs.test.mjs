// README.md's "without CMake" flag list is the one CMake builds with
// (scripts/docs.mjs writes it from build/wasm/weft-hand-build.json, which
// configuring CMakeLists.txt writes): a change to the sources, the
// optimisation or the link flags that is not in the README fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './lib.mjs';

const json = join(root, 'build', 'wasm', 'weft-hand-build.json');
const skip = existsSync(json) ? false : 'build/wasm is not configured (run: node scripts/build.mjs wasm)';

test("README.md's hand-build flags are CMakeLists.txt's", { skip }, () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'docs.mjs'), '--check', json], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
