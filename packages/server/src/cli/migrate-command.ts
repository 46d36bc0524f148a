import { parseArgs } from 'node:util';
import { createDatabase } from '@smart-ai-hub/adapters';
import { loadConfig } from '../config/load-config.js';
import { createUsersService } from '../domains/accounts/users-service.js';
import { bootstrapAdmin } from '../domains/auth/bootstrap-admin.js';
import { createPasswordHasher, OWASP_SCRYPT, TEST_SCRYPT } from '../domains/auth/password-hasher.js';
import type { CliCommand } from './commands.js';

/**
 * `smart-ai-hub migrate [--first-admin]`: brings the database named by DATABASE_URL to the latest
 * schema. With `--first-admin` it also creates the first admin when there is none, as `serve`
 * would (a generated password printed once), so that a deployment's one-off migration step prints
 * it, not whichever replica starts first.
 */
export const migrateCommand: CliCommand = {
  summary: 'apply pending database migrations and exit (--first-admin: create the first admin if none)',
  async run(args) {
    const { values } = parseArgs({ args, options: { 'first-admin': { type: 'boolean' } }, strict: true });
    const config = loadConfig();
    const database = await createDatabase(config.env.DATABASE_URL);
    try {
      const report = await database.migrate();
      console.log(
        report.applied.length > 0
          ? `Applied ${report.applied.length} migration(s): ${report.applied.join(', ')}`
          : `Database is up to date (${report.current})`,
      );
      if (values['first-admin']) {
        const cost = config.env.HUB_PASSWORD_HASH_COST ?? (config.env.NODE_ENV === 'test' ? 'test' : 'owasp');
        const hasher = createPasswordHasher(cost === 'test' ? TEST_SCRYPT : OWASP_SCRYPT);
        const outcome = await bootstrapAdmin(createUsersService(database.db, hasher), config);
        if (outcome !== 'generated')
          console.log(
            `First admin: ${outcome === 'exists' ? 'already present' : 'created from HUB_ADMIN_EMAIL / HUB_ADMIN_PASSWORD'}`,
          );
      }
      return 0;
    } finally {
      await database.close();
    }
  },
};
