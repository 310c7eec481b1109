import type { OutgoingMessage, SendOutcome, Transport } from '../send/transport.ts';
import { StopRunError } from '../send/transport.ts';
import { CoursemailError } from '../shared/index.ts';
import { assertSendable, refusals } from './outgoing.ts';
import { RateLimiter, realSleep, type Sleep } from './rate-limiter.ts';
import { ResendClient, type ResendAnswer } from './resend-client.ts';
import { actionFor, describe, holdOffMs, stopLine } from './resend-errors.ts';
import { toResendEmail } from './resend-payload.ts';

export interface ResendTransportOptions {
  /** Default: RESEND_API_KEY. */
  apiKey?: string;
  /** Default: RESEND_BASE_URL, read by the SDK (a local Resend-compatible server in tests). */
  baseUrl?: string;
  /** Requests per second this transport sends at (Resend's default team limit is 5); null: no pacing. */
  requestsPerSecond?: number | null;
  /** Retries of one batch before its messages are handed back as `retry` (default 6). */
  maxRetries?: number;
  /** First backoff step; doubles per attempt, with jitter (default 500 ms, capped at 30 s). */
  backoffMs?: number;
  /** A request not answered in this time is abandoned and retried under the same key (default: RESEND_TIMEOUT_MS, else 30 s). */
  timeoutMs?: number;
  sleep?: Sleep;
  /** Jitter source, in [0, 1). */
  random?: () => number;
  env?: Record<string, string | undefined>;
  /** Where a warning goes (an answer that does not add up but is safe to accept); default stderr. */
  warn?: (line: string) => void;
}

/** Resend's batch endpoint takes at most 100 emails. */
const BATCH_LIMIT = 100;
const MAX_BACKOFF_MS = 30_000;
const RESEND_API = 'https://api.resend.com';

function positiveMs(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new CoursemailError('deliver.resend-timeout', `${name} must be a whole number of milliseconds, not "${raw}".`);
  return n;
}

export function createResendTransport(options: ResendTransportOptions = {}): Transport {
  const env = options.env ?? process.env;
  const apiKey = options.apiKey ?? env.RESEND_API_KEY;
  if (!apiKey) {
    throw new CoursemailError('deliver.resend-key', 'RESEND_API_KEY is not set: create an API key at resend.com and export it, or use the outbox transport.');
  }
  // Read here rather than by the SDK, so an injected `env` decides alone.
  const baseUrl = (options.baseUrl ?? env.RESEND_BASE_URL ?? RESEND_API).replace(/\/+$/, '');
  const client = new ResendClient(apiKey, { baseUrl });
  const warn = options.warn ?? ((line: string) => process.stderr.write(`coursemail: warning: ${line}\n`));
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const limiter = new RateLimiter(options.requestsPerSecond === undefined ? 5 : options.requestsPerSecond, sleep);
  const maxRetries = options.maxRetries ?? 6;
  const backoffMs = options.backoffMs ?? 500;
  const timeoutMs = options.timeoutMs ?? positiveMs(env.RESEND_TIMEOUT_MS, 'RESEND_TIMEOUT_MS') ?? 30_000;

  /** Exponential with "equal jitter": never less than half the step, so retries still spread out. */
  const backoff = (attempt: number) => {
    const step = Math.min(MAX_BACKOFF_MS, backoffMs * 2 ** (attempt - 1));
    return step / 2 + random() * (step / 2);
  };

  /**
   * Ids matched by position. An answer with another number of ids is still an acceptance:
   * the idempotency key guards any retry, so sending again could only duplicate. Warned about.
   */
  function accepted(messages: OutgoingMessage[], data: { data?: { id?: unknown }[] } | null, batchKey: string): SendOutcome[] {
    const ids = Array.isArray(data?.data) ? data.data.map((d) => (typeof d?.id === 'string' && d.id ? d.id : null)) : [];
    const missing = messages.length - ids.slice(0, messages.length).filter(Boolean).length;
    const note = `Resend accepted batch key ${batchKey} but answered ${ids.length} ids for ${messages.length} messages`;
    if (missing > 0 || ids.length !== messages.length)
      warn(`${note}; recorded as sent, ${missing} without a provider id (the key keeps a retry from sending again).`);
    return messages.map((m, i) => {
      const providerId = ids[i] ?? null;
      return providerId ? { id: m.id, status: 'sent', providerId } : { id: m.id, status: 'sent', providerId: null, note };
    });
  }

  async function sendBatch(messages: OutgoingMessage[], batchKey: string): Promise<SendOutcome[]> {
    if (messages.length === 0) return [];
    if (messages.length > BATCH_LIMIT) {
      throw new CoursemailError('deliver.batch-size', `A Resend batch holds at most ${BATCH_LIMIT} messages; ${messages.length} were given.`);
    }
    assertSendable(messages);
    const payload = messages.map(toResendEmail);
    const everyone = (outcome: (m: OutgoingMessage) => SendOutcome) => messages.map(outcome);

    for (let attempt = 1; ; attempt++) {
      await limiter.take();
      // The client's answer (resend-client.ts), typed by what it returns rather than the SDK's type.
      const res = (await client.batch.send(payload, { idempotencyKey: batchKey, signal: AbortSignal.timeout(timeoutMs) })) as unknown as ResendAnswer<{
        data?: { id?: unknown }[];
      }>;
      const holdOff = holdOffMs(res.headers);
      if (holdOff !== undefined) limiter.closeFor(holdOff);

      if (res.error === null) return accepted(messages, res.data, batchKey);

      const reason = describe(res.error);
      const action = actionFor(res.error);
      if (action === 'stop') throw new StopRunError(stopLine(res.error));
      // The key was used by a request Resend processed, with a different payload: a batch
      // resent after some of its readers left. Those messages went out then (see SendOutcome).
      const sentEarlier = res.error.name === 'invalid_idempotent_request' ? ({ sentEarlier: true } as const) : {};
      if (action === 'fail') return everyone((m) => ({ id: m.id, status: 'failed', permanent: true, reason, ...sentEarlier }));
      if (attempt > maxRetries) {
        return everyone((m) => ({ id: m.id, status: 'retry', permanent: false, reason: `${reason} (after ${attempt} attempts)` }));
      }
      // A server-given pause already holds the limiter; only unguided failures back off here.
      if (holdOff === undefined) await sleep(backoff(attempt));
    }
  }

  return { name: 'resend', maxBatch: BATCH_LIMIT, sendBatch, check: refusals, async close() {} };
}
