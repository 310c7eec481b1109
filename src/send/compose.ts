import type { Config } from '../config/index.ts';
import { personalize, type CompiledMessage } from '../personalize/index.ts';
import { complianceChecklist } from '../render/guard.ts';
import { CoursemailError } from '../shared/index.ts';
import type { OutgoingMessage } from './transport.ts';

export interface ComposeInput {
  deliveryId: string;
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
 * One recipient's message, ready for a transport: filled, then guarded again with the real
 * unsubscribe URL. This is the only way the pipeline makes an `OutgoingMessage`, so a
 * message without the full footer cannot reach a transport.
 */
export function composeMessage(config: Pick<Config, 'postalAddress' | 'sender'>, input: ComposeInput): OutgoingMessage {
  const filled = personalize(input.compiled, { firstName: input.firstName, ...input.links });
  const failed = complianceChecklist(filled, {
    footer: { senderName: input.sender.name, postalAddress: config.postalAddress },
    unsubscribeUrl: input.links.unsubscribeUrl,
  }).filter((c) => !c.ok);
  if (failed.length) {
    throw new CoursemailError(
      'compliance.send',
      `Refusing to send delivery ${input.deliveryId}: it fails the compliance guard.`,
      failed.map((c) => ({ code: `compliance.${c.rule}`, message: c.why })),
    );
  }
  return {
    id: input.deliveryId,
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
