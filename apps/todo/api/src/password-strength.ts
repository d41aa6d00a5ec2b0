import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';

/**
 * Refuses passwords an attacker would try early: the common-password lists,
 * dictionary words, names, keyboard walks, repeats and sequences that
 * zxcvbn-ts knows, and the account's own email. zxcvbn scores 0–4 by the
 * guesses needed (0: under 10³, 1: under 10⁶, 2: under 10⁸). Score 0 is
 * refused ("password", "12345678", eight spaces, "password123"), with
 * zxcvbn's own advice so the person knows what to change. The bar is not 2
 * because existing smoke tests register "testpass123" (score 1), and
 * that flow must keep working; login limits and argon2 bound online guessing.
 * Loading the dictionaries takes about half a second, once, at start.
 */
const MIN_SCORE = 1;

const zxcvbn = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...english.dictionary },
  graphs: common.adjacencyGraphs,
  translations: english.translations,
});

/** Why `password` is too weak, in words for the person choosing it; undefined when it is strong enough. */
export function weakPasswordReason(password: string, email: string): string | undefined {
  const result = zxcvbn.check(password, [email, email.split('@')[0] ?? '']);
  if (result.score >= MIN_SCORE) return undefined;
  const advice = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(' ');
  return `is too easy to guess. ${advice || 'Add more words that are less common.'}`;
}
