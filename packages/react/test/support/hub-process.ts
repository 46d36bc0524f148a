/**
 * One real hub for the React tests, in a process of its own (started by `start-hubs.ts` under
 * tsx with the `source` condition, so it runs the workspace's sources). Sends `{ type: 'ready',
 * url, adminKey, dialect }` once it listens; closes everything it made on SIGTERM.
 */
import type { DatabaseDialect } from '@smart-ai-hub/adapters/testing';
import { createUser } from '../../../server/test/support/auth-fixtures.js';
import { createTestHub } from '../../../server/test/support/test-hub.js';

const dialect = process.env.HUB_DIALECT as DatabaseDialect;
const t = await createTestHub({ dialect, listen: true, env: { HUB_CONFIG: process.env.HUB_CONFIG } });
const admin = await createUser(t, { role: 'admin' });
process.once('SIGTERM', () => {
  void t.close().then(() => process.exit(0));
});
process.send?.({ type: 'ready', url: t.url, adminKey: admin.apiKey, dialect });
