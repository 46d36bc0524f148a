import { parseArgs } from 'node:util';
import { createDatabase } from '@smart-ai-hub/adapters';
import { loadConfig } from '../config/load-config.js';
import { type LedgerReport, verifyLedger } from '../domains/credits/ledger-verify.js';
import type { CliCommand } from './commands.js';

/** Renders a ledger report for people. */
export function formatLedgerReport(report: LedgerReport): string {
  const lines = [
    `Checked ${report.accounts} user account(s) and ${report.transactions} transaction(s).`,
    ...report.mismatches.map(
      (m) =>
        `MISMATCH ${m.code} (${m.accountId}) ${m.field}: stored ${m.projected}, ledger says ${m.recomputed} (units)`,
    ),
    ...report.unbalancedTransactions.map(
      (u) => `UNBALANCED transaction ${u.transactionId}: postings sum to ${u.sum}`,
    ),
    ...report.unpostedHolds.map((id) => `UNPOSTED settled hold ${id}: charged but no ledger transaction`),
    report.ok
      ? 'Ledger OK: every balance and held amount matches the ledger.'
      : 'Ledger differs from its projections.',
  ];
  return lines.join('\n');
}

/**
 * `smart-ai-hub ledger verify [--json]`: recomputes every balance and held amount from the
 * ledger and the open holds of the database named by DATABASE_URL; exit code 1 on any difference.
 */
export function ledgerVerifyCommandFor(
  env: Record<string, string | undefined> = process.env,
  print: (text: string) => void = console.log,
): CliCommand {
  return {
    summary: 'recompute balances from the ledger and report any difference (exit 1 on mismatch)',
    async run(args) {
      const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true });
      const config = loadConfig(env);
      const database = await createDatabase(config.env.DATABASE_URL, { poolSize: 2 });
      try {
        const report = await verifyLedger(database.db);
        print(values.json ? JSON.stringify(report, null, 2) : formatLedgerReport(report));
        return report.ok ? 0 : 1;
      } finally {
        await database.close();
      }
    },
  };
}

export const ledgerVerifyCommand: CliCommand = ledgerVerifyCommandFor();
