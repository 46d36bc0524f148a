import { badRequest } from '../../http/hub-error.js';
import { COMMON_PASSWORDS } from './common-passwords.js';
import { MIN_PASSWORD_SCORE, passwordStrength } from './password-strength.js';

export const PASSWORD_MIN_LENGTH = 8;
/** Long passphrases are welcome (scrypt does not truncate); the ceiling only bounds hashing work. */
export const PASSWORD_MAX_LENGTH = 1024;

/** What an attacker may know of the account: the email, its local part, the name. */
function accountWords(email?: string, name?: string | null): string[] {
  const words: string[] = [];
  if (email) words.push(email, email.split('@')[0]!);
  if (name) words.push(name);
  return words;
}

/**
 * Throws a 400 that says what is wrong with a new password, or returns when it is acceptable:
 * 8 to 1024 characters, not a common password nor the email, and zxcvbn's score at least
 * {@link MIN_PASSWORD_SCORE} (the message then carries zxcvbn's reason and advice).
 */
export function assertAcceptablePassword(password: string, email?: string, name?: string | null): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw badRequest(`The password must be at least ${PASSWORD_MIN_LENGTH} characters long`);
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    throw badRequest(`The password must be at most ${PASSWORD_MAX_LENGTH} characters long`);
  }
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower) || (email && lower === email.toLowerCase())) {
    throw badRequest('This password is too common or too easy to guess: choose another');
  }
  const strength = passwordStrength(password, accountWords(email, name));
  if (strength.score < MIN_PASSWORD_SCORE) {
    const why = [strength.warning, ...strength.suggestions].filter(Boolean).join(' ');
    throw badRequest(`This password is too easy to guess: ${why || 'add a few unrelated words.'}`);
  }
}
