import { createDatabase } from '@smart-ai-hub/adapters';
import { loadConfig } from '../config/load-config.js';
import type { CliCommand } from './commands.js';

/** `smart-ai-hub migrate`: brings the database named by DATABASE_URL to the latest schema. */
export const migrateCommand: CliCommand = {
  summary: 'apply pending database migrations and exit',
  async run() {
    const config = loadConfig();
    const database = await createDatabase(config.env.DATABASE_URL);
    try {
      const report = await database.migrate();
      console.log(
        report.applied.length > 0
          ? `Applied ${report.applied.length} migration(s): ${report.applied.join(', ')}`
          : `Database is up to date (${report.current})`,
      );
      return 0;
    } finally {
      await database.close();
    }
  },
};
