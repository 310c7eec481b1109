import type { Config } from '../config/index.ts';
import { cleanField, personalize, type CompiledMessage } from '../personalize/index.ts';
import { contentChecks, recipientFailures, type ComplianceCheck, type GuardContext, type RenderedParts } from '../render/guard.ts';
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
 * The content rules (disclaimer, crisis line, sender, address, plain text) found failing
 * per compiled template, by which `{{#if}}` branches a fill takes and for which footer.
 *
 * Why this is the whole guard and not a shortcut: a compiled template's output is its own
 * fixed fragments, chosen by the truthiness of the four fill values, with the values put
 * between them — HTML-escaped in the HTML (no `<`, `>`, quotes: the tag structure the guard
 * strips is the template's), verbatim in the text. Inserting text between fragments never
 * removes a phrase the content rules look for, and a phrase that only appears across a
 * value would fail for the first recipient of that branch choice too. So the content rules
 * give the same answer for every fill with the same branch choice; they run in full on the
 * first message of each choice (the costly part: the HTML stripped to visible text), and
 * the rules that do depend on the values — the recipient's own unsubscribe link in both
 * parts, HTML size, footer position — run on every message.
 */
const contentVerdicts = new WeakMap<CompiledMessage, Map<string, ComplianceCheck[]>>();

type Fill = Parameters<typeof personalize>[1];

function branchKey(values: Fill, ctx: GuardContext): string {
  const on = (v: string | null | undefined) => (v ? '1' : '0');
  // personalize cleans the first name before filling: a name of blanks takes the {{else}}.
  return `${cleanField(values.firstName) ? '1' : '0'}${on(values.unsubscribeUrl)}${on(values.preferencesUrl)}${on(values.confirmUrl)}\u0000${ctx.footer.senderName}\u0000${ctx.footer.postalAddress}`;
}

function failedContentChecks(compiled: CompiledMessage, values: Fill, filled: RenderedParts, ctx: GuardContext): ComplianceCheck[] {
  let byBranch = contentVerdicts.get(compiled);
  if (!byBranch) contentVerdicts.set(compiled, (byBranch = new Map()));
  const key = branchKey(values, ctx);
  let failed = byBranch.get(key);
  if (!failed) byBranch.set(key, (failed = contentChecks(filled, ctx).filter((c) => !c.ok)));
  return failed;
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
