import type { Kysely, Selectable, SqliteDatabase, Transaction } from 'kysely';
import type { Database, DeliveriesTable, EnrollmentsTable, SubscribersTable, BroadcastsTable } from './schema.ts';
import type { Broadcast, Delivery, Enrollment, Subscriber } from './types.ts';

/** What every repository gets: the database and which dialect it speaks. */
export interface Ctx {
  db: Kysely<Database>;
  dialect: 'sqlite' | 'postgres';
  /**
   * SQLite only: the connection Kysely runs on, for a hot path's one-row statements run
   * many times inside a transaction Kysely holds (see deliveries.ts). Statements are cached
   * by their text (sqlite-dialect.ts).
   */
  sqlite?: SqliteDatabase;
}

export type Executor = Kysely<Database> | Transaction<Database>;

/** Ids are opaque strings outside the store; anything that is not one of ours matches nothing. */
export function toId(id: string | null | undefined): number | null {
  if (typeof id !== 'string' || !/^[1-9][0-9]{0,14}$/.test(id)) return null;
  return Number(id);
}

export const ms = (d: Date): number => d.getTime();

/**
 * Splits work so no statement binds too many parameters (SQLite allows 32,766, Postgres
 * 65,535): 1,000 rows of ten columns, or 1,000 keys in an IN list.
 */
export function chunks<T>(items: T[], size = 1000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
const date = (n: number | null): Date | null => (n === null ? null : new Date(Number(n)));
const str = (n: number | null): string | null => (n === null ? null : String(n));

export function subscriberFrom(r: Selectable<SubscribersTable>): Subscriber {
  return {
    id: String(r.id),
    email: r.email,
    firstName: r.first_name,
    timezone: r.timezone,
    status: r.status,
    consentAt: date(r.consent_at),
    consentSource: r.consent_source,
    confirmNonce: r.confirm_nonce,
    createdAt: new Date(Number(r.created_at)),
    updatedAt: new Date(Number(r.updated_at)),
  };
}

export function enrollmentFrom(r: Selectable<EnrollmentsTable>): Enrollment {
  return {
    id: String(r.id),
    subscriberId: String(r.subscriber_id),
    seriesId: r.series_id,
    startedAt: new Date(Number(r.started_at)),
    pausedAt: date(r.paused_at),
    pausedMinutes: Number(r.paused_minutes),
    status: r.status,
    lastStepSlug: r.last_step_slug,
    lastSentAt: date(r.last_sent_at),
  };
}

export function deliveryFrom(r: Selectable<DeliveriesTable>): Delivery {
  return {
    id: String(r.id),
    kind: r.kind,
    subscriberId: str(r.subscriber_id),
    toEmail: r.to_email,
    seriesId: r.series_id,
    stepSlug: r.step_slug,
    stepNumber: r.step_number,
    broadcastId: str(r.broadcast_id),
    status: r.status,
    dueAt: new Date(Number(r.due_at)),
    leaseOwner: r.lease_owner,
    leaseUntil: date(r.lease_until),
    batchKey: r.batch_key,
    attempts: Number(r.attempts),
    providerId: r.provider_id,
    sentAt: date(r.sent_at),
    error: r.error,
    deliveredAt: date(r.delivered_at),
    bouncedAt: date(r.bounced_at),
    complainedAt: date(r.complained_at),
    providerEvent: r.provider_event,
    createdAt: new Date(Number(r.created_at)),
  };
}

export function broadcastFrom(r: Selectable<BroadcastsTable>): Broadcast {
  return {
    id: String(r.id),
    slug: r.slug,
    contentHash: r.content_hash,
    subject: r.subject,
    seriesId: r.series_id,
    status: r.status,
    sendAt: date(r.send_at),
    total: r.total === null ? null : Number(r.total),
    createdAt: new Date(Number(r.created_at)),
    startedAt: date(r.started_at),
    finishedAt: date(r.finished_at),
  };
}
