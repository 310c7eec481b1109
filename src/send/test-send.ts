import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from '../config/index.ts';
import { createTransport } from '../deliver/index.ts';
import { compileMessage, personalize, type CompiledMessage, type PersonalizedMessage, type Recipient } from '../personalize/index.ts';
import { complianceChecklist, type ComplianceCheck } from '../render/guard.ts';
import type { RenderedMessage } from '../render/render-message.ts';
import { CoursemailError } from '../shared/index.ts';
import { confirmUrl, subscriberLinks } from '../tokens/index.ts';
import type { OutgoingMessage, SendOutcome, Transport } from './transport.ts';

/** The readers a preview fills a message for: the cases that change how it reads. */
export const SAMPLE_SUBSCRIBERS = {
  named: { label: 'With a name', firstName: 'Maya' },
  anonymous: { label: 'Without a name', firstName: null },
  long: { label: 'A long name', firstName: 'Alexandria-Konstantina Montgomery-Oyelaran' },
} as const satisfies Record<string, { label: string; firstName: string | null }>;

export type SampleId = keyof typeof SAMPLE_SUBSCRIBERS;

export function isSampleId(value: unknown): value is SampleId {
  return typeof value === 'string' && Object.hasOwn(SAMPLE_SUBSCRIBERS, value);
}

/**
 * Signed like real links (same length and shape, so sizes and line wraps are true to life)
 * but with a key no server holds: a sample link can never unsubscribe anyone.
 */
const SAMPLE_KEY = 'coursemail-preview-sample-links-are-not-valid-anywhere';
const SAMPLE_DATE = new Date('2026-01-01T00:00:00Z');

export function sampleRecipient(config: Pick<Config, 'publicUrl'>, sample: SampleId): Recipient {
  const id = `sample-${sample}`;
  return {
    firstName: SAMPLE_SUBSCRIBERS[sample].firstName,
    ...subscriberLinks(config.publicUrl, SAMPLE_KEY, id),
    confirmUrl: confirmUrl(config.publicUrl, SAMPLE_KEY, id, 'sample', SAMPLE_DATE),
  };
}

const compiled = new WeakMap<RenderedMessage, CompiledMessage>();

/** Fills a rendered message for one recipient; compiles once per message object. */
export function fillMessage(message: RenderedMessage, recipient: Recipient): PersonalizedMessage {
  let c = compiled.get(message);
  if (!c) compiled.set(message, (c = compileMessage(message)));
  return personalize(c, recipient);
}

/** RFC 8058 one-click unsubscribe: what Gmail and Yahoo require of bulk senders. */
export function listUnsubscribeHeaders(unsubscribeUrl: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/** The guard over a filled message: the real unsubscribe URL must be in both parts. */
export function filledChecklist(message: RenderedMessage, filled: PersonalizedMessage, recipient: Recipient, config: Pick<Config, 'postalAddress'>): ComplianceCheck[] {
  return complianceChecklist(filled, { footer: { senderName: message.senderName, postalAddress: config.postalAddress }, unsubscribeUrl: recipient.unsubscribeUrl });
}

export interface OutgoingInput {
  message: RenderedMessage;
  filled: PersonalizedMessage;
  recipient: Recipient;
  config: Pick<Config, 'sender'>;
  to: string;
  id: string;
  date: Date;
  tags: Record<string, string>;
}

/** The message as a transport receives it: what the preview's header panel shows, too. */
export function outgoingMessage(input: OutgoingInput): OutgoingMessage {
  return {
    id: input.id,
    from: { name: input.message.senderName, email: input.message.senderEmail },
    ...(input.config.sender.replyTo ? { replyTo: input.config.sender.replyTo } : {}),
    to: input.to,
    subject: input.filled.subject,
    html: input.filled.html,
    text: input.filled.text,
    headers: listUnsubscribeHeaders(input.recipient.unsubscribeUrl),
    tags: input.tags,
    date: input.date,
  };
}

/** The transport `config.transport` names; outbox files go to `<root>/outbox`. Keys come from `env`. */
export function configuredTransport(config: Config, root: string, env: Record<string, string | undefined> = process.env): Transport {
  if (config.transport === 'smtp') {
    if (!config.smtp) throw new CoursemailError('config.smtp', 'transport is "smtp" but coursemail.config.json has no "smtp" section (host, port).');
    return createTransport('smtp', { ...config.smtp, env });
  }
  if (config.transport === 'resend') return createTransport('resend', { requestsPerSecond: config.resend.requestsPerSecond, env });
  return createTransport('outbox', { dir: join(root, 'outbox') });
}

export interface TestSendInput {
  message: RenderedMessage;
  config: Config;
  transport: Transport;
  now: Date;
  /** Default `config.testAddress`. */
  to?: string;
  sample?: SampleId;
  /** Provider tags (`[A-Za-z0-9_-]`), e.g. series and step. */
  tags?: Record<string, string>;
}

export interface TestSendResult {
  outcome: Extract<SendOutcome, { status: 'sent' }>;
  sent: OutgoingMessage;
}

/**
 * Sends one message to the author, filled for a sample reader, subject marked "[TEST] ".
 * Refuses, as a real send would, when the filled message fails the compliance guard.
 */
export async function sendTest(input: TestSendInput): Promise<TestSendResult> {
  const to = input.to?.trim() || input.config.testAddress;
  if (!to) throw new CoursemailError('send-test.to', 'No test address: set "testAddress" in coursemail.config.json or pass --to.');
  const recipient = sampleRecipient(input.config, input.sample ?? 'named');
  const filled = fillMessage(input.message, recipient);
  const failed = filledChecklist(input.message, filled, recipient, input.config).filter((c) => !c.ok);
  if (failed.length) {
    throw new CoursemailError(
      'send-test.compliance',
      'Refusing to send the test: the filled message fails the compliance guard.',
      failed.map((c) => ({ code: `compliance.${c.rule}`, message: c.why })),
    );
  }
  const id = `test-${input.now.getTime()}-${randomBytes(3).toString('hex')}`;
  const sent = outgoingMessage({
    message: input.message,
    filled: { ...filled, subject: `[TEST] ${filled.subject}` },
    recipient,
    config: input.config,
    to,
    id,
    date: input.now,
    tags: { kind: 'test', ...input.tags },
  });
  const [outcome] = await input.transport.sendBatch([sent], id);
  if (outcome?.status !== 'sent') {
    throw new CoursemailError('send-test.failed', `The ${input.transport.name} transport did not send the test: ${outcome?.reason ?? 'no outcome returned'}`);
  }
  return { outcome, sent };
}
