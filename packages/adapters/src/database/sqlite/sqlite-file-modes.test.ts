import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteDatabase } from './sqlite-database.js';

const mode = (path: string) => statSync(path).mode & 0o777;

describe.skipIf(process.platform === 'win32')('SQLite file modes', () => {
  it('creates the database, its WAL and shared-memory files 0600 and a missing folder 0700', async () => {
    const previous = process.umask(0o022); // the usual umask, which alone would give 0644 and 0755
    try {
      const root = mkdtempSync(join(tmpdir(), 'hub-modes-'));
      const file = join(root, 'data', 'nested', 'hub.db');
      const hub = createSqliteDatabase({ filename: file, backgroundCheckpoints: false });
      await hub.migrate();
      await hub.db.insertInto('hub_settings').values({ key: 'k', value: 'v', created_at: 1 }).execute();
      expect(mode(file).toString(8)).toBe('600');
      expect(mode(`${file}-wal`).toString(8)).toBe('600');
      expect(mode(`${file}-shm`).toString(8)).toBe('600');
      expect(mode(join(root, 'data')).toString(8)).toBe('700');
      expect(mode(join(root, 'data', 'nested')).toString(8)).toBe('700');
      await hub.close();
    } finally {
      process.umask(previous);
    }
  });

  it('leaves an existing file and folder as their owner set them', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hub-modes-'));
    const file = join(root, 'hub.db');
    writeFileSync(file, '', { mode: 0o640 });
    const before = mode(root);
    const hub = createSqliteDatabase({ filename: file, backgroundCheckpoints: false });
    await hub.migrate();
    expect(mode(file).toString(8)).toBe('640');
    expect(mode(root)).toBe(before);
    await hub.close();
  });
});
