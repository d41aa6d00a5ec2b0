import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './ports.ts';

/**
 * A real PostgreSQL server of its own for a test file, from Debian's
 * postgresql-15 binaries: its own data directory and port, so a test may stop
 * and start it without disturbing any other test.
 */
export interface PostgresServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its files. */
  destroy(): Promise<void>;
  /** A fresh, empty database on this server; returns its URL. */
  createDatabase(name: string): Promise<string>;
  /**
   * SIGSTOPs every server process: connections stay open and new ones are
   * accepted by the kernel, but nothing answers — a hung database, not a
   * stopped one. `thaw` (SIGCONT) resumes them.
   */
  freeze(): void;
  thaw(): void;
}

function binDir(): string {
  const fromEnv = process.env.PG_BIN_DIR;
  if (fromEnv) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) {
    throw new Error(
      'PostgreSQL server binaries not found: install postgresql-15 (apt-get install postgresql-15) or set PG_BIN_DIR',
    );
  }
  return join(root, newest, 'bin');
}

// PostgreSQL refuses to run as root; as root, run it as the postgres user the Debian package creates.
function asServerUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function run(command: string, args: string[]): void {
  const [file, argv] = asServerUser(command, args);
  execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = binDir();
  const root = mkdtempSync(join(tmpdir(), 'berth-pg-'));
  chmodSync(root, 0o777);
  const dataDir = join(root, 'data');
  const port = await freePort();
  const password = 'berth-test';
  const pwFile = join(root, 'pw');
  writeFileSync(pwFile, password, { mode: 0o644 });
  run(join(bin, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--pwfile',
    pwFile,
    '-A',
    'scram-sha-256',
    '-N',
    '-E',
    'UTF8',
    '--locale',
    'C.UTF-8',
  ]);
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  const logFile = join(root, 'server.log');

  const url = `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`;
  // The postmaster's pid is the first line of postmaster.pid; its children are the backends.
  const signalAll = (signal: NodeJS.Signals) => {
    const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = execFileSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
    for (const pid of [postmaster, ...children]) process.kill(pid, signal);
  };
  const server: PostgresServer = {
    url,
    port,
    async start() {
      run(join(bin, 'pg_ctl'), ['-D', dataDir, '-l', logFile, '-o', options, '-w', '-t', '60', 'start']);
    },
    async stop() {
      run(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
    },
    async destroy() {
      try {
        await server.stop();
      } catch {
        // already stopped
      }
      rmSync(root, { recursive: true, force: true });
    },
    freeze: () => signalAll('SIGSTOP'),
    thaw: () => signalAll('SIGCONT'),
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
      return url.replace(/\/postgres$/, `/${name}`);
    },
  };
  await server.start();
  return server;
}
