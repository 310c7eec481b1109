import { randomBytes } from 'node:crypto';
import type { Config } from '../config/index.ts';
import { compileMessage, personalize, type CompiledMessage, type PersonalizedMessage, type Recipient } from '../personalize/index.ts';
import { complianceChecklist, type ComplianceCheck } from '../render/guard.ts';
import type { RenderedMessage } from '../render/render-message.ts';
import { cached, CoursemailError } from '../shared/index.ts';
import { confirmUrl, SAMPLE_LINK_KEY, subscriberLinks } from '../tokens/index.ts';
import { composeMessage } from './compose.ts';
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

/** Signed with the sample key (tokens/sample.ts): opened, they show the test-send page. */
const SAMPLE_KEY = SAMPLE_LINK_KEY;
const SAMPLE_DATE = new Date('2026-01-01T00:00:00Z');

export function sampleRecipient(config: Pick<Config, 'publicUrl'>, sample: SampleId): Recipient {
  const id = `sample-${sample}`;
  return {
    firstName: SAMPLE_SUBSCRIBERS[sample].firstName,
    ...subscriberLinks(config.publicUrl, SAMPLE_KEY, id),
    confirmUrl: confirmUrl(config.publicUrl, SAMPLE_KEY, id, 'sample', SAMPLE_DATE),
  };
}

const compiledCache = new WeakMap<RenderedMessage, CompiledMessage>();

/** Compiles once per message object. */
const compiled = (message: RenderedMessage): CompiledMessage => cached(compiledCache, message, () => compileMessage(message));

/** Fills a rendered message for one recipient. */
export function fillMessage(message: RenderedMessage, recipient: Recipient): PersonalizedMessage {
  return personalize(compiled(message), recipient);
}

/** The guard over a filled message, as the preview lists it: the real unsubscribe URL must be in both parts. */
export function filledChecklist(
  message: RenderedMessage,
  filled: PersonalizedMessage,
  recipient: Recipient,
  config: Pick<Config, 'postalAddress'>,
): ComplianceCheck[] {
  return complianceChecklist(filled, {
    footer: { senderName: message.senderName, postalAddress: config.postalAddress },
    unsubscribeUrl: recipient.unsubscribeUrl,
  });
}

export interface SampleOutgoing {
  message: RenderedMessage;
  config: Pick<Config, 'postalAddress' | 'sender' | 'publicUrl'>;
  sample: SampleId;
  to: string;
  id: string;
  now: Date;
  tags?: Record<string, string>;
  subjectPrefix?: string;
}

/**
 * The message a transport would receive for a sample reader, made by the pipeline's own
 * `composeMessage` (fill, guard, headers): throws when the filled message fails the guard.
 */
export function sampleOutgoing(input: SampleOutgoing): OutgoingMessage {
  const { firstName, ...links } = sampleRecipient(input.config, input.sample);
  return composeMessage(input.config, {
    deliveryId: input.id,
    // A sample has no delivery row: its own id (test-…, preview) reveals nothing.
    publicId: input.id,
    compiled: compiled(input.message),
    sender: { name: input.message.senderName, email: input.message.senderEmail },
    to: input.to,
    firstName,
    links,
    tags: input.tags ?? {},
    subjectPrefix: input.subjectPrefix,
    now: input.now,
  });
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
 * Refuses, as a real send would (same `composeMessage`), when the filled message fails the guard.
 */
export async function sendTest(input: TestSendInput): Promise<TestSendResult> {
  const to = input.to?.trim() || input.config.testAddress;
  if (!to) throw new CoursemailError('send-test.to', 'No test address: set "testAddress" in coursemail.config.json or pass --to.');
  const id = `test-${input.now.getTime()}-${randomBytes(3).toString('hex')}`;
  const sent = sampleOutgoing({
    message: input.message,
    config: input.config,
    sample: input.sample ?? 'named',
    to,
    id,
    now: input.now,
    tags: { kind: 'test', ...input.tags },
    subjectPrefix: '[TEST] ',
  });
  const [outcome] = await input.transport.sendBatch([sent], id);
  if (outcome?.status !== 'sent') {
    throw new CoursemailError('send-test.failed', `The ${input.transport.name} transport did not send the test: ${outcome?.reason ?? 'no outcome returned'}`);
  }
  return { outcome, sent };
}
