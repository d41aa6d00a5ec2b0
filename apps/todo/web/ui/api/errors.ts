/**
 * An API answer that was not a success, in the form the UI shows: the API
 * says `{"error": "title: must not be empty; due_at: must be …"}`, naming the
 * field in front of each problem, so each message can be put next to the
 * field it is about; what names no field is shown for the whole form.
 */
export class ApiError extends Error {
  readonly status: number;
  /** Problem per field name (title, due_at, email, …). */
  readonly fields: Readonly<Record<string, string>>;
  /** What is not about one field; empty when every problem names a field. */
  readonly general: string;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    const fields: Record<string, string> = {};
    const general: string[] = [];
    for (const part of message.split('; ')) {
      const named = /^([a-z_]+)(?:\.\d+)?: (.+)$/s.exec(part);
      if (named?.[1] && named[2]) fields[named[1]] = fields[named[1]] ? `${fields[named[1]]}; ${named[2]}` : named[2];
      else general.push(part);
    }
    this.fields = fields;
    this.general = general.join('; ');
  }
}

/** The server could not be reached at all (offline, or the proxy has no API behind it). */
export const unreachable = () => new ApiError(0, 'Cannot reach the Todo server. Check your connection and try again.');

/** What a form with only the `placed` fields must show as a whole: the general part and problems of other fields. */
export function unplacedMessage(error: ApiError, placed: readonly string[]): string {
  const others = Object.entries(error.fields)
    .filter(([field]) => !placed.includes(field))
    .map(([field, message]) => `${field}: ${message}`);
  return [error.general, ...others].filter(Boolean).join('; ');
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
