// `npm start`: every Berth app on this machine, on the embedded database, in
// one terminal. Each service runs as its own process exactly as it would in a
// pod (same entry point, configured by environment); this script only picks
// ports and a data directory, prefixes their logs, and stops them together.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

interface App {
  /** Short name used as the log prefix. */
  id: string;
  title: string;
  entry: string;
  portVariable: string;
  defaultPort: number;
  /** Where a client points, when not at the root (the MCP endpoint). */
  path?: string;
  env?: Record<string, string>;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const apps: App[] = [
  {
    id: 'names',
    title: 'Names Manager',
    entry: 'apps/names/api/src/main.ts',
    portVariable: 'NAMES_PORT',
    defaultPort: 5000,
    env: { STATIC_DIR: resolve(root, 'apps/names/web/public') },
  },
  {
    id: 'todo-mcp',
    title: 'Todo MCP server',
    entry: 'apps/todo/mcp/src/main.ts',
    portVariable: 'TODO_MCP_PORT',
    defaultPort: 8080,
    path: '/mcp',
    // Its tools act through the Todo API, with the token of whoever calls them.
    env: { TODO_API_URL: `http://localhost:${process.env.TODO_API_PORT ?? 8000}` },
  },
  {
    id: 'todo-api',
    title: 'Todo API',
    entry: 'apps/todo/api/src/main.ts',
    portVariable: 'TODO_API_PORT',
    defaultPort: 8000,
    // Development: a JWT secret is generated once and kept in DATA_DIR unless JWT_SECRET is set.
    // The chat reaches tasks through the MCP server; with no model configured it answers offline.
    env: { NODE_ENV: 'development', TODO_MCP_URL: `http://localhost:${process.env.TODO_MCP_PORT ?? 8080}/mcp` },
  },
  {
    id: 'todo-web',
    title: 'Todo web',
    entry: 'apps/todo/web/src/main.ts',
    portVariable: 'TODO_WEB_PORT',
    defaultPort: 3000,
    // Serves the built app (rebuilt here when its sources changed) and forwards /api to the Todo API.
    env: { API_URL: `http://localhost:${process.env.TODO_API_PORT ?? 8000}`, BUILD_WHEN_STALE: 'true' },
  },
];

const dataDir = resolve(process.env.DATA_DIR ?? '.data');
const host = process.env.HOST ?? 'localhost';
const children = new Map<string, ChildProcess>();
let stopping = false;

function portOf(app: App): string {
  return process.env[app.portVariable] ?? String(app.defaultPort);
}

function launch(app: App): ChildProcess {
  const child = spawn(process.execPath, [resolve(root, app.entry)], {
    env: {
      ...process.env,
      ...app.env,
      PORT: portOf(app),
      HOST: host,
      DATA_DIR: dataDir,
      // No load balancer to drain from on a laptop: stop at once on Ctrl-C.
      SHUTDOWN_DRAIN_MS: process.env.SHUTDOWN_DRAIN_MS ?? '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => console.log(`[${app.id}] ${line}`));
  }
  child.on('exit', (code, signal) => {
    children.delete(app.id);
    if (!stopping) {
      console.error(`${app.title} stopped unexpectedly (${signal ?? `exit code ${code}`}); stopping the others.`);
      process.exitCode = 1;
      stopAll();
    }
  });
  return child;
}

async function waitUntilReady(app: App): Promise<boolean> {
  const url = `http://127.0.0.1:${portOf(app)}/readyz`;
  for (let attempt = 0; attempt < 600 && children.has(app.id); attempt++) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  return false;
}

function stopAll(): void {
  stopping = true;
  for (const child of children.values()) child.kill('SIGTERM');
}

process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);

console.log(`Berth: starting ${apps.length} app(s); data in ${dataDir}`);
for (const app of apps) children.set(app.id, launch(app));
const ready = await Promise.all(apps.map(waitUntilReady));
if (ready.every(Boolean)) {
  console.log('');
  for (const app of apps) console.log(`  ${app.title.padEnd(16)} http://localhost:${portOf(app)}${app.path ?? ''}`);
  console.log('\nPress Ctrl-C to stop.');
}
