import type { Project } from '../build/index.ts';
import type { Config } from '../config/index.ts';
import type { ComplianceCheck } from '../render/guard.ts';
import { fillMessage, sampleRecipient } from '../send/test-send.ts';
import { CoursemailError, type Problem } from '../shared/index.ts';
import type { Broadcast, Store } from '../store/index.ts';
import type { BroadcastDraft } from './draft.ts';
import { progressOf, type BroadcastProgress } from './progress.ts';

export interface BroadcastContext {
  project: Project;
  store: Store;
}

/**
 * What `send` would do with a draft, given the newest broadcast of its slug. The same content is never restarted: it resumes, waits or is done;
 * `start`/`schedule` make a new broadcast, and `refused` means the guard failed, the file changed, or it was cancelled (see `code`).
 */
export type SendAction =
  | { kind: 'start' }
  | { kind: 'schedule'; sendAt: Date }
  | { kind: 'resume'; broadcast: Broadcast }
  | { kind: 'wait'; broadcast: Broadcast }
  | { kind: 'done'; broadcast: Broadcast }
  | { kind: 'refused'; code: 'broadcast.refused' | 'broadcast.links' | 'broadcast.changed' | 'broadcast.cancelled'; reason: string; problems: Problem[] };

export interface SendPlan {
  draft: BroadcastDraft;
  action: SendAction;
  /** An unfinished earlier broadcast of this slug that `--force-new` cancels first. */
  replaces?: BroadcastProgress;
  /** The newest broadcast of this slug and how far it got, if there is one. */
  existing?: BroadcastProgress;
  subject: string;
  seriesId: string | null;
  /** Copies a send would put out: the audience now for a new broadcast, what is left for a resumed one. */
  recipients: number;
  sample: string[];
  /** HTML bytes once filled for a sample reader (Gmail clips past ~102 KB). */
  htmlBytes: number;
  checks: ComplianceCheck[];
}

export type StartResult =
  | { outcome: 'sending'; broadcast: Broadcast; total: number; resumed: boolean; replaced?: { broadcast: Broadcast; cancelled: number } }
  | { outcome: 'scheduled'; broadcast: Broadcast; replaced?: { broadcast: Broadcast; cancelled: number } }
  | { outcome: 'already-sent'; broadcast: Broadcast };

const unfinished = (b: Broadcast) => b.status === 'draft' || b.status === 'scheduled' || b.status === 'sending';
const day = (d: Date | null) => (d ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'an unknown date');

function decide(draft: BroadcastDraft, existing: BroadcastProgress | undefined, now: Date, forceNew: boolean, transport: Config['transport']): SendAction {
  if (!draft.built || !draft.parsed) {
    return {
      kind: 'refused',
      code: 'broadcast.refused',
      reason: `Not sent: ${draft.file} does not pass the checks, so not a single message went out.`,
      problems: draft.problems,
    };
  }
  // A link the text promises but the config has no URL for: fine in the outbox, not for readers.
  const missing = draft.built.warnings.filter((w) => w.code === 'link.missing');
  if (missing.length && transport !== 'outbox') {
    return {
      kind: 'refused',
      code: 'broadcast.links',
      reason: `Not sent: ${draft.file} links to ${missing.length === 1 ? 'a name' : 'names'} with no URL in coursemail.config.json, so not a single message went out.`,
      problems: missing,
    };
  }
  const sendAt = draft.parsed.sendAt;
  const fresh: SendAction = sendAt && sendAt > now ? { kind: 'schedule', sendAt } : { kind: 'start' };
  if (!existing || forceNew) return fresh;
  const b = existing.broadcast;
  if (b.contentHash !== draft.hash) {
    const where =
      b.status === 'sent'
        ? `was sent as broadcast ${b.id} on ${day(b.finishedAt)} and has changed since`
        : b.status === 'cancelled'
          ? `was broadcast ${b.id}, cancelled on ${day(b.finishedAt)}, and has changed since`
          : `has changed since broadcast ${b.id} was started (${existing.sent} of ${existing.total} sent)`;
    const restore = unfinished(b) ? 'Restore the version it was started with to resume it, or pass' : 'Pass';
    return {
      kind: 'refused',
      code: 'broadcast.changed',
      reason: `Refused: ${draft.file} ${where}. ${restore} --force-new to send the edited file as a new broadcast to everyone${unfinished(b) ? ' (the earlier one’s unsent copies are cancelled)' : ''}.`,
      problems: [],
    };
  }
  if (b.status === 'sent') return { kind: 'done', broadcast: b };
  if (b.status === 'cancelled') {
    return {
      kind: 'refused',
      code: 'broadcast.cancelled',
      reason: `Refused: broadcast ${b.id} (${draft.file}) was cancelled on ${day(b.finishedAt)}; pass --force-new to send it again as a new broadcast.`,
      problems: [],
    };
  }
  if (b.status === 'scheduled' && b.sendAt && b.sendAt > now) return { kind: 'wait', broadcast: b };
  return { kind: 'resume', broadcast: b };
}

async function existingOf(store: Store, slug: string, now: Date): Promise<BroadcastProgress | undefined> {
  const b = await store.broadcasts.getBySlug(slug);
  return b ? progressOf(store, b, now) : undefined;
}

/** Everything `--dry-run` and the confirmation show; sends nothing and writes nothing. */
export async function planSend(ctx: BroadcastContext, draft: BroadcastDraft, opts: { now: Date; forceNew?: boolean; sampleSize?: number }): Promise<SendPlan> {
  const existing = await existingOf(ctx.store, draft.slug, opts.now);
  const action = decide(draft, existing, opts.now, opts.forceNew ?? false, ctx.project.config.transport);
  const seriesId = action.kind === 'resume' || action.kind === 'wait' || action.kind === 'done' ? action.broadcast.seriesId : (draft.parsed?.series ?? null);
  const recipients =
    action.kind === 'done'
      ? 0
      : action.kind === 'resume' && existing && existing.broadcast.total !== null
        ? existing.queued + existing.sending
        : await ctx.store.broadcasts.countRecipients({ seriesId });
  const message = draft.built?.message;
  return {
    draft,
    action,
    existing,
    replaces: (action.kind === 'start' || action.kind === 'schedule') && existing && unfinished(existing.broadcast) ? existing : undefined,
    subject: draft.parsed?.subject ?? '',
    seriesId,
    recipients,
    sample: await ctx.store.broadcasts.sampleRecipients({ seriesId }, 5),
    htmlBytes: message ? Buffer.byteLength(fillMessage(message, sampleRecipient(ctx.project.config, 'named')).html) : 0,
    checks: draft.checks,
  };
}

/**
 * Starts (or resumes) the send of a draft, refusing before any row is written, so a refused send leaves nothing behind.
 * A future `sendAt` is only recorded (`releaseScheduledBroadcasts` snapshots it when due); `forceNew` cancels an unfinished earlier broadcast first.
 */
export async function startSend(ctx: BroadcastContext, draft: BroadcastDraft, opts: { now: Date; forceNew?: boolean }): Promise<StartResult> {
  const { store } = ctx;
  const existing = await existingOf(store, draft.slug, opts.now);
  const action = decide(draft, existing, opts.now, opts.forceNew ?? false, ctx.project.config.transport);
  switch (action.kind) {
    case 'refused':
      throw new CoursemailError(action.code, action.reason, action.problems);
    case 'done':
      return { outcome: 'already-sent', broadcast: action.broadcast };
    case 'wait':
      return { outcome: 'scheduled', broadcast: action.broadcast };
    case 'resume': {
      const { total } = await store.broadcasts.snapshotRecipients(action.broadcast.id, { seriesId: action.broadcast.seriesId }, opts.now);
      return { outcome: 'sending', broadcast: (await store.broadcasts.getById(action.broadcast.id))!, total, resumed: action.broadcast.status === 'sending' };
    }
    case 'start':
    case 'schedule': {
      let replaced: { broadcast: Broadcast; cancelled: number } | undefined;
      if (existing && unfinished(existing.broadcast)) {
        const r = await store.broadcasts.cancel(existing.broadcast.id, opts.now);
        replaced = { broadcast: existing.broadcast, cancelled: r?.cancelled ?? 0 };
      }
      const parsed = draft.parsed!;
      const { subject, html, text, senderName, senderEmail } = draft.built!.message;
      const created = await store.broadcasts.create({
        slug: draft.slug,
        contentHash: draft.hash,
        subject: parsed.subject,
        seriesId: parsed.series ?? null,
        sendAt: parsed.sendAt ?? null,
        // What workers send: the message as rendered and guarded now, whatever the file becomes.
        message: { subject, html, text, senderName, senderEmail },
        now: opts.now,
      });
      if (action.kind === 'schedule') return { outcome: 'scheduled', broadcast: created, replaced };
      const { total } = await store.broadcasts.snapshotRecipients(created.id, { seriesId: created.seriesId }, opts.now);
      return { outcome: 'sending', broadcast: (await store.broadcasts.getById(created.id))!, total, resumed: false, replaced };
    }
  }
}
