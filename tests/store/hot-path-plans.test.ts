import BetterSqlite3 from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { freshDatabase } from '../support/databases.ts';

/**
 * The sending loop's statements (claim, record, release) must find their rows through an
 * index, never by reading the deliveries table: at 1M rows a scan per batch is the whole
 * run. The queue and lease indexes are partial on a status, which SQLite uses only when
 * the query names that status as a literal, so a status passed as a bound parameter would
 * quietly turn each claim into a full scan. Checked here with SQLite's own query plans.
 */
const t0 = new Date('2026-03-02T15:00:00Z');
const prepare = BetterSqlite3.prototype.prepare;
afterEach(() => {
  BetterSqlite3.prototype.prepare = prepare;
});

it('claiming, recording and releasing a batch never scans the deliveries table', async () => {
  const options = await freshDatabase('sqlite');
  const store = await openStore(options);
  const imported = await store.subscribers.importBatch(
    Array.from({ length: 5 }, (_, i) => ({ email: `r${i}@example.com`, firstName: null, timezone: 'UTC', consentAt: t0, consentSource: 'test' })),
    { now: t0, seriesId: 'coaching' },
  );
  const ids = imported.map((r) => (r.outcome === 'imported' ? r.id : ''));
  await store.deliveries.enqueue(
    ids.map((subscriberId) => ({ kind: 'lesson', subscriberId, seriesId: 'coaching', stepSlug: 'one', stepNumber: 1, dueAt: t0 })),
    t0,
  );

  const seen = new Set<string>();
  BetterSqlite3.prototype.prepare = function (this: BetterSqlite3.Database, source: string) {
    seen.add(source);
    return prepare.call(this, source);
  } as typeof prepare;
  const batch = await store.deliveries.claim({ owner: 'w', limit: 3, leaseMs: 60_000, now: t0 });
  expect(batch?.deliveries).toHaveLength(3);
  await store.deliveries.recordOutcomes(
    batch!.deliveries.map((d, i) => ({ id: d.id, status: 'sent', providerId: `p${i}`, at: t0 })),
    { owner: 'w', batchKey: batch!.batchKey },
  );
  const expired = new Date(t0.getTime() + 120_000);
  expect(await store.deliveries.claim({ owner: 'w', limit: 3, leaseMs: 60_000, now: expired })).not.toBeNull();
  expect(await store.deliveries.releaseLeases('w')).toBe(2);
  BetterSqlite3.prototype.prepare = prepare;
  await store.close();

  const db = new BetterSqlite3(options.sqlitePath!, { readonly: true });
  const statements = [...seen].filter((s) => /\bdeliveries\b/.test(s) && /^\s*(select|update)/i.test(s));
  expect(statements.length).toBeGreaterThanOrEqual(5);
  for (const s of statements) {
    const params = (s.match(/\?/g) ?? []).map(() => 0);
    const plan = (db.prepare(`explain query plan ${s}`).all(...params) as { detail: string }[]).map((r) => r.detail);
    // "SCAN d USING INDEX …" walks an index; a bare "SCAN deliveries" reads the table.
    expect(
      plan.filter((p) => /^SCAN (deliveries|d|q)$/.test(p)),
      `${s}\n${plan.join('\n')}`,
    ).toEqual([]);
  }
  db.close();
});

it('recording a broadcast batch finds its broadcast by the rows’ ids, even with statistics taken before the send', async () => {
  const options = await freshDatabase('sqlite');
  const store = await openStore(options);
  await store.subscribers.importBatch(
    Array.from({ length: 50 }, (_, i) => ({ email: `b${i}@example.com`, firstName: null, timezone: 'UTC', consentAt: t0, consentSource: 'test' })),
    { now: t0 },
  );
  // Statistics from before the broadcast, when the deliveries table was empty.
  const raw = new BetterSqlite3(options.sqlitePath!);
  raw.exec('analyze');
  raw.close();
  const b = await store.broadcasts.create({ slug: 'news', contentHash: 'h', subject: 'News', now: t0 });
  await store.broadcasts.snapshotRecipients(b.id, {}, t0);

  const seen = new Set<string>();
  BetterSqlite3.prototype.prepare = function (this: BetterSqlite3.Database, source: string) {
    seen.add(source);
    return prepare.call(this, source);
  } as typeof prepare;
  const batch = await store.deliveries.claim({ owner: 'w', limit: 10, leaseMs: 60_000, now: t0 });
  await store.deliveries.recordOutcomes(
    batch!.deliveries.map((d, i) => ({ id: d.id, status: 'sent', providerId: `p${i}`, at: t0 })),
    { owner: 'w', batchKey: batch!.batchKey },
  );
  BetterSqlite3.prototype.prepare = prepare;
  await store.close();

  const db = new BetterSqlite3(options.sqlitePath!, { readonly: true });
  const statements = [...seen].filter((s) => /\bdeliveries\b/.test(s) && /^\s*(select|update)/i.test(s));
  for (const s of statements) {
    const params = (s.match(/\?/g) ?? []).map(() => 0);
    const plan = (db.prepare(`explain query plan ${s}`).all(...params) as { detail: string }[]).map((r) => r.detail);
    // A range over the broadcast's index reads every row of the send, per batch.
    expect(
      plan.filter((p) => /\((broadcast_id|due_at|lease_until)>\?\)/.test(p) && !/due_at<\?|lease_until<\?/.test(p)),
      `${s}\n${plan.join('\n')}`,
    ).toEqual([]);
  }
  db.close();
});
