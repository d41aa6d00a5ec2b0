// `npm start`: every Berth app on this machine, in one terminal. Each service
// runs as its own process exactly as it would in a pod (same entry point,
// configured by environment); this script picks ports and a data directory,
// starts one local PostgreSQL server with a database for each app that has
// one (embedded PGlite where that server cannot run), shows their logs, and
// stops them together, the server last.
import { type ChildProcess, spawn } from 'node:child_process';
import { get } from 'node:http';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { claimLocalDatabases, type LocalDatabases } from './local-run/databases.ts';
import { createLogView, logViewOptions } from './local-run/log-view.ts';
import { busyPorts, readPorts } from './local-run/ports.ts';

// What this process prints is for a person, best effort: its reader may go first (`npm start |
// tee log`, which the same Ctrl-C stops; a closed terminal). A failed write must not end the
// launcher before it has stopped the database server, which would be left running.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

interface App {
  /** Short name used as the log prefix. */
  id: string;
  title: string;
  entry: string;
  portVariable: string;
  defaultPort: number;
  /** Its URL in the banner: a page a person opens, or an endpoint a client is pointed at. */
  url: { path: string; label: string; kind: 'page' | 'endpoint' };
  /** Its database on the local server, and the variable that points it at another server instead. */
  database?: { name: string; urlVariable: string };
  /** Leave V8's heap unbounded (see BOUNDED_HEAP): for a process that does heavy work of its own. */
  unboundedHeap?: true;
  /** Serves one person's clicks, not a load: the smallest young generation (see SMALL_YOUNG_GENERATION). */
  lightTraffic?: true;
  /** Variables of its own; a function when they name another app's port. */
  env?: Record<string, string> | ((portOf: (variable: string) => number) => Record<string, string>);
}

const root = fileURLToPath(new URL('..', import.meta.url));
const apps: App[] = [
  {
    id: 'names',
    title: 'Names Manager',
    entry: 'apps/names/api/src/main.ts',
    portVariable: 'NAMES_PORT',
    defaultPort: 5000,
    url: { path: '/', label: 'Names Manager', kind: 'page' },
    database: { name: 'names-api', urlVariable: 'NAMES_DATABASE_URL' },
    env: { STATIC_DIR: resolve(root, 'apps/names/web/public') },
  },
  {
    id: 'todo-mcp',
    title: 'Todo MCP server',
    entry: 'apps/todo/mcp/src/main.ts',
    portVariable: 'TODO_MCP_PORT',
    defaultPort: 8080,
    url: { path: '/mcp', label: 'Todo MCP server', kind: 'endpoint' },
    lightTraffic: true, // a chat message's tool calls
    // Its tools act through the Todo API, with the token of whoever calls them.
    env: (portOf) => ({ TODO_API_URL: `http://localhost:${portOf('TODO_API_PORT')}` }),
  },
  {
    id: 'todo-api',
    title: 'Todo API',
    entry: 'apps/todo/api/src/main.ts',
    portVariable: 'TODO_API_PORT',
    defaultPort: 8000,
    url: { path: '/api/docs', label: 'Todo API docs', kind: 'page' },
    database: { name: 'todo-api', urlVariable: 'TODO_DATABASE_URL' },
    // Development: a JWT secret is generated once and kept in DATA_DIR unless JWT_SECRET is set.
    // The chat reaches tasks through the MCP server; with no model configured it answers offline.
    env: (portOf) => ({ NODE_ENV: 'development', TODO_MCP_URL: `http://localhost:${portOf('TODO_MCP_PORT')}/mcp` }),
  },
  {
    id: 'todo-web',
    title: 'Todo web',
    entry: 'apps/todo/web/src/main.ts',
    portVariable: 'TODO_WEB_PORT',
    defaultPort: 3000,
    url: { path: '/', label: 'Todo web', kind: 'page' },
    unboundedHeap: true, // it builds the web app when its sources changed
    lightTraffic: true,
    // Serves the built app (rebuilt here when its sources changed) and forwards /api to the Todo API.
    env: (portOf) => ({ API_URL: `http://localhost:${portOf('TODO_API_PORT')}`, BUILD_WHEN_STALE: 'true' }),
  },
];

/** After this long without readiness, and then every PROGRESS_EVERY_MS, say what a service is doing. */
const SLOW_START_MS = Number(process.env.BERTH_SLOW_START_MS ?? 1000);
const PROGRESS_EVERY_MS = 5000;

const dataDir = resolve(process.env.DATA_DIR ?? '.data');
const host = process.env.HOST ?? 'localhost';
const children = new Map<string, ChildProcess>();
/** The last thing each service logged, to say what it is doing while it starts. */
const lastMessage = new Map<string, string>();
/** The readiness checks waiting between two polls (see pauseReadinessCheck). */
const waitingChecks = new Set<() => void>();
let stopping = false;

const portRequests = apps.map((app) => ({
  title: app.title,
  variable: app.portVariable,
  defaultPort: app.defaultPort,
}));
const portCheck = readPorts(portRequests, process.env);
if (!portCheck.ok) {
  for (const problem of portCheck.problems) console.error(problem);
  process.exit(2);
}
const ports = portCheck.ports;
const portOf = (app: App) => ports.get(app.portVariable) as number;
const busy = await busyPorts(portRequests, ports, host);
if (busy.length > 0) {
  for (const problem of busy) console.error(problem);
  process.exit(1);
}

// Ctrl-C, a kill, or the terminal closing (SIGHUP): the apps stop first, then the database server.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stopAll);

let claim: ReturnType<typeof claimLocalDatabases>;
try {
  claim = claimLocalDatabases({
    dataDir,
    apps: apps.flatMap((app) => (app.database ? [{ title: app.title, ...app.database }] : [])),
    env: process.env,
    say: (line) => console.log(line),
  });
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
let databases: LocalDatabases | undefined;

/**
 * V8 grows a process's heap under load and keeps it: its young generation to
 * tens of MB, its old generation lazily towards a share of the machine's
 * memory. On a laptop running every app, bounds keep each app near its
 * working set (a few tens of MB of live objects): under load the Todo API
 * stays under 200 MB instead of 350 MB (bench/local-run.ts measures it).
 * 4 MB semi-spaces rather than 8: about 8 MB less per app after a load; the
 * requests a second it costs were within that benchmark's run-to-run noise.
 */
const YOUNG_GENERATION = '--max-semi-space-size=4';
/**
 * V8 commits its whole young generation (two semi-spaces) once a process has
 * allocated through it: 16 MB at 8 MB semi-spaces, 2 MB at 1 MB, at the cost
 * of more frequent minor collections, which only a process under load feels.
 */
const SMALL_YOUNG_GENERATION = '--max-semi-space-size=1';
const BOUNDED_HEAP = '--max-old-space-size=160';
/** Compiled code kept across runs: each app starts in about half the time. */
const COMPILE_CACHE = process.env.NODE_COMPILE_CACHE ?? resolve(root, 'node_modules/.cache/berth-compile');

function launch(app: App): ChildProcess {
  const flags = [
    app.lightTraffic ? SMALL_YOUNG_GENERATION : YOUNG_GENERATION,
    ...(app.unboundedHeap ? [] : [BOUNDED_HEAP]),
  ];
  const child = spawn(process.execPath, [...flags, resolve(root, app.entry)], {
    env: {
      ...process.env,
      NODE_COMPILE_CACHE: COMPILE_CACHE,
      ...(app.database ? databases?.envFor(app.database.name) : {}),
      ...(typeof app.env === 'function' ? app.env((variable) => ports.get(variable) as number) : app.env),
      PORT: String(portOf(app)),
      HOST: host,
      DATA_DIR: dataDir,
      // No load balancer to drain from on a laptop: stop at once on Ctrl-C.
      SHUTDOWN_DRAIN_MS: process.env.SHUTDOWN_DRAIN_MS ?? '0',
      // Five connections per app keep a laptop's cores busy; each one more is a server process
      // (a few MB) that stays after a burst.
      DB_POOL_MAX: process.env.DB_POOL_MAX ?? '5',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const showLine = createLogView(logViewOptions(process.env, process.stdout.isTTY === true), (message) => {
    lastMessage.set(app.id, message);
    // An app says "Server listening" as it becomes ready, and the MCP server is ready once the
    // Todo API is: checking each waiting app at any app's log line, rather than at its next
    // poll, takes up to a poll interval off the start.
    for (const wake of [...waitingChecks]) wake();
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      const shown = showLine(line);
      if (shown !== undefined) console.log(`[${app.id}] ${shown}`);
    });
  }
  child.on('exit', (code, signal) => {
    children.delete(app.id);
    if (!stopping) {
      console.error(`${app.title} stopped unexpectedly (${signal ?? `exit code ${code}`}); stopping the others.`);
      process.exitCode = 1;
      stopAll();
    }
    // The database goes last, once no app is using it.
    if (children.size === 0) void databases?.stop();
  });
  return child;
}

/**
 * Whether GET `url` answers 2xx; false when nothing listens yet. node:http
 * rather than fetch: loading fetch (undici) would add ~15 MB to this process.
 */
function answersOk(url: string): Promise<boolean> {
  return new Promise((done) => {
    const request = get(url, (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      done(status >= 200 && status < 300);
    });
    request.setTimeout(2000, () => request.destroy());
    request.on('error', () => done(false));
  });
}

async function waitUntilReady(app: App): Promise<boolean> {
  const url = `http://127.0.0.1:${portOf(app)}/readyz`;
  const started = Date.now();
  let nextProgress = started + SLOW_START_MS;
  while (children.has(app.id)) {
    if (await answersOk(url)) return true;
    const doing = lastMessage.get(app.id);
    if (doing !== undefined && Date.now() >= nextProgress) {
      nextProgress = Date.now() + PROGRESS_EVERY_MS;
      const seconds = Math.round((Date.now() - started) / 1000);
      console.log(`  ${app.title} is still starting: ${doing} (${seconds} s)`);
    }
    await pauseReadinessCheck(50);
  }
  return false;
}

/** Waits `ms`, or less when an app logs a line. */
function pauseReadinessCheck(ms: number): Promise<void> {
  return new Promise((done) => {
    const wake = () => {
      clearTimeout(timer);
      waitingChecks.delete(wake);
      done();
    };
    const timer = setTimeout(wake, ms);
    waitingChecks.add(wake);
  });
}

function stopAll(): void {
  stopping = true;
  for (const child of children.values()) child.kill('SIGTERM');
}

console.log(`Berth: starting ${apps.length} apps; data in ${dataDir}`);
try {
  databases = await claim.plan();
} catch (error) {
  console.error(`The database could not start: ${(error as Error).message}`);
  process.exit(1);
}
if (stopping) {
  // Ctrl-C before anything started.
  await databases.stop();
} else {
  // Every app at once, then the database server: the apps load their code
  // while it starts and wait for their database (it is created when the
  // server answers), so start-up takes the longer of the two, not their sum.
  // The apps first, because filling a fresh data folder holds this process.
  for (const app of apps) children.set(app.id, launch(app));
  databases.start().catch((error: Error) => {
    console.error(`The database could not start: ${error.message}`);
    console.error('BERTH_LOCAL_DATABASE=pglite npm start runs each app on embedded PGlite instead.');
    process.exitCode = 1;
    stopAll();
  });
}
const ready = await Promise.all(apps.map(waitUntilReady));
if (ready.every(Boolean)) {
  const line = (app: App) => `  ${app.url.label.padEnd(16)} http://localhost:${portOf(app)}${app.url.path}`;
  console.log('\nOpen:');
  for (const app of apps.filter((each) => each.url.kind === 'page')) console.log(line(app));
  console.log('\nFor clients:');
  for (const app of apps.filter((each) => each.url.kind === 'endpoint')) console.log(line(app));
  console.log('\nPress Ctrl-C to stop. Request logs: BERTH_LOG_REQUESTS=1 npm start');
}
// Off the start-up path: a new database cluster is put on disk once everything is up (and
// the next fresh folder's cluster made ready).
databases.finishFreshStart().catch((error: Error) => {
  console.error(`The new database cluster could not be flushed to disk: ${error.message}`);
});
