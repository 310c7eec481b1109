/**
 * What the rest of coursemail sees of the store: plain objects, camelCase, `Date` values, ids as opaque strings (tokens and transports carry strings).
 * Emails passed in must already be normalized by `normalizeEmail` (src/subscribers); the store compares them case-insensitively through `emailHash`.
 */

export type SubscriberStatus = 'pending' | 'active' | 'unsubscribed' | 'bounced' | 'complained';
export type EnrollmentStatus = 'active' | 'completed' | 'stopped';
export type DeliveryKind = 'lesson' | 'broadcast' | 'confirm' | 'test';
export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'cancelled';
export type BroadcastStatus = 'draft' | 'scheduled' | 'sending' | 'sent' | 'cancelled';

export interface Subscriber {
  id: string;
  email: string;
  firstName: string | null;
  timezone: string | null;
  status: SubscriberStatus;
  consentAt: Date | null;
  consentSource: string | null;
  /**
   * Set while a confirmation is outstanding — a pending sign-up's, or an unsubscribed
   * subscriber's re-sign-up (`getById` only) — and consumed (null) by `activate`.
   */
  confirmNonce: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Enrollment {
  id: string;
  subscriberId: string;
  seriesId: string;
  startedAt: Date;
  pausedAt: Date | null;
  /** Minutes held by pauses since the last lesson was sent (reset to 0 by a lesson send). */
  pausedMinutes: number;
  status: EnrollmentStatus;
  lastStepSlug: string | null;
  lastSentAt: Date | null;
}

/** An enrollment of an active subscriber, with what the scheduler needs (the address is read at claim). */
export interface ActiveEnrollment extends Enrollment {
  timezone: string | null;
  /** Lesson slugs of this series already sent to this subscriber. */
  sentSlugs: string[];
  /** Lesson slugs queued or being sent right now: do not schedule the next one yet. */
  pendingSlugs: string[];
}

export interface Delivery {
  id: string;
  kind: DeliveryKind;
  subscriberId: string | null;
  toEmail: string | null;
  seriesId: string | null;
  stepSlug: string | null;
  stepNumber: number | null;
  broadcastId: string | null;
  status: DeliveryStatus;
  dueAt: Date;
  leaseOwner: string | null;
  leaseUntil: Date | null;
  batchKey: string | null;
  attempts: number;
  providerId: string | null;
  sentAt: Date | null;
  error: string | null;
  deliveredAt: Date | null;
  bouncedAt: Date | null;
  complainedAt: Date | null;
  providerEvent: string | null;
  createdAt: Date;
}

export interface NewDelivery {
  kind: DeliveryKind;
  subscriberId?: string | null;
  /** Required for `test`; otherwise filled from the subscriber when the row is claimed. */
  toEmail?: string | null;
  seriesId?: string | null;
  stepSlug?: string | null;
  stepNumber?: number | null;
  broadcastId?: string | null;
  dueAt: Date;
}

/** A claimed row, with the recipient's current details for personalization. */
export interface ClaimedDelivery extends Delivery {
  toEmail: string;
  firstName: string | null;
  timezone: string | null;
}

/**
 * One batch: `batchKey` is fixed when the rows are first claimed and kept when an expired
 * lease is reclaimed, so a retry after a crash resends the same rows under the same key.
 */
export interface ClaimedBatch {
  batchKey: string;
  deliveries: ClaimedDelivery[];
  /** True when these rows were another worker's whose lease expired (it may have sent them). */
  reclaimed: boolean;
  /** True when this claim minted the key: nothing went to the provider under it yet, so rows may still be held back. */
  fresh: boolean;
}

/** Who recorded a batch's outcomes: the lease owner and the batch's key. */
export interface LeaseHolder {
  owner: string;
  batchKey: string;
}

export type DeliveryOutcome =
  /** `providerId` null: sent by an earlier request whose answer was lost; `note` says how it is known. */
  | { id: string; status: 'sent'; providerId: string | null; at: Date; note?: string }
  | { id: string; status: 'failed'; reason: string; at: Date }
  /** Back to the queue: attempts + 1, due again at `retryAt`. */
  | { id: string; status: 'retry'; reason: string; retryAt: Date };

/**
 * A provider webhook event, already verified and classified by the caller.
 * `effect`: `bounce` (permanent) and `complaint` also mark the subscriber and suppress the
 * address; a transient bounce is `delayed` or `none`.
 */
export interface ProviderEvent {
  eventId: string;
  type: string;
  providerId: string | null;
  at: Date;
  effect: 'delivered' | 'delayed' | 'failed' | 'bounce' | 'complaint' | 'none';
  reason?: string;
}

export type ProviderEventResult =
  | { outcome: 'duplicate' }
  /** No delivery carries this provider id (accepted, nothing changed). */
  | { outcome: 'unknown' }
  | { outcome: 'applied'; deliveryId: string; subscriberId: string | null };

export interface StatusCounts {
  queued: number;
  /** Queued with `dueAt ≤ now`. */
  due: number;
  sending: number;
  sent: number;
  failed: number;
  cancelled: number;
  delivered: number;
  bounced: number;
  complained: number;
}

export interface LessonCounts extends StatusCounts {
  seriesId: string;
  stepSlug: string;
  stepNumber: number | null;
}

export interface BroadcastCounts extends StatusCounts {
  broadcastId: string;
}

export interface EnrollmentCount {
  seriesId: string;
  lastStepSlug: string | null;
  subscriberStatus: SubscriberStatus;
  enrollmentStatus: EnrollmentStatus;
  count: number;
}

export interface Suppression {
  emailHash: string;
  reason: string;
  createdAt: Date;
}

/** A broadcast as rendered and guarded when it was confirmed, placeholders unfilled. */
export interface BroadcastMessage {
  subject: string;
  html: string;
  text: string;
  senderName: string;
  senderEmail: string;
}

export interface Broadcast {
  id: string;
  slug: string;
  contentHash: string;
  subject: string;
  seriesId: string | null;
  status: BroadcastStatus;
  sendAt: Date | null;
  /** Recipients fixed by `snapshotRecipients`; null before. */
  total: number | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export type CreatePendingResult =
  | { outcome: 'created'; subscriber: Subscriber }
  /** Already pending: the same subscriber and nonce (a double submit sends no second identity). */
  | { outcome: 'pending'; subscriber: Subscriber }
  | { outcome: 'active'; subscriber: Subscriber }
  /** Unsubscribed: the row is unchanged; a re-sign-up waits for its confirmation (a fresh nonce). */
  | { outcome: 'reopened'; subscriber: Subscriber }
  /** Suppressed, bounced or complained: nothing is stored or sent. */
  | { outcome: 'suppressed' };

export type ActivateResult =
  | { outcome: 'activated'; subscriber: Subscriber; enrollment: Enrollment | null }
  | { outcome: 'already-active'; subscriber: Subscriber; enrollment: Enrollment | null }
  /** The nonce does not match: the link was already used or superseded. */
  | { outcome: 'used'; subscriber: Subscriber }
  /** Unsubscribed, bounced, complained or suppressed: confirmation cannot reactivate. */
  | { outcome: 'refused'; subscriber: Subscriber }
  | { outcome: 'not-found' };

export interface ImportRow {
  email: string;
  firstName: string | null;
  timezone: string | null;
  /** Consent given (import with a consent column): active at once. Null: pending. */
  consentAt: Date | null;
  consentSource: string;
  /** Where the row came from (the file and its line), for the consent log. */
  origin?: { file: string; row: number };
}

export type ImportRowResult = { outcome: 'imported'; id: string; status: 'active' | 'pending' } | { outcome: 'duplicate' } | { outcome: 'suppressed' };

/** Everything held about one subscriber (export, the preferences page). */
export interface SubscriberData {
  subscriber: Subscriber;
  enrollments: Enrollment[];
  deliveries: Delivery[];
  /** The consent log, oldest first. */
  consent: ConsentEvent[];
}

export type ConsentEventName = 'signed-up' | 'confirmed' | 'unsubscribed' | 're-subscribed' | 'imported';

/** How an unsubscribe came: the List-Unsubscribe one-click header, a page, the CLI, a bounce or a complaint. */
export type UnsubscribeHow = 'one-click' | 'unsubscribe-page' | 'preferences-page' | 'cli' | 'bounce' | 'complaint';

/**
 * One entry of the append-only consent log. `detail`: `source` (form, embed or import),
 * `client` (a keyed hash of the client's address, never the address), `how`, `file`, `row`.
 */
export interface ConsentEvent {
  at: Date;
  event: ConsentEventName;
  detail: Record<string, string | number>;
}

export interface Page {
  limit: number;
  /** Id of the last row of the previous page. */
  after?: string;
}

export interface SubscriberStore {
  /**
   * A sign-up. A new address is stored pending; an existing one is left exactly as it is:
   * for an unsubscribed one, what was asked waits beside it until the confirmation is
   * pressed (`activate` applies it then). `clientHash`: for the consent log.
   */
  createPending(input: {
    email: string;
    firstName: string | null;
    timezone: string | null;
    consentSource: string;
    clientHash?: string | null;
    now: Date;
  }): Promise<CreatePendingResult>;
  /** Activates and enrolls (when `seriesId`) in one transaction; checks and consumes `nonce` when given. */
  activate(id: string, opts: { now: Date; seriesId?: string | null; nonce?: string }): Promise<ActivateResult>;
  /**
   * Queues a confirmation email for a pending subscriber or a waiting re-sign-up, unless one
   * was queued or sent after `quietSince`; with `renewNonce`, a fresh link that retires the
   * old ones. Records `seriesId` as the sign-up's intent. One transaction; returns whether it queued.
   */
  requestConfirmation(id: string, opts: { seriesId: string; now: Date; renewNonce?: boolean; quietSince: Date }): Promise<boolean>;
  /** What the sign-up asked for: the series of the latest confirmation queued for it. */
  signUpIntent(id: string): Promise<{ seriesId: string; requestedAt: Date } | null>;
  findByEmail(email: string): Promise<Subscriber | null>;
  getById(id: string): Promise<Subscriber | null>;
  list(opts: Page & { status?: SubscriberStatus }): Promise<Subscriber[]>;
  update(id: string, patch: { firstName?: string | null; timezone?: string | null }, now: Date): Promise<Subscriber | null>;
  /** Unsubscribed and every queued delivery cancelled, in one transaction. Idempotent. */
  unsubscribe(id: string, now: Date, how?: UnsubscribeHow): Promise<{ changed: boolean; cancelled: number } | null>;
  markBounced(id: string, now: Date): Promise<{ changed: boolean; cancelled: number } | null>;
  markComplained(id: string, now: Date): Promise<{ changed: boolean; cancelled: number } | null>;
  /** Erases the subscriber, their enrollments and the personal data in their deliveries; keeps the suppression hash. */
  forget(email: string, now: Date): Promise<{ found: boolean }>;
  /** One import batch in one transaction; results in input order. Duplicates within the batch count once. */
  importBatch(rows: ImportRow[], opts: { now: Date; seriesId?: string | null }): Promise<ImportRowResult[]>;
  dataHeld(id: string): Promise<SubscriberData | null>;
  /** A page of subscribers (by id) with everything held about each: export without N+1 queries. */
  listDataHeld(opts: Page): Promise<SubscriberData[]>;
  countByStatus(): Promise<Record<SubscriberStatus, number>>;
}

export interface EnrollmentStore {
  /** Idempotent; re-activates a stopped enrollment, keeping its progress. */
  enroll(subscriberId: string, seriesId: string, now: Date): Promise<{ enrollment: Enrollment; created: boolean }>;
  get(subscriberId: string, seriesId: string): Promise<Enrollment | null>;
  listForSubscriber(subscriberId: string): Promise<Enrollment[]>;
  /** The enrollments of a page of subscribers, in one query a chunk (`subscribers list`). */
  listForSubscribers(subscriberIds: readonly string[]): Promise<Enrollment[]>;
  /** Holds the clock and cancels queued lessons of this series for the subscriber. */
  pause(subscriberId: string, seriesId: string, now: Date): Promise<Enrollment | null>;
  /** Adds the minutes held to `pausedMinutes`. */
  resume(subscriberId: string, seriesId: string, now: Date): Promise<Enrollment | null>;
  /** Marks these enrollments (by id) completed, in one statement a chunk; returns how many changed. */
  complete(enrollmentIds: readonly string[]): Promise<number>;
  /** Status active (paused ones included: the scheduler reports them paused), subscriber active and not suppressed. */
  listActiveEnrollments(opts: Page & { seriesId?: string }): Promise<ActiveEnrollment[]>;
  countByStep(): Promise<EnrollmentCount[]>;
}

export interface ClaimOptions {
  owner: string;
  limit: number;
  leaseMs: number;
  now: Date;
  kinds?: DeliveryKind[];
}

export interface DeliveryStore {
  /** Insert-or-ignore on the unique keys; returns how many rows were new. */
  enqueue(rows: NewDelivery[], now: Date): Promise<number>;
  /**
   * Claims one batch: first a batch whose lease expired (a crashed worker's), else queued
   * rows due by `now`. Rows whose recipient may no longer be mailed are cancelled instead.
   * Returns null when nothing is claimable.
   */
  claim(opts: ClaimOptions): Promise<ClaimedBatch | null>;
  /**
   * Applies outcomes to rows still `sending`; returns how many changed. With `lease` (the
   * worker recording its own batch) a `failed`/`retry` only touches rows that lease still
   * holds, and a `sent` any of the batch's rows not yet settled (see deliveries.ts).
   */
  recordOutcomes(outcomes: DeliveryOutcome[], lease?: LeaseHolder): Promise<number>;
  /**
   * A sending loop's step: its batch's outcomes recorded under its lease and the next batch
   * claimed, in one transaction (one commit per batch instead of two). Same rules as
   * `recordOutcomes` then `claim`; either both happen or neither.
   */
  recordAndClaim(outcomes: DeliveryOutcome[], lease: LeaseHolder, next: ClaimOptions): Promise<ClaimedBatch | null>;
  /** Graceful shutdown: this owner's `sending` rows go back to the queue. */
  releaseLeases(owner: string): Promise<number>;
  /**
   * Rows of a fresh batch (see `ClaimedBatch.fresh`) that must not go yet: back to the queue,
   * due at their own `dueAt`, without lease or key. Only rows `lease` holds; returns how many.
   */
  defer(rows: { id: string; dueAt: Date }[], lease: LeaseHolder): Promise<number>;
  getById(id: string): Promise<Delivery | null>;
  findByProviderId(providerId: string): Promise<Delivery | null>;
  /** Dedupes on `eventId` and applies the event, in one transaction. */
  applyProviderEvent(event: ProviderEvent): Promise<ProviderEventResult>;
  counts(now: Date): Promise<{ lessons: LessonCounts[]; broadcasts: BroadcastCounts[] }>;
}

export interface SuppressionStore {
  isSuppressed(email: string): Promise<boolean>;
  /** Adds the hash and cancels queued deliveries to the address, in one transaction. */
  add(email: string, reason: string, now: Date): Promise<{ added: boolean }>;
  remove(email: string): Promise<{ removed: boolean }>;
  list(): Promise<Suppression[]>;
}

export interface BroadcastStore {
  create(input: {
    slug: string;
    contentHash: string;
    subject: string;
    seriesId?: string | null;
    sendAt?: Date | null;
    message?: BroadcastMessage;
    now: Date;
  }): Promise<Broadcast>;
  getById(id: string): Promise<Broadcast | null>;
  /** The rendered message the broadcast was confirmed with; null when none was stored. */
  messageOf(id: string): Promise<BroadcastMessage | null>;
  /** The newest broadcast with this slug (a `--force-new` send makes a newer one). */
  getBySlug(slug: string): Promise<Broadcast | null>;
  list(): Promise<Broadcast[]>;
  /** How many a snapshot taken now would hold (same rule as `snapshotRecipients`), for a dry run. */
  countRecipients(filter: { seriesId?: string | null }): Promise<number>;
  /** The first `limit` addresses a snapshot taken now would hold, to show before confirming. */
  sampleRecipients(filter: { seriesId?: string | null }, limit: number): Promise<string[]>;
  /**
   * Fixes the recipient list (once: a draft or scheduled broadcast becomes `sending`) with
   * one INSERT … SELECT: active, non-suppressed subscribers, enrolled in `seriesId` when set.
   * Later calls insert nothing and return the recorded total.
   */
  snapshotRecipients(id: string, filter: { seriesId?: string | null }, now: Date): Promise<{ inserted: number; total: number }>;
  setStatus(id: string, status: BroadcastStatus, now: Date): Promise<Broadcast | null>;
  /** Cancels what has not gone and marks the broadcast cancelled, in one transaction. */
  cancel(id: string, now: Date): Promise<{ cancelled: number } | null>;
  /** Marks `sending` broadcasts with nothing left queued or in flight as `sent`. */
  settle(now: Date): Promise<void>;
}

export interface WebhookEventStore {
  /** False when this event id was seen before. */
  recordOnce(id: string, type: string, now: Date): Promise<boolean>;
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  readonly subscribers: SubscriberStore;
  readonly enrollments: EnrollmentStore;
  readonly deliveries: DeliveryStore;
  readonly suppressions: SuppressionStore;
  readonly broadcasts: BroadcastStore;
  readonly webhookEvents: WebhookEventStore;
  /** This database's random value for Message-IDs (hex), drawn when it was made. */
  messageIdSeed(): Promise<string>;
  readonly admin: AdminStore;
  readonly readers: ReaderSearch;
  readonly broadcastDrafts: BroadcastDraftStore;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Postgres connection string; when set, Postgres is used. */
  databaseUrl?: string;
  /** SQLite file (default `data/coursemail.sqlite` under the working directory). */
  sqlitePath?: string;
}

export interface AuditEntry {
  id: string;
  at: Date;
  /** The signed-in address, or `system`. */
  actor: string;
  action: string;
  detail: string;
}

/** The console's sign-in links, sessions and audit log. Every key arrives already hashed. */
export interface AdminStore {
  addSignIn(link: { idHash: string; email: string; browserHash: string; expiresAt: Date }, now: Date): Promise<void>;
  /** Marks an unused, unexpired link used and returns it; undefined when it is not (any more). */
  useSignIn(idHash: string, now: Date): Promise<{ email: string; browserHash: string } | undefined>;
  /** The link's browser hash while it can still be used (the button page checks it). */
  pendingSignIn(idHash: string, now: Date): Promise<{ email: string; browserHash: string } | undefined>;
  addSession(idHash: string, email: string, now: Date): Promise<void>;
  /** The session's address when it was seen within `idleMs`, and marks it seen now. */
  touchSession(idHash: string, now: Date, idleMs: number): Promise<string | undefined>;
  endSession(idHash: string): Promise<void>;
  /** Ends every session of one address; returns how many. */
  endSessionsOf(email: string): Promise<number>;
  /** Append-only: there is no update or delete. */
  audit(entry: { actor: string; action: string; detail: string }, now: Date): Promise<void>;
  auditLog(opts: { limit: number; offset: number }): Promise<{ entries: AuditEntry[]; total: number }>;
}

/** The console's reader list: address or name contains `query` (any case), newest first. */
export interface ReaderSearch {
  search(opts: {
    query?: string;
    status?: SubscriberStatus;
    /** Enrolled in `seriesId`; with `stepSlug`, their last lesson sent was that one (null: none yet). */
    course?: { seriesId: string; stepSlug?: string | null };
    limit: number;
    offset: number;
  }): Promise<{ readers: Subscriber[]; total: number }>;
}

/** A broadcast written in the console: a broadcast file's frontmatter fields and its body. */
export interface BroadcastDraftFields {
  slug: string;
  subject: string;
  preheader: string;
  /** The audience: subscribers of this series; null for every active subscriber. */
  seriesId: string | null;
  /** As typed: an ISO date-time with a zone, checked when the draft is rendered. */
  sendAt: string | null;
  ctaText: string | null;
  ctaHref: string | null;
  body: string;
}

export interface StoredBroadcastDraft extends BroadcastDraftFields {
  id: string;
  /** Counts saves; a save names the revision it was made from. */
  revision: number;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
}

export type DraftSaveResult = { ok: true; draft: StoredBroadcastDraft } | { ok: false; reason: 'slug-taken' | 'conflict' | 'missing' };

/** Console drafts, shared by every host on the database. */
export interface BroadcastDraftStore {
  create(fields: BroadcastDraftFields, by: string, now: Date): Promise<DraftSaveResult>;
  get(id: string): Promise<StoredBroadcastDraft | null>;
  getBySlug(slug: string): Promise<StoredBroadcastDraft | null>;
  /** Most recently edited first. */
  list(): Promise<StoredBroadcastDraft[]>;
  /** Saves only over `revision` (else `conflict`: someone saved since it was opened). */
  update(id: string, fields: BroadcastDraftFields, opts: { revision: number; by: string; now: Date }): Promise<DraftSaveResult>;
  remove(id: string): Promise<boolean>;
}
