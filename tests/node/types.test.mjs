// The package's types against a typed consumer (tests/types/consumer.ts):
// `tsc --noEmit` in strict mode, with bundler and with nodenext resolution,
// through the package's own exports ('weft', 'weft/core', 'weft/runtime',
// 'weft/trace', 'weft/timeline'). Its `@ts-expect-error` lines are the
// expected-error cases: tsc fails on one that does not error (TS2578). The
// consumer test (package.test.mjs) runs the same over the installed tarball.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './lib.mjs';

const tsc = join(root, 'node_modules', '.bin', 'tsc');
const skip = existsSync(tsc) ? false : 'typescript is not installed (run: npm ci)';

for (const resolution of ['bundler', 'nodenext']) {
  test(`tsc --strict over a typed consumer, ${resolution} resolution`, { skip, timeout: 120000 }, () => {
    const r = spawnSync(tsc, ['-p', join(root, 'tests', 'types', `tsconfig.${resolution}.json`)], { encoding: 'utf8' });
    assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
  });
}

test('the public types have no `any`', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const files = new Set(Object.values(pkg.exports).map((e) => typeof e === 'object' && e.types).filter(Boolean));
  files.add('./src/js/program.d.ts');
  for (const f of files) {
    const text = readFileSync(join(root, f), 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
    assert.doesNotMatch(text, /\bany\b/, `${f} uses any`);
  }
});
