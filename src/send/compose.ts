import type { Config } from '../config/index.ts';
import { cleanField, personalize, type CompiledMessage } from '../personalize/index.ts';
import { contentChecks, recipientFailures, type ComplianceCheck, type GuardContext, type RenderedParts } from '../render/guard.ts';
import { cached, CoursemailError } from '../shared/index.ts';
import type { OutgoingMessage } from './transport.ts';

export interface ComposeInput {
  deliveryId: string;
  /** What the message carries out instead of the row id (see `OutgoingMessage.publicId`). */
  publicId: string;
  compiled: CompiledMessage;
  /** The sender the message was rendered for (series override or config). */
  sender: { name: string; email: string };
  to: string;
  firstName?: string | null;
  links: { unsubscribeUrl: string; preferencesUrl: string; confirmUrl?: string };
  tags: Record<string, string>;
  subjectPrefix?: string;
  now: Date;
}

/**
 * The content rules' verdict per compiled template and `{{#if}}` branch choice: the values
 * filled between a template's fixed fragments (HTML-escaped) cannot add or remove a phrase
 * they look for, so only the per-recipient rules (recipientFailures) run on every message.
 */
const contentVerdicts = new WeakMap<CompiledMessage, Map<string, ComplianceCheck[]>>();

type Fill = Parameters<typeof personalize>[1];

function branchKey(values: Fill, ctx: GuardContext): string {
  const on = (v: string | null | undefined) => (v ? '1' : '0');
  // personalize cleans the first name before filling: a name of blanks takes the {{else}}.
  return `${cleanField(values.firstName) ? '1' : '0'}${on(values.unsubscribeUrl)}${on(values.preferencesUrl)}${on(values.confirmUrl)}\u0000${ctx.footer.senderName}\u0000${ctx.footer.postalAddress}`;
}

function failedContentChecks(compiled: CompiledMessage, values: Fill, filled: RenderedParts, ctx: GuardContext): ComplianceCheck[] {
  const byBranch = cached(contentVerdicts, compiled, () => new Map<string, ComplianceCheck[]>());
  return cached(byBranch, branchKey(values, ctx), () => contentChecks(filled, ctx).filter((c) => !c.ok));
}

/**
 * One recipient's message, ready for a transport: filled, then guarded again with the real
 * unsubscribe URL. This is the only way the pipeline makes an `OutgoingMessage`, so a
 * message without the full footer cannot reach a transport.
 */
export function composeMessage(config: Pick<Config, 'postalAddress' | 'sender'>, input: ComposeInput): OutgoingMessage {
  const values: Fill = { firstName: input.firstName, ...input.links };
  const filled = personalize(input.compiled, values);
  const ctx: GuardContext = { footer: { senderName: input.sender.name, postalAddress: config.postalAddress }, unsubscribeUrl: input.links.unsubscribeUrl };
  const failed = [...failedContentChecks(input.compiled, values, filled, ctx), ...recipientFailures(filled, ctx)];
  if (failed.length) {
    throw new CoursemailError(
      'compliance.send',
      `Refusing to send delivery ${input.deliveryId}: it fails the compliance guard.`,
      failed.map((c) => ({ code: `compliance.${c.rule}`, message: c.why })),
    );
  }
  return {
    id: input.deliveryId,
    publicId: input.publicId,
    from: input.sender,
    replyTo: config.sender.replyTo,
    to: input.to,
    subject: `${input.subjectPrefix ?? ''}${filled.subject}`,
    html: filled.html,
    text: filled.text,
    headers: {
      'List-Unsubscribe': `<${input.links.unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    tags: input.tags,
    date: input.now,
  };
}
