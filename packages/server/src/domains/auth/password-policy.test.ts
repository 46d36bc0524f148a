import { describe, expect, it } from 'vitest';
import { assertAcceptablePassword } from './password-policy.js';

const refusal = (password: string, email?: string, name?: string) => {
  try {
    assertAcceptablePassword(password, email, name);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

describe('password policy', () => {
  it('refuses short, overlong, common and email-equal passwords with a reason', () => {
    expect(refusal('short')).toMatch(/at least 8/);
    expect(refusal('x'.repeat(1025))).toMatch(/at most 1024/);
    for (const common of ['password', 'Password1', 'qwerty123', 'iloveyou', '12345678', 'FOOTBALL']) {
      expect(refusal(common)).toMatch(/too common/);
    }
    expect(refusal('me@example.com', 'ME@example.com')).toMatch(/too common/);
  });

  it('judges with zxcvbn and says why a guessable password is refused', () => {
    expect(refusal('password123')).toMatch(/too easy to guess: This is a commonly used password/);
    expect(refusal('p@ssw0rd!23')).toMatch(/too easy to guess: .*similar to a commonly used password/);
    expect(refusal('y'.repeat(64))).toMatch(/too easy to guess: Repeated characters/);
    expect(refusal('qwertyuiop123')).toMatch(/too easy to guess/);
    expect(refusal('summer2024!')).toMatch(/too easy to guess/);
    // What an attacker knows of the account counts against it.
    expect(refusal('ada.lovelace.1815', 'ada.lovelace@example.com', 'Ada Lovelace')).toMatch(
      /too easy to guess/,
    );
  });

  it('accepts passphrases and random passwords, up to 1024 characters', () => {
    for (const good of [
      'a quite unusual phrase',
      'correct horse battery staple',
      'Tr0ub4dor&3',
      'pw-3f9a1c0be27d44a1',
      `${'lantern orbit ferry '.repeat(50)}`.slice(0, 1024),
    ]) {
      expect(refusal(good)).toBeNull();
    }
  });
});
