import type { Problem } from '../shared/index.ts';
import type { Store } from '../store/index.ts';
import { normalizeEmail } from './normalize-email.ts';
import { removeOutboxCopies } from './outbox-copies.ts';

/**
 * Erasure on request: the subscriber, their enrollments, consent log, the personal data in their messages and the outbox's copies are deleted.
 * Only the address's hash stays, as a suppression, so no later import or sign-up mails them again; an address we never held is suppressed all the same.
 */
export async function forgetSubscriber(
  store: Store,
  input: string,
  now: Date,
  opts: { outboxDir?: string } = {},
): Promise<{ email: string; found: boolean; outboxFiles: number } | { problem: Problem }> {
  const normalized = normalizeEmail(input);
  if ('problem' in normalized) return normalized;
  const { found } = await store.subscribers.forget(normalized.email, now);
  const outboxFiles = opts.outboxDir ? await removeOutboxCopies(opts.outboxDir, normalized.email) : 0;
  return { email: normalized.email, found, outboxFiles };
}
