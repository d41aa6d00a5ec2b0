import { z } from '@berth/service-kit';

/**
 * Field rules shared by the routes. Lengths count Unicode code points (as
 * JSON Schema's minLength/maxLength and PostgreSQL's char_length do), so an
 * emoji is one character. Control characters (NUL cannot be stored at all)
 * and unpaired surrogates are refused rather than stored differently from
 * what the client sent.
 */
const CONTROL = /\p{Cc}/u;
const CONTROL_BUT_LINE_BREAKS_AND_TABS = /[^\P{Cc}\t\n\r]/u;

const codePoints = (text: string) => [...text].length;

export function text(options: { min: number; max: number; trim: boolean; multiline: boolean; description: string }) {
  const forbidden = options.multiline ? CONTROL_BUT_LINE_BREAKS_AND_TABS : CONTROL;
  return z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .transform((value) => (options.trim ? value.trim() : value))
    .superRefine((value, ctx) => {
      const length = codePoints(value);
      if (length < options.min) {
        ctx.addIssue({
          code: 'custom',
          message: options.min === 1 ? 'must not be empty' : `must be at least ${options.min} characters`,
        });
      } else if (length > options.max) {
        ctx.addIssue({ code: 'custom', message: `must be at most ${options.max} characters (got ${length})` });
      } else if (!value.isWellFormed() || forbidden.test(value)) {
        ctx.addIssue({ code: 'custom', message: 'must not contain control characters' });
      }
    })
    .meta({ minLength: options.min, maxLength: options.max, description: options.description });
}

const EARLIEST = Date.UTC(1900, 0, 1);
const LATEST = Date.UTC(10_000, 0, 1) - 1;

/** An RFC 3339 date-time with an offset (2030-01-31T17:00:00Z, …+02:00), as a Date. */
export function dateTime(description: string) {
  return z.iso
    .datetime({ offset: true, error: 'must be a date-time like 2030-01-31T17:00:00Z' })
    .transform((value, ctx) => {
      const date = new Date(value);
      const time = date.getTime();
      if (Number.isNaN(time) || time < EARLIEST || time > LATEST) {
        ctx.addIssue({ code: 'custom', message: 'must be a date between the years 1900 and 9999' });
        return z.NEVER;
      }
      return date;
    })
    .meta({ description });
}

const MAX_ID = 2 ** 31 - 1;

/** A path id: a positive whole number that fits PostgreSQL's integer. */
export const idParam = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, 'must be a positive whole number')
  .transform(Number)
  .refine((id) => id <= MAX_ID, `must be at most ${MAX_ID}`)
  .meta({ description: 'Task id (a positive whole number).' });

/** A JSON object body: `error` names the unexpected type instead of zod's default. */
export const objectBody = {
  error: (issue: { code: string }) =>
    issue.code === 'invalid_type' ? 'Request body must be a JSON object' : undefined,
};

export const isoString = (date: Date) => date.toISOString();
