/**
 * berth's exit codes. Scripts can rely on them; `berth --help` prints this table.
 */
export const EXIT = {
  /** Everything asked for was done and is healthy. */
  ok: 0,
  /** A bug in berth itself (an unexpected error); please report it with the output. */
  internal: 1,
  /** The command line is wrong: unknown command or option, missing argument. */
  usage: 2,
  /** A prerequisite is missing: a tool (kubectl, helm, a builder), the kubeconfig, or the cluster does not answer. */
  environment: 3,
  /** The command ran and found something unhealthy: doctor findings, pods not ready, a failed smoke check. */
  unhealthy: 4,
  /** An operation failed: build, image import, helm install/upgrade (rolled back), rollback, backup, restore, or reading logs. */
  failed: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODE_HELP = `Exit codes:
  0  ok: done, and healthy
  1  internal error in berth (a bug: please report it)
  2  usage: unknown command or option, missing argument
  3  environment: a tool is missing, no kubeconfig, or the cluster does not answer
  4  unhealthy: doctor found problems, pods are not ready, a smoke check failed
  5  failed: build, image import, helm upgrade (rolled back), rollback, backup, restore or reading logs failed`;

/** An error that knows its exit code and the next step to suggest. */
export class BerthError extends Error {
  readonly code: ExitCode;
  readonly next: string | undefined;
  readonly details: unknown;
  constructor(message: string, code: ExitCode, next?: string, details?: unknown) {
    super(message);
    this.name = 'BerthError';
    this.code = code;
    this.next = next;
    this.details = details;
  }
}
