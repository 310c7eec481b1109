import type { Problem } from '../shared/index.ts';
import type { Store } from '../store/index.ts';
import { normalizeEmail } from './normalize-email.ts';

/**
 * Erasure on request: the subscriber, their enrollments and the personal data in their
 * messages are deleted; only the hash of the address stays, as a suppression, so no later
 * import or sign-up mails them again. An address we never held is suppressed all the same.
 */
export async function forgetSubscriber(
  store: Store,
  input: string,
  now: Date,
): Promise<{ email: string; found: boolean } | { problem: Problem }> {
  const normalized = normalizeEmail(input);
  if ('problem' in normalized) return normalized;
  const { found } = await store.subscribers.forget(normalized.email, now);
  return { email: normalized.email, found };
}
