import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { freshDatabase } from '../support/databases.ts';
import { runCli, tempProject } from '../support/project.ts';
import { seedDueLessons, sqlRows } from '../support/worker-process.ts';

const TABLES_QUERY = "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name";

/** A SQLite store with something in every table: readers, history sent and pending, a broadcast, suppressions, webhook events. */
async function filledSqlite(sqlitePath: string): Promise<void> {
  const store = await openStore({ sqlitePath });
  const now = new Date('2026-12-01T12:00:00Z');
  try {
    await seedDueLessons(store, 250, now);
    const batch = await store.deliveries.claim({ owner: 'old-box', limit: 100, leaseMs: 60_000, now });
    await store.deliveries.recordOutcomes(
      batch!.deliveries.map((d, i) => ({ id: d.id, status: 'sent', providerId: `re_${i}`, at: now })),
      { owner: 'old-box', batchKey: batch!.batchKey },
    );
    const broadcast = await store.broadcasts.create({ slug: 'winter-note', contentHash: 'abc123', subject: 'A winter note', now });
    await store.broadcasts.setStatus(broadcast.id, 'sent', now);
    await store.suppressions.add('bounced.reader@example.com', 'bounce', now);
    await store.suppressions.add('complained.reader@example.com', 'complaint', now);
    await store.webhookEvents.recordOnce('msg_1', 'email.delivered', now);
    await store.subscribers.createPending({ email: 'late.signup@example.com', firstName: 'Lee', timezone: 'Europe/Paris', consentSource: 'form', now });
  } finally {
    await store.close();
  }
}

describe('coursemail migrate-store --to postgres://…', () => {
  it('copies every table of the SQLite store into an empty Postgres, counts equal, and the copy keeps working', { timeout: 60_000 }, async () => {
    const root = tempProject();
    const sqlitePath = join(root, 'data/coursemail.sqlite');
    await filledSqlite(sqlitePath);
    // A fresh database, migrated (the run's template) and empty.
    const { databaseUrl } = await freshDatabase('postgres');

    const r = await runCli(['migrate-store', '--root', root, '--to', databaseUrl!]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);

    const tables = (await sqlRows<{ name: string }>({ sqlitePath }, TABLES_QUERY)).map((t) => t.name);
    for (const name of ['subscribers', 'enrollments', 'deliveries', 'suppressions', 'broadcasts', 'webhook_events']) expect(tables).toContain(name);
    for (const table of tables) {
      const [source] = await sqlRows<{ n: number }>({ sqlitePath }, `select count(*) as n from "${table}"`);
      const [target] = await sqlRows<{ n: string }>({ databaseUrl }, `select count(*) as n from "${table}"`);
      expect(Number(target!.n), table).toBe(source!.n);
      if (['subscribers', 'deliveries', 'suppressions'].includes(table)) expect(source!.n, table).toBeGreaterThan(0);
      expect(r.out).toMatch(new RegExp(`${table}\\s+${source!.n} →\\s+${source!.n}`));
    }
    // Row by row for the history that matters: every delivery's status, provider id and subscriber.
    const q = 'select id, status, provider_id, subscriber_id, batch_key from deliveries order by id';
    const fromSqlite = await sqlRows<Record<string, unknown>>({ sqlitePath }, q);
    const fromPg = await sqlRows<Record<string, unknown>>({ databaseUrl }, q);
    expect(fromPg.map((row) => ({ ...row, id: Number(row.id), subscriber_id: Number(row.subscriber_id) }))).toEqual(fromSqlite);

    // Sequences moved past the copied ids: a new reader gets a new id, not a clash.
    const pg = await openStore({ databaseUrl });
    try {
      const maxId = Math.max(...(await sqlRows<{ id: number }>({ sqlitePath }, 'select id from subscribers')).map((s) => s.id));
      await pg.subscribers.createPending({ email: 'after.move@example.com', firstName: null, timezone: null, consentSource: 'form', now: new Date() });
      const [created] = await sqlRows<{ id: number }>({ databaseUrl }, "select id from subscribers where email = 'after.move@example.com'");
      expect(created!.id).toBeGreaterThan(maxId);
      expect(await pg.suppressions.isSuppressed('bounced.reader@example.com')).toBe(true);
    } finally {
      await pg.close();
    }

    // Again into the same database: refused, nothing doubled.
    const again = await runCli(['migrate-store', '--root', root, '--to', databaseUrl!]);
    expect(again.code).toBe(1);
    expect(again.err).toContain('empty database only');
    const [subs] = await sqlRows<{ n: string }>({ databaseUrl }, 'select count(*) as n from subscribers');
    expect(Number(subs!.n)).toBe(252);
  });
});
