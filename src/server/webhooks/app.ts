import { Hono } from 'hono';
import type { DeliveryStore } from '../../store/index.ts';
import { classifyResendEvent } from './classify.ts';
import { readCappedBytes, TOO_LARGE } from '../read-body.ts';
import { verifierClient, verifySignature, webhookSecret } from './verify.ts';

/** Resend's events are a few KB; anything this big is not one of them. */
const MAX_WEBHOOK_BODY = 256 * 1024;

export interface WebhookLogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  eventId?: string;
  type?: string;
  emailId?: string;
}

/** One log line for an entry, as `serve` and `dev` print it. */
export function webhookLogLine(e: WebhookLogEntry): string {
  return `webhook ${e.level}: ${e.message}${e.eventId ? ` (${e.eventId})` : ''}`;
}

export interface WebhookDeps {
  store: { deliveries: Pick<DeliveryStore, 'applyProviderEvent'> };
  /** `RESEND_WEBHOOK_SECRET` (whsec_…); checked when the app is created. */
  secret: string | undefined;
  /** Time recorded for the event's effects (delivered, bounced…). */
  clock: () => Date;
  log: (entry: WebhookLogEntry) => void;
  maxBodyBytes?: number;
}

/**
 * `POST /webhooks/resend`: size cap → signature (401, nothing stored) → JSON (400) → dedupe on `svix-id` and apply, in one store transaction.
 * Every well-signed event gets a 2xx (unknown ids and replays included) so Resend does not retry what we chose to ignore; only a 500 asks for a retry.
 */
export function createWebhookApp(deps: WebhookDeps): Hono {
  const secret = webhookSecret(deps.secret);
  const resend = verifierClient();
  const maxBytes = deps.maxBodyBytes ?? MAX_WEBHOOK_BODY;
  const app = new Hono();

  app.post('/webhooks/resend', async (c) => {
    const bytes = await readCappedBytes(c, maxBytes);
    if (bytes === TOO_LARGE) {
      deps.log({ level: 'warn', message: `refused a webhook body over ${maxBytes} bytes` });
      return c.json({ error: `body over ${maxBytes} bytes` }, 413);
    }
    // The signature covers the exact bytes: nothing is parsed or re-encoded before it is checked.
    const body = bytes.toString('utf8');
    const headers = { id: c.req.header('svix-id'), timestamp: c.req.header('svix-timestamp'), signature: c.req.header('svix-signature') };
    const verified = verifySignature(resend, secret, body, headers);
    if (!verified.ok) {
      deps.log({ level: 'warn', message: `refused a webhook: ${verified.reason}`, eventId: headers.id });
      return c.json({ error: verified.status === 401 ? 'signature check failed' : verified.reason }, verified.status);
    }
    const eventId = headers.id!;
    const classified = classifyResendEvent(eventId, verified.payload, deps.clock());
    if (classified.kind === 'invalid') {
      deps.log({ level: 'warn', message: `refused a signed webhook: ${classified.reason}`, eventId });
      return c.json({ error: classified.reason }, 400);
    }
    if (classified.kind === 'ignore') {
      deps.log({ level: 'info', message: 'ignored: not an event coursemail acts on', eventId, type: classified.type });
      return c.json({ ok: true, outcome: 'ignored' });
    }
    const { event, emailId } = classified;
    const result = await deps.store.deliveries.applyProviderEvent(event);
    const where = { eventId, type: event.type, emailId };
    if (result.outcome === 'unknown') {
      deps.log({ level: 'info', message: 'no delivery carries this email id (another sender on the account, or another database); accepted', ...where });
    } else if (result.outcome === 'duplicate') {
      deps.log({ level: 'info', message: 'already applied (a replay); nothing changed', ...where });
    } else {
      deps.log({ level: 'info', message: `applied: ${event.effect}${event.reason ? ` (${event.reason})` : ''} to delivery ${result.deliveryId}`, ...where });
    }
    return c.json({ ok: true, outcome: result.outcome });
  });

  app.onError((err, c) => {
    deps.log({ level: 'error', message: `webhook failed: ${err.message}` });
    return c.json({ error: 'internal error; the provider will retry' }, 500);
  });

  return app;
}
