// The shared bootstrap (scripts/node24.mjs) as people meet it: `berth` started
// every way the README says, on the machine's own older Node, and what happens
// when Node 24 cannot be fetched. (npm start's own run on the older Node, with a
// real fetch, is in start.test.ts.)
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OLD_NODE = '/usr/bin/node';
const NODE_VERSION = /^NODE_VERSION=(\S+)/m.exec(readFileSync(join(ROOT, '.ci/versions.env'), 'utf8'))?.[1];

/** A cache that already holds "the fetched Node 24": this test's own Node, so nothing is downloaded. */
const cache = mkdtempSync(join(tmpdir(), 'berth-node24-'));
symlinkSync(dirname(dirname(process.execPath)), join(cache, `node-${NODE_VERSION}`));
after(() => rmSync(cache, { recursive: true, force: true }));

/** The environment of a machine whose `node` (and npm, npx) is the old one. */
function oldNodeEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${dirname(OLD_NODE)}:${process.env.PATH ?? ''}`,
    BERTH_CACHE: cache,
    NO_COLOR: '1',
    ...extra,
  };
}

function run(program: string, args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(program, args, { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("berth on the machine's older Node", () => {
  test(`${OLD_NODE} is older than Node 24 (what this suite is about)`, () => {
    const version = execFileSync(OLD_NODE, ['--version'], { encoding: 'utf8' }).trim();
    assert.ok(Number(version.slice(1).split('.')[0]) < 24, `${OLD_NODE} is ${version}`);
  });

  test('npm run berth -- --help, npx berth --help and the bin itself run berth with Node 24', () => {
    const env = oldNodeEnv();
    for (const [program, args] of [
      ['npm', ['run', '--silent', 'berth', '--', '--help']],
      ['npx', ['--no-install', 'berth', '--help']],
      [join(ROOT, 'node_modules/.bin/berth'), ['--help']],
    ] as const) {
      const result = run(program, [...args], env);
      const said = `${program} ${args.join(' ')}: exit ${result.code}\n${result.stdout}\n${result.stderr}`;
      assert.equal(result.code, 0, said);
      assert.match(result.stdout, /Commands:/, said);
      assert.doesNotMatch(result.stderr, /ERR_UNKNOWN_FILE_EXTENSION/, said);
    }
  });

  test('doctor, up and status answer as berth does (their own exit codes), not with a Node error', () => {
    const env = oldNodeEnv({ KUBECONFIG: join(cache, 'no-such-kubeconfig') });
    const berth = (args: string[]) => run('npm', ['run', '--silent', 'berth', '--', ...args], env);
    const doctor = berth(['doctor', '--cluster-only']);
    assert.equal(doctor.code, 3, doctor.stderr);
    assert.match(doctor.stdout, /kubeconfig/);
    const up = berth(['up']);
    assert.equal(up.code, 2, up.stderr);
    assert.match(up.stderr, /missing <app>/);
    const status = berth(['status', '--app', 'names']);
    assert.equal(status.code, 3, status.stderr);
    assert.match(status.stderr, /no kubeconfig/);
  });

  test('when Node 24 cannot be fetched, berth and npm start say so in one line and exit, without a stack trace', () => {
    const empty = mkdtempSync(join(tmpdir(), 'berth-no-node-'));
    try {
      const env = oldNodeEnv({
        BERTH_CACHE: empty,
        npm_config_registry: 'http://127.0.0.1:9/',
        npm_config_fetch_retries: '0',
      });
      for (const [script, program, code] of [
        ['packages/berth/bin/berth.mjs', 'berth', 3],
        ['scripts/start.mjs', 'npm start', 1],
      ] as const) {
        const result = run(OLD_NODE, [join(ROOT, script), '--help'], env);
        assert.equal(result.code, code, result.stderr);
        const lines = result.stderr.trim().split('\n');
        assert.match(
          lines.at(-1) ?? '',
          new RegExp(
            `^${program} needs Node 24 or newer \\(this is Node 20[.\\d]*\\) and could not fetch it: .*ECONNREFUSED.*Install Node 24`,
          ),
        );
        assert.ok(lines.length <= 2, `one progress line and one error line:\n${result.stderr}`);
        assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
      }
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
