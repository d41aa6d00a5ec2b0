import { z } from 'zod';

/**
 * The rule for a person's text in every service (a task title, a name).
 * Lengths count Unicode code points (as JSON Schema's minLength/maxLength and
 * PostgreSQL's char_length do), so an emoji is one character. Control
 * characters (NUL cannot be stored at all) and unpaired surrogates are
 * refused rather than stored differently from what the client sent.
 */
const CONTROL = /\p{Cc}/u;
const CONTROL_BUT_LINE_BREAKS_AND_TABS = /[^\P{Cc}\t\n\r]/u;

const codePoints = (value: string) => [...value].length;

export interface TextRule {
  min: number;
  max: number;
  /** Leading and trailing white space is removed before the length is counted. */
  trim: boolean;
  /** Line breaks and tabs are allowed (a description), or not (a title). */
  multiline: boolean;
  description?: string;
}

export function text(rule: TextRule) {
  const forbidden = rule.multiline ? CONTROL_BUT_LINE_BREAKS_AND_TABS : CONTROL;
  return z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .transform((value) => (rule.trim ? value.trim() : value))
    .superRefine((value, ctx) => {
      const length = codePoints(value);
      if (length < rule.min) {
        ctx.addIssue({
          code: 'custom',
          message: rule.min === 1 ? 'must not be empty' : `must be at least ${rule.min} characters`,
        });
      } else if (length > rule.max) {
        ctx.addIssue({ code: 'custom', message: `must be at most ${rule.max} characters (got ${length})` });
      } else if (!value.isWellFormed() || forbidden.test(value)) {
        ctx.addIssue({ code: 'custom', message: 'must not contain control characters' });
      }
    })
    .meta({
      minLength: rule.min,
      maxLength: rule.max,
      ...(rule.description === undefined ? {} : { description: rule.description }),
    });
}

const MAX_ID = 2 ** 31 - 1;

/** A path id: a positive whole number that fits PostgreSQL's integer. */
export function idParam(description: string) {
  return z
    .string()
    .regex(/^[1-9][0-9]{0,9}$/, 'must be a positive whole number')
    .transform(Number)
    .refine((id) => id <= MAX_ID, `must be at most ${MAX_ID}`)
    .meta({ description });
}

/** Options for a JSON object body's schema: `error` names the unexpected type instead of zod's default. */
export function objectBody(example: string) {
  return {
    error: (issue: { code: string }) =>
      issue.code === 'invalid_type'
        ? `Request body must be a JSON object${example ? ` like ${example}` : ''}`
        : undefined,
  };
}
