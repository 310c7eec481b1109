import BetterSqlite3 from 'better-sqlite3';
import { expect, it } from 'vitest';
import { withStatementCache } from '../../src/store/sqlite-dialect.ts';

it('prepares each SQL text once and drops the least recently used past its size', () => {
  const db = new BetterSqlite3(':memory:');
  const prepared: string[] = [];
  const counting = {
    prepare: (s: string) => {
      prepared.push(s);
      return db.prepare(s);
    },
    close: () => db.close(),
  };
  const cached = withStatementCache(counting, 2);
  expect(cached.prepare('select 1 as n').all([])).toEqual([{ n: 1 }]);
  expect(cached.prepare('select 1 as n').all([])).toEqual([{ n: 1 }]);
  cached.prepare('select 2');
  cached.prepare('select 1 as n'); // used again: now the most recent
  cached.prepare('select 3'); // evicts "select 2"
  cached.prepare('select 1 as n');
  cached.prepare('select 2');
  expect(prepared).toEqual(['select 1 as n', 'select 2', 'select 3', 'select 2']);
  // A bulk statement's text is long and its compiled program large: never kept.
  const long = `select 1 as n ${' '.repeat(20_000)}`;
  cached.prepare(long);
  cached.prepare(long);
  expect(prepared.filter((s) => s === long)).toHaveLength(2);
  cached.close();
  expect(db.open).toBe(false);
});
