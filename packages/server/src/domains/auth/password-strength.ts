import { createRequire } from 'node:module';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

/** zxcvbn's score (0-4) a new password must reach: 3 is "safely unguessable" (about 10^8 guesses and more). */
export const MIN_PASSWORD_SCORE = 3;
/**
 * zxcvbn judges this many characters at most: its matching grows fast with length (a random
 * 256-character string took seconds of CPU), and a password whose first 64 characters are strong
 * is strong.
 */
const JUDGED_LENGTH = 64;

/** How guessable a password is, and zxcvbn's words on why. */
export interface PasswordStrength {
  score: number;
  /** What makes it weak (`This is a commonly used password.`), or null. */
  warning: string | null;
  suggestions: string[];
}

const load = createRequire(import.meta.url);
let estimator: ZxcvbnFactory | undefined;

/**
 * zxcvbn with its common dictionaries and keyboard graphs, built on first use: loading them costs
 * a few hundred milliseconds and tens of megabytes, which a hub where nobody sets a password never
 * pays. English feedback words only (not the English dictionaries: they multiply the cost of
 * judging a random string several times over, for little gain on top of the common list).
 */
function passwordEstimator(): ZxcvbnFactory {
  if (!estimator) {
    const { ZxcvbnFactory: Factory } = load('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');
    const common = load('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
    const translations = load(
      '@zxcvbn-ts/language-en/dist/translations.cjs',
    ) as typeof import('@zxcvbn-ts/language-en')['translations'];
    estimator = new Factory({
      dictionary: common.dictionary,
      graphs: common.adjacencyGraphs,
      translations,
      maxLength: JUDGED_LENGTH,
      l33tMaxSubstitutions: 20,
    });
  }
  return estimator;
}

/** Judges a password; `context` (email, name) counts as known to an attacker. */
export function passwordStrength(password: string, context: string[] = []): PasswordStrength {
  const result = passwordEstimator().check(password, ['smart ai hub', 'smartaihub', ...context]);
  return {
    score: result.score,
    warning: result.feedback.warning,
    suggestions: result.feedback.suggestions,
  };
}
