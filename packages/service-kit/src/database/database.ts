/**
 * The one interface services query through. Both back ends — a PostgreSQL
 * server and embedded PGlite — implement it, so the same SQL runs on both.
 */
export interface Queryable {
  /** One parameterised statement; returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'embedded';
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a trivial query within `timeoutMs`. */
  ping(timeoutMs: number): Promise<void>;
  /** Opens the pool's minimum of connections (DB_POOL_MIN); the embedded database has its one already. */
  warm(): Promise<void>;
  stats(): PoolStats;
  close(): Promise<void>;
}

/**
 * Raised when the database cannot be reached (as opposed to a query the
 * database refused). The HTTP layer turns it into 503 so clients retry
 * instead of treating it as a bug.
 */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super('The database is unavailable', { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

// Error codes that mean "could not talk to the server", not "the query is wrong":
// socket errors from Node, PostgreSQL's class 08 (connection exception),
// 57P0x (server shutting down / cannot connect now), 57014 (statement
// cancelled by statement_timeout) and class 58 (system error: a data file
// that cannot be read or written, as when the data directory is gone).
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '57014',
]);

export function isUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || /^(08|58)/.test(code))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout/i.test(
    error.message,
  );
}

/** Runs a database call, translating connection failures into DatabaseUnavailableError. */
export async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw isUnavailableError(error) ? new DatabaseUnavailableError(error) : error;
  }
}

/** Rejects with DatabaseUnavailableError when `work` takes longer than `timeoutMs`. */
export async function withTimeout(work: Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DatabaseUnavailableError(new Error(`no answer within ${timeoutMs} ms`))),
      timeoutMs,
    );
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
