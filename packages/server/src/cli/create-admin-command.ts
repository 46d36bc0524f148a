import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createDatabase } from '@smart-ai-hub/adapters';
import { loadConfig } from '../config/load-config.js';
import { createUsersService } from '../domains/accounts/users-service.js';
import { createPasswordHasher, OWASP_SCRYPT, TEST_SCRYPT } from '../domains/auth/password-hasher.js';
import { assertAcceptablePassword } from '../domains/auth/password-policy.js';
import type { CliCommand } from './commands.js';

/**
 * `smart-ai-hub create-admin --email <email> [--password <password>]`: adds an admin to the
 * database named by DATABASE_URL (migrating it first). Without `--password` (or
 * `HUB_ADMIN_PASSWORD`), a password is generated and printed once.
 */
export const createAdminCommand: CliCommand = {
  summary: 'create an admin user (--email, optional --password; otherwise one is generated and printed once)',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } },
      strict: true,
    });
    const config = loadConfig();
    const email = values.email ?? config.env.HUB_ADMIN_EMAIL;
    if (!email) {
      console.error('create-admin: pass --email <email> (or set HUB_ADMIN_EMAIL)');
      return 2;
    }
    const given = values.password ?? config.env.HUB_ADMIN_PASSWORD;
    const password = given ?? randomBytes(18).toString('base64url');
    try {
      assertAcceptablePassword(password, email);
    } catch (error) {
      console.error(`create-admin: ${(error as Error).message}`);
      return 2;
    }
    const database = await createDatabase(config.env.DATABASE_URL);
    try {
      await database.migrate();
      const cost = config.env.HUB_PASSWORD_HASH_COST ?? (config.env.NODE_ENV === 'test' ? 'test' : 'owasp');
      const users = createUsersService(
        database.db,
        createPasswordHasher(cost === 'test' ? TEST_SCRYPT : OWASP_SCRYPT),
      );
      if (await users.findByEmail(email)) {
        console.error(`create-admin: a user with the email ${email} already exists`);
        return 1;
      }
      const user = await users.create({
        email,
        password,
        role: 'admin',
        emailVerified: true,
        name: values.name ?? null,
      });
      console.log(`Created admin ${user.email} (${user.id}).`);
      if (!given) console.log(`Generated password (shown only this once): ${password}`);
      return 0;
    } finally {
      await database.close();
    }
  },
};
