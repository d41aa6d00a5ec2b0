// The JavaScript a person downloads, gzipped, stays under 150 KB. The size is
// printed on every run so a growing bundle is seen before it fails.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ensureBuilt } from '../src/build.ts';
import { DIST_DIR } from '../src/config.ts';

const LIMIT_BYTES = 150 * 1024;

test('the built JavaScript is under 150 KB gzipped', async (t) => {
  await ensureBuilt(DIST_DIR);
  const assets = join(DIST_DIR, 'assets');
  const scripts = readdirSync(assets).filter((name) => name.endsWith('.js'));
  assert.ok(scripts.length > 0, 'the build has JavaScript');
  let raw = 0;
  let gzipped = 0;
  for (const name of scripts) {
    const content = readFileSync(join(assets, name));
    raw += content.length;
    gzipped += gzipSync(content, { level: 9 }).length;
  }
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  t.diagnostic(
    `built JavaScript: ${scripts.length} file(s), ${kb(raw)} raw, ${kb(gzipped)} gzipped (limit ${kb(LIMIT_BYTES)})`,
  );
  assert.ok(gzipped <= LIMIT_BYTES, `${kb(gzipped)} gzipped is over the ${kb(LIMIT_BYTES)} budget`);
});
