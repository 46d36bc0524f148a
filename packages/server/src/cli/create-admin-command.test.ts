import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from '@smart-ai-hub/adapters';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPasswordHasher, TEST_SCRYPT } from '../domains/auth/password-hasher.js';
import { createAdminCommand } from './create-admin-command.js';

describe('smart-ai-hub create-admin', () => {
  let dir: string;
  const saved = { ...process.env };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hub-cli-'));
    Object.assign(process.env, { DATABASE_URL: join(dir, 'hub.db'), NODE_ENV: 'test', HUB_DATA_DIR: dir });
    delete process.env.HUB_ADMIN_EMAIL;
    delete process.env.HUB_ADMIN_PASSWORD;
  });
  afterEach(() => {
    process.env = { ...saved };
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  async function adminRow(email: string) {
    const database = await createDatabase(join(dir, 'hub.db'));
    try {
      return await database.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    } finally {
      await database.close();
    }
  }

  it('creates an admin with the given password', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(
      await createAdminCommand.run(['--email', 'Ops@Example.com', '--password', 'ops team passphrase']),
    ).toBe(0);
    const row = await adminRow('ops@example.com');
    expect(row?.role).toBe('admin');
    expect(await createPasswordHasher(TEST_SCRYPT).verify('ops team passphrase', row!.password_hash!)).toBe(
      true,
    );
    expect(log.mock.calls.flat().join('\n')).not.toContain('ops team passphrase');
  });

  it('generates a password and prints it once when none is given; refuses a second admin of that email', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await createAdminCommand.run(['--email', 'gen@example.com'])).toBe(0);
    const password = /shown only this once\): (\S+)/.exec(log.mock.calls.flat().join('\n'))![1]!;
    const row = await adminRow('gen@example.com');
    expect(await createPasswordHasher(TEST_SCRYPT).verify(password, row!.password_hash!)).toBe(true);
    expect(await createAdminCommand.run(['--email', 'gen@example.com'])).toBe(1);
    expect(error.mock.calls.flat().join('\n')).toMatch(/already exists/);
  });

  it('refuses a common password and a missing email', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await createAdminCommand.run(['--email', 'x@example.com', '--password', 'password1'])).toBe(2);
    expect(await createAdminCommand.run([])).toBe(2);
    expect(error.mock.calls.flat().join('\n')).toMatch(/too common[\s\S]*--email/);
  });
});
