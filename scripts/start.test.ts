import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from '@berth/testkit';

const START = fileURLToPath(new URL('./start.ts', import.meta.url));

/** Runs `npm start`'s script until it prints the Names Manager URL; returns that URL and a stop function. */
async function startBerth(env: Record<string, string>) {
  const child = spawn(process.execPath, [START], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /Names Manager\s+(http:\/\/localhost:\d+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then(() => reject(new Error(`npm start exited early:\n${output}`)));
  });
  return {
    url: url.replace('localhost', '127.0.0.1'),
    async stop() {
      child.kill('SIGINT'); // Ctrl-C
      return exited;
    },
  };
}

const account = { email: 'start@example.com', password: 'testpass123' };
const postJson = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

test('npm start serves Names Manager on NAMES_PORT and the Todo API on TODO_API_PORT, and keeps data across restarts', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-start-'));
  const todoPort = String(await freePort());
  const todo = `http://127.0.0.1:${todoPort}`;
  const env = { NAMES_PORT: String(await freePort()), TODO_API_PORT: todoPort, DATA_DIR: dataDir };
  try {
    const first = await startBerth(env);
    assert.equal((await fetch(first.url)).status, 200, 'the UI is served');
    assert.match(await (await fetch(`${todo}/api/health`)).text(), /"database":"ok"/);
    assert.equal((await postJson(`${todo}/api/auth/register`, account)).status, 201);
    const added = await fetch(`${first.url}/api/names`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Kept' }),
    });
    assert.equal(added.status, 201);
    assert.equal(await first.stop(), 0);

    const second = await startBerth(env);
    assert.equal((await postJson(`${todo}/api/auth/login`, account)).status, 200, 'the account was kept');
    const { names } = (await (await fetch(`${second.url}/api/names`)).json()) as { names: { name: string }[] };
    assert.deepEqual(
      names.map((n) => n.name),
      ['Kept'],
    );
    assert.equal(await second.stop(), 0);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
