import { BerthError, EXIT, type ExitCode } from './exit-codes.ts';

/**
 * The one mapping from an error to what berth prints and its exit code, for
 * every command: berth's own errors carry their code; a cluster that cannot
 * be reached (from any client: the Kubernetes library, fetch) is the
 * environment code; anything else is a bug in berth.
 */
export interface Failure {
  message: string;
  code: ExitCode;
  next?: string | undefined;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The codes of an error and of its causes (fetch wraps the socket error in `cause`). */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === 'string') codes.push(e.code);
    e = e.cause as typeof e;
  }
  return codes;
}

/** True for an error that says the cluster (or any server) could not be reached at all. */
function isUnreachable(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return (
    codesOf(error).some((code) => NETWORK_CODES.has(code)) ||
    /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|certificate|HTTP protocol is not allowed|fetch failed/.test(message)
  );
}

/** Why a server did not answer, in words: the socket's reason when there is one, else the error's message. */
export function whyUnreachable(error: unknown): string {
  const codes = codesOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (codes.includes('ECONNREFUSED')) return 'nothing listens there (connection refused)';
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) return 'its host name does not resolve';
  if (codes.some((c) => c === 'ETIMEDOUT' || c === 'UND_ERR_CONNECT_TIMEOUT')) return 'it did not answer in time';
  if (codes.some((c) => c === 'EHOSTUNREACH' || c === 'ENETUNREACH')) return 'there is no route to it';
  if (codes.some((c) => /CERT|SELF_SIGNED|LEAF_SIGNATURE/.test(c)))
    return `its TLS certificate is not trusted (${message})`;
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${message} (${cause.message})` : message;
}

export function failureOf(error: unknown): Failure {
  if (error instanceof BerthError) return { message: error.message, code: error.code, next: error.next };
  const message = error instanceof Error ? error.message : String(error);
  if (isUnreachable(error)) {
    return {
      message: `the cluster does not answer: ${whyUnreachable(error)}`,
      code: EXIT.environment,
      next: 'berth doctor (is the cluster running? is the context right?)',
    };
  }
  return { message, code: EXIT.internal, next: 'this looks like a bug in berth: please report it with this output' };
}
