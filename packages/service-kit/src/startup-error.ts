/**
 * A reason a service cannot start that the person running it fixes (a bad
 * setting, a data folder another process holds), not a bug: it is reported
 * as its message alone, without a stack trace, and the process exits 1.
 */
export class StartupError extends Error {
  override name = 'StartupError';
  readonly details: Record<string, unknown>;
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.details = details;
  }
}

/** Writes the problem as a fatal JSON log line (for collectors) and as plain text (for people), then exits 1. */
export function exitWithStartupError(error: StartupError): never {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: error.message, ...error.details })}\n`);
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
