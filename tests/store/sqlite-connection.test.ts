import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openSqlite } from '../../src/store/open.ts';

it('opens SQLite in WAL mode with the settings chosen for a million subscribers', () => {
  const db = openSqlite(join(mkdtempSync(join(tmpdir(), 'coursemail-sqlite-')), 'data/a.sqlite'));
  expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  expect(db.pragma('cache_size', { simple: true })).toBe(-16000);
  expect(db.pragma('mmap_size', { simple: true })).toBe(0);
  expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(10000);
  db.close();
});
