import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from '@berth/testkit';

const START = fileURLToPath(new URL('./start.mjs', import.meta.url));

/** A fresh DATA_DIR. Others may enter it: run as root, the database server runs as an unprivileged account. */
function dataFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-start-'));
  chmodSync(dir, 0o755);
  return dir;
}

/** Runs `npm start`'s script until it prints the Names Manager URL; returns that URL and a stop function. */
async function startBerth(env: Record<string, string>, node = process.execPath) {
  const child = spawn(node, [START], {
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
    child,
    output: () => output,
    /** Ctrl-C by default; SIGHUP is the terminal closing. */
    async stop(signal: NodeJS.Signals = 'SIGINT') {
      child.kill(signal);
      return exited;
    },
  };
}

const account = { email: 'start@example.com', password: 'testpass123' };
const postJson = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

test('npm start serves Names Manager on NAMES_PORT, the Todo API on TODO_API_PORT with its chat working offline through the MCP server on TODO_MCP_PORT, and keeps data across restarts', async () => {
  const dataDir = dataFolder();
  const todoPort = String(await freePort());
  const todo = `http://127.0.0.1:${todoPort}`;
  const mcpPort = String(await freePort());
  const env = {
    NAMES_PORT: String(await freePort()),
    TODO_API_PORT: todoPort,
    TODO_MCP_PORT: mcpPort,
    TODO_WEB_PORT: String(await freePort()),
    DATA_DIR: dataDir,
  };
  try {
    const first = await startBerth(env);
    assert.match(first.output(), /Database: starting PostgreSQL in /, 'the apps run on the local PostgreSQL server');
    assert.doesNotMatch(first.output(), /PGlite/);
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
    const login = await postJson(`${todo}/api/auth/login`, account);
    assert.equal(login.status, 200, 'the account was kept');
    assert.match(second.output(), new RegExp(`Todo MCP server +http://localhost:${mcpPort}/mcp`));
    const { token } = (await login.json()) as { token: string };
    const chat = await fetch(`${todo}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ message: 'add buy milk tomorrow' }),
    });
    assert.equal(chat.status, 200, 'the chat works out of the box, offline');
    assert.match(((await chat.json()) as { response: string }).response, /^Added #\d+ "Buy milk"/);
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

test("npm start on the machine's older Node fetches Node 24 from the npm registry once, then serves", async () => {
  const oldNode = '/usr/bin/node';
  const version = execFileSync(oldNode, ['--version'], { encoding: 'utf8' }).trim();
  assert.ok(Number(version.slice(1).split('.')[0]) < 24, `this checks the bare-machine path: ${oldNode} is ${version}`);
  const cache = mkdtempSync(join(tmpdir(), 'berth-cache-'));
  const dataDir = dataFolder();
  const env = {
    NAMES_PORT: String(await freePort()),
    TODO_API_PORT: String(await freePort()),
    TODO_MCP_PORT: String(await freePort()),
    TODO_WEB_PORT: String(await freePort()),
    DATA_DIR: dataDir,
    BERTH_CACHE: cache,
  };
  try {
    const berth = await startBerth(env, oldNode);
    assert.equal((await fetch(`${berth.url}/api/names`)).status, 200);
    assert.equal(await berth.stop(), 0);
    const fetched = readdirSync(cache).find((entry) => /^node-\d/.test(entry));
    assert.ok(fetched, `Node 24 was cached in ${cache}`);
    assert.match(execFileSync(join(cache, fetched, 'bin/node'), ['--version'], { encoding: 'utf8' }), /^v24\./);
  } finally {
    rmSync(cache, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
});

/** A free port for every app of `npm start`, so runs never collide with each other or a developer's. */
async function freshPorts(): Promise<Record<string, string>> {
  const variables = ['NAMES_PORT', 'TODO_API_PORT', 'TODO_MCP_PORT', 'TODO_WEB_PORT'];
  return Object.fromEntries(await Promise.all(variables.map(async (name) => [name, String(await freePort())])));
}

/** Runs `npm start` expecting it to refuse to start; returns its exit code and everything it printed. */
async function startRefused(env: Record<string, string>) {
  const child = spawn(process.execPath, [START], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, output };
}

test('a port variable that is not a port is reported by its name, and nothing starts', async () => {
  const dataDir = dataFolder();
  try {
    const { code, output } = await startRefused({ NAMES_PORT: 'abc', DATA_DIR: dataDir });
    assert.equal(code, 2);
    assert.match(output, /NAMES_PORT=abc is not a port: use a whole number from 1 to 65535/);
    assert.doesNotMatch(output, /PORT: must|\n\s+at /, 'no service-level message, no stack trace');
    assert.deepEqual(readdirSync(dataDir), [], 'no database was opened');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a port in use is reported with the variable that moves the app elsewhere', async () => {
  const dataDir = dataFolder();
  const squatter = createServer();
  const port = await new Promise<number>((resolve) =>
    squatter.listen(0, 'localhost', () => resolve((squatter.address() as { port: number }).port)),
  );
  try {
    const { code, output } = await startRefused({
      NAMES_PORT: String(await freePort()),
      TODO_API_PORT: String(port),
      TODO_WEB_PORT: String(await freePort()),
      TODO_MCP_PORT: String(await freePort()),
      DATA_DIR: dataDir,
    });
    assert.equal(code, 1);
    assert.match(
      output,
      new RegExp(`Port ${port} \\(Todo API\\) is already in use.*TODO_API_PORT=${port + 1} npm start`),
    );
    assert.doesNotMatch(output, /EADDRINUSE|\n\s+at /);
    assert.deepEqual(readdirSync(dataDir), [], 'no database was opened');
  } finally {
    squatter.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('npm start prints pages that answer, and readable logs without a line per request', async () => {
  const dataDir = dataFolder();
  const env = {
    ...(await freshPorts()),
    DATA_DIR: dataDir,
    BERTH_LOGS: 'pretty',
  };
  try {
    const berth = await startBerth(env);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the rest of the banner
    const pages = berth.output().split('\nOpen:\n')[1]?.split('\n\n')[0] ?? '';
    const opened = [...pages.matchAll(/^ {2}(.+?)\s+(http:\/\/localhost:\d+\S*)$/gm)].map((m) => m[2] ?? '');
    assert.ok(
      opened.some((url) => url.endsWith('/api/docs')),
      `the Todo API's docs page is printed:\n${berth.output()}`,
    );
    for (const url of opened) {
      const answer = await fetch(url.replace('localhost', '127.0.0.1'));
      assert.equal(answer.status, 200, `${url} answers`);
      assert.match(answer.headers.get('content-type') ?? '', /text\/html/, `${url} is a page to open`);
    }
    await fetch(`${berth.url}/api/names`);
    await berth.stop();
    const lines = berth.output().split('\n');
    assert.deepEqual(
      lines.filter((line) => /^\[[\w-]+\] \{/.test(line)),
      [],
      'no raw JSON log lines on the terminal',
    );
    assert.ok(
      lines.some((line) => /^\[names\] \[\d\d:\d\d:\d\d\] INFO: /.test(line)),
      berth.output(),
    );
    assert.doesNotMatch(berth.output(), /request completed/, 'per-request lines are hidden unless asked for');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a slow start says what it is doing, and a second npm start on the same data folder says who holds it', async () => {
  const dataDir = dataFolder();
  const env = {
    ...(await freshPorts()),
    DATA_DIR: dataDir,
    BERTH_LOGS: 'pretty',
    BERTH_SLOW_START_MS: '0', // every start counts as slow here
  };
  const first = await startBerth(env);
  try {
    assert.match(first.output(), /is still starting: .+ \(\d+ s\)/);
    const second = await startRefused({
      ...env,
      ...(await freshPorts()),
    });
    assert.equal(second.code, 1);
    assert.match(second.output, /The embedded database in .* is in use by process \d+\. Stop that process/);
    assert.doesNotMatch(second.output, /\n\S*\s+at |throw new|Node\.js v/, 'the message alone, no stack trace');
  } finally {
    assert.equal(await first.stop(), 0);
    rmSync(dataDir, { recursive: true, force: true });
  }
});

for (const [signal, when] of [
  ['SIGINT', 'Ctrl-C after the output reader has gone (npm start | tee, stopped by the same Ctrl-C)'],
  ['SIGHUP', 'the terminal closing (SIGHUP, its reader gone with it)'],
] as const) {
  test(`${when} still stops the database server`, async () => {
    const dataDir = dataFolder();
    const postmasterPid = join(dataDir, 'postgres', 'data', 'postmaster.pid');
    try {
      const berth = await startBerth({ ...(await freshPorts()), DATA_DIR: dataDir });
      assert.ok(existsSync(postmasterPid), 'the local server is running');
      berth.child.stdout.destroy(); // the reader is gone: every later write to stdout fails (EPIPE)
      const code = await berth.stop(signal);
      assert.doesNotMatch(berth.output(), /EPIPE|Unhandled 'error' event/, 'no crash on the failed writes');
      assert.equal(code, 0, berth.output());
      assert.equal(existsSync(postmasterPid), false, 'the database server was stopped, not left running');
    } finally {
      if (existsSync(postmasterPid)) {
        // Left running by a launcher that died: stop it here rather than leave it to the machine.
        process.kill(Number(readFileSync(postmasterPid, 'utf8').split('\n')[0]), 'SIGQUIT');
      }
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}

/** `pid` and every process under it (Linux /proc): npm start, its apps, the database server and its backends. */
function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const all: number[] = [];
  const visit = (p: number) => {
    all.push(p);
    for (const child of children.get(p) ?? []) visit(child);
  };
  visit(pid);
  return all;
}

test('SIGKILL of npm start, its apps and its database during a burst of writes loses no acknowledged write', async () => {
  const dataDir = dataFolder();
  const env = { ...(await freshPorts()), DATA_DIR: dataDir };
  try {
    const first = await startBerth(env);
    assert.match(first.output(), /Database: starting PostgreSQL in /);
    const acknowledged: string[] = [];
    let killed = false;
    const client = async (id: number) => {
      for (let i = 0; !killed && i < 100_000; i++) {
        const name = `kill ${id}-${i}`;
        try {
          const answer = await postJson(`${first.url}/api/names`, { name });
          if (answer.status === 201) acknowledged.push(name);
        } catch {
          return; // the process is gone
        }
      }
    };
    const clients = Array.from({ length: 8 }, (_, id) => client(id));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const everything = processTree(first.child.pid as number);
    assert.ok(everything.length >= 6, `npm start, 4 apps and the server: ${everything.length} processes`);
    for (const pid of everything) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    killed = true;
    await Promise.all(clients);
    await first.stop();
    assert.ok(acknowledged.length > 0, 'writes were acknowledged before the kill');

    // A lock and a postmaster.pid are left behind by the dead processes.
    assert.ok(existsSync(join(dataDir, 'postgres', 'berth.lock')));
    const second = await startBerth({ ...env, ...(await freshPorts()) });
    try {
      const { names } = (await (await fetch(`${second.url}/api/names`)).json()) as { names: { name: string }[] };
      const stored = new Set(names.map((n) => n.name));
      assert.deepEqual(
        acknowledged.filter((name) => !stored.has(name)),
        [],
        `every one of the ${acknowledged.length} names answered with 201 is still stored`,
      );
    } finally {
      assert.equal(await second.stop(), 0);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('DATABASE_URL given to npm start is refused with the per-app variables to use, and nothing starts', async () => {
  const dataDir = dataFolder();
  try {
    const { code, output } = await startRefused({
      ...(await freshPorts()),
      DATA_DIR: dataDir,
      DATABASE_URL: 'postgresql://someone@db.example/names',
    });
    assert.equal(code, 1);
    assert.match(output, /DATABASE_URL is set, but npm start runs 2 apps that each need a database of their own/);
    assert.match(output, /NAMES_DATABASE_URL=postgresql:\/\/… TODO_DATABASE_URL=postgresql:\/\/… npm start/);
    assert.doesNotMatch(output, /\n\s+at /);
    assert.deepEqual(readdirSync(dataDir), [], 'no database was opened');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('BERTH_LOCAL_DATABASE=pglite runs each app on embedded PGlite in DATA_DIR/<app>', async () => {
  const dataDir = dataFolder();
  try {
    const berth = await startBerth({ ...(await freshPorts()), DATA_DIR: dataDir, BERTH_LOCAL_DATABASE: 'pglite' });
    try {
      assert.match(berth.output(), /Database: embedded PGlite in each app/);
      assert.equal((await postJson(`${berth.url}/api/names`, { name: 'On PGlite' })).status, 201);
      assert.ok(existsSync(join(dataDir, 'names-api', 'pgdata', 'PG_VERSION')), 'the Names API has its own PGlite');
      assert.ok(!existsSync(join(dataDir, 'postgres')), 'no server was started');
    } finally {
      assert.equal(await berth.stop(), 0);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
