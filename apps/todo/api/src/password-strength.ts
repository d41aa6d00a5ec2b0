import { createRequire } from 'node:module';

/**
 * Refuses passwords an attacker would try early: the common-password lists,
 * dictionary words, names, keyboard walks, repeats and sequences that
 * zxcvbn-ts knows, and the account's own email. zxcvbn scores 0–4 by the
 * guesses needed (0: under 10³, 1: under 10⁶, 2: under 10⁸). Score 0 is
 * refused ("password", "12345678", eight spaces, "password123"), with
 * zxcvbn's own advice so the person knows what to change. The bar is not 2
 * because existing smoke tests register "testpass123" (score 1), and
 * that flow must keep working; login limits and argon2 bound online guessing.
 */
const MIN_SCORE = 1;

type Zxcvbn = InstanceType<typeof import('@zxcvbn-ts/core').ZxcvbnFactory>;
let zxcvbn: Zxcvbn | undefined;

/**
 * The dictionaries take about half a second and 40 MB of heap to load, so
 * they are loaded by the first registration, not at start: an API process
 * that only serves tasks and logins never holds them, and it is ready that
 * much sooner. `require` keeps the check synchronous (a zod refinement).
 */
function checker(): Zxcvbn {
  if (zxcvbn === undefined) {
    const require = createRequire(import.meta.url);
    const { ZxcvbnFactory } = require('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');
    const common = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
    const english = require('@zxcvbn-ts/language-en') as typeof import('@zxcvbn-ts/language-en');
    zxcvbn = new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...english.dictionary },
      graphs: common.adjacencyGraphs,
      translations: english.translations,
    });
  }
  return zxcvbn;
}

/** Why `password` is too weak, in words for the person choosing it; undefined when it is strong enough. */
export function weakPasswordReason(password: string, email: string): string | undefined {
  const result = checker().check(password, [email, email.split('@')[0] ?? '']);
  if (result.score >= MIN_SCORE) return undefined;
  const advice = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(' ');
  return `is too easy to guess. ${advice || 'Add more words that are less common.'}`;
}
