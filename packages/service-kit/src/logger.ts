import { type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * One JSON object per line on stdout. Credentials that could reach a log
 * through request headers or config objects are censored at the source, so no
 * call site has to remember to.
 */
export function loggerOptions(service: string, level: LogLevel): LoggerOptions {
  return {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.token',
        '*.databaseUrl',
        'password',
        'token',
      ],
      censor: '[redacted]',
    },
  };
}

export function createLogger(service: string, level: LogLevel): Logger {
  return pino(loggerOptions(service, level));
}
