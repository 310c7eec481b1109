import { sql, type Insertable } from 'kysely';
import { claim, claimOnce } from './claim.ts';
import { suppressSubscriber } from './effects.ts';
import type { DeliveriesTable } from './schema.ts';
import { chunks, deliveryFrom, ms, toId, type Ctx, type Executor } from './rows.ts';
import { updateEach } from './batch-update.ts';
import { recordIntents } from './signup-intents.ts';
import type { BroadcastCounts, DeliveryOutcome, DeliveryStore, LeaseHolder, LessonCounts, NewDelivery, StatusCounts } from './types.ts';

function row(d: NewDelivery, now: number): Insertable<DeliveriesTable> {
  if (d.kind === 'test' && !d.toEmail) throw new Error('a test delivery needs toEmail');
  if (d.kind !== 'test' && !d.subscriberId) throw new Error(`a ${d.kind} delivery needs subscriberId`);
  const subscriber = toId(d.subscriberId);
  if (d.subscriberId && subscriber === null) throw new Error(`not a subscriber id: ${d.subscriberId}`);
  return {
    kind: d.kind,
    subscriber_id: subscriber,
    to_email: d.toEmail ?? null,
    series_id: d.seriesId ?? null,
    step_slug: d.stepSlug ?? null,
    step_number: d.stepNumber ?? null,
    broadcast_id: toId(d.broadcastId),
    status: 'queued',
    due_at: ms(d.dueAt),
    created_at: now,
  };
}

export function deliveryStore(ctx: Ctx): DeliveryStore {
  const { db } = ctx;
  return {
    async enqueue(rows, now) {
      const values = rows.map((d) => row(d, ms(now)));
      if (values.length === 0) return 0;
      return db.transaction().execute(async (trx) => {
        let added = 0;
        for (const part of chunks(values)) {
          const insert = trx
            .insertInto('deliveries')
            .values(part)
            .onConflict((oc) => oc.doNothing());
          // A confirmation carries its sign-up's intent (the CLI's `subscribers add` queues them here).
          if (part.some((d) => d.kind === 'confirm')) {
            const queued = await insert.returning(['id', 'kind', 'subscriber_id', 'series_id', 'created_at']).execute();
            await recordIntents(
              trx,
              queued.filter((q) => q.kind === 'confirm'),
            );
            added += queued.length;
          } else added += Number((await insert.executeTakeFirst()).numInsertedOrUpdatedRows ?? 0n);
        }
        return added;
      });
    },

    claim: (opts) => claim(ctx, opts),

    async recordOutcomes(outcomes, lease) {
      if (outcomes.length === 0) return 0;
      return db.transaction().execute((trx) => record(ctx, trx, outcomes, lease));
    },

    async recordAndClaim(outcomes, lease, next) {
      const batch = await db.transaction().execute(async (trx) => {
        if (outcomes.length > 0) await record(ctx, trx, outcomes, lease);
        return claimOnce(ctx, trx, next);
      });
      // Nothing due, or every row picked was cancelled: the plain claim goes on from here
      // (it also settles finished broadcasts when the queue is empty).
      return batch && batch.deliveries.length > 0 ? batch : claim(ctx, next);
    },

    async releaseLeases(owner) {
      return db.transaction().execute(async (trx) => {
        const r = await trx
          .updateTable('deliveries')
          // The key stays: if any attempt under it reached the provider (a timed-out request may
          // have been accepted before a quota stop, say), only the same key makes a resend safe.
          // The rows come back as one batch, claimed whole (see claim.ts).
          .set({ status: 'queued', lease_owner: null, lease_until: null })
          // A literal, so the partial index of leased rows serves it (see claim.ts).
          .where('status', '=', sql.lit<'sending'>('sending'))
          .where('lease_owner', '=', owner)
          .executeTakeFirst();
        return Number(r.numUpdatedRows);
      });
    },

    async defer(rows, lease) {
      const byDue = new Map<number, number[]>();
      for (const r of rows) {
        const id = toId(r.id);
        if (id !== null) byDue.set(ms(r.dueAt), [...(byDue.get(ms(r.dueAt)) ?? []), id]);
      }
      if (byDue.size === 0) return 0;
      return db.transaction().execute(async (trx) => {
        let n = 0;
        // Readers in one zone share a due time: one statement per distinct time.
        for (const [due, ids] of byDue) {
          for (const part of chunks(ids)) {
            const r = await trx
              .updateTable('deliveries')
              // No key: nothing went out under it, and the rows join whichever batch claims them next.
              .set({ status: 'queued', due_at: due, lease_owner: null, lease_until: null, batch_key: null })
              .where('status', '=', sql.lit<'sending'>('sending'))
              .where('lease_owner', '=', lease.owner)
              .where('batch_key', '=', lease.batchKey)
              .where('id', 'in', part)
              .executeTakeFirst();
            n += Number(r.numUpdatedRows);
          }
        }
        return n;
      });
    },

    async getById(id) {
      const key = toId(id);
      if (key === null) return null;
      const r = await db.selectFrom('deliveries').selectAll().where('id', '=', key).executeTakeFirst();
      return r ? deliveryFrom(r) : null;
    },

    async findByProviderId(providerId) {
      const r = await db.selectFrom('deliveries').selectAll().where('provider_id', '=', providerId).orderBy('id', 'desc').executeTakeFirst();
      return r ? deliveryFrom(r) : null;
    },

    async applyProviderEvent(e) {
      const at = ms(e.at);
      return db.transaction().execute(async (trx) => {
        const fresh = await trx
          .insertInto('webhook_events')
          .values({ id: e.eventId, type: e.type, received_at: at })
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirst();
        if (Number(fresh.numInsertedOrUpdatedRows ?? 0n) === 0) return { outcome: 'duplicate' as const };
        if (!e.providerId) return { outcome: 'unknown' as const };
        const d = await trx
          .selectFrom('deliveries')
          .select(['id', 'subscriber_id', 'status'])
          .where('provider_id', '=', e.providerId)
          .orderBy('id', 'desc')
          .executeTakeFirst();
        if (!d) return { outcome: 'unknown' as const };
        const set: Partial<Record<'delivered_at' | 'bounced_at' | 'complained_at', number>> & {
          provider_event: string;
          status?: 'failed';
          error?: string;
        } = { provider_event: e.type };
        if (e.effect === 'delivered') set.delivered_at = at;
        if (e.effect === 'bounce') set.bounced_at = at;
        if (e.effect === 'complaint') set.complained_at = at;
        if (e.effect === 'failed') {
          set.status = 'failed';
          set.error = e.reason ?? e.type;
        }
        await trx.updateTable('deliveries').set(set).where('id', '=', d.id).execute();
        if (d.subscriber_id !== null && (e.effect === 'bounce' || e.effect === 'complaint')) {
          await suppressSubscriber(trx, d.subscriber_id, e.effect === 'bounce' ? 'bounced' : 'complained', at);
        }
        return { outcome: 'applied' as const, deliveryId: String(d.id), subscriberId: d.subscriber_id === null ? null : String(d.subscriber_id) };
      });
    },

    async counts(now) {
      const t = ms(now);
      const sum = (cond: ReturnType<typeof sql>) => sql<number>`sum(case when ${cond} then 1 else 0 end)`;
      const tally = [
        sum(sql`status = 'queued'`).as('queued'),
        sum(sql`status = 'queued' and due_at <= ${t}`).as('due'),
        sum(sql`status = 'sending'`).as('sending'),
        sum(sql`status = 'sent'`).as('sent'),
        sum(sql`status = 'failed'`).as('failed'),
        sum(sql`status = 'cancelled'`).as('cancelled'),
        sum(sql`delivered_at is not null`).as('delivered'),
        sum(sql`bounced_at is not null`).as('bounced'),
        sum(sql`complained_at is not null`).as('complained'),
      ];
      const [lessons, broadcasts] = await Promise.all([
        db
          .selectFrom('deliveries')
          .select(['series_id', 'step_slug', 'step_number'])
          .select(tally)
          .where('kind', '=', 'lesson')
          .groupBy(['series_id', 'step_slug', 'step_number'])
          .orderBy('series_id')
          .orderBy('step_number')
          .execute(),
        db
          .selectFrom('deliveries')
          .select('broadcast_id')
          .select(tally)
          .where('kind', '=', 'broadcast')
          .groupBy('broadcast_id')
          .orderBy('broadcast_id')
          .execute(),
      ]);
      const numbers = (r: Record<keyof StatusCounts, unknown>): StatusCounts => ({
        queued: Number(r.queued ?? 0),
        due: Number(r.due ?? 0),
        sending: Number(r.sending ?? 0),
        sent: Number(r.sent ?? 0),
        failed: Number(r.failed ?? 0),
        cancelled: Number(r.cancelled ?? 0),
        delivered: Number(r.delivered ?? 0),
        bounced: Number(r.bounced ?? 0),
        complained: Number(r.complained ?? 0),
      });
      return {
        lessons: lessons.map((r): LessonCounts => ({ seriesId: r.series_id ?? '', stepSlug: r.step_slug ?? '', stepNumber: r.step_number, ...numbers(r) })),
        broadcasts: broadcasts.map((r): BroadcastCounts => ({ broadcastId: String(r.broadcast_id), ...numbers(r) })),
      };
    },
  };
}

async function record(ctx: Ctx, trx: Executor, outcomes: DeliveryOutcome[], lease: LeaseHolder | undefined): Promise<number> {
  let changed = 0;
  const sent = outcomes.filter((o): o is Sent => o.status === 'sent');
  const failed = outcomes.filter((o): o is Failed => o.status === 'failed');
  const retry = outcomes.filter((o): o is Retry => o.status === 'retry');
  for (const part of chunks(sent, 500)) changed += await recordSent(ctx, trx, part, lease);
  for (const part of chunks(failed, 500)) changed += await recordUnsent(ctx, trx, part, lease);
  for (const part of chunks(retry, 500)) changed += await recordUnsent(ctx, trx, part, lease);
  const latest = Math.max(...outcomes.map((o) => ms(o.status === 'retry' ? o.retryAt : o.at)));
  await settleBroadcastsOf(
    trx,
    outcomes.flatMap((o) => toId(o.id) ?? []),
    latest,
  );
  return changed;
}

/**
 * Marks sent the batch's broadcasts with nothing left queued or in flight: found by the rows' ids, each probed with a LIMIT 1 subquery,
 * because broader forms plan as scans of a whole broadcast or table on large sends (see docs/operations.md).
 * A broadcast whose last rows were cancelled elsewhere is settled by the next empty claim.
 */
async function settleBroadcastsOf(trx: Executor, ids: number[], at: number): Promise<void> {
  if (ids.length === 0) return;
  const rows = await trx.selectFrom('deliveries').select('broadcast_id').distinct().where('id', 'in', ids).execute();
  const broadcasts = rows.flatMap((r) => (r.broadcast_id === null ? [] : [r.broadcast_id]));
  if (broadcasts.length === 0) return;
  await trx
    .updateTable('broadcasts')
    .set({ status: 'sent', finished_at: at })
    .where('status', '=', 'sending')
    .where('id', 'in', broadcasts)
    .where(sql`(select 1 from deliveries as q where q.broadcast_id = broadcasts.id and q.status in ('queued', 'sending') limit 1)`, 'is', null)
    .execute();
}

// Literals, not bound values: SQLite uses the partial status indexes only for a literal (claim.ts).
const [QUEUED, SENDING, SENT, FAILED] = [sql.lit<'queued'>('queued'), sql.lit<'sending'>('sending'), sql.lit<'sent'>('sent'), sql.lit<'failed'>('failed')];

type Sent = Extract<DeliveryOutcome, { status: 'sent' }>;
type Failed = Extract<DeliveryOutcome, { status: 'failed' }>;
type Retry = Extract<DeliveryOutcome, { status: 'retry' }>;

function withIds<T extends { id: string }>(outcomes: T[]): { id: number; o: T }[] {
  return outcomes.flatMap((o) => {
    const id = toId(o.id);
    return id === null ? [] : [{ id, o }];
  });
}

/**
 * `failed` and `retry` outcomes of one kind. With a lease they apply only to rows that lease still holds: once another worker reclaimed them,
 * its outcome counts, since a late `retry` would requeue rows it may be sending and a late `failed` would end rows it sent.
 */
async function recordUnsent(ctx: Ctx, trx: Executor, outcomes: (Failed | Retry)[], lease: LeaseHolder | undefined): Promise<number> {
  const pairs = withIds(outcomes);
  if (pairs.length === 0) return 0;
  const retry = pairs[0]!.o.status === 'retry';
  const { changed } = await updateEach(
    ctx,
    trx,
    'deliveries',
    { id: 'bigint', error: 'text', due: 'bigint', owner: 'text', key: 'text' },
    pairs.map((p) => ({
      id: p.id,
      error: p.o.reason,
      due: p.o.status === 'retry' ? ms(p.o.retryAt) : null,
      owner: lease?.owner ?? null,
      key: lease?.batchKey ?? null,
    })),
    (update, v) =>
      update
        // The key stays on a retry: the batch is resent whole under it (see claim.ts).
        .set(
          retry
            ? { status: QUEUED, error: v('error'), due_at: v('due'), attempts: sql`attempts + 1`, lease_owner: null, lease_until: null }
            : { status: FAILED, error: v('error'), lease_owner: null, lease_until: null },
        )
        .where('deliveries.id', '=', v('id'))
        .where('status', '=', SENDING)
        .$if(lease !== undefined, (q) => q.where('lease_owner', '=', v('owner')).where('batch_key', '=', v('key'))),
  );
  return changed;
}

interface SentRow {
  subscriber_id: number | null;
  series_id: string | null;
  step_slug: string | null;
  sent_at: number | string | null;
  id: number | string;
  kind: string;
}

/**
 * All `sent` outcomes of a batch, then the lessons' enrollments (last step, last send, pause total reset) as the scheduler expects.
 * With a lease, a `sent` (accepted under the batch key) applies to the batch's rows still `sending` or requeued under that key, whoever holds them:
 * the provider answers a resend under the same key and payload from its record. Without a lease only rows still `sending` take it.
 */
async function recordSent(ctx: Ctx, trx: Executor, sent: Sent[], lease: LeaseHolder | undefined): Promise<number> {
  const pairs = withIds(sent);
  if (pairs.length === 0) return 0;
  const { returned: changed } = await updateEach<'deliveries', 'id' | 'provider' | 'at' | 'note' | 'key', SentRow>(
    ctx,
    trx,
    'deliveries',
    { id: 'bigint', provider: 'text', at: 'bigint', note: 'text', key: 'text' },
    pairs.map((p) => ({ id: p.id, provider: p.o.providerId, at: ms(p.o.at), note: p.o.note ?? null, key: lease?.batchKey ?? null })),
    (update, v) =>
      update
        .set({ status: SENT, provider_id: v('provider'), sent_at: v('at'), lease_owner: null, lease_until: null, error: v('note') })
        .where('deliveries.id', '=', v('id'))
        .$if(lease !== undefined, (q) => q.where('status', 'in', [SENDING, QUEUED]).where('batch_key', '=', v('key')))
        .$if(lease === undefined, (q) => q.where('status', '=', SENDING))
        .returning(['deliveries.subscriber_id', 'deliveries.series_id', 'deliveries.step_slug', 'deliveries.sent_at', 'deliveries.id', 'deliveries.kind']),
  );
  // Each enrollment's latest lesson among those just sent (a batch rarely holds two of one).
  const latest = new Map<string, { sub: number; series: string; slug: string | null; at: number; id: number }>();
  for (const r of changed) {
    if (r.kind !== 'lesson' || r.subscriber_id === null || r.series_id === null || r.sent_at === null) continue;
    const at = Number(r.sent_at);
    const id = Number(r.id);
    const key = `${r.subscriber_id}\u0000${r.series_id}`;
    const prev = latest.get(key);
    if (!prev || at > prev.at || (at === prev.at && id > prev.id))
      latest.set(key, { sub: Number(r.subscriber_id), series: r.series_id, slug: r.step_slug, at, id });
  }
  await updateEach(ctx, trx, 'enrollments', { sub: 'bigint', series: 'text', slug: 'text', at: 'bigint' }, [...latest.values()], (update, v) =>
    update
      .set({ last_step_slug: v('slug'), last_sent_at: v('at'), paused_minutes: 0 })
      .where('enrollments.subscriber_id', '=', v('sub'))
      .where('enrollments.series_id', '=', v('series')),
  );
  return changed.length;
}
