import { sql, type ExpressionBuilder, type Selectable, type Transaction } from 'kysely';
import { assertNormalized, emailHash } from './email-hash.ts';
import { logConsent } from './consent.ts';
import { addSuppression, cancelQueued, isSuppressedHash, settleBroadcasts, suppressSubscriber } from './effects.ts';
import { enrollIn } from './enrollments.ts';
import type { Database, SubscribersTable } from './schema.ts';
import { ms, subscriberFrom, toId, type Ctx, type Executor } from './rows.ts';
import { confirmedRecently, recordIntents } from './signup-intents.ts';
import { importBatch, nonce, withHeldData } from './subscriber-bulk.ts';
import type { ActivateResult, Page, SubscriberStatus, SubscriberStore } from './types.ts';

async function byHash(trx: Executor, hash: string): Promise<Selectable<SubscribersTable> | undefined> {
  return trx.selectFrom('subscribers').selectAll().where('email_hash', '=', hash).executeTakeFirst();
}

/** A confirmation link's lifetime (tokens/links.ts): a re-sign-up older than this may be replaced. */
const CONFIRM_TTL_MS = 7 * 24 * 3600_000;

/**
 * The button of a re-sign-up's confirmation: the name and zone asked for, active again,
 * and both the sign-up (when it was asked, from where) and the re-subscription logged.
 */
async function resubscribe(
  trx: Transaction<Database>,
  row: Selectable<SubscribersTable>,
  given: string | undefined,
  seriesId: string | null | undefined,
  t: number,
): Promise<ActivateResult> {
  const waiting = await trx.selectFrom('resignups').selectAll().where('subscriber_id', '=', row.id).executeTakeFirst();
  if (!waiting || given === undefined) return { outcome: 'refused', subscriber: subscriberFrom(row) };
  if (given !== waiting.nonce) return { outcome: 'used', subscriber: { ...subscriberFrom(row), confirmNonce: waiting.nonce } };
  if (await isSuppressedHash(trx, row.email_hash)) return { outcome: 'refused', subscriber: subscriberFrom(row) };
  const updated = await trx
    .updateTable('subscribers')
    .set({
      status: 'active',
      first_name: waiting.first_name,
      timezone: waiting.timezone,
      consent_at: t,
      consent_source: waiting.consent_source,
      confirm_nonce: null,
      updated_at: t,
    })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx.deleteFrom('resignups').where('subscriber_id', '=', row.id).execute();
  await logConsent(trx, row.id, 'signed-up', Number(waiting.requested_at), { source: waiting.consent_source, client: waiting.client_hash });
  await logConsent(trx, row.id, 're-subscribed', t, { source: waiting.consent_source });
  const enrollment = seriesId ? (await enrollIn(trx, row.id, seriesId, t)).enrollment : null;
  return { outcome: 'activated', subscriber: subscriberFrom(updated), enrollment };
}

export function subscriberStore({ db, dialect }: Ctx): SubscriberStore {
  const suppress = async (id: string, status: 'bounced' | 'complained', now: Date) => {
    const key = toId(id);
    if (key === null) return null;
    return db.transaction().execute((trx) => suppressSubscriber(trx, key, status, ms(now)));
  };
  /** A page of subscriber rows by id, after the id `after`. */
  const page = ({ status, limit, after }: Page & { status?: SubscriberStatus }) =>
    db
      .selectFrom('subscribers')
      .selectAll()
      .where('id', '>', toId(after) ?? 0)
      .$if(status !== undefined, (q) => q.where('status', '=', status!))
      .orderBy('id')
      .limit(limit)
      .execute();
  return {
    async createPending({ email, firstName, timezone, consentSource, clientHash, now }) {
      assertNormalized(email);
      const hash = emailHash(email);
      const t = ms(now);
      return db.transaction().execute(async (trx) => {
        if (await isSuppressedHash(trx, hash)) return { outcome: 'suppressed' as const };
        let row = await byHash(trx, hash);
        if (!row) {
          const inserted = await trx
            .insertInto('subscribers')
            .values({
              email,
              email_hash: hash,
              first_name: firstName,
              timezone,
              status: 'pending',
              consent_at: null,
              consent_source: consentSource,
              confirm_nonce: nonce(),
              created_at: t,
              updated_at: t,
            })
            .onConflict((oc) => oc.column('email_hash').doNothing())
            .returningAll()
            .executeTakeFirst();
          if (inserted) {
            await logConsent(trx, inserted.id, 'signed-up', t, { source: consentSource, client: clientHash });
            return { outcome: 'created' as const, subscriber: subscriberFrom(inserted) };
          }
          // Another request inserted the same address between our read and write.
          row = await byHash(trx, hash);
          if (!row) throw new Error('subscriber vanished during sign-up');
        }
        if (row.status === 'pending') return { outcome: 'pending' as const, subscriber: subscriberFrom(row) };
        if (row.status === 'active') return { outcome: 'active' as const, subscriber: subscriberFrom(row) };
        if (row.status !== 'unsubscribed') return { outcome: 'suppressed' as const };
        // The consent and opt-out records stay as they are: the request waits beside them, and only the confirmation button (`activate`) applies it.
        // One waiting at a time, as for a pending sign-up, so a repeat changes nothing and the link already mailed keeps working.
        const request = { nonce: nonce(), first_name: firstName, timezone, consent_source: consentSource, client_hash: clientHash ?? null, requested_at: t };
        await trx
          .insertInto('resignups')
          .values({ subscriber_id: row.id, ...request })
          .onConflict((oc) =>
            oc
              .column('subscriber_id')
              .doUpdateSet(request)
              .where('resignups.requested_at', '<', t - CONFIRM_TTL_MS),
          )
          .execute();
        const waiting = await trx.selectFrom('resignups').select('nonce').where('subscriber_id', '=', row.id).executeTakeFirstOrThrow();
        return { outcome: 'reopened' as const, subscriber: { ...subscriberFrom(row), confirmNonce: waiting.nonce } };
      });
    },

    async activate(id, { now, seriesId, nonce: given }) {
      const key = toId(id);
      if (key === null) return { outcome: 'not-found' };
      const t = ms(now);
      return db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('subscribers').selectAll().where('id', '=', key).executeTakeFirst();
        if (!row) return { outcome: 'not-found' as const };
        if (row.status === 'unsubscribed') return resubscribe(trx, row, given, seriesId, t);
        if (given !== undefined && given !== row.confirm_nonce) return { outcome: 'used' as const, subscriber: subscriberFrom(row) };
        if (await isSuppressedHash(trx, row.email_hash)) return { outcome: 'refused' as const, subscriber: subscriberFrom(row) };
        if (row.status !== 'pending' && row.status !== 'active') return { outcome: 'refused' as const, subscriber: subscriberFrom(row) };
        const wasActive = row.status === 'active';
        const updated = wasActive
          ? row
          : await trx
              .updateTable('subscribers')
              .set({ status: 'active', consent_at: t, confirm_nonce: null, updated_at: t })
              .where('id', '=', key)
              .returningAll()
              .executeTakeFirstOrThrow();
        if (!wasActive) await logConsent(trx, key, 'confirmed', t, { source: row.consent_source });
        const enrollment = seriesId ? (await enrollIn(trx, key, seriesId, t)).enrollment : null;
        return { outcome: wasActive ? ('already-active' as const) : ('activated' as const), subscriber: subscriberFrom(updated), enrollment };
      });
    },

    async requestConfirmation(id, { seriesId, now, renewNonce, quietSince }) {
      const key = toId(id);
      if (key === null) return false;
      const t = ms(now);
      return db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('subscribers').select('status').where('id', '=', key).executeTakeFirst();
        const waiting =
          row?.status === 'unsubscribed'
            ? await trx.selectFrom('resignups').select('subscriber_id').where('subscriber_id', '=', key).executeTakeFirst()
            : undefined;
        if (!row || !(row.status === 'pending' || waiting)) return false;
        if (await confirmedRecently(trx, key, ms(quietSince))) return false;
        // A fresh link retires the old ones: only the newest email confirms.
        if (renewNonce && waiting) await trx.updateTable('resignups').set({ nonce: nonce() }).where('subscriber_id', '=', key).execute();
        else if (renewNonce) await trx.updateTable('subscribers').set({ confirm_nonce: nonce(), updated_at: t }).where('id', '=', key).execute();
        const added = await trx
          .insertInto('deliveries')
          .values({ kind: 'confirm', subscriber_id: key, series_id: seriesId, status: 'queued', due_at: t, created_at: t })
          .onConflict((oc) => oc.doNothing())
          .returning(['id', 'subscriber_id', 'series_id', 'created_at'])
          .executeTakeFirst();
        if (added) await recordIntents(trx, [added]);
        return added !== undefined;
      });
    },

    async signUpIntent(id) {
      const key = toId(id);
      if (key === null) return null;
      const row = await db.selectFrom('signup_intents').select(['series_id', 'requested_at']).where('subscriber_id', '=', key).executeTakeFirst();
      return row ? { seriesId: row.series_id, requestedAt: new Date(Number(row.requested_at)) } : null;
    },

    async findByEmail(email) {
      const row = await byHash(db, emailHash(email));
      return row ? subscriberFrom(row) : null;
    },

    async getById(id) {
      const key = toId(id);
      if (key === null) return null;
      const row = await db
        .selectFrom('subscribers')
        .leftJoin('resignups', 'resignups.subscriber_id', 'subscribers.id')
        .selectAll('subscribers')
        .select('resignups.nonce as resignup_nonce')
        .where('subscribers.id', '=', key)
        .executeTakeFirst();
      if (!row) return null;
      const { resignup_nonce, ...subscriber } = row;
      return { ...subscriberFrom(subscriber), confirmNonce: subscriber.confirm_nonce ?? (subscriber.status === 'unsubscribed' ? resignup_nonce : null) };
    },

    list: async (opts) => (await page(opts)).map(subscriberFrom),

    async update(id, patch, now) {
      const key = toId(id);
      if (key === null) return null;
      const set: { first_name?: string | null; timezone?: string | null; updated_at: number } = { updated_at: ms(now) };
      if (patch.firstName !== undefined) set.first_name = patch.firstName;
      if (patch.timezone !== undefined) set.timezone = patch.timezone;
      return db.transaction().execute(async (trx) => {
        const row = await trx.updateTable('subscribers').set(set).where('id', '=', key).returningAll().executeTakeFirst();
        return row ? subscriberFrom(row) : null;
      });
    },

    async unsubscribe(id, now, how = 'cli') {
      const key = toId(id);
      if (key === null) return null;
      const t = ms(now);
      return db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('subscribers').select('status').where('id', '=', key).executeTakeFirst();
        if (!row) return null;
        // Bounced and complained already mean "never again"; only pending/active become unsubscribed.
        const changed = row.status === 'pending' || row.status === 'active';
        if (changed) {
          await trx.updateTable('subscribers').set({ status: 'unsubscribed', confirm_nonce: null, updated_at: t }).where('id', '=', key).execute();
          await logConsent(trx, key, 'unsubscribed', t, { how });
        }
        // A re-sign-up waiting for its button is withdrawn by the same opt-out.
        await trx.deleteFrom('resignups').where('subscriber_id', '=', key).execute();
        const cancelled = await cancelQueued(trx, key, 'unsubscribed');
        await settleBroadcasts(trx, t);
        return { changed, cancelled };
      });
    },

    markBounced: (id, now) => suppress(id, 'bounced', now),
    markComplained: (id, now) => suppress(id, 'complained', now),

    async forget(email, now) {
      const hash = emailHash(email);
      const t = ms(now);
      const lower = email.trim().toLowerCase();
      const result = await db.transaction().execute(async (trx) => {
        const row = await byHash(trx, hash);
        // Rows sent to the address without a subscriber (tests, or a previous forget that
        // missed one) are found by address, compared as the hash compares.
        const theirs = (eb: ExpressionBuilder<Database, 'deliveries'>) => {
          const byAddress = eb(eb.fn('lower', ['to_email']), '=', lower);
          return row ? eb.or([eb('subscriber_id', '=', row.id), byAddress]) : byAddress;
        };
        await trx.updateTable('deliveries').set({ status: 'cancelled' }).where('status', '=', 'queued').where(theirs).execute();
        // The provider id and error text point at the provider's copy of the message and
        // may quote the address: personal data too. Kind, step, status and times stay for the counts.
        await trx.updateTable('deliveries').set({ subscriber_id: null, to_email: null, provider_id: null, error: null }).where(theirs).execute();
        if (row) {
          await trx.deleteFrom('consent_log').where('subscriber_id', '=', row.id).execute();
          await trx.deleteFrom('resignups').where('subscriber_id', '=', row.id).execute();
          await trx.deleteFrom('enrollments').where('subscriber_id', '=', row.id).execute();
          await trx.deleteFrom('subscribers').where('id', '=', row.id).execute();
        }
        // The console's audit log names readers it acted on: the address goes, the entry stays.
        // (Matched by replace() itself: LIKE would need its escape clause spelled per database.)
        const redacted = sql<string>`replace(detail, ${lower}, '[a forgotten reader]')`;
        await trx.updateTable('admin_audit').set({ detail: redacted }).where(redacted, '<>', sql<string>`detail`).execute();
        await addSuppression(trx, hash, 'forgotten', t);
        await settleBroadcasts(trx, t);
        return { found: row !== undefined };
      });
      // The WAL still holds the pages as they were before: copy them back (zeroed by
      // secure_delete) and cut the WAL to nothing. A reader in another process may hold
      // part of it a moment longer; SQLite's next checkpoint rewrites it then.
      if (dialect === 'sqlite') await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
      return result;
    },

    importBatch: (rows, opts) => importBatch(db, rows, opts),

    async dataHeld(id) {
      const key = toId(id);
      if (key === null) return null;
      const rows = await db.selectFrom('subscribers').selectAll().where('id', '=', key).execute();
      return (await withHeldData(db, rows))[0] ?? null;
    },

    listDataHeld: async (opts) => withHeldData(db, await page(opts)),

    async countByStatus() {
      const rows = await db
        .selectFrom('subscribers')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute();
      const counts: Record<SubscriberStatus, number> = { pending: 0, active: 0, unsubscribed: 0, bounced: 0, complained: 0 };
      for (const r of rows) counts[r.status] = Number(r.n);
      return counts;
    },
  };
}
