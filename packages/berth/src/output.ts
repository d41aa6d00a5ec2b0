import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

/**
 * Output for people (progress, colour on a terminal) or for scripts (--json:
 * progress goes to stderr, one JSON document to stdout at the end).
 */
export class Output {
  readonly json: boolean;
  readonly color: boolean;
  private readonly out: NodeJS.WritableStream;
  private readonly err: NodeJS.WritableStream;
  private pending: Record<string, unknown> | undefined;
  private flushed = false;

  constructor(options: { json: boolean; noColor: boolean; out?: NodeJS.WritableStream; err?: NodeJS.WritableStream }) {
    this.json = options.json;
    this.out = options.out ?? process.stdout;
    this.err = options.err ?? process.stderr;
    const tty = (this.out as NodeJS.WriteStream).isTTY === true;
    this.color = tty && !options.noColor && !process.env.NO_COLOR && !options.json;
  }

  paint(style: Style, text: string): string {
    return this.color ? styleText(style, text, { validateStream: false }) : text;
  }

  /** A line for people: stdout normally, stderr under --json (so stdout stays one document). */
  line(text = ''): void {
    (this.json ? this.err : this.out).write(`${text}\n`);
  }
  step(text: string): void {
    this.line(`${this.paint('cyan', '→')} ${text}`);
  }
  ok(text: string): void {
    this.line(`${this.paint('green', '✓')} ${text}`);
  }
  warn(text: string): void {
    this.line(`${this.paint('yellow', '!')} ${text}`);
  }
  bad(text: string): void {
    this.line(`${this.paint('red', '✗')} ${text}`);
  }
  /**
   * The result for --json (people got the lines already). Kept until the command ends, so
   * stdout carries exactly one document, with the error merged in when the command fails;
   * `now` writes it at once (berth open, which then keeps running).
   */
  result(value: Record<string, unknown>, options: { now?: boolean } = {}): void {
    this.pending = value;
    if (options.now) this.flush();
  }
  /** Writes the --json document once: the result, plus the error of a failed command. */
  flush(error?: { error: string; exitCode: number; next: string | null }): void {
    if (!this.json || this.flushed) return;
    if (!this.pending && !error) return;
    this.flushed = true;
    this.out.write(`${JSON.stringify({ ...(this.pending ?? {}), ...(error ?? {}) }, null, 2)}\n`);
  }
  /** An error: what failed, and the next step. */
  error(message: string, next?: string): void {
    this.err.write(`${this.paint('red', 'error:')} ${message}\n`);
    if (next) this.err.write(`${this.paint('bold', 'next:')} ${next}\n`);
  }
}
