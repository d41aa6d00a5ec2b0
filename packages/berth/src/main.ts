#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseCommandLine } from './args.ts';
import type { Context } from './context.ts';
import { BerthError, EXIT, type ExitCode } from './exit-codes.ts';
import { Output } from './output.ts';

type Handler = (ctx: Context, positionals: string[]) => Promise<ExitCode>;

/** Commands load on demand: --help and usage errors never pay for the Kubernetes client. */
const HANDLERS: Record<string, () => Promise<Handler>> = {
  doctor: async () => (await import('./commands/doctor.ts')).doctor,
  up: async () => (await import('./commands/up.ts')).up,
  status: async () => (await import('./commands/status.ts')).status,
  smoke: async () => (await import('./commands/smoke.ts')).smoke,
  logs: async () => (await import('./commands/logs.ts')).logs,
  open: async () => (await import('./commands/open.ts')).open,
  rollback: async () => (await import('./commands/rollback.ts')).rollback,
  down: async () => (await import('./commands/down.ts')).down,
  backup: async () => (await import('./commands/backup.ts')).backup,
  restore: async () => (await import('./commands/backup.ts')).restore,
  load: async () => (await import('./commands/load.ts')).load,
};

/** Runs berth with a command line; returns the exit code (never calls process.exit). */
export async function main(argv: string[]): Promise<ExitCode> {
  const json = argv.includes('--json');
  const out = new Output({ json, noColor: argv.includes('--no-color') });
  try {
    const parsed = parseCommandLine(argv);
    if ('help' in parsed) {
      process.stdout.write(`${parsed.help}\n`);
      return EXIT.ok;
    }
    if ('version' in parsed) {
      const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
      process.stdout.write(`berth ${pkg.version}\n`);
      return EXIT.ok;
    }
    const load = HANDLERS[parsed.command];
    if (!load) throw new BerthError(`unknown command ${parsed.command}`, EXIT.usage, 'berth --help');
    const [handler, { Context }] = await Promise.all([load(), import('./context.ts')]);
    const code = await handler(new Context(parsed.values, out), parsed.positionals);
    out.flush();
    return code;
  } catch (error) {
    if (error instanceof BerthError) {
      out.error(error.message, error.next);
      out.flush({ error: error.message, exitCode: error.code, next: error.next ?? null });
      return error.code;
    }
    const message = error instanceof Error ? error.message : String(error);
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    if (
      cause === 'ECONNREFUSED' ||
      cause === 'ENOTFOUND' ||
      cause === 'ETIMEDOUT' ||
      /ECONNREFUSED|ENOTFOUND|certificate/.test(message)
    ) {
      out.error(
        `the cluster does not answer: ${message}`,
        'berth doctor (is the cluster running? is the context right?)',
      );
      out.flush({ error: message, exitCode: EXIT.environment, next: 'berth doctor' });
      return EXIT.environment;
    }
    out.error(message, 'this looks like a bug in berth: please report it with this output');
    out.flush({ error: message, exitCode: EXIT.internal, next: null });
    if (process.env.BERTH_DEBUG) console.error(error);
    return EXIT.internal;
  }
}

if (import.meta.main) {
  // `berth status | head`: a closed pipe ends the output, not the program with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  process.exitCode = await main(process.argv.slice(2));
}
