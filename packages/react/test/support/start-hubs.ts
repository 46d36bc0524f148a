import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDialects } from '@smart-ai-hub/adapters/testing';
import type { TestProject } from 'vitest/node';
import { createUser } from '../../../server/test/support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../../../server/test/support/test-hub.js';

/** A hub the jsdom tests reach over HTTP. */
export interface RunningHub {
  dialect: string;
  url: string;
  /** An admin's API key, to grant credits through the admin API. */
  adminKey: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    hubs: RunningHub[];
  }
}

/**
 * Paced mock models: `mock-paced` streams 12 words 10 ms apart; `mock-slow` 40 words 30 ms apart,
 * priced at 0.001 credit a token so that a partial charge is well above the 0.0001 rounding.
 */
const hubConfig = {
  models: {
    includeDefaults: true,
    models: [
      {
        id: 'mock-paced',
        inputPrice: 1,
        outputPrice: 2,
        deployments: [{ id: 'mock-paced', provider: 'mock', mock: { words: 12, chunkDelayMs: 10 } }],
      },
      {
        id: 'mock-slow',
        inputPrice: 1000,
        outputPrice: 1000,
        deployments: [{ id: 'mock-slow', provider: 'mock', mock: { words: 40, chunkDelayMs: 30 } }],
      },
    ],
  },
};

/**
 * Starts one real hub per dialect in vitest's Node process, not in the jsdom test realm: jsdom
 * replaces globals such as `Uint8Array`, which breaks the hub's crypto (jose) there. The hooks
 * then talk to the hubs over real HTTP, as a browser app would.
 */
export default async function startHubs(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'react-hubs-'));
  const configFile = join(dir, 'hub.json');
  writeFileSync(configFile, JSON.stringify(hubConfig));
  const hubs: Array<TestHub & { url: string }> = [];
  const running: RunningHub[] = [];
  for (const dialect of await testDialects()) {
    const t = await createTestHub({ dialect, listen: true, env: { HUB_CONFIG: configFile } });
    hubs.push(t);
    const admin = await createUser(t, { role: 'admin' });
    running.push({ dialect, url: t.url, adminKey: admin.apiKey });
  }
  project.provide('hubs', running);
  return async () => {
    for (const t of hubs) await t.close();
    rmSync(dir, { recursive: true, force: true });
  };
}
