// Every shell script in the repository passes shellcheck (Debian's package),
// following the files it sources.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function shellScripts(): string[] {
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  return tracked.filter((file) => {
    if (file.endsWith('.sh')) return true;
    if (/\.\w+$/.test(file)) return false;
    const head = readFileSync(`${root}/${file}`, 'utf8').slice(0, 64);
    return /^#!.*\b(bash|sh)\b/.test(head);
  });
}

test('shell scripts pass shellcheck', () => {
  const scripts = shellScripts();
  assert.ok(scripts.includes('.ci/run') && scripts.includes('deploy/k3s/install-k3s-server.sh'), scripts.join());
  try {
    execFileSync('shellcheck', ['--external-sources', '--severity=style', ...scripts], { cwd: root, encoding: 'utf8' });
  } catch (error) {
    const { stdout, message } = error as { stdout?: string; message: string };
    assert.fail(stdout || message);
  }
});
