/**
 * What the sending pipeline needs from a transport. Declared here, by the consumer;
 * `src/deliver/` implements it for the outbox, SMTP and Resend.
 */
export interface OutgoingMessage {
  /** Stable id of the delivery row; transports derive idempotency keys from it. Never sent. */
  id: string;
  /**
   * The id the message carries out (X-Coursemail-Delivery): `publicId(secret, 'delivery', id)`
   * for a delivery row, so no header reveals a row id; a message without a row uses its own id.
   */
  publicId: string;
  from: { name: string; email: string };
  replyTo?: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Must include List-Unsubscribe and List-Unsubscribe-Post. */
  headers: Record<string, string>;
  /** Tags for the provider (Resend: `[A-Za-z0-9_-]` only), e.g. series and step. */
  tags: Record<string, string>;
  /** The message's `Date`; comes from the run's clock (`--now` replays time). */
  date: Date;
}

export type SendOutcome =
  /** `providerId` null with a `note`: accepted, but the provider's answer named no id for it. */
  | { id: string; status: 'sent'; providerId: string | null; note?: string }
  /**
   * Permanent: do not retry. `sentEarlier`: the batch key was already used by a processed request with another payload (Resend 409 invalid_idempotent_request);
   * a batch under a key only ever loses rows, so this message went out with that request: recorded as sent (provider id unknown), never sent again.
   */
  | { id: string; status: 'failed'; reason: string; permanent: true; sentEarlier?: true }
  /** Transient and still failing after the transport's own retries: try again later. */
  | { id: string; status: 'retry'; reason: string; permanent: false };

export interface Transport {
  readonly name: 'outbox' | 'smtp' | 'resend';
  /** Largest batch `sendBatch` accepts (Resend: 100; others send one by one inside). */
  readonly maxBatch: number;
  /**
   * Sends a batch; `batchKey` is fixed when the batch is claimed so a retry after a crash
   * sends the identical payload under the same idempotency key.
   */
  sendBatch(messages: OutgoingMessage[], batchKey: string): Promise<SendOutcome[]>;
  /**
   * What this transport would refuse in one message (the reasons; empty when it may go).
   * `sendBatch` refuses a whole batch holding such a message; the worker asks first, so one
   * bad message fails alone instead of holding its batch back on every lease expiry.
   */
  check?(message: OutgoingMessage): string[];
  close(): Promise<void>;
}

/**
 * Raised by a transport when the provider says to stop the whole run (quota, refused key or
 * login, TLS refused). Its message is one line for the operator: what failed, what to check.
 */
export class StopRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StopRunError';
  }
}
