import { parseArgs } from 'node:util';
import { createDatabase } from '@smart-ai-hub/adapters';
import { loadConfig } from '../config/load-config.js';
import type { AuditChainReport } from '../domains/audit/audit-verify.js';
import { verifyAuditChain } from '../domains/audit/audit-verify.js';
import type { CliCommand } from './commands.js';

const WHAT: Record<AuditChainReport['problems'][number]['problem'], string> = {
  hash_mismatch: 'EDITED record: its fields no longer give its hash',
  broken_link: 'BROKEN LINK: the record does not follow the one before it',
  missing_records: 'MISSING records before this one',
  head_mismatch: 'HEAD MISMATCH: the last records were deleted or rewritten',
};

/** Renders an audit chain report for people. */
export function formatAuditReport(report: AuditChainReport): string {
  return [
    `Checked ${report.records} audit record(s), seq ${report.prunedThrough + 1} to ${report.lastSeq}${
      report.prunedThrough > 0 ? ` (1 to ${report.prunedThrough} pruned by retention)` : ''
    }.`,
    ...report.problems.map((p) => `${WHAT[p.problem]}: seq ${p.seq}${p.id ? ` (${p.id})` : ''}`),
    report.ok ? 'Audit log OK: the hash chain is whole.' : 'Audit log was altered outside the hub.',
  ].join('\n');
}

/**
 * `smart-ai-hub audit verify [--json]`: recomputes the audit log's hash chain in the database
 * named by DATABASE_URL; exit code 1 when any record was edited, removed or added outside the hub.
 */
export function auditVerifyCommandFor(
  env: Record<string, string | undefined> = process.env,
  print: (text: string) => void = console.log,
): CliCommand {
  return {
    summary: 'recompute the audit log hash chain and report any edit (exit 1 when altered)',
    async run(args) {
      const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true });
      const config = loadConfig(env);
      const database = await createDatabase(config.env.DATABASE_URL, { poolSize: 2 });
      try {
        const report = await verifyAuditChain(database.db);
        print(values.json ? JSON.stringify(report, null, 2) : formatAuditReport(report));
        return report.ok ? 0 : 1;
      } finally {
        await database.close();
      }
    },
  };
}

export const auditVerifyCommand: CliCommand = auditVerifyCommandFor();
