import type { Config } from '../config/index.ts';
import { Worker, type Catalog, type Transport } from '../send/index.ts';
import type { Store } from '../store/index.ts';
import type { BroadcastMessages } from './messages.ts';
import { progressOf, type BroadcastProgress } from './progress.ts';

export interface RunBroadcastOptions {
  store: Store;
  transport: Transport;
  config: Pick<Config, 'postalAddress' | 'sender' | 'publicUrl'>;
  secret: string;
  owner: string;
  clock: () => Date;
  messages: BroadcastMessages;
  broadcastId: string;
  /** How long a claimed batch is held; after a crash, another run takes it over once this passes. */
  leaseMs?: number;
  /** Pause while the rest is held by another worker's lease or waits for a retry. */
  pollMs?: number;
  /** Stops after the batch in flight; the rest stays queued for the next run. */
  signal?: AbortSignal;
  /** After every batch (sent/failed added as they are recorded) and after each pass (counted in the store). */
  onProgress?: (p: BroadcastProgress) => void;
  sleep?: (ms: number) => Promise<void>;
}

/** `broadcast send` claims broadcast rows only: a course's lessons are the worker's. */
const NO_COURSES: Catalog = { courses: new Map(), lesson: () => undefined, confirm: () => undefined };

/**
 * Sends through the worker path (leased batches, the transport's batch API, rate limit and
 * retries, the guard per message) until no copy of this broadcast is queued or in flight.
 * Copies another run holds are waited for, not taken, until their lease expires.
 */
export async function runBroadcast(o: RunBroadcastOptions): Promise<BroadcastProgress> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const row = await o.store.broadcasts.getById(o.broadcastId);
  if (!row) throw new Error(`runBroadcast: no broadcast ${o.broadcastId}`);
  let progress = await progressOf(o.store, row, o.clock());
  o.onProgress?.(progress);
  const worker = new Worker({
    store: o.store,
    transport: o.transport,
    catalog: NO_COURSES,
    config: o.config,
    secret: o.secret,
    owner: o.owner,
    clock: o.clock,
    broadcasts: o.messages.lookup,
    kinds: ['broadcast'],
    ...(o.leaseMs ? { leaseMs: o.leaseMs } : {}),
    onBatch: (b) => {
      progress = { ...progress, sent: progress.sent + b.sent, failed: progress.failed + b.failed };
      o.onProgress?.(progress);
    },
  });
  const stop = () => worker.stop();
  o.signal?.addEventListener('abort', stop);
  try {
    for (;;) {
      if (!o.signal?.aborted) await worker.runOnce();
      const now = o.clock();
      await o.store.broadcasts.settle(now);
      progress = await progressOf(o.store, (await o.store.broadcasts.getById(o.broadcastId)) ?? row, now);
      o.onProgress?.(progress);
      if (progress.queued + progress.sending === 0 || worker.stopped || o.signal?.aborted) return progress;
      await sleep(o.pollMs ?? 1000);
    }
  } finally {
    o.signal?.removeEventListener('abort', stop);
    await o.store.deliveries.releaseLeases(o.owner);
  }
}
