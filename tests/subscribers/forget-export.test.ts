import { Readable } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import { expect, it } from 'vitest';
import type { Store, StoreOptions } from '../../src/store/index.ts';
import { EXPORT_COLUMNS, exportSubscribers, forgetSubscriber, importCsv, normalizeEmail } from '../../src/subscribers/index.ts';
import { forEachDatabase } from '../support/databases.ts';

const t0 = new Date('2026-03-02T15:00:00Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

/** Every row of every table (the migration bookkeeping included), read behind the store's back. */
async function everyRow(options: StoreOptions): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  if (options.sqlitePath) {
    const raw = new BetterSqlite3(options.sqlitePath, { readonly: true });
    try {
      const tables = raw.prepare(`select name from sqlite_master where type = 'table'`).all() as { name: string }[];
      for (const { name } of tables) out[name] = raw.prepare(`select * from "${name}"`).all();
    } finally {
      raw.close();
    }
    return out;
  }
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>(`select table_name from information_schema.tables where table_schema = 'public'`);
    for (const { table_name } of tables.rows) out[table_name] = (await client.query(`select * from ${client.escapeIdentifier(table_name)}`)).rows;
  } finally {
    await client.end();
  }
  return out;
}

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let s = '';
  for await (const c of chunks) s += c;
  return s;
}

async function activeSubscriber(store: Store, input: string, firstName: string | null) {
  const normalized = normalizeEmail(input);
  if ('problem' in normalized) throw new Error(normalized.problem.message);
  const r = await store.subscribers.createPending({ email: normalized.email, firstName, timezone: 'America/Denver', consentSource: 'form:coaching', now: t0 });
  if (r.outcome !== 'created') throw new Error(r.outcome);
  await store.subscribers.activate(r.subscriber.id, { now: later(1), seriesId: 'coaching' });
  return r.subscriber.id;
}

forEachDatabase((db) => {
  it('forget leaves no copy of the address in any table, and a re-import is refused as suppressed', async () => {
    const { store, options } = await db.fresh();
    const id = await activeSubscriber(store, 'Jane.Forgetme@Bücher.example', 'Jane');
    const keep = await activeSubscriber(store, 'keep@example.com', 'Kim');
    const b = await store.broadcasts.create({ slug: 'talk', contentHash: 'h', subject: 'Talk', now: t0 });
    await store.deliveries.enqueue(
      [
        { kind: 'lesson', subscriberId: id, seriesId: 'coaching', stepSlug: 'one', stepNumber: 1, dueAt: later(1) },
        { kind: 'lesson', subscriberId: keep, seriesId: 'coaching', stepSlug: 'one', stepNumber: 1, dueAt: later(1) },
        { kind: 'test', toEmail: 'jane.forgetme@xn--bcher-kva.example', dueAt: later(1) },
      ],
      t0,
    );
    const batch = await store.deliveries.claim({ owner: 'w', limit: 10, leaseMs: 60_000, now: later(1) });
    await store.deliveries.recordOutcomes(
      batch!.deliveries.map((d, i) =>
        d.kind === 'test'
          ? { id: d.id, status: 'failed' as const, reason: `550 mailbox ${d.toEmail} unavailable`, at: later(2) }
          : { id: d.id, status: 'sent' as const, providerId: `prov-${i}`, at: later(2) },
      ),
    );
    await store.broadcasts.snapshotRecipients(b.id, {}, later(3));
    await store.deliveries.enqueue([{ kind: 'lesson', subscriberId: id, seriesId: 'coaching', stepSlug: 'two', stepNumber: 2, dueAt: later(60) }], later(3));
    const before = JSON.stringify(await everyRow(options)).toLowerCase();
    expect(before).toContain('jane.forgetme@xn--bcher-kva.example');

    expect(await forgetSubscriber(store, '  JANE.FORGETME@bücher.EXAMPLE ', later(4))).toEqual({
      email: 'JANE.FORGETME@xn--bcher-kva.example',
      found: true,
      outboxFiles: 0,
    });

    const rows = await everyRow(options);
    const dump = JSON.stringify(rows).toLowerCase();
    for (const needle of ['jane.forgetme', 'xn--bcher-kva', 'bücher', 'jane']) expect(dump).not.toContain(needle);
    expect(dump).toContain('keep@example.com');
    expect(rows.subscribers).toHaveLength(1);
    expect(rows.enrollments).toHaveLength(1);
    expect(rows.suppressions).toHaveLength(1);
    // The anonymous rows still count: one lesson sent to her, now without a recipient.
    const counts = await store.deliveries.counts(later(100));
    expect(counts.lessons.find((c) => c.stepSlug === 'one')).toMatchObject({ sent: 2 });
    expect(counts.lessons.find((c) => c.stepSlug === 'two')).toMatchObject({ queued: 0, cancelled: 1 });
    expect(await store.deliveries.claim({ owner: 'w', limit: 10, leaseMs: 60_000, now: later(100) })).toMatchObject({
      deliveries: [{ kind: 'broadcast', toEmail: 'keep@example.com' }],
    });

    const again = await importCsv(store, Readable.from(['email,consent\njane.forgetme@bücher.example,yes\nnew@example.com,yes\n']), { now: later(5) });
    expect(again).toMatchObject({ imported: 1, suppressed: 1, duplicates: 0, bad: [] });
    expect(
      (
        await store.subscribers.createPending({
          email: 'Jane.Forgetme@xn--bcher-kva.example',
          firstName: null,
          timezone: null,
          consentSource: 'form',
          now: later(6),
        })
      ).outcome,
    ).toBe('suppressed');
    // An address never held is suppressed too, and a malformed one is refused with the reason.
    expect(await forgetSubscriber(store, 'stranger@example.com', later(7))).toEqual({ email: 'stranger@example.com', found: false, outboxFiles: 0 });
    expect(await store.suppressions.isSuppressed('stranger@example.com')).toBe(true);
    expect(await forgetSubscriber(store, 'not an address', later(7))).toHaveProperty('problem.field', 'email');
  });

  it('export gives everything held, as CSV with formulas neutralized or as JSON, for one or all', async () => {
    const { store } = await db.fresh();
    const hostile = ['=HYPERLINK("http://x.example","click")', '+1 555', '-2+3', '@SUM(A1)', 'Plain'];
    for (const [i, name] of hostile.entries()) await activeSubscriber(store, `h${i}@example.com`, name);
    const bulk = ['email,first_name,consent', ...Array.from({ length: 1100 }, (_, i) => `bulk${i}@example.com,B${i},yes`)].join('\n');
    await importCsv(store, Readable.from([bulk]), { now: t0, seriesId: 'coaching' });

    const csv = parse(await text(exportSubscribers(store, { format: 'csv' }))) as string[][];
    expect(csv[0]).toEqual([...EXPORT_COLUMNS]);
    expect(csv).toHaveLength(1 + 5 + 1100);
    expect(csv.slice(1, 6).map((r) => r[2])).toEqual(['\'=HYPERLINK("http://x.example","click")', "'+1 555", "'-2+3", "'@SUM(A1)", 'Plain']);
    expect(csv.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
    expect(csv[1]).toContain('form:coaching');
    expect(csv[1]![9]).toContain('coaching: active');
    expect(csv[1100 + 5]![1]).toBe('bulk1099@example.com');

    const one = JSON.parse(await text(exportSubscribers(store, { email: 'H4@Example.com', format: 'json' })));
    expect(one).toHaveLength(1);
    expect(one[0]).toMatchObject({
      email: 'h4@example.com',
      firstName: 'Plain',
      timezone: 'America/Denver',
      status: 'active',
      consentAt: later(1).toISOString(),
      consentSource: 'form:coaching',
      enrollments: [{ seriesId: 'coaching', status: 'active' }],
    });
    expect(JSON.stringify(one)).not.toContain('confirmNonce');
    expect(JSON.parse(await text(exportSubscribers(store, { email: 'nobody@example.com', format: 'json' })))).toEqual([]);
    expect(JSON.parse(await text(exportSubscribers(store, { format: 'json' })))).toHaveLength(1105);
    await expect(text(exportSubscribers(store, { email: 'bad\r\n@x', format: 'csv' }))).rejects.toThrow(/line break/);
  });
});
