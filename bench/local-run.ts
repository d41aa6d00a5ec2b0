// The local run (`npm start`) on its databases, side by side in one run:
//   local server   npm start as it is: one PostgreSQL 15 server from the npm
//                  package in DATA_DIR/postgres, a database per app
//   PGlite         npm start with BERTH_LOCAL_DATABASE=pglite: embedded PGlite
//                  in each app's process (what npm start used before)
//   PostgreSQL 15  npm start with NAMES_DATABASE_URL / TODO_DATABASE_URL on a
//                  Debian PostgreSQL 15 server (testkit; its fsync is off, so
//                  its writes are faster than a durable server's)
// Every target is started the way a person starts it (`npm start` in its own process
// group, stopped as Ctrl-C stops it; fresh data folder, then restarted on the same
// folder), so start-up and memory include npm itself; load alternates between
// the targets round by round. Prints start-up, req/s, p50, p99 and memory for
// each, with ratios to the PostgreSQL 15 server; asserts nothing. Memory
// "after load" is taken after the load and one sign-up.
//
//   npm run bench -- local [--duration 5] [--rounds 2] [--connections 32] [--before main]
//                          [--first-starts 6] [--restarts 3]
//
// --first-starts N adds N rounds of fresh-folder starts of npm start, alternating: taking the
// spare cluster npm install keeps, copying the blank cluster it keeps (the spare moved
// aside), and with both moved aside (initdb runs, as on a machine where npm install made
// none). Printed before the rest.
// --restarts N starts each target N times on its existing folder and reports the start with
// the median banner (the last one stays up for the load).
// --before <git ref> adds a target: npm start as it is at that ref (its
// package.json and scripts/, on today's apps), to compare a change with what it replaces.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { keepBlankCluster } from '@berth/service-kit/local-server';
import { freePort, type PostgresServer, startPostgresServer } from '@berth/testkit';
import autocannon from 'autocannon';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '2' },
    connections: { type: 'string', default: '32' },
    before: { type: 'string' },
    'first-starts': { type: 'string', default: '0' },
    restarts: { type: 'string', default: '3' },
  },
});
const duration = Number(values.duration);
const rounds = Number(values.rounds);
const connections = Number(values.connections);
const restartCount = Math.max(1, Number(values.restarts));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const npmExecPath = process.env.npm_execpath;
/** The npm that runs this bench (npm sets npm_execpath), else the one beside this Node. */
const NPM_CLI = npmExecPath?.endsWith('.js')
  ? npmExecPath
  : join(dirname(process.execPath), '../lib/node_modules/npm/bin/npm-cli.js');

/**
 * The process groups of the npm starts still running. Each has its own group, so the
 * terminal's Ctrl-C reaches only this bench: it passes it on before exiting.
 */
const runningGroups = new Set<number>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const group of runningGroups) interruptGroup(group);
    process.exit(130);
  });
}

function interruptGroup(group: number): void {
  try {
    process.kill(-group, 'SIGINT');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error; // the group is already gone
  }
}

/** Where --before puts scripts/ as it was (not under node_modules: Node strips no types there). */
const BEFORE_DIR = join(ROOT, 'bench/.before');

/** package.json and scripts/ as they are at `ref`, beside today's apps; returns the folder. */
function checkoutAt(ref: string): string {
  const dir = join(BEFORE_DIR, ref.replace(/[^\w.-]/g, '_'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = join(dir, 'scripts.tar');
  execFileSync('git', ['-C', ROOT, 'archive', '--output', archive, ref, 'package.json', 'scripts']);
  execFileSync('tar', ['-xf', archive, '-C', dir]);
  symlinkSync(join(ROOT, 'apps'), join(dir, 'apps'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules')); // and the same compile cache
  return dir;
}

interface Target {
  name: string;
  /** The folder whose `npm start` it runs. */
  packageDir: string;
  env: Record<string, string>;
  dataDir: string;
  run?: Running;
  startFresh?: Startup;
  startAgain?: Startup;
  idle?: Memory;
  loaded?: Memory;
  results: Map<string, { rps: number[]; p50: number[]; p99: number[] }>;
}

interface Startup {
  banner: number;
  names: number;
  todo: number;
}

interface Running {
  child: ChildProcess;
  names: string;
  todo: string;
  ready: Promise<Startup>;
  exited: Promise<void>;
}

/** npm start, with the moments its two database apps and its banner became ready. */
async function startBerth(target: Target): Promise<Running> {
  const ports = { NAMES_PORT: 0, TODO_API_PORT: 0, TODO_MCP_PORT: 0, TODO_WEB_PORT: 0 };
  for (const key of Object.keys(ports) as (keyof typeof ports)[]) ports[key] = await freePort();
  const begun = performance.now();
  const child = spawn(process.execPath, [NPM_CLI, 'start'], {
    cwd: target.packageDir,
    detached: true, // its own process group, as a terminal gives it, for stopBerth's Ctrl-C
    env: {
      ...process.env,
      ...target.env,
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      DATA_DIR: target.dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk) => (output += chunk));
  runningGroups.add(child.pid as number);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const names = `http://127.0.0.1:${ports.NAMES_PORT}`;
  const todo = `http://127.0.0.1:${ports.TODO_API_PORT}`;
  const readyAt = async (url: string) => {
    for (;;) {
      try {
        if ((await fetch(`${url}/readyz`)).ok) return performance.now() - begun;
      } catch {
        // not yet
      }
      if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const banner = new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      if (output.includes('Press Ctrl-C')) resolve(performance.now() - begun);
    });
    void exited.then(() => reject(new Error(`npm start exited:\n${output}`)));
  });
  const ready = Promise.all([banner, readyAt(names), readyAt(todo)]).then(([b, n, t]) => ({
    banner: b,
    names: n,
    todo: t,
  }));
  return { child, names, todo, ready, exited };
}

/** Ctrl-C: SIGINT to npm's whole process group, as a terminal sends it. */
async function stopBerth(run: Running): Promise<void> {
  interruptGroup(run.child.pid as number);
  await run.exited;
  runningGroups.delete(run.child.pid as number);
}

/** Every process under `pid`, with its command line. */
function tree(pid: number): { pid: number; cmd: string }[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone
    }
  }
  const found: { pid: number; cmd: string }[] = [];
  const visit = (p: number) => {
    try {
      found.push({ pid: p, cmd: readFileSync(`/proc/${p}/cmdline`, 'utf8').replaceAll('\0', ' ') });
    } catch {
      return;
    }
    for (const child of parents.get(p) ?? []) visit(child);
  };
  visit(pid);
  return found;
}

/** kB from /proc/<pid>/status (VmRSS) or smaps_rollup (Pss). */
function kb(pid: number, file: 'status' | 'smaps_rollup', field: string): number {
  try {
    const text = readFileSync(`/proc/${pid}/${file}`, 'utf8');
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

interface Memory {
  /** RSS by row (each app, the launcher, npm itself, the rest): every process npm start runs but the server's, MB. */
  byRow: Record<string, number>;
  /** The local PostgreSQL server's processes, proportional set size (shared buffers counted once), MB. */
  database: number;
  /**
   * Everything npm start runs, npm included: RSS of its processes + the server's PSS, MB.
   * Pages the Node processes share (the node binary's code, ~47 MB each) count once per process.
   */
  total: number;
  /**
   * Everything npm start runs, as proportional set sizes, MB: each page shared by n processes
   * counts 1/n in each, so the sum counts it once. What the run takes from the machine.
   */
  totalPss: number;
}

/** Which row a process of npm start's tree is counted in, by its command line; the first match. */
const ROW_OF: [RegExp, string][] = [
  [/apps\/names\/api/, 'names'],
  [/apps\/todo\/api/, 'todo-api'],
  [/apps\/todo\/mcp/, 'todo-mcp'],
  [/apps\/todo\/web/, 'todo-web'],
  [/^npm\b/, 'npm'],
  [/^(?!sh ).*scripts\/start/, 'launcher'],
];
const ROWS = [...ROW_OF.map(([, row]) => row), 'other'];

function memory(run: Running): Memory {
  const byRow: Record<string, number> = {};
  let database = 0;
  let totalPss = 0;
  for (const { pid, cmd } of tree(run.child.pid as number)) {
    const pss = kb(pid, 'smaps_rollup', 'Pss') / 1024;
    totalPss += pss;
    if (/\bpostgres\b/.test(cmd) && !cmd.startsWith('runuser')) {
      database += pss;
      continue;
    }
    const row = ROW_OF.find(([pattern]) => pattern.test(cmd))?.[1] ?? 'other';
    byRow[row] = (byRow[row] ?? 0) + kb(pid, 'status', 'VmRSS') / 1024;
  }
  const total = Object.values(byRow).reduce((a, b) => a + b, 0) + database;
  return { byRow, database, total, totalPss };
}

async function json(url: string, body: unknown, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/** 100 names and, for one account, 100 tasks: the lists a person keeps by hand. */
async function fill(run: Running): Promise<string> {
  const { token } = await json(`${run.todo}/api/auth/register`, {
    email: 'bench@example.com',
    password: 'bench-password-123',
  });
  for (let i = 0; i < 100; i++) {
    await json(`${run.names}/api/names`, { name: `Person ${i}` });
    await json(`${run.todo}/api/tasks`, { title: `Task ${i}`, description: 'a task to list' }, token as string);
  }
  return token as string;
}

async function load(target: Target, label: string, url: string, headers: Record<string, string> = {}) {
  const result = await autocannon({ url, headers, connections, duration });
  if (result.errors + result.non2xx > 0)
    console.error(`  ${target.name} ${label}: ${result.errors + result.non2xx} errors`);
  const entry = target.results.get(label) ?? { rps: [], p50: [], p99: [] };
  entry.rps.push(result.requests.average);
  entry.p50.push(result.latency.p50);
  entry.p99.push(result.latency.p99);
  target.results.set(label, entry);
}

/** The middle one of `xs` by `key` (the upper middle of an even count). */
const middleBy = <T>(xs: T[], key: (x: T) => number): T | undefined =>
  [...xs].sort((a, b) => key(a) - key(b))[Math.floor(xs.length / 2)];
const median = (xs: number[]) => middleBy(xs, (x) => x) ?? Number.NaN;
const ms = (x: number) => `${(x / 1000).toFixed(2)} s`;
const mb = (x: number | undefined) => (x === undefined ? '-' : `${x.toFixed(0)} MB`);

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  chmodSync(dir, 0o755); // run as root, the server runs as an unprivileged account that must reach it
  return dir;
}

let server: PostgresServer | undefined;
const targets: Target[] = [];
try {
  server = await startPostgresServer();
  const pgEnv = {
    NAMES_DATABASE_URL: await server.createDatabase('names_api'),
    TODO_DATABASE_URL: await server.createDatabase('todo_api'),
  };
  const makeTarget = (name: string, env: Record<string, string>, packageDir = ROOT): Target => ({
    name,
    packageDir,
    env,
    dataDir: tempDir(),
    results: new Map(),
  });
  if (values.before) targets.push(makeTarget(`at ${values.before}`, {}, checkoutAt(values.before)));
  targets.push(
    makeTarget('local server', {}),
    makeTarget('PGlite', { BERTH_LOCAL_DATABASE: 'pglite' }),
    makeTarget('PostgreSQL 15', pgEnv),
  );

  // One start not measured: the first start after npm install fills the compile cache and
  // the OS's file cache, and would otherwise be charged to whichever target comes first.
  const warmUp = makeTarget('warm-up', {});
  try {
    const run = await startBerth(warmUp);
    await run.ready;
    await stopBerth(run);
  } finally {
    rmSync(warmUp.dataDir, { recursive: true, force: true });
  }

  const firstStarts = Number(values['first-starts']);
  if (firstStarts > 0) {
    const kept = await keepBlankCluster();
    if (!kept.ok) throw new Error(`no blank cluster to compare with: ${kept.reason}`);
    // What each mode moves aside for its start (and puts back after it, removing what that start made).
    const hidden: Record<string, string[]> = {
      'spare taken': [],
      'copied from the blank cluster': [kept.spare],
      'none kept (initdb)': [kept.spare, kept.template],
    };
    const banners: Record<string, number[]> = Object.fromEntries(Object.keys(hidden).map((mode) => [mode, []]));
    for (let i = 0; i < firstStarts; i++) {
      for (const [mode, folders] of Object.entries(hidden)) {
        const target = makeTarget(mode, {});
        for (const folder of folders) renameSync(folder, `${folder}.bench-aside`);
        try {
          const run = await startBerth(target);
          banners[mode]?.push((await run.ready).banner);
          await stopBerth(run);
        } finally {
          rmSync(target.dataDir, { recursive: true, force: true });
          for (const folder of folders) {
            rmSync(folder, { recursive: true, force: true }); // the one this start made
            renameSync(`${folder}.bench-aside`, folder);
          }
        }
      }
    }
    for (const [mode, times] of Object.entries(banners)) {
      console.log(`first start, ${mode}: ${times.map(ms).join(' ')}; median ${ms(median(times))}`);
    }
  }

  const tokens = new Map<Target, string>();
  for (const target of targets) {
    // Fresh data folder, then a restart on the folder it left: the two start-ups a person meets.
    const first = await startBerth(target);
    target.startFresh = await first.ready;
    tokens.set(target, await fill(first));
    await stopBerth(first);
    const restarts: Startup[] = [];
    for (let i = 1; i <= restartCount; i++) {
      target.run = await startBerth(target);
      restarts.push(await target.run.ready);
      if (i < restartCount) await stopBerth(target.run);
    }
    target.startAgain = middleBy(restarts, (r) => r.banner);
    await new Promise((resolve) => setTimeout(resolve, 2000)); // settle
    target.idle = memory(target.run as Running);
    console.log(
      `${target.name}: ready (fresh) ${ms(target.startFresh.banner)}, again ${restarts.map((r) => ms(r.banner)).join(' ')}; idle ${mb(target.idle.total)}`,
    );
  }
  for (let round = 1; round <= rounds; round++) {
    for (const target of targets) {
      const run = target.run as Running;
      await load(target, 'GET /api/tasks (100)', `${run.todo}/api/tasks`, {
        authorization: `Bearer ${tokens.get(target)}`,
      });
      await load(target, 'GET /api/names (100)', `${run.names}/api/names`);
    }
    console.log(`round ${round} of ${rounds} done`);
  }
  for (const target of targets) {
    // One sign-up too: the Todo API loads its password dictionaries (~40 MB) at the first one.
    await json(`${(target.run as Running).todo}/api/auth/register`, {
      email: 'after-load@example.com',
      password: 'bench-password-123',
    });
    target.loaded = memory(target.run as Running);
  }

  const reference = targets.find((t) => t.name === 'PostgreSQL 15') as Target;
  console.log(
    `\n${duration} s per load, ${connections} connections, ${rounds} rounds alternating targets; medians of the rounds; ratio = target / PostgreSQL 15\n`,
  );
  const cols = ['', ...targets.map((t) => t.name)];
  const row = (cells: string[]) => console.log(cells.map((c, i) => c.padEnd(i === 0 ? 34 : 22)).join(''));
  row(cols);
  const startup = (pick: (t: Target) => number | undefined, label: string) =>
    row([label, ...targets.map((t) => ms(pick(t) ?? Number.NaN))]);
  startup((t) => t.startFresh?.names, 'ready, fresh folder: Names API');
  startup((t) => t.startFresh?.todo, '                    Todo API');
  startup((t) => t.startFresh?.banner, '                    all (banner)');
  startup((t) => t.startAgain?.names, 'ready, existing: Names API');
  startup((t) => t.startAgain?.todo, '                 Todo API');
  startup((t) => t.startAgain?.banner, '                 all (banner)');
  for (const label of reference.results.keys()) {
    const of = (t: Target, key: 'rps' | 'p50' | 'p99') => median(t.results.get(label)?.[key] ?? []);
    const ratio = (t: Target, key: 'rps' | 'p99') => (of(t, key) / of(reference, key)).toFixed(2);
    row([`${label} req/s`, ...targets.map((t) => `${of(t, 'rps').toFixed(0)} (${ratio(t, 'rps')}x)`)]);
    row(['  p50', ...targets.map((t) => `${of(t, 'p50')} ms`)]);
    row(['  p99', ...targets.map((t) => `${of(t, 'p99')} ms (${ratio(t, 'p99')}x)`)]);
  }
  for (const name of ROWS) {
    row([
      `RSS ${name} idle / after load`,
      ...targets.map((t) => `${mb(t.idle?.byRow[name])} / ${mb(t.loaded?.byRow[name])}`),
    ]);
  }
  row(['local PostgreSQL (PSS)', ...targets.map((t) => `${mb(t.idle?.database)} / ${mb(t.loaded?.database)}`)]);
  row(['whole npm start (RSS + server PSS)', ...targets.map((t) => `${mb(t.idle?.total)} / ${mb(t.loaded?.total)}`)]);
  row(['whole npm start (PSS)', ...targets.map((t) => `${mb(t.idle?.totalPss)} / ${mb(t.loaded?.totalPss)}`)]);
  console.log('(the PostgreSQL 15 column does not count its server, which runs outside npm start;');
  console.log(' RSS + server PSS counts the pages the Node processes share once per process, PSS counts them once;');
  console.log(' other: the shell npm runs the launcher in, and runuser when the server runs as another account)');
} finally {
  for (const target of targets) {
    if (target.run) await stopBerth(target.run);
    rmSync(target.dataDir, { recursive: true, force: true });
  }
  await server?.destroy();
  rmSync(BEFORE_DIR, { recursive: true, force: true });
}
