import { Resend } from 'resend';
import { CoursemailError } from '../../shared/index.ts';

/** Signing secrets look like `whsec_` + base64 of the key (Svix / Standard Webhooks). */
const SECRET = /^(?:whsec_)?[A-Za-z0-9+/]+={0,2}$/;

/** Checks `RESEND_WEBHOOK_SECRET` up front, so a typo is a startup error and not a 401 per event. */
export function webhookSecret(value: string | undefined): string {
  const secret = value?.trim() ?? '';
  if (!secret) {
    throw new CoursemailError(
      'webhooks.secret',
      'RESEND_WEBHOOK_SECRET is not set: copy the signing secret (whsec_…) from the webhook’s page in the Resend dashboard.',
    );
  }
  if (!SECRET.test(secret)) {
    throw new CoursemailError(
      'webhooks.secret',
      'RESEND_WEBHOOK_SECRET is not a signing secret: expected whsec_ followed by base64, as the Resend dashboard shows it.',
    );
  }
  return secret;
}

export interface SignatureHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

export type Verified = { ok: true; payload: unknown } | { ok: false; status: 400 | 401; reason: string };

/**
 * The SDK's own check (HMAC-SHA256 over `id.timestamp.body`, constant-time compare, a
 * timestamp within 5 minutes of the real clock). It parses the JSON only after the
 * signature matched, so a SyntaxError means a genuine but malformed body.
 */
export function verifySignature(resend: Resend, secret: string, body: string, headers: SignatureHeaders): Verified {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return { ok: false, status: 401, reason: 'missing svix-id, svix-timestamp or svix-signature' };
  try {
    const payload: unknown = resend.webhooks.verify({ payload: body, headers: { id, timestamp, signature }, webhookSecret: secret });
    if (payload === undefined) return { ok: false, status: 400, reason: 'empty body' };
    return { ok: true, payload };
  } catch (err) {
    if (err instanceof SyntaxError) return { ok: false, status: 400, reason: 'body is not JSON' };
    return { ok: false, status: 401, reason: (err as Error).message };
  }
}

/** Verification needs no API key; the client is built with a placeholder and never calls out. */
export function verifierClient(): Resend {
  return new Resend('re_webhook_verification_only');
}
