// How `npm start` shows its services' logs. The services always write JSON
// lines (the format containers and log collectors want); on a terminal they
// are turned into short readable lines, and the per-request lines, which
// would scroll the URLs away, are left out unless asked for.
import { createRequire } from 'node:module';

export interface LogViewOptions {
  /** `pretty` on a terminal, `json` when piped; BERTH_LOGS=pretty|json overrides. */
  format: 'pretty' | 'json';
  /** Show one line per HTTP request (BERTH_LOG_REQUESTS=1). */
  requests: boolean;
  colour: boolean;
}

export function logViewOptions(env: NodeJS.ProcessEnv, isTerminal: boolean): LogViewOptions {
  const format =
    env.BERTH_LOGS === 'json' || env.BERTH_LOGS === 'pretty' ? env.BERTH_LOGS : isTerminal ? 'pretty' : 'json';
  return { format, requests: env.BERTH_LOG_REQUESTS === '1', colour: isTerminal && env.NO_COLOR === undefined };
}

/** The kit's message for its one line per request (packages/service-kit). */
const REQUEST_LINE = 'request completed';

/**
 * Returns a function that turns one line of a service's output into what to print, or undefined
 * to hide it. `onMessage` hears each log line's message but the per-request ones (what the
 * service is doing), from the same parse.
 */
export function createLogView(
  options: LogViewOptions,
  onMessage: (message: string) => void = () => {},
): (line: string) => string | undefined {
  // pino-pretty (~30 modules) only for a terminal: piped output is JSON as it is.
  const pretty =
    options.format === 'pretty'
      ? (createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty')).prettyFactory({
          colorize: options.colour,
          singleLine: true,
          translateTime: 'HH:MM:ss',
          ignore: 'pid,hostname,service',
        })
      : (line: string) => line;
  return (line) => {
    let entry: { msg?: unknown } | undefined;
    try {
      entry = JSON.parse(line) as { msg?: unknown };
    } catch {
      return line; // not a log line (a stack trace, a tool's output): show it as it is
    }
    if (typeof entry?.msg === 'string' && entry.msg !== REQUEST_LINE) onMessage(entry.msg);
    if (!options.requests && entry?.msg === REQUEST_LINE) return undefined;
    return options.format === 'json' ? line : pretty(line).trimEnd();
  };
}
