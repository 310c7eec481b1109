import { stringify } from 'csv-stringify/sync';
import { CoursemailError } from '../shared/index.ts';
import type { ConsentEvent, Delivery, Enrollment, Store, SubscriberData } from '../store/index.ts';
import { normalizeEmail } from './normalize-email.ts';

export type ExportFormat = 'csv' | 'json';

const PAGE = 500;

export const EXPORT_COLUMNS = [
  'id',
  'email',
  'first_name',
  'timezone',
  'status',
  'consent_at',
  'consent_source',
  'created_at',
  'updated_at',
  'enrollments',
  'messages',
  'consent',
] as const;

/**
 * Everything held about one subscriber (`email`) or all of them, as CSV or JSON, in
 * chunks of text: pages of subscribers are read one after the other, never the whole list.
 * The confirmation nonce is left out: it is a credential, not information about them.
 */
export async function* exportSubscribers(store: Store, opts: { email?: string; format: ExportFormat }): AsyncGenerator<string> {
  const csv = opts.format === 'csv';
  if (csv) yield csvLine([...EXPORT_COLUMNS]);
  else yield '[';
  let first = true;
  for await (const data of held(store, opts.email)) {
    if (csv) yield csvLine(csvRow(data));
    else {
      yield `${first ? '\n' : ',\n'}${JSON.stringify(jsonRecord(data), null, 2).replace(/^/gm, '  ')}`;
      first = false;
    }
  }
  if (!csv) yield first ? ']\n' : '\n]\n';
}

async function* held(store: Store, email: string | undefined): AsyncGenerator<SubscriberData> {
  if (email !== undefined) {
    const normalized = normalizeEmail(email);
    if ('problem' in normalized) throw new CoursemailError('export.email', `Cannot export ${JSON.stringify(email)}: ${normalized.problem.message}`);
    const subscriber = await store.subscribers.findByEmail(normalized.email);
    const data = subscriber ? await store.subscribers.dataHeld(subscriber.id) : null;
    if (data) yield data;
    return;
  }
  let after: string | undefined;
  for (;;) {
    const page = await store.subscribers.listDataHeld({ limit: PAGE, after });
    yield* page;
    if (page.length < PAGE) return;
    after = page[page.length - 1]!.subscriber.id;
  }
}

const iso = (d: Date | null) => (d ? d.toISOString() : '');

/**
 * Spreadsheets run a cell starting with = + - @ (or a tab or CR) as a formula, so such a cell gets a single-quote prefix (OWASP) and stays text.
 * A cell already starting with quotes before such a character gets one more, so `unneutralize` takes exactly one off and export → import is lossless.
 */
export function neutralizeFormula(cell: string): string {
  return /^'*[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

function csvLine(cells: string[]): string {
  // csv-stringify quotes a value with CRLF or LF in it but not one with a lone CR, which
  // readers (ours included) take as a line break: every value with either is quoted.
  return stringify([cells.map(neutralizeFormula)], { record_delimiter: '\r\n', quoted_match: /[\r\n]/ });
}

function csvRow({ subscriber: s, enrollments, deliveries, consent }: SubscriberData): string[] {
  return [
    s.id,
    s.email,
    s.firstName ?? '',
    s.timezone ?? '',
    s.status,
    iso(s.consentAt),
    s.consentSource ?? '',
    iso(s.createdAt),
    iso(s.updatedAt),
    enrollments.map(describeEnrollment).join('; '),
    deliveries.map(describeDelivery).join('; '),
    consent.map(describeConsent).join('; '),
  ];
}

/** `signed-up 2026-12-01T12:00:00.000Z (source form:x, client …)`: one log entry. */
function describeConsent(e: ConsentEvent): string {
  const detail = Object.entries(e.detail).map(([k, v]) => `${k} ${v}`);
  return `${e.event} ${iso(e.at)}${detail.length ? ` (${detail.join(', ')})` : ''}`;
}

function describeEnrollment(e: Enrollment): string {
  const parts = [`${e.seriesId}: ${e.status}`, `started ${iso(e.startedAt)}`];
  if (e.lastStepSlug) parts.push(`last lesson ${e.lastStepSlug} at ${iso(e.lastSentAt)}`);
  if (e.pausedAt) parts.push(`paused since ${iso(e.pausedAt)}`);
  return parts.join(', ');
}

function describeDelivery(d: Delivery): string {
  const what = d.kind === 'lesson' ? `lesson ${d.seriesId}/${d.stepSlug}` : d.kind === 'broadcast' ? `broadcast ${d.broadcastId}` : d.kind;
  const parts = [`${what}: ${d.status}`];
  if (d.sentAt) parts.push(`sent ${iso(d.sentAt)}`);
  if (d.deliveredAt) parts.push(`delivered ${iso(d.deliveredAt)}`);
  if (d.bouncedAt) parts.push(`bounced ${iso(d.bouncedAt)}`);
  if (d.complainedAt) parts.push(`complaint ${iso(d.complainedAt)}`);
  if (d.status === 'queued') parts.push(`due ${iso(d.dueAt)}`);
  return parts.join(', ');
}

function jsonRecord({ subscriber: s, enrollments, deliveries, consent }: SubscriberData) {
  return {
    id: s.id,
    email: s.email,
    firstName: s.firstName,
    timezone: s.timezone,
    status: s.status,
    consentAt: s.consentAt,
    consentSource: s.consentSource,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    enrollments: enrollments.map((e) => ({
      seriesId: e.seriesId,
      status: e.status,
      startedAt: e.startedAt,
      pausedAt: e.pausedAt,
      pausedMinutes: e.pausedMinutes,
      lastStepSlug: e.lastStepSlug,
      lastSentAt: e.lastSentAt,
    })),
    messages: deliveries.map((d) => ({
      kind: d.kind,
      seriesId: d.seriesId,
      stepSlug: d.stepSlug,
      broadcastId: d.broadcastId,
      to: d.toEmail,
      status: d.status,
      dueAt: d.dueAt,
      sentAt: d.sentAt,
      deliveredAt: d.deliveredAt,
      bouncedAt: d.bouncedAt,
      complainedAt: d.complainedAt,
      providerId: d.providerId,
      error: d.error,
    })),
    consent: consent.map((e) => ({ at: e.at, event: e.event, detail: e.detail })),
  };
}
