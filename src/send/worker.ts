import type { Config } from '../config/index.ts';
import { heldUntil } from '../schedule/index.ts';
import { CoursemailError } from '../shared/index.ts';
import { confirmUrl, publicId, subscriberLinks } from '../tokens/index.ts';
import type { Catalog, CatalogEntry } from './catalog.ts';
import { composeMessage } from './compose.ts';
import { enqueueDue } from './enqueue-due.ts';
import type { ClaimedBatch, ClaimedDelivery, DeliveryOutcome, LeaseHolder, SendStore } from './store-port.ts';
import { StopRunError, type OutgoingMessage, type SendOutcome, type Transport } from './transport.ts';

/** Broadcast messages are looked up by id; the broadcast module supplies them. A string says why there is none. */
export type BroadcastLookup = (broadcastId: string) => Promise<CatalogEntry | string | undefined>;

export interface WorkerOptions {
  store: SendStore;
  transport: Transport;
  catalog: Catalog;
  config: Pick<Config, 'postalAddress' | 'sender' | 'publicUrl'>;
  secret: string;
  /** Unique per process; leases carry it. */
  owner: string;
  /** The run's clock: `--now` replays time, the `Date` header included. */
  clock: () => Date;
  broadcasts?: BroadcastLookup;
  /** Claim only these kinds (`broadcast send` takes `['broadcast']`); the drip pass runs only when lessons are among them. */
  kinds?: ClaimedDelivery['kind'][];
  /** Runs at the start of every pass with the run's clock: scheduled broadcasts that fell due are released here. */
  beforePass?: (now: Date) => Promise<unknown>;
  /**
   * False for the extra loops of `--concurrency N`: they only claim and send, while one
   * loop per process does the planning (scheduler pass, scheduled broadcasts). Planning
   * is safe to repeat anywhere — delivery rows are unique — this only saves the work.
   */
  plans?: boolean;
  batchSize?: number;
  leaseMs?: number;
  /** Per delivery: retries before it is marked failed. */
  maxAttempts?: number;
  onBatch?: (summary: BatchSummary) => void;
  /**
   * A pass failed (the database unreachable, say) and `run()` will try again in `retryInMs` (0: it will not, being on its way out).
   * Outages are survivable: claimed rows are reclaimed when the lease expires and resent under the same key, which the provider deduplicates.
   */
  onError?: (error: unknown, retryInMs: number) => void;
}

export interface BatchSummary {
  sent: number;
  failed: number;
  retried: number;
  /** Lessons claimed after their send window closed, put back for its next opening. */
  held: number;
  reclaimed: boolean;
}

export interface RunSummary {
  enqueued: number;
  sent: number;
  failed: number;
  retried: number;
  /** Lessons put back for their next send window (see BatchSummary.held). */
  held: number;
  batches: number;
}

const RETRY_BASE_MS = 60_000;
/** After a failed pass `run()` waits 1 s, doubling per failure in a row, up to 30 s. */
const PASS_BACKOFF_MS = 1_000;
const PASS_BACKOFF_CAP_MS = 30_000;
/** Recording a sent batch is retried this many times (0.25 s, doubling) before the pass fails. */
const RECORD_ATTEMPTS = 5;

/**
 * A permanent SMTP reply about the recipient: RFC 3463 5.1.x (bad address) or 5.2.1
 * (mailbox disabled), or without an enhanced code a bare 550/551/553. Other 5xx replies
 * (5.7.x policy, 554 content) are about the sender or the message and suppress nothing.
 */
function rejectsRecipient(reason: string): boolean {
  const m = /^(5\d\d)(?:[ -](\d\.\d{1,3}\.\d{1,3}))?/.exec(reason.trim());
  if (!m) return false;
  if (m[2]) return m[2].startsWith('5.1.') || m[2] === '5.2.1';
  return m[1] === '550' || m[1] === '551' || m[1] === '553';
}

type Optional = 'broadcasts' | 'onBatch' | 'onError' | 'kinds' | 'beforePass' | 'plans';

export class Worker {
  private stopping = false;
  private readonly o: Required<Omit<WorkerOptions, Optional>> & Pick<WorkerOptions, Optional>;

  constructor(options: WorkerOptions) {
    this.o = { batchSize: options.transport.maxBatch, leaseMs: 5 * 60_000, maxAttempts: 8, ...options };
  }

  /** Asks the loop to finish the batch in flight and stop. */
  stop(): void {
    this.stopping = true;
  }

  get stopped(): boolean {
    return this.stopping;
  }

  /** One scheduler pass, then claim and send until nothing is due. */
  async runOnce(): Promise<RunSummary> {
    const enqueued = this.o.plans !== false ? await this.plan() : 0;
    return { ...(await this.drain()), enqueued };
  }

  /** The planning half of a pass: release scheduled broadcasts, turn due drip steps into delivery rows. */
  async plan(): Promise<number> {
    await this.o.beforePass?.(this.o.clock());
    if (this.o.kinds && !this.o.kinds.includes('lesson')) return 0;
    await this.o.catalog.refresh?.();
    return (await enqueueDue(this.o.store, this.o.catalog, this.o.clock())).enqueued;
  }

  /**
   * The sending half: claim and send batches until nothing is claimable (or `stop()`). One batch per loop at a time, so a worker that dies
   * strands one batch per loop; `--concurrency N` runs N loops to keep the connection busy while one does its database work.
   */
  async drain(): Promise<RunSummary> {
    const summary: RunSummary = { enqueued: 0, sent: 0, failed: 0, retried: 0, held: 0, batches: 0 };
    let batch = this.stopping ? null : await this.o.store.deliveries.claim(this.claimOptions());
    while (batch) {
      try {
        await this.o.catalog.refresh?.();
      } catch (err) {
        // Sources changed and do not build: the batch goes back untouched, under its key.
        await this.o.store.deliveries.releaseLeases(this.o.owner);
        throw err;
      }
      const p = await this.prepare(batch);
      let results: SendOutcome[];
      try {
        results = await this.transmit(p);
      } catch (err) {
        // The provider said stop (quota, credentials): give the rows back and end the run.
        if (err instanceof StopRunError) {
          await this.o.store.deliveries.releaseLeases(this.o.owner);
          this.stopping = true;
        }
        throw err;
      }
      const { summary: b, next } = await this.finish(p, results);
      summary.batches++;
      summary.sent += b.sent;
      summary.failed += b.failed;
      summary.retried += b.retried;
      summary.held += b.held;
      this.o.onBatch?.(b);
      // Asked to stop while the next batch was being claimed (from onBatch, say): it goes
      // back to the queue untouched, under its key, and is claimed whole later.
      if (this.stopping && next) await this.o.store.deliveries.releaseLeases(this.o.owner);
      batch = this.stopping ? null : next;
    }
    return summary;
  }

  /**
   * Loops until `stop()`, sleeping `idleMs` when nothing is due. A failed pass goes to `onError` and is retried with backoff, so a database restart
   * or a network blip does not end the worker; only the provider's stop (quota, credentials) does. Leases are released on the way out.
   */
  async run(idleMs = 5_000, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<void> {
    let failures = 0;
    try {
      while (!this.stopping) {
        let s: RunSummary;
        try {
          s = await this.runOnce();
          failures = 0;
        } catch (error) {
          if (error instanceof StopRunError) throw error;
          if (this.stopping) {
            this.o.onError?.(error, 0);
            break;
          }
          failures++;
          const wait = Math.min(PASS_BACKOFF_CAP_MS, PASS_BACKOFF_MS * 2 ** (failures - 1));
          this.o.onError?.(error, wait);
          await sleep(wait);
          continue;
        }
        if (s.batches === 0 && !this.stopping) await sleep(idleMs);
      }
    } finally {
      // Unreachable database on the way out: the leases expire by themselves.
      await this.o.store.deliveries.releaseLeases(this.o.owner).catch((error: unknown) => this.o.onError?.(error, 0));
    }
  }

  private async entryFor(d: ClaimedDelivery): Promise<CatalogEntry | string | undefined> {
    if (d.kind === 'broadcast' && d.broadcastId) return this.o.broadcasts?.(d.broadcastId);
    if (d.kind === 'lesson' && d.seriesId && d.stepSlug) return this.o.catalog.lesson(d.seriesId, d.stepSlug);
    if (d.kind === 'confirm' && d.seriesId) return this.o.catalog.confirm(d.seriesId);
    return undefined;
  }

  private async compose(d: ClaimedDelivery, now: Date): Promise<OutgoingMessage | string> {
    const entry = await this.entryFor(d);
    if (typeof entry === 'string') return entry;
    if (!entry) return d.kind === 'lesson' ? `lesson "${d.stepSlug}" is no longer in series "${d.seriesId}"` : `no message for ${d.kind} delivery`;
    if (!d.subscriberId) return 'the subscriber was erased';
    const links: { unsubscribeUrl: string; preferencesUrl: string; confirmUrl?: string } = subscriberLinks(
      this.o.config.publicUrl,
      this.o.secret,
      d.subscriberId,
    );
    if (d.kind === 'confirm') {
      const sub = await this.o.store.subscribers.getById(d.subscriberId);
      if (!sub?.confirmNonce) return 'nothing to confirm: the subscriber is no longer pending';
      links.confirmUrl = confirmUrl(this.o.config.publicUrl, this.o.secret, d.subscriberId, sub.confirmNonce, now);
    }
    const tags: Record<string, string> = { kind: d.kind };
    if (d.seriesId) tags.series = d.seriesId;
    if (d.stepNumber !== null) tags.step = String(d.stepNumber);
    if (d.broadcastId) tags.broadcast = d.broadcastId;
    try {
      return composeMessage(this.o.config, {
        deliveryId: d.id,
        publicId: publicId(this.o.secret, 'delivery', d.id),
        compiled: entry.compiled,
        sender: entry.sender,
        to: d.toEmail,
        firstName: d.firstName,
        links,
        tags,
        now,
      });
    } catch (err) {
      if (err instanceof CoursemailError) return err.message;
      throw err;
    }
  }

  /**
   * What the provider accepted must be written down: a lost connection is retried for a
   * few seconds before giving up. If it still fails the rows stay leased, are reclaimed on
   * expiry and resent under the same key, which the provider answers from its record.
   */
  private async record(outcomes: DeliveryOutcome[], lease: LeaseHolder): Promise<ClaimedBatch | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        // The next batch is claimed in the same transaction unless the loop is stopping.
        if (this.stopping) {
          await this.o.store.deliveries.recordOutcomes(outcomes, lease);
          return null;
        }
        return await this.o.store.deliveries.recordAndClaim(outcomes, lease, this.claimOptions());
      } catch (error) {
        if (attempt >= RECORD_ATTEMPTS) throw error;
        await new Promise((r) => setTimeout(r, 250 * 2 ** (attempt - 1)));
      }
    }
  }

  private claimOptions() {
    return { owner: this.o.owner, limit: this.o.batchSize, leaseMs: this.o.leaseMs, now: this.o.clock(), kinds: this.o.kinds };
  }

  /**
   * Lessons whose send window closed between falling due and this claim go back to the
   * queue for its next opening; broadcasts and confirmations are not held. A batch whose key
   * may have reached the provider (retried, reclaimed) goes out whole: it may have been sent.
   */
  private async holdLate(batch: ClaimedBatch, now: Date): Promise<{ batch: ClaimedBatch; held: number }> {
    if (!batch.fresh) return { batch, held: 0 };
    const held: { id: string; dueAt: Date }[] = [];
    const deliveries = batch.deliveries.filter((d) => {
      const course = d.kind === 'lesson' && d.seriesId && d.stepSlug ? this.o.catalog.courses.get(d.seriesId) : undefined;
      const dueAt = course && heldUntil(course, d.stepSlug!, d.timezone, now);
      if (dueAt) held.push({ id: d.id, dueAt });
      return !dueAt;
    });
    if (held.length) await this.o.store.deliveries.defer(held, { owner: this.o.owner, batchKey: batch.batchKey });
    return { batch: { ...batch, deliveries }, held: held.length };
  }

  /** Fills a claimed batch's messages; rows that cannot be composed fail here. */
  private async prepare(claimed: ClaimedBatch): Promise<Prepared> {
    const now = this.o.clock();
    const { batch, held } = await this.holdLate(claimed, now);
    const unsent: DeliveryOutcome[] = [];
    const messages: OutgoingMessage[] = [];
    for (const d of batch.deliveries) {
      const m = await this.compose(d, now);
      const refused = typeof m === 'string' ? [m] : (this.o.transport.check?.(m) ?? []);
      if (refused.length) unsent.push({ id: d.id, status: 'failed', reason: refused.join('; '), at: now });
      else messages.push(m as OutgoingMessage);
    }
    return { batch, messages, unsent, held, now };
  }

  private async transmit(p: Prepared): Promise<SendOutcome[]> {
    return p.messages.length ? this.o.transport.sendBatch(p.messages, p.batch.batchKey) : [];
  }

  /**
   * Turns the provider's answers into outcomes and records them under this batch's lease,
   * claiming the loop's next batch in the same transaction.
   */
  private async finish(p: Prepared, results: SendOutcome[]): Promise<{ summary: BatchSummary; next: ClaimedBatch | null }> {
    const { batch, now } = p;
    const outcomes: DeliveryOutcome[] = [...p.unsent];
    const attempts = new Map(batch.deliveries.map((d) => [d.id, d.attempts]));
    const batchAttempts = Math.max(0, ...attempts.values());
    const rejected: string[] = [];
    const at = this.o.clock();
    for (const r of results) {
      if (r.status === 'sent') outcomes.push({ id: r.id, status: 'sent', providerId: r.providerId, ...(r.note ? { note: r.note } : {}), at });
      else if (r.status === 'failed' && r.sentEarlier) {
        outcomes.push({ id: r.id, status: 'sent', providerId: null, note: `sent by an earlier request under batch key ${batch.batchKey} (${r.reason})`, at });
      } else if (r.status === 'failed') {
        outcomes.push({ id: r.id, status: 'failed', reason: r.reason, at });
        if (this.o.transport.name === 'smtp' && rejectsRecipient(r.reason)) rejected.push(r.id);
      } else {
        const n = attempts.get(r.id) ?? 0;
        if (n + 1 >= this.o.maxAttempts) outcomes.push({ id: r.id, status: 'failed', reason: `gave up after ${n + 1} attempts: ${r.reason}`, at });
        // One time for the whole batch: it is retried whole, under its key (see store/claim.ts).
        else outcomes.push({ id: r.id, status: 'retry', reason: r.reason, retryAt: new Date(at.getTime() + RETRY_BASE_MS * 2 ** batchAttempts) });
      }
    }
    const next = await this.record(outcomes, { owner: this.o.owner, batchKey: batch.batchKey });
    // SMTP has no bounce webhooks: the server's final "no such mailbox" is the hard bounce.
    for (const id of rejected) {
      const subscriberId = batch.deliveries.find((d) => d.id === id)?.subscriberId;
      if (subscriberId) await this.o.store.subscribers.markBounced(subscriberId, now);
    }
    const summary: BatchSummary = {
      sent: outcomes.filter((o) => o.status === 'sent').length,
      failed: outcomes.filter((o) => o.status === 'failed').length,
      retried: outcomes.filter((o) => o.status === 'retry').length,
      held: p.held,
      reclaimed: batch.reclaimed,
    };
    return { summary, next };
  }
}

/** A claimed batch with its messages filled, ready to go out. */
interface Prepared {
  batch: ClaimedBatch;
  messages: OutgoingMessage[];
  /** Rows that could not be composed (lesson gone, subscriber erased, guard refused). */
  unsent: DeliveryOutcome[];
  /** Lessons put back for their next send window (see `holdLate`). */
  held: number;
  now: Date;
}
