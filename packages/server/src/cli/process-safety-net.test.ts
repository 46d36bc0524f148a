import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';

const SERVER_DIR = join(import.meta.dirname, '..', '..');

interface Appliance {
  child: ChildProcessByStdio<null, Readable, Readable>;
  url: string;
  apiKey: string;
  exited: Promise<number | null>;
  stdout(): string;
  close(): Promise<void>;
}

/** Starts `test/support/poisoned-appliance.ts` in a process of its own, on a fresh SQLite file. */
async function startAppliance(safetyNet: 'on' | 'off'): Promise<Appliance> {
  const dir = mkdtempSync(join(tmpdir(), 'hub-safety-net-'));
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'test/support/poisoned-appliance.ts'],
    {
      cwd: SERVER_DIR,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: 'error',
        HUB_PASSWORD_HASH_COST: 'test',
        HUB_DATA_DIR: dir,
        DATABASE_URL: join(dir, 'hub.db'),
        SAFETY_NET: safetyNet,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = await new Promise<{ ready: string; apiKey: string }>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      const line = stdout.split('\n').find((l) => l.startsWith('{"ready"'));
      if (line) resolve(JSON.parse(line));
    });
    void exited.then((code) => reject(new Error(`the appliance exited with ${code}: ${stderr}`)));
  });
  return {
    child,
    url: ready.ready,
    apiKey: ready.apiKey,
    exited,
    stdout: () => stdout,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A streamed chat completion whose first bytes have arrived; `rest` reads it to its end. */
async function openStream(hub: Appliance, model: string) {
  const response = await fetch(`${hub.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${hub.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'hello' }] }),
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const first = await reader.read();
  let text = decoder.decode(first.value);
  return {
    status: response.status,
    /** The whole body, or what arrived before the connection broke. */
    async rest(): Promise<string> {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return text;
          text += decoder.decode(value, { stream: true });
        }
      } catch {
        return text;
      }
    },
  };
}

const words = (text: string) => text.match(/"content":"[^"]+"/g)?.length ?? 0;

/**
 * Ten users stream from the appliance while an eleventh request leaves an `'error'` event no one
 * listens to and a rejection no one handles. With the safety net (as `serve` runs), the process
 * logs both and the ten finish in full; without it, the process dies and takes them with it.
 */
describe('the process safety net', () => {
  it('contains a poisoned request: ten streams in flight finish in full and the hub keeps serving', async () => {
    const hub = await startAppliance('on');
    try {
      const bystanders = await Promise.all(Array.from({ length: 10 }, () => openStream(hub, 'steady')));
      const poisoned = await openStream(hub, 'poisoned');
      expect(poisoned.status).toBe(200);
      expect(await poisoned.rest()).toMatch(/"code":"upstream_error"/);
      const unary = await fetch(`${hub.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${hub.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'poisoned', messages: [{ role: 'user', content: 'hello' }] }),
      });
      expect(unary.status).toBe(502);

      for (const text of await Promise.all(bystanders.map((b) => b.rest()))) {
        expect(words(text)).toBe(10);
        expect(text).toContain('data: [DONE]');
      }
      expect(hub.child.exitCode).toBeNull();
      expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);

      const contained = hub
        .stdout()
        .split('\n')
        .filter((line) => line.includes('contained'))
        .map((line) => JSON.parse(line) as { msg: string; origin: string; err: { message: string } });
      expect(contained.filter((l) => l.origin === 'uncaughtException')).toHaveLength(2);
      expect(contained.filter((l) => l.origin === 'unhandledRejection')).toHaveLength(2);
      expect(contained.map((l) => l.err.message)).toEqual(
        expect.arrayContaining([
          'poison: an error event no one listens to',
          'poison: a rejection no one handles',
        ]),
      );
    } finally {
      await hub.close();
    }
  });

  it('is what keeps them alive: without it the process exits and cuts every stream in flight', async () => {
    const hub = await startAppliance('off');
    try {
      const bystanders = await Promise.all(Array.from({ length: 10 }, () => openStream(hub, 'steady')));
      await (await openStream(hub, 'poisoned')).rest();
      expect(await hub.exited).not.toBe(0);
      const texts = await Promise.all(bystanders.map((b) => b.rest()));
      expect(texts.filter((text) => text.includes('data: [DONE]'))).toHaveLength(0);
    } finally {
      await hub.close();
    }
  });
});
