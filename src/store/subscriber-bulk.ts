import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { consentOf } from './consent.ts';
import { assertNormalized, emailHash } from './email-hash.ts';
import type { Database, SubscribersTable } from './schema.ts';
import { chunks, deliveryFrom, enrollmentFrom, ms, subscriberFrom, type Executor } from './rows.ts';
import type { ImportRow, ImportRowResult, SubscriberData } from './types.ts';

/** Many subscribers at once: a CSV import batch in, an export page out. */

export const nonce = () => randomBytes(18).toString('base64url');

export async function importBatch(
  db: Kysely<Database>,
  rows: ImportRow[],
  { now, seriesId }: { now: Date; seriesId?: string | null },
): Promise<ImportRowResult[]> {
  for (const r of rows) assertNormalized(r.email);
  const t = ms(now);
  const hashes = rows.map((r) => emailHash(r.email));
  const unique = [...new Set(hashes)];
  if (unique.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    const existing = new Set<string>();
    const suppressed = new Set<string>();
    for (const part of chunks(unique)) {
      for (const r of await trx.selectFrom('subscribers').select('email_hash').where('email_hash', 'in', part).execute()) existing.add(r.email_hash);
      for (const r of await trx.selectFrom('suppressions').select('email_hash').where('email_hash', 'in', part).execute()) suppressed.add(r.email_hash);
    }
    const results: ImportRowResult[] = [];
    const fresh = new Map<string, number>();
    rows.forEach((_row, i) => {
      const h = hashes[i]!;
      if (suppressed.has(h)) results.push({ outcome: 'suppressed' });
      else if (existing.has(h) || fresh.has(h)) results.push({ outcome: 'duplicate' });
      else {
        fresh.set(h, i);
        // Replaced below once the row is in; stays a duplicate if a concurrent sign-up
        // won the address between our read and the insert.
        results.push({ outcome: 'duplicate' });
      }
    });
    const values = [...fresh].map(([h, i]) => {
      const r = rows[i]!;
      return {
        email: r.email,
        email_hash: h,
        first_name: r.firstName,
        timezone: r.timezone,
        status: r.consentAt ? ('active' as const) : ('pending' as const),
        consent_at: r.consentAt ? ms(r.consentAt) : null,
        consent_source: r.consentSource,
        confirm_nonce: r.consentAt ? null : nonce(),
        created_at: t,
        updated_at: t,
      };
    });
    for (const part of chunks(values)) {
      const inserted = await trx
        .insertInto('subscribers')
        .values(part)
        .onConflict((oc) => oc.column('email_hash').doNothing())
        .returning(['id', 'email_hash', 'status'])
        .execute();
      for (const r of inserted) {
        results[fresh.get(r.email_hash)!] = { outcome: 'imported', id: String(r.id), status: r.status === 'active' ? 'active' : 'pending' };
      }
      if (inserted.length > 0) {
        await trx
          .insertInto('consent_log')
          .values(
            inserted.map((r) => {
              const row = rows[fresh.get(r.email_hash)!]!;
              const detail = { source: row.consentSource, ...(row.origin ?? {}), consent: row.consentAt ? 'given' : 'to confirm' };
              return { subscriber_id: r.id, event: 'imported' as const, at: row.consentAt ? ms(row.consentAt) : t, detail: JSON.stringify(detail) };
            }),
          )
          .execute();
      }
      const active = inserted.filter((r) => r.status === 'active');
      if (seriesId && active.length > 0) {
        await trx
          .insertInto('enrollments')
          .values(active.map((r) => ({ subscriber_id: r.id, series_id: seriesId, started_at: t, status: 'active' as const })))
          .onConflict((oc) => oc.columns(['subscriber_id', 'series_id']).doNothing())
          .execute();
      }
    }
    return results;
  });
}

export async function withHeldData(db: Executor, rows: Selectable<SubscribersTable>[]): Promise<SubscriberData[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [enrollments, deliveries, consent] = await Promise.all([
    db.selectFrom('enrollments').selectAll().where('subscriber_id', 'in', ids).orderBy('id').execute(),
    db.selectFrom('deliveries').selectAll().where('subscriber_id', 'in', ids).orderBy('id').execute(),
    consentOf(db, ids),
  ]);
  const held = new Map(
    rows.map((r): [number, SubscriberData] => [r.id, { subscriber: subscriberFrom(r), enrollments: [], deliveries: [], consent: consent.get(r.id) ?? [] }]),
  );
  for (const e of enrollments) held.get(e.subscriber_id)?.enrollments.push(enrollmentFrom(e));
  for (const d of deliveries) if (d.subscriber_id !== null) held.get(d.subscriber_id)?.deliveries.push(deliveryFrom(d));
  return [...held.values()];
}
