import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BROADCASTS_DIR } from '../content/index.ts';
import { CoursemailError } from '../shared/index.ts';
import type { Broadcast, BroadcastCounts, Store } from '../store/index.ts';
import { listBroadcastSlugs } from './draft.ts';
import { contentHash } from './file.ts';

/** A broadcast and where its copies are. `cancelled` includes recipients who left mid-send. */
export interface BroadcastProgress {
  broadcast: Broadcast;
  /** Recipients fixed by the snapshot (0 before it). */
  total: number;
  sent: number;
  failed: number;
  cancelled: number;
  queued: number;
  /** Queued and due now (the rest wait for a retry). */
  due: number;
  /** Claimed by a worker: in flight, or held by a lease that has not expired. */
  sending: number;
}

const EMPTY = { queued: 0, due: 0, sending: 0, sent: 0, failed: 0, cancelled: 0 };

/** The broadcast's progress from the store's counts of every broadcast. */
function progressFrom(broadcast: Broadcast, counts: BroadcastCounts[]): BroadcastProgress {
  const n = counts.find((c) => c.broadcastId === broadcast.id) ?? EMPTY;
  return { broadcast, total: broadcast.total ?? 0, sent: n.sent, failed: n.failed, cancelled: n.cancelled, queued: n.queued, due: n.due, sending: n.sending };
}

export async function progressOf(store: Store, broadcast: Broadcast, now: Date): Promise<BroadcastProgress> {
  return progressFrom(broadcast, (await store.deliveries.counts(now)).broadcasts);
}

/** One line of `broadcast status` and of the preview's list: a draft file, its newest broadcast, or both. */
export interface BroadcastStatus {
  slug: string;
  /** `broadcasts/<slug>.md`, when the file exists. */
  file?: string;
  /** `draft` when the file has never been sent. */
  state: Broadcast['status'];
  progress?: BroadcastProgress;
  /** The file's content differs from what its newest broadcast was started with. */
  changed: boolean;
  /** A console draft has this name (a broadcast with no file may have been sent from it). */
  drafted?: boolean;
}

/** Every draft in `broadcasts/` and every slug ever broadcast, newest broadcast per slug, with counts from one query. */
export async function broadcastStatuses(ctx: { root: string; store: Store }, now: Date, slug?: string): Promise<BroadcastStatus[]> {
  const rows = await ctx.store.broadcasts.list();
  const newest = new Map<string, Broadcast>();
  for (const b of rows) newest.set(b.slug, b); // list() is oldest first
  const counts = (await ctx.store.deliveries.counts(now)).broadcasts;
  const drafted = new Set((await ctx.store.broadcastDrafts.list()).map((d) => d.slug));
  const slugs = [...new Set([...listBroadcastSlugs(ctx.root), ...newest.keys()])].filter((s) => slug === undefined || s === slug).sort();
  return slugs.map((s) => {
    const path = join(ctx.root, BROADCASTS_DIR, `${s}.md`);
    const exists = existsSync(path);
    const b = newest.get(s);
    return {
      slug: s,
      file: exists ? `${BROADCASTS_DIR}/${s}.md` : undefined,
      state: b?.status ?? 'draft',
      progress: b ? progressFrom(b, counts) : undefined,
      changed: !!b && exists && contentHash(readFileSync(path)) !== b.contentHash,
      drafted: drafted.has(s),
    };
  });
}

/** Stops what has not gone of the newest broadcast of `slug`; copies already in flight still finish. */
export async function cancelBroadcast(store: Store, slug: string, now: Date): Promise<{ broadcast: Broadcast; cancelled: number }> {
  const b = await store.broadcasts.getBySlug(slug);
  if (!b) throw new CoursemailError('broadcast.not-started', `broadcasts/${slug}.md has not been sent or scheduled: nothing to cancel.`);
  if (b.status === 'sent')
    throw new CoursemailError('broadcast.finished', `Broadcast ${b.id} (broadcasts/${slug}.md) has already been sent in full: nothing left to cancel.`);
  if (b.status === 'cancelled') throw new CoursemailError('broadcast.finished', `Broadcast ${b.id} (broadcasts/${slug}.md) was already cancelled.`);
  const r = await store.broadcasts.cancel(b.id, now);
  return { broadcast: (await store.broadcasts.getById(b.id)) ?? b, cancelled: r?.cancelled ?? 0 };
}
