import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { workerStoreOptions } from '../../src/cli/runtime.ts';
import { openSqlite } from '../../src/store/open.ts';
import { openStore } from '../../src/store/index.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'coursemail-sqlite-'));

it('sets the page cache a store asks for, and leaves the driver default otherwise', () => {
  const file = join(dir(), 'data/a.sqlite');
  const small = openSqlite(file, 2048);
  expect(small.pragma('cache_size', { simple: true })).toBe(-2048);
  expect(small.pragma('journal_mode', { simple: true })).toBe('wal');
  small.close();
  // better-sqlite3 builds SQLite with a 16 MB cache: the reason the worker asks for less.
  const plain = openSqlite(file);
  expect(plain.pragma('cache_size', { simple: true })).toBeLessThan(-2048);
  plain.close();
});

it('refuses a page cache that is not a whole number of KiB, naming the option', () => {
  for (const bad of [0, -5, 1.5, Number.NaN]) expect(() => openSqlite(join(dir(), 'b.sqlite'), bad)).toThrow(/sqliteCacheKb/);
});

it("the sending worker's store keeps a 2 MB page cache on SQLite, and the database the environment names", async () => {
  const root = dir();
  const options = workerStoreOptions({}, root);
  expect(options).toEqual({ sqlitePath: join(root, 'data/coursemail.sqlite'), sqliteCacheKb: 2048 });
  expect(workerStoreOptions({ DATABASE_URL: 'postgres://x@localhost/db' }, root).databaseUrl).toBe('postgres://x@localhost/db');
  // The option reaches a working store: the schema is migrated and it answers.
  const store = await openStore(options);
  expect(await store.subscribers.countByStatus()).toMatchObject({ pending: 0 });
  await store.close();
});
