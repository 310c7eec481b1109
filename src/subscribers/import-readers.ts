import type { Store } from '../store/index.ts';
import { importCsv, type ImportOptions, type ImportResult } from './import-csv.ts';

/** A confirmation email queued for each of these pending subscribers, 500 to a statement; returns how many were queued. */
export async function queueConfirmations(store: Store, ids: readonly string[], seriesId: string, now: Date): Promise<number> {
  let queued = 0;
  for (let i = 0; i < ids.length; i += 500) {
    queued += await store.deliveries.enqueue(
      ids.slice(i, i + 500).map((subscriberId) => ({ kind: 'confirm' as const, subscriberId, seriesId, dueAt: now })),
      now,
    );
  }
  return queued;
}

export interface ReadersImport extends ImportResult {
  /** Confirmation emails queued for the pending readers (none without a series: there is nothing to confirm). */
  queued: number;
}

/**
 * One import for `subscribers import` and the console's Import page: the CSV in (bad rows
 * reported, never stopping the rest), then a confirmation queued for each pending reader.
 */
export async function importReaders(store: Store, input: Parameters<typeof importCsv>[1], options: ImportOptions): Promise<ReadersImport> {
  const result = await importCsv(store, input, options);
  const queued = options.seriesId ? await queueConfirmations(store, result.needConfirmation, options.seriesId, options.now) : 0;
  return { ...result, queued };
}
