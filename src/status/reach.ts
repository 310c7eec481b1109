import type { Unreported } from './types.ts';

/**
 * Delivered, bounced and complained come back only from a provider's reports (Resend's
 * webhooks). The outbox hears nothing; SMTP hears only a rejection at send time (a bounce).
 */
export function unreported(transport: string, webhooks: boolean): Unreported {
  if (transport === 'resend') return webhooks ? { columns: [], label: '' } : { columns: ['delivered', 'bounced', 'complained'], label: 'n/a without webhook' };
  if (transport === 'smtp') return { columns: ['delivered', 'complained'], label: 'n/a with smtp' };
  return { columns: ['delivered', 'bounced', 'complained'], label: `n/a with ${transport}` };
}

/** One line under the tables: what each column counts. */
export const LEGEND =
  'sent: handed to the transport · delivered, bounced, complained: reported back by the provider · unsubscribed: readers who left after that lesson · failed: gave up after retries · due: waiting to go out now.';
