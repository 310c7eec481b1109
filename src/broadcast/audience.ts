import { emailHash, type Store } from '../store/index.ts';

const PAGE = 1000;

/**
 * How many subscribers a snapshot taken now would hold (the rule of `snapshotRecipients`), from the counts the store keeps.
 * Only when some address is suppressed are the active subscribers paged through, so they are never all in memory.
 */
export async function countRecipients(store: Store, seriesId: string | null): Promise<number> {
  let count = seriesId
    ? (await store.enrollments.countByStep())
        .filter((r) => r.seriesId === seriesId && r.subscriberStatus === 'active' && r.enrollmentStatus !== 'stopped')
        .reduce((n, r) => n + r.count, 0)
    : (await store.subscribers.countByStatus()).active;
  const suppressed = new Set((await store.suppressions.list()).map((s) => s.emailHash));
  if (suppressed.size === 0) return count;
  let after: string | undefined;
  for (;;) {
    const page = await store.subscribers.list({ status: 'active', limit: PAGE, after });
    for (const s of page) {
      if (!suppressed.has(emailHash(s.email))) continue;
      if (!seriesId) count--;
      else {
        const e = await store.enrollments.get(s.id, seriesId);
        if (e && e.status !== 'stopped') count--;
      }
    }
    if (page.length < PAGE) return count;
    after = page[page.length - 1]!.id;
  }
}

/** A few addresses a send would reach now, to show before confirming. */
export async function sampleRecipients(store: Store, seriesId: string | null, n = 5): Promise<string[]> {
  const suppressed = new Set((await store.suppressions.list()).map((s) => s.emailHash));
  const emails = seriesId
    ? (await store.enrollments.listActiveEnrollments({ seriesId, limit: n + suppressed.size })).map((e) => e.email)
    : (await store.subscribers.list({ status: 'active', limit: n + suppressed.size })).map((s) => s.email);
  return emails.filter((e) => !suppressed.has(emailHash(e))).slice(0, n);
}
