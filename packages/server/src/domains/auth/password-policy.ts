import { badRequest } from '../../http/hub-error.js';
import { COMMON_PASSWORDS } from './common-passwords.js';

export const PASSWORD_MIN_LENGTH = 8;
/** Long passphrases are welcome (scrypt does not truncate); the ceiling only bounds hashing work. */
export const PASSWORD_MAX_LENGTH = 1024;

/** Throws a 400 that says what is wrong with a new password, or returns when it is acceptable. */
export function assertAcceptablePassword(password: string, email?: string): void {
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
}
