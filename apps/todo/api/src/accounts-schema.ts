import { objectBody, z } from '@berth/service-kit';
import { weakPasswordReason } from './password-strength.ts';

/**
 * An account, declared once: the row the repository returns, the bodies
 * register and login accept, and the JSON the API sends (never the hash).
 */
export const userRow = z.object({
  id: z.uuid(),
  email: z.string(),
  password_hash: z.string(),
  created_at: z.date(),
});
export type UserRow = z.output<typeof userRow>;

/** What the API shows of an account. */
export const account = userRow.omit({ password_hash: true });

const email = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'must be an email address like ada@example.com' }).max(254))
  .meta({ format: 'email', maxLength: 254, description: 'Compared case-insensitively; stored in lower case.' });

const password = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .refine((value) => [...value].length >= 8, 'must be at least 8 characters')
  .refine((value) => [...value].length <= 128, 'must be at most 128 characters')
  .meta({ minLength: 8, maxLength: 128 });

/** POST /api/auth/register: a password that is not among the first an attacker would try. */
export const credentials = z.strictObject({ email, password }, objectBody('')).superRefine((value, ctx) => {
  const reason = weakPasswordReason(value.password, value.email);
  if (reason !== undefined) ctx.addIssue({ code: 'custom', path: ['password'], message: reason });
});
/** POST /api/auth/login: the password given, whatever its length, is checked against the stored one. */
export const loginBody = z.strictObject(
  { email, password: z.string({ error: 'must be a string' }).max(1024) },
  objectBody(''),
);

/** A session: what login answers. */
export const session = z.object({
  token: z.string().meta({ description: 'Send as "Authorization: Bearer <token>".' }),
  token_type: z.literal('bearer'),
  expires_at: z.date(),
});

/** What register answers: the new account and its first session, so a client signs up in one call. */
export const registration = account.extend(session.shape);
