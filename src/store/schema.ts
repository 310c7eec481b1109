import type { ColumnType, Generated } from 'kysely';
import type { BroadcastStatus, ConsentEventName, DeliveryKind, DeliveryStatus, EnrollmentStatus, SubscriberStatus } from './types.ts';

/**
 * The database as Kysely sees it, snake_case; only `src/store/` imports it, mapping rows to the camelCase types in `types.ts`.
 * Times are integers (ms since the epoch) on both dialects: one representation, exact comparisons in SQL, no time-zone conversion by either driver.
 */
type Millis = number;
/** Written as a number, read as a number (pg's int8 parser is set to Number in `open.ts`). */
type Id = Generated<number>;

export interface SubscribersTable {
  id: Id;
  /** Normalized (see `src/subscribers/normalize-email.ts`): local part as given, domain lower-case ASCII. */
  email: string;
  /** sha256 hex of the lower-cased email: the unique key, and the join to `suppressions`. */
  email_hash: string;
  first_name: string | null;
  timezone: string | null;
  status: SubscriberStatus;
  consent_at: Millis | null;
  consent_source: string | null;
  confirm_nonce: string | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface EnrollmentsTable {
  id: Id;
  subscriber_id: number;
  series_id: string;
  started_at: Millis;
  paused_at: Millis | null;
  paused_minutes: ColumnType<number, number | undefined, number>;
  status: EnrollmentStatus;
  last_step_slug: string | null;
  last_sent_at: Millis | null;
}

export interface DeliveriesTable {
  id: Id;
  kind: DeliveryKind;
  subscriber_id: number | null;
  to_email: string | null;
  series_id: string | null;
  step_slug: string | null;
  step_number: number | null;
  broadcast_id: number | null;
  status: DeliveryStatus;
  due_at: Millis;
  lease_owner: string | null;
  lease_until: Millis | null;
  batch_key: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  provider_id: string | null;
  sent_at: Millis | null;
  error: string | null;
  delivered_at: Millis | null;
  bounced_at: Millis | null;
  complained_at: Millis | null;
  /** The last provider event type seen for this message, e.g. `email.delivered`. */
  provider_event: string | null;
  created_at: Millis;
}

export interface SuppressionsTable {
  email_hash: string;
  reason: string;
  created_at: Millis;
}

export interface BroadcastsTable {
  id: Id;
  slug: string;
  content_hash: string;
  subject: string;
  series_id: string | null;
  status: BroadcastStatus;
  send_at: Millis | null;
  total: number | null;
  created_at: Millis;
  started_at: Millis | null;
  finished_at: Millis | null;
  /** JSON of `BroadcastMessage`; null for a broadcast started before 0023. */
  message: string | null;
}

export interface WebhookEventsTable {
  id: string;
  type: string;
  received_at: Millis;
}

export interface ConsentLogTable {
  id: Id;
  subscriber_id: number;
  at: Millis;
  event: ConsentEventName;
  /** JSON object of strings and numbers: source, how, client hash, file and row. */
  detail: string;
}

export interface ResignupsTable {
  subscriber_id: number;
  nonce: string;
  first_name: string | null;
  timezone: string | null;
  consent_source: string;
  /** HMAC of the client's address (see the public endpoints), never the address. */
  client_hash: string | null;
  requested_at: Millis;
}

/** What a sign-up asked for, kept until it is confirmed: read by the confirm link and its cooldown. */
export interface SignupIntentsTable {
  subscriber_id: number;
  series_id: string;
  requested_at: Millis;
  /** The latest confirmation email queued for it. */
  confirm_delivery_id: number | null;
}

export interface Database {
  consent_log: ConsentLogTable;
  resignups: ResignupsTable;
  signup_intents: SignupIntentsTable;
  subscribers: SubscribersTable;
  enrollments: EnrollmentsTable;
  deliveries: DeliveriesTable;
  suppressions: SuppressionsTable;
  broadcasts: BroadcastsTable;
  webhook_events: WebhookEventsTable;
  install: InstallTable;
  admin_sign_ins: AdminSignInsTable;
  admin_sessions: AdminSessionsTable;
  admin_audit: AdminAuditTable;
  broadcast_drafts: BroadcastDraftsTable;
}

/** One row: values drawn once for this database, on first use (see migration 0021_install_value). */
export interface InstallTable {
  id: number;
  message_id_seed: string;
}

/** Console sign-in links: the link id and the browser nonce, both as sha256 hex. */
export interface AdminSignInsTable {
  id_hash: string;
  email: string;
  browser_hash: string;
  created_at: Millis;
  expires_at: Millis;
  used_at: Millis | null;
}

/** Console sessions, by the sha256 hex of the cookie's value. */
export interface AdminSessionsTable {
  id_hash: string;
  email: string;
  created_at: Millis;
  last_seen_at: Millis;
}

export interface AdminAuditTable {
  id: Id;
  at: Millis;
  actor: string;
  action: string;
  detail: string;
}

/** A broadcast written in the console; `send_at` is kept as typed (ISO with a zone), like the file's. */
export interface BroadcastDraftsTable {
  id: Id;
  slug: string;
  subject: string;
  preheader: string;
  series_id: string | null;
  send_at: string | null;
  cta_text: string | null;
  cta_href: string | null;
  body: string;
  revision: number;
  created_at: Millis;
  created_by: string;
  updated_at: Millis;
  updated_by: string;
}
