import type { ProviderEvent } from '../../store/index.ts';

export type Classified =
  | { kind: 'apply'; event: ProviderEvent; emailId: string }
  /** Signed and well-formed, but nothing for us: opens, clicks, contacts, domains… */
  | { kind: 'ignore'; type: string }
  | { kind: 'invalid'; reason: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/**
 * Which Resend events change anything, and how. Opens and clicks are not among them:
 * coursemail does not track readers, so those events are not even recorded.
 */
function effectOf(type: string, data: Record<string, unknown>): { effect: ProviderEvent['effect']; reason?: string } | undefined {
  switch (type) {
    case 'email.sent':
      return { effect: 'none' };
    case 'email.delivered':
      return { effect: 'delivered' };
    case 'email.delivery_delayed':
      return { effect: 'delayed' };
    case 'email.failed': {
      const failed = isRecord(data.failed) ? data.failed : {};
      return { effect: 'failed', reason: text(failed.reason) ?? 'failed at the provider' };
    }
    case 'email.bounced': {
      // `bounce.type` is SES's classification: Permanent, Transient or Undetermined.
      // Only a permanent bounce says the address is dead; the others may pass later.
      const bounce = isRecord(data.bounce) ? data.bounce : {};
      const kind = (text(bounce.type) ?? '').toLowerCase();
      const reason = [text(bounce.type), text(bounce.subType)].filter(Boolean).join('/') + (text(bounce.message) ? `: ${text(bounce.message)}` : '');
      if (kind === 'permanent') return { effect: 'bounce', reason };
      return { effect: kind === 'transient' ? 'delayed' : 'none', reason };
    }
    case 'email.complained':
      return { effect: 'complaint' };
    case 'email.suppressed': {
      // Resend refused to send: the address is on its suppression list (an earlier hard
      // bounce or complaint), so it is as dead to us as a permanent bounce.
      const s = isRecord(data.suppressed) ? data.suppressed : {};
      return { effect: 'bounce', reason: text(s.message) ?? 'suppressed by the provider' };
    }
    default:
      return undefined;
  }
}

/** A verified payload and its `svix-id` → the store's event, or why nothing is done. */
export function classifyResendEvent(eventId: string, payload: unknown, at: Date): Classified {
  if (!isRecord(payload)) return { kind: 'invalid', reason: 'the payload is not a JSON object' };
  const type = text(payload.type);
  if (!type) return { kind: 'invalid', reason: 'the payload has no "type"' };
  const data = isRecord(payload.data) ? payload.data : {};
  const effect = effectOf(type, data);
  if (!effect) return { kind: 'ignore', type };
  const emailId = text(data.email_id) ?? '';
  return {
    kind: 'apply',
    emailId,
    event: { eventId, type, providerId: emailId || null, at, effect: effect.effect, ...(effect.reason ? { reason: effect.reason } : {}) },
  };
}
