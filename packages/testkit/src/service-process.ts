import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from './ports.ts';

/** A service started the way Kubernetes starts it: its own process, configured by environment. */
export interface ServiceProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** Sends a signal and waits for exit. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

export interface SpawnOptions {
  env: Record<string, string>;
  /** Path polled until it answers 200; default /healthz. */
  readyPath?: string;
  timeoutMs?: number;
  /** Don't wait for readiness (for processes expected to fail at start). */
  wait?: boolean;
}

export async function spawnService(entry: string, options: SpawnOptions): Promise<ServiceProcess> {
  const port = options.env.PORT ?? String(await freePort());
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...options.env, PORT: port },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const url = `http://127.0.0.1:${port}`;
  const service: ServiceProcess = {
    url,
    child,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  if (options.wait === false) return service;

  // Generous: on a shared 2-core machine under load, PGlite's first start
  // alone has taken over 30 s. This waits for readiness; it measures nothing.
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let processEnded = false;
  void exited.then(() => {
    processEnded = true;
  });
  while (Date.now() < deadline && !processEnded) {
    try {
      const response = await fetch(`${url}${options.readyPath ?? '/healthz'}`);
      if (response.ok) return service;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await service.stop('SIGKILL');
  throw new Error(`${entry} did not become ready:\n${output}`);
}
