import { auditVerifyCommand } from './audit-verify-command.js';
import { createAdminCommand } from './create-admin-command.js';
import { ledgerVerifyCommand } from './ledger-verify-command.js';
import { migrateCommand } from './migrate-command.js';
import { serveCommand } from './serve-command.js';

/** A CLI command: a one-line summary and what it does with its arguments; resolves an exit code. */
export interface CliCommand {
  summary: string;
  run(args: string[]): Promise<number>;
}

/** Every command of `smart-ai-hub`, by name (two words for sub-commands, e.g. `ledger verify`). */
export const commands: Record<string, CliCommand> = {
  serve: serveCommand,
  migrate: migrateCommand,
  'create-admin': createAdminCommand,
  'ledger verify': ledgerVerifyCommand,
  'audit verify': auditVerifyCommand,
};
