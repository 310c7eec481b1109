import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { settleBroadcasts } from './effects.ts';
import type { Database } from './schema.ts';
import { deliveryFrom, ms, type Ctx } from './rows.ts';
import type { ClaimedBatch, ClaimedDelivery, ClaimOptions } from './types.ts';

/**
 * Literals, not parameters: the queue and lease indexes are partial on these statuses
 * (migrations.ts), and a planner can prove a partial index applies only from a literal.
 */
const QUEUED = sql.lit<'queued'>('queued');
const SENDING = sql.lit<'sending'>('sending');

/** Any fixed number: the Postgres advisory lock that lets one worker at a time reclaim expired batches. */
const RECLAIM_LOCK = 7_301_955_001;

/**
 * Claims one batch. Expired leases come first, taken whole under their old batch key so the provider sees the same request and deduplicates it.
 * Postgres: `FOR UPDATE … SKIP LOCKED` for disjoint rows, and an advisory lock so a reclaimed batch is never split between two reclaimers.
 * SQLite: the transaction is `BEGIN IMMEDIATE` (see sqlite-dialect.ts), which serializes claimers outright.
 */
export async function claim(ctx: Ctx, opts: ClaimOptions): Promise<ClaimedBatch | null> {
  // Every pass either claims rows or cancels at least one unsendable row, so this ends.
  for (;;) {
    const batch = await ctx.db.transaction().execute((trx) => claimOnce(ctx, trx, opts));
    if (batch === null) {
      await ctx.db.transaction().execute((trx) => settleBroadcasts(trx, ms(opts.now)));
      return null;
    }
    if (batch.deliveries.length > 0) return batch;
  }
}

export async function claimOnce(ctx: Ctx, trx: Transaction<Database>, opts: ClaimOptions): Promise<ClaimedBatch | null> {
  const pg = ctx.dialect === 'postgres';
  const now = ms(opts.now);
  const kinds = opts.kinds && opts.kinds.length > 0 ? opts.kinds : undefined;

  const mayReclaim = !pg || (await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${RECLAIM_LOCK}) as ok`.execute(trx)).rows[0]?.ok;
  if (mayReclaim) {
    // Rows locked by another transaction are skipped, not waited for: a frozen process
    // (SIGSTOP, a paused VM) caught while recording holds its batch's rows, and waiting would
    // stall this worker with it. Such a batch is reclaimed once the lock is gone.
    const expired = await trx
      .selectFrom('deliveries')
      .select(['batch_key', 'id'])
      .where('status', '=', SENDING)
      .where('lease_until', '<=', now)
      .$if(kinds !== undefined, (q) => q.where('kind', 'in', kinds!))
      .orderBy('lease_until')
      .orderBy('id')
      .limit(1)
      .$if(pg, (q) => q.forUpdate().skipLocked())
      .executeTakeFirst();
    if (expired) {
      const key = expired.batch_key;
      // The expired batch's rows: by its key, or the one row if it never got one.
      const inBatch = sql<boolean>`${sql.ref('d.status')} = ${SENDING} and ${sql.ref('d.lease_until')} <= ${now} and ${
        key === null ? sql`${sql.ref('d.id')} = ${expired.id}` : sql`${sql.ref('d.batch_key')} = ${key}`
      }`;
      const rows = await candidates(trx)
        .where(inBatch)
        .orderBy('d.id')
        .$if(pg, (q) => q.forUpdate('d').skipLocked())
        .execute();
      // Part of a batch would be a different payload under the same key: all of it or none.
      const all = pg
        ? await trx
            .selectFrom('deliveries as d')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where(inBatch)
            .executeTakeFirstOrThrow()
        : { n: rows.length };
      if (rows.length === Number(all.n)) return take(trx, rows, key ?? randomUUID(), true, false, opts);
    }
  }

  // Pick and lock rows on the deliveries table alone, then join the recipients' details for those rows only: joining first read the whole queue.
  // Ordered by due time alone, so the queue index (due_at, partial on queued) yields the first rows without a sort.
  const picked = await trx
    .selectFrom('deliveries')
    .select(['id', 'batch_key'])
    .where('status', '=', QUEUED)
    .where('due_at', '<=', now)
    .$if(kinds !== undefined, (q) => q.where('kind', 'in', kinds!))
    .orderBy('due_at')
    .limit(opts.limit)
    .$if(pg, (q) => q.forUpdate().skipLocked())
    .execute();
  if (picked.length === 0) return null;

  // A batch handed back for a retry keeps its key: a timed-out attempt may have been accepted, and only the same key and payload make the provider
  // answer from its record instead of sending again. So it goes out whole, never mixed with fresh rows under a new key.
  const retryKey = picked[0]!.batch_key;
  if (retryKey !== null) {
    const rows = await candidates(trx)
      .where('d.status', '=', 'queued')
      .where('d.batch_key', '=', retryKey)
      .orderBy('d.id')
      .$if(pg, (q) => q.forUpdate('d').skipLocked())
      .execute();
    const all = await trx
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'queued')
      .where('batch_key', '=', retryKey)
      .executeTakeFirstOrThrow();
    if (rows.length === Number(all.n) && rows.every((r) => r.due_at <= now)) return take(trx, rows, retryKey, false, false, opts);
  }
  const fresh = picked.filter((r) => r.batch_key === null);
  if (fresh.length === 0) return null;
  const rows = await candidates(trx)
    .where(
      'd.id',
      'in',
      fresh.map((r) => r.id),
    )
    .orderBy('d.due_at')
    .orderBy('d.id')
    .execute();
  return take(trx, rows, randomUUID(), false, true, opts);
}

function candidates(trx: Transaction<Database>) {
  return trx
    .selectFrom('deliveries as d')
    .leftJoin('subscribers as s', 's.id', 'd.subscriber_id')
    .leftJoin('enrollments as e', (j) => j.onRef('e.subscriber_id', '=', 'd.subscriber_id').onRef('e.series_id', '=', 'd.series_id'))
    .leftJoin('suppressions as x', 'x.email_hash', 's.email_hash')
    .leftJoin('broadcasts as b', 'b.id', 'd.broadcast_id')
    .leftJoin('resignups as r', 'r.subscriber_id', 'd.subscriber_id')
    .selectAll('d')
    .select([
      's.email as s_email',
      's.first_name as s_first_name',
      's.timezone as s_timezone',
      's.status as s_status',
      'e.status as e_status',
      'e.paused_at as e_paused_at',
      'x.email_hash as suppressed_hash',
      'b.status as b_status',
      'r.nonce as resignup_nonce',
    ]);
}

type Candidate = Awaited<ReturnType<ReturnType<typeof candidates>['execute']>>[number];

/** Why a row may no longer go out, or null when it may. Checked at claim time, not enqueue time. */
function unsendable(r: Candidate): string | null {
  if (r.kind === 'test') return r.to_email === null ? 'no recipient' : null;
  if (r.s_status === null) return 'subscriber erased';
  if (r.suppressed_hash !== null) return 'address suppressed';
  // An unsubscribed address gets a confirmation only for a re-sign-up waiting beside it.
  if (r.kind === 'confirm') return r.s_status === 'pending' || (r.s_status === 'unsubscribed' && r.resignup_nonce !== null) ? null : `subscriber ${r.s_status}`;
  if (r.s_status !== 'active') return `subscriber ${r.s_status}`;
  if (r.kind === 'broadcast' && r.b_status === 'cancelled') return 'broadcast cancelled';
  if (r.kind === 'lesson') {
    if (r.e_status !== 'active') return r.e_status === null ? 'not enrolled' : `enrollment ${r.e_status}`;
    if (r.e_paused_at !== null) return 'paused';
  }
  return null;
}

async function take(
  trx: Transaction<Database>,
  rows: Candidate[],
  batchKey: string,
  reclaimed: boolean,
  fresh: boolean,
  opts: ClaimOptions,
): Promise<ClaimedBatch> {
  const now = ms(opts.now);
  const claimed: ClaimedDelivery[] = [];
  const refused = new Map<string, number[]>();
  for (const r of rows) {
    const why = unsendable(r);
    if (why !== null) {
      refused.set(why, [...(refused.get(why) ?? []), r.id]);
      continue;
    }
    // The row as this claim leaves it, mapped once: no copies of the 30-column row (two
    // spreads a row were ~4 KB of garbage a message, on the thread that sends).
    claimed.push(
      Object.assign(deliveryFrom(r), {
        status: 'sending' as const,
        leaseOwner: opts.owner,
        leaseUntil: new Date(now + opts.leaseMs),
        batchKey,
        toEmail: (r.to_email ?? r.s_email)!,
        firstName: r.s_first_name,
        timezone: r.s_timezone,
      }),
    );
  }
  for (const [why, ids] of refused) {
    await trx.updateTable('deliveries').set({ status: 'cancelled', error: why, lease_owner: null, lease_until: null }).where('id', 'in', ids).execute();
  }
  if (claimed.length > 0) {
    await trx
      .updateTable('deliveries')
      .set((eb) => ({
        status: 'sending',
        lease_owner: opts.owner,
        lease_until: now + opts.leaseMs,
        batch_key: batchKey,
        // Record where it went: the address at claim time is the one the message carries.
        to_email: eb.fn.coalesce('to_email', eb.selectFrom('subscribers').select('email').whereRef('subscribers.id', '=', 'deliveries.subscriber_id')),
      }))
      .where(
        'id',
        'in',
        claimed.map((d) => Number(d.id)),
      )
      .execute();
  }
  return { batchKey, deliveries: claimed, reclaimed, fresh };
}
