import { readFileSync } from 'node:fs';
import { parseCommandLine } from './args.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { failureOf } from './failure.ts';
import { Output } from './output.ts';
import { findCommand } from './registry.ts';

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
    const spec = findCommand(parsed.command);
    if (!spec) throw new Error(`parseCommandLine returned an unknown command: ${parsed.command}`);
    const [handler, { Context }] = await Promise.all([spec.load(), import('./context.ts')]);
    // parseArgs checked the values against this command's own option declarations.
    const options = parsed.values as Parameters<typeof handler>[1]['options'];
    const code = await handler(new Context(options, out), { positionals: parsed.positionals, options });
    out.flush();
    return code;
  } catch (error) {
    const failure = failureOf(error);
    out.error(failure.message, failure.next);
    out.flush({ error: failure.message, exitCode: failure.code, next: failure.next ?? null });
    if (failure.code === EXIT.internal && process.env.BERTH_DEBUG) console.error(error);
    return failure.code;
  }
}

/** berth as a program: runs the command line and sets the process's exit code. */
export async function runAsProgram(argv: string[]): Promise<void> {
  // `berth status | head`: a closed pipe ends the output, not the program with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  process.exitCode = await main(argv);
}

if (import.meta.main) await runAsProgram(process.argv.slice(2));
