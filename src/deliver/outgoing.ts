import type { OutgoingMessage } from '../send/transport.ts';
import { CoursemailError, type Problem } from '../shared/index.ts';

/**
 * Every transport stamps the delivery's public id on the message so a bounce, a complaint or a
 * test server can be traced back to the delivery row (`rowIdOf`) without a lookup table.
 */
export const DELIVERY_HEADER = 'X-Coursemail-Delivery';

const ONE_CLICK = 'List-Unsubscribe=One-Click';
const ADDRESS = /^[^\s@<>",;:\\]+@[^\s@<>",;:\\]+\.[^\s@<>",;:\\]+$/;
const LINE_BREAK = /[\r\n]/;

function header(m: OutgoingMessage, name: string): string | undefined {
  const key = Object.keys(m.headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : m.headers[key];
}

/**
 * The https URLs inside `List-Unsubscribe: <…>, <…>`; mailto: entries are allowed but not enough.
 * Plain http is accepted only for a loopback host: the local preview and tests, never the public.
 */
function unsubscribeUrls(value: string): string[] {
  return [...value.matchAll(/<([^>]*)>/g)]
    .map((m) => m[1] ?? '')
    .filter((u) => /^https:\/\/\S+$/.test(u) || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?\/\S*$/.test(u));
}

/**
 * The floor no transport goes below: both parts, one-click unsubscribe headers (RFC 8058), and headers that cannot smuggle extra lines.
 * The full compliance guard (footer wording) is the sending pipeline's job.
 */
function checkOutgoing(m: OutgoingMessage): Problem[] {
  const problems: Problem[] = [];
  const at = (field: string, message: string) => problems.push({ code: `deliver.${field}`, field, message: `delivery ${m.id}: ${message}` });
  if (!m.text.trim()) at('text', 'the plain-text part is empty');
  if (!m.html.trim()) at('html', 'the HTML part is empty');
  if (!ADDRESS.test(m.to)) at('to', `recipient "${m.to}" is not a single valid address`);
  if (!ADDRESS.test(m.from.email)) at('from', `sender "${m.from.email}" is not a valid address`);
  if (m.replyTo !== undefined && !ADDRESS.test(m.replyTo)) at('replyTo', `reply-to "${m.replyTo}" is not a valid address`);
  if (Number.isNaN(m.date.getTime())) at('date', 'the message date is invalid');
  if (!/^[A-Za-z0-9._-]+$/.test(m.publicId)) at('publicId', `public id "${m.publicId}" is not a plain token`);

  const listUnsubscribe = header(m, 'List-Unsubscribe');
  const urls = listUnsubscribe === undefined ? [] : unsubscribeUrls(listUnsubscribe);
  if (urls.length === 0) at('List-Unsubscribe', 'List-Unsubscribe header with an https URL in <…> is missing');
  if (header(m, 'List-Unsubscribe-Post')?.trim() !== ONE_CLICK) at('List-Unsubscribe-Post', `List-Unsubscribe-Post must be "${ONE_CLICK}"`);

  for (const [name, value] of Object.entries(m.headers)) {
    if (!/^[!-9;-~]+$/.test(name)) at('headers', `header name "${name}" is not a valid field name`);
    if (LINE_BREAK.test(value)) at('headers', `header ${name} contains a line break`);
  }
  return problems;
}

/** `Transport.check`: the reasons one message would be refused, as plain sentences. */
export function refusals(m: OutgoingMessage): string[] {
  return checkOutgoing(m).map((p) => p.message);
}

/** Refuses the whole batch if any message falls short: nothing half-compliant goes out. */
export function assertSendable(messages: OutgoingMessage[]): void {
  const problems = messages.flatMap(checkOutgoing);
  if (problems.length) {
    throw new CoursemailError('deliver.unsendable', 'Refusing to send: a message lacks what every message must carry.', problems);
  }
}

/** Subjects and display names may come from subscriber data; a line break there must not start a header. */
export function singleLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').trim();
}

/** RFC 5322 atext and spaces: a display name made only of these needs no quotes. */
const PLAIN_NAME = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/;

/** `Name <email>`, quoted when the name holds a comma, dot or the like, so it cannot split the address. */
export function formatMailbox(from: OutgoingMessage['from']): string {
  const name = singleLine(from.name);
  if (!name) return from.email;
  return PLAIN_NAME.test(name) ? `${name} <${from.email}>` : `"${name.replace(/["\\]/g, '\\$&')}" <${from.email}>`;
}

/**
 * A delivery id as a token safe in a file name (the outbox's, kept on this disk): anything outside
 * `[A-Za-z0-9._-]` becomes `=hex`, which keeps distinct ids distinct.
 */
export function escapeId(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, (c) => `=${Buffer.from(c).toString('hex')}`);
}

/** The message's own headers plus the delivery's public id, as every transport sends them. */
export function headersFor(m: OutgoingMessage): Record<string, string> {
  return { ...m.headers, [DELIVERY_HEADER]: m.publicId };
}
