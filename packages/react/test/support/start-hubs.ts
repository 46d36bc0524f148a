import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { testDialects } from '../../../adapters/src/testing/index.js';

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
 * Starts one real hub per dialect, each in a Node process of its own (not in the jsdom test
 * realm: jsdom replaces globals such as `Uint8Array`, which breaks the hub's crypto there; and not
 * in vitest's setup loader, which would resolve the workspace packages to their builds). The hooks
 * talk to the hubs over real HTTP, as a browser app would.
 */
export default async function startHubs(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'react-hubs-'));
  const configFile = join(dir, 'hub.json');
  writeFileSync(configFile, JSON.stringify(hubConfig));
  const children: ChildProcess[] = [];
  const running: RunningHub[] = [];
  try {
    for (const dialect of await testDialects()) {
      const child = fork(fileURLToPath(new URL('./hub-process.ts', import.meta.url)), [], {
        execArgv: ['--conditions=source', '--import', 'tsx'],
        env: { ...process.env, HUB_DIALECT: dialect, HUB_CONFIG: configFile },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
      running.push(await readyMessage(child));
    }
  } catch (error) {
    await Promise.all(children.map(stop));
    throw error;
  }
  project.provide('hubs', running);
  return async () => {
    await Promise.all(children.map(stop));
    rmSync(dir, { recursive: true, force: true });
  };
}

function readyMessage(child: ChildProcess): Promise<RunningHub> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`a test hub exited with ${code} before it was ready`));
    child.once('exit', onExit);
    child.on('message', (message: { type?: string } & RunningHub) => {
      if (message?.type !== 'ready') return;
      child.off('exit', onExit);
      resolve({ dialect: message.dialect, url: message.url, adminKey: message.adminKey });
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
