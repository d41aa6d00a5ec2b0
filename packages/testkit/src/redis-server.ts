import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';

/**
 * A real Redis server of its own for a test file, from Debian's redis-server:
 * its own port and directory, no persistence, so a test may stop and start it
 * (same port) without disturbing any other test or a system Redis.
 */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its files. */
  destroy(): Promise<void>;
}

function binary(): string {
  const path = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';
  if (!existsSync(path)) {
    throw new Error('redis-server not found: install it (apt-get install redis-server) or set REDIS_SERVER_BIN');
  }
  return path;
}

/** Sends PING; resolves true on +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

export async function startRedisServer(): Promise<RedisServer> {
  const bin = binary();
  const dir = mkdtempSync(join(tmpdir(), 'berth-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';

  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      output = '';
      const started = spawn(
        bin,
        ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child = started;
      started.stdout?.on('data', (chunk) => (output += chunk));
      started.stderr?.on('data', (chunk) => (output += chunk));
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        if (started.exitCode !== null) break;
        if (await ping(port)) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      started.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}:\n${output}`);
    },
    async stop() {
      const running = child;
      child = undefined;
      if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      await exited;
    },
    async destroy() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
