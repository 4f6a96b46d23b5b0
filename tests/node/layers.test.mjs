// The layer check (scripts/layers.mjs) fails on what it is meant to catch:
// objects compiled from tests/layers/ (a two-layer fixture) hold an upward
// reference, a circle and a strdup outside the allocator, and the check names
// exactly those; a file no layer names fails too. Then the real tree: the map
// in docs/architecture.md names every C file of src/, and the native build's
// objects pass (with only the problems the check lists as known).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { root } from './lib.mjs';
import { check, listSources, parseMap, readObjects } from '../../scripts/layers.mjs';

const fixture = join(root, 'tests', 'layers');

function compileFixture() {
  const out = mkdtempSync(join(tmpdir(), 'weft-layers-'));
  for (const src of listSources(fixture)) {
    const obj = join(out, `${src}.o`);
    mkdirSync(dirname(obj), { recursive: true });
    execFileSync('cc', ['-O1', '-c', join(fixture, src), '-o', obj]);
  }
  return out;
}

test('layers: the fixture fails on its upward reference, its circle and its strdup', () => {
  const out = compileFixture();
  try {
    const map = parseMap(readFileSync(join(fixture, 'README.md'), 'utf8'));
    assert.deepEqual(map.layers.map((l) => [l.rank, l.name]), [[0, 'low'], [1, 'high']]);
    assert.equal(map.allocator, 'src/low/alloc.c');
    const objects = readObjects(out);
    assert.equal(objects.length, 6);
    const { problems } = check(map, objects, listSources(fixture));
    assert.deepEqual(problems, [
      'circle: src/low/ping.c, src/low/pong.c depend on each other',
      "src/low/leak.c: calls libc's strdup (only src/low/alloc.c may)",
      'src/low/up.c (low) uses high_fn of src/high/high.c (high): an upward reference',
    ]);
    // Without the offending files, the same objects pass: the check does not
    // flag a downward use (high.c -> alloc.c) or the allocator's malloc.
    const clean = objects.filter((o) => !/(up|leak|ping|pong)\.c$/.test(o.src));
    assert.deepEqual(check(map, clean).problems, []);
    // A C file that no row names is a problem of its own.
    assert.deepEqual(check(map, clean, ['src/elsewhere/x.c']).problems, ['src/elsewhere/x.c: named by no layer of the map']);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('layers: docs/architecture.md maps every C file of src/ to one layer', () => {
  const map = parseMap(readFileSync(join(root, 'docs', 'architecture.md'), 'utf8'));
  assert.equal(map.allocator, 'src/core/alloc.c');
  const { problems } = check(map, [], listSources(root));
  assert.deepEqual(problems, []);
});

test('layers: the native build passes the check', { skip: !existsSync(join(root, 'build/native/CMakeFiles/weft.dir/src')) && 'no native build' }, () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'layers.mjs')], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr + r.stdout);
});
