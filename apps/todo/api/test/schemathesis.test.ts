// schemathesis (PyPI) generates requests from /api/openapi.json — valid and
// invalid, plus stateful sequences following the links it infers — and checks
// that none is answered with a 5xx and every documented response matches its
// schema. CI installs it with `pip install schemathesis`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Backend, embeddedBackend, type ServiceProcess } from '@berth/testkit';
import { type AssistantStack, signIn, startAssistantStack } from './support.ts';

const SCHEMATHESIS = process.env.SCHEMATHESIS ?? 'schemathesis';

function schemathesis(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(SCHEMATHESIS, ['run', ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error('schemathesis is not installed: pip install schemathesis (or set SCHEMATHESIS to its path)')
          : error,
      ),
    );
    child.on('exit', (code) => resolve({ code, output }));
  });
}

let backend: Backend;
let stack: AssistantStack;
let api: ServiceProcess;
let workDir: string;

// One hook each: hooks at the top level of a file run concurrently.
before(async () => {
  backend = await embeddedBackend();
  workDir = mkdtempSync(join(tmpdir(), 'schemathesis-'));
  // The chat routes answer through the MCP server, so it runs too.
  stack = await startAssistantStack(backend.env, { LOG_LEVEL: 'warn' });
  api = stack.api;
});
after(async () => {
  await stack.stop();
  rmSync(workDir, { recursive: true, force: true });
  await backend.cleanup();
});

const common = (token: string) => [
  `${api.url}/api/openapi.json`,
  '--header',
  `Authorization: Bearer ${token}`,
  '--checks',
  'not_a_server_error,response_schema_conformance',
  '--request-timeout',
  '10',
  // The same examples every CI run, so a red build reproduces; SCHEMATHESIS_SEED=random explores.
  ...(process.env.SCHEMATHESIS_SEED === 'random' ? [] : ['--seed', process.env.SCHEMATHESIS_SEED ?? '20261123']),
];

test('schemathesis finds no 5xx and no response that violates /api/openapi.json', { timeout: 240_000 }, async () => {
  const token = await signIn(api.url, 'schemathesis@example.com');
  // Logout would revoke the token every other operation runs with: it gets its own run below.
  const run = await schemathesis(
    [...common(token), '--max-examples', '40', '--exclude-path', '/api/auth/logout'],
    workDir,
  );
  assert.equal(run.code, 0, run.output);
  assert.match(run.output, /Tested: 23\b/, 'every operation but logout was exercised');
  assert.doesNotMatch(api.output(), /"level":"error"/, 'the API logged no error');

  const logoutToken = await signIn(api.url, 'schemathesis-logout@example.com');
  const logout = await schemathesis(
    [...common(logoutToken), '--max-examples', '5', '--include-path', '/api/auth/logout'],
    workDir,
  );
  assert.equal(logout.code, 0, logout.output);
});
