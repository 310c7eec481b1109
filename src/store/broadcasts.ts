import { sql } from 'kysely';
import { settleBroadcasts } from './effects.ts';
import { broadcastFrom, ms, toId, type Ctx, type Executor } from './rows.ts';
import type { BroadcastMessage, BroadcastStore } from './types.ts';

/** Who a broadcast goes to: active, not suppressed, enrolled (not stopped) in the series when set. */
function audience(db: Executor, seriesId: string | null) {
  return db
    .selectFrom('subscribers as s')
    .leftJoin('suppressions as x', 'x.email_hash', 's.email_hash')
    .where('s.status', '=', 'active')
    .where('x.email_hash', 'is', null)
    .$if(seriesId !== null, (q) =>
      q.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('enrollments as e')
            .select('e.id')
            .whereRef('e.subscriber_id', '=', 's.id')
            .where('e.series_id', '=', seriesId!)
            .where('e.status', '<>', 'stopped'),
        ),
      ),
    );
}

/** A snapshot at least this large refreshes the planner's statistics of the queue (Postgres). */
const ANALYZE_AFTER_ROWS = 10_000;

export function broadcastStore({ db, dialect }: Ctx): BroadcastStore {
  return {
    async countRecipients({ seriesId }) {
      const r = await audience(db, seriesId ?? null)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    async sampleRecipients({ seriesId }, limit) {
      const rows = await audience(db, seriesId ?? null)
        .select('s.email')
        .orderBy('s.id')
        .limit(limit)
        .execute();
      return rows.map((r) => r.email);
    },

    async create({ slug, contentHash, subject, seriesId, sendAt, message, now }) {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('broadcasts')
          .values({
            slug,
            content_hash: contentHash,
            subject,
            series_id: seriesId ?? null,
            status: sendAt ? 'scheduled' : 'draft',
            send_at: sendAt ? ms(sendAt) : null,
            total: null,
            created_at: ms(now),
            started_at: null,
            finished_at: null,
            message: message ? JSON.stringify(message) : null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return broadcastFrom(row);
      });
    },

    async getById(id) {
      const key = toId(id);
      if (key === null) return null;
      const row = await db.selectFrom('broadcasts').selectAll().where('id', '=', key).executeTakeFirst();
      return row ? broadcastFrom(row) : null;
    },

    async messageOf(id) {
      const key = toId(id);
      if (key === null) return null;
      const row = await db.selectFrom('broadcasts').select('message').where('id', '=', key).executeTakeFirst();
      return row?.message ? (JSON.parse(row.message) as BroadcastMessage) : null;
    },

    async getBySlug(slug) {
      const row = await db.selectFrom('broadcasts').selectAll().where('slug', '=', slug).orderBy('id', 'desc').executeTakeFirst();
      return row ? broadcastFrom(row) : null;
    },

    async list() {
      const rows = await db.selectFrom('broadcasts').selectAll().orderBy('id').execute();
      return rows.map(broadcastFrom);
    },

    async snapshotRecipients(id, filter, now) {
      const key = toId(id);
      if (key === null) throw new Error(`no broadcast ${id}`);
      const t = ms(now);
      const seriesId = filter.seriesId ?? null;
      const result = await db.transaction().execute(async (trx) => {
        const b = await trx.selectFrom('broadcasts').select(['status', 'total']).where('id', '=', key).executeTakeFirst();
        if (!b) throw new Error(`no broadcast ${id}`);
        if (b.status !== 'draft' && b.status !== 'scheduled') return { inserted: 0, total: Number(b.total ?? 0) };
        // One statement, in the database: the recipient list never passes through memory.
        const recipients = audience(trx, seriesId).select([
          sql<'broadcast'>`'broadcast'`.as('kind'),
          's.id as subscriber_id',
          's.email as to_email',
          sql<number>`cast(${key} as integer)`.as('broadcast_id'),
          sql<'queued'>`'queued'`.as('status'),
          sql<number>`cast(${t} as bigint)`.as('due_at'),
          sql<number>`cast(${t} as bigint)`.as('created_at'),
        ]);
        const r = await trx
          .insertInto('deliveries')
          .columns(['kind', 'subscriber_id', 'to_email', 'broadcast_id', 'status', 'due_at', 'created_at'])
          .expression(recipients)
          .onConflict((oc) => oc.doNothing())
          .executeTakeFirst();
        const inserted = Number(r.numInsertedOrUpdatedRows ?? 0n);
        const count = await trx
          .selectFrom('deliveries')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('broadcast_id', '=', key)
          .executeTakeFirstOrThrow();
        const total = Number(count.n);
        await trx.updateTable('broadcasts').set({ status: 'sending', total, started_at: t }).where('id', '=', key).execute();
        // No recipients at all: it is finished as soon as it starts.
        await settleBroadcasts(trx, t);
        return { inserted, total };
      });
      // After a large snapshot, Postgres's statistics describe a queue that no longer exists until autovacuum catches up, and the claim picks a plan
      // that reads far more than a batch (see docs/operations.md). ANALYZE samples a fixed number of rows: well under a second however large the table.
      if (dialect === 'postgres' && result.inserted >= ANALYZE_AFTER_ROWS) await sql`analyze deliveries`.execute(db);
      return result;
    },

    async setStatus(id, status, now) {
      const key = toId(id);
      if (key === null) return null;
      const t = ms(now);
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('broadcasts')
          .set((eb) => ({
            status,
            started_at: status === 'sending' ? eb.fn.coalesce('started_at', sql<number>`cast(${t} as bigint)`) : eb.ref('started_at'),
            finished_at: status === 'sent' || status === 'cancelled' ? t : eb.ref('finished_at'),
          }))
          .where('id', '=', key)
          .returningAll()
          .executeTakeFirst();
        return row ? broadcastFrom(row) : null;
      });
    },

    async cancel(id, now) {
      const key = toId(id);
      if (key === null) return null;
      const t = ms(now);
      return db.transaction().execute(async (trx) => {
        const b = await trx.selectFrom('broadcasts').select('status').where('id', '=', key).executeTakeFirst();
        if (!b) return null;
        const r = await trx
          .updateTable('deliveries')
          .set({ status: 'cancelled', error: 'broadcast cancelled' })
          .where('broadcast_id', '=', key)
          .where('status', '=', 'queued')
          .executeTakeFirst();
        if (b.status !== 'sent') {
          await trx.updateTable('broadcasts').set({ status: 'cancelled', finished_at: t }).where('id', '=', key).execute();
        }
        return { cancelled: Number(r.numUpdatedRows) };
      });
    },

    async settle(now) {
      await db.transaction().execute((trx) => settleBroadcasts(trx, ms(now)));
    },
  };
}
