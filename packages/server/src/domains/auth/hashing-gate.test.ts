import { describe, expect, it } from 'vitest';
import { createHashingGate } from './hashing-gate.js';
import { createPasswordHasher, TEST_SCRYPT } from './password-hasher.js';

/** A job that runs until the test lets it finish. */
function heldJob(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    finish: () => finish(),
    job: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
  };
}

describe('hashing gate', () => {
  it('keeps a slot for sign-ins while new-password hashes queue, and serves waiting sign-ins first', async () => {
    const gate = createHashingGate(2);
    const log: string[] = [];
    const signups = Array.from({ length: 24 }, (_, i) => heldJob(log, `signup-${i}`));
    const running = signups.map((s) => gate.run('new-password', s.job));
    await Promise.resolve();
    // One sign-up runs; 23 wait; a slot stays free.
    expect(gate.stats()).toEqual({ running: 1, runningNew: 1, waitingSignIn: 0, waitingNew: 23 });
    const login = heldJob(log, 'login');
    const loggedIn = gate.run('sign-in', login.job);
    await Promise.resolve();
    expect(log).toEqual(['start signup-0', 'start login']);
    // With both slots busy, a second login waits, and gets the next free slot before any sign-up.
    const second = heldJob(log, 'login-2');
    const secondIn = gate.run('sign-in', second.job);
    signups[0]!.finish();
    await running[0];
    await Promise.resolve();
    expect(log.slice(2)).toEqual(['end signup-0', 'start login-2']);
    login.finish();
    second.finish();
    expect(await loggedIn).toBe('login');
    expect(await secondIn).toBe('login-2');
    // The sign-ups then run one at a time and all finish.
    for (const s of signups) s.finish();
    expect(await Promise.all(running)).toHaveLength(24);
    expect(gate.stats()).toEqual({ running: 0, runningNew: 0, waitingSignIn: 0, waitingNew: 0 });
  });

  it('frees the slot of a job that fails', async () => {
    const gate = createHashingGate(1);
    await expect(gate.run('new-password', async () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    expect(await gate.run('sign-in', async () => 'next')).toBe('next');
    expect(gate.stats().running).toBe(0);
  });

  it('is what the password hasher hashes and verifies through', async () => {
    const gate = createHashingGate(2);
    const hasher = createPasswordHasher(TEST_SCRYPT, gate);
    const hashes = await Promise.all(Array.from({ length: 6 }, (_, i) => hasher.hash(`passphrase ${i}`)));
    expect(await hasher.verify('passphrase 3', hashes[3]!)).toBe(true);
    expect(gate.stats()).toEqual({ running: 0, runningNew: 0, waitingSignIn: 0, waitingNew: 0 });
  });
});
