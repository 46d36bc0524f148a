import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, postgresAvailable } from '@smart-ai-hub/adapters/testing';
import { describe, expect, it } from 'vitest';
import { resolveHubSecret } from './hub-secret.js';
import { ConfigError, loadConfig } from './load-config.js';

describe('loadConfig', () => {
  it('starts a fresh machine with defaults', () => {
    const config = loadConfig({});
    expect(config.env.PORT).toBe(8787);
    expect(config.env.HOST).toBe('127.0.0.1');
    expect(config.env.DATABASE_URL).toBe('./data/hub.db');
    expect(config.env.REDIS_URL).toBeUndefined();
    expect(config.publicUrl).toBe('http://127.0.0.1:8787');
  });

  it('names every bad variable', () => {
    const attempt = () =>
      loadConfig({ PORT: 'eighty', REDIS_URL: 'localhost:6379', HUB_ADMIN_EMAIL: 'nope' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/PORT: /);
      expect(message).toMatch(/REDIS_URL: must be a URL starting with redis:\/\/ or rediss:\/\//);
      expect(message).toMatch(/HUB_ADMIN_EMAIL: /);
    }
  });

  it('reads the HUB_CONFIG file and names the file on errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-config-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ creditPackages: [] }));
    expect(loadConfig({ HUB_CONFIG: good }).file).toEqual({ creditPackages: [] });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ not json');
    expect(() => loadConfig({ HUB_CONFIG: bad })).toThrow(/HUB_CONFIG: cannot read .*bad\.json as JSON/);
    const unknown = join(dir, 'unknown.json');
    writeFileSync(unknown, JSON.stringify({ modelz: [] }));
    expect(() => loadConfig({ HUB_CONFIG: unknown })).toThrow(/Invalid configuration in HUB_CONFIG/);
  });

  it('derives public URLs from HOST and PORT unless PUBLIC_URL is set', () => {
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '9000' }).publicUrl).toBe('http://localhost:9000');
    expect(loadConfig({ PUBLIC_URL: 'https://hub.example.com/' }).publicUrl).toBe('https://hub.example.com');
  });
});

describe('the hub secret', () => {
  it('is generated once on a single node and kept in the data folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-secret-'));
    const first = await resolveHubSecret(loadConfig({ HUB_DATA_DIR: dir }));
    const again = await resolveHubSecret(loadConfig({ HUB_DATA_DIR: dir }));
    expect(first.source).toBe('file');
    expect(first.deriveKey('jwt').equals(again.deriveKey('jwt'))).toBe(true);
    expect(first.deriveKey('jwt')).toHaveLength(32);
    expect(first.deriveKey('encryption').equals(first.deriveKey('jwt'))).toBe(false);
    expect(statSync(join(dir, 'hub-secret')).mode & 0o777).toBe(0o600);
  });

  it('comes from HUB_SECRET when set', async () => {
    const a = await resolveHubSecret(loadConfig({ HUB_SECRET: 'a'.repeat(40) }));
    const b = await resolveHubSecret(loadConfig({ HUB_SECRET: 'b'.repeat(40) }));
    expect(a.source).toBe('env');
    expect(a.deriveKey('jwt').equals(b.deriveKey('jwt'))).toBe(false);
  });

  it('refuses a short HUB_SECRET', () => {
    expect(() => loadConfig({ HUB_SECRET: 'short' })).toThrow(/HUB_SECRET: must be at least 32 characters/);
  });
});

describe.runIf(await postgresAvailable())('the hub secret on PostgreSQL', () => {
  it('is generated once and shared by every replica through the database', async () => {
    const database = await createTestDatabase('postgres');
    try {
      const config = loadConfig({ DATABASE_URL: database.url });
      const replicas = await Promise.all(Array.from({ length: 5 }, () => resolveHubSecret(config, database)));
      for (const r of replicas) {
        expect(r.source).toBe('database');
        expect(r.deriveKey('jwt').equals(replicas[0]!.deriveKey('jwt'))).toBe(true);
      }
    } finally {
      await database.drop();
    }
  });
});
