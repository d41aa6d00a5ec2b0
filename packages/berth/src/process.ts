import { spawn } from 'node:child_process';
import { BerthError, EXIT } from './exit-codes.ts';
import { findExecutable } from './paths.ts';

/**
 * Child processes, always as a program plus an argument array (never a shell
 * string), so quoting and paths behave the same on Windows.
 */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Resolve instead of reject on a non-zero exit. */
  allowFailure?: boolean;
  /** Called with each chunk of stderr/stdout as it arrives (progress). */
  onOutput?: (text: string) => void;
  signal?: AbortSignal;
}

/** The program to run for a tool: $BERTH_<TOOL> (e.g. BERTH_KUBECTL), else the tool's name on PATH. */
export function toolPath(tool: string): string {
  return process.env[`BERTH_${tool.toUpperCase()}`] || tool;
}

export function toolAvailable(tool: string): string | undefined {
  return findExecutable(toolPath(tool));
}

/** A program that could not be started: not installed is an environment error (exit 3) naming the fix. */
export function spawnFailure(program: string, error: NodeJS.ErrnoException): Error {
  if (error.code !== 'ENOENT') return error;
  return new BerthError(
    `${program} is not installed (or not on PATH)`,
    EXIT.environment,
    `install ${program}, or point berth at it with BERTH_${program.replace(/\W/g, '_').toUpperCase()}=<path>; berth doctor checks every tool`,
  );
}

export function run(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const [program, ...args] = argv;
  if (!program) throw new Error('run: empty command');
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
      signal: options.signal,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      options.onOutput?.(chunk);
    });
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      options.onOutput?.(chunk);
    });
    child.on('error', (error: NodeJS.ErrnoException) => reject(spawnFailure(program, error)));
    child.on('close', (code) => {
      const result = { code, stdout, stderr };
      if (code === 0 || options.allowFailure) resolve(result);
      else {
        const error = new Error(
          `${argv.join(' ')} exited ${code}: ${(stderr || stdout).trim().split('\n').slice(-8).join('\n')}`,
        );
        Object.assign(error, { result });
        reject(error);
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}
