import type { ConsentEvent, Delivery, Enrollment, SubscriberData } from '../../store/index.ts';
import { html, type SafeHtml } from '../html.ts';
import type { SeriesInfo } from './deps.ts';
import { zoneField } from './zone-field.ts';

export const NOTICES = {
  saved: 'Saved.',
  paused: 'The course is paused: no lesson will come until you resume it.',
  resumed: 'The course is running again; the next lesson comes on schedule.',
  unsubscribed: 'You are unsubscribed: no more emails will be sent to this address.',
} as const;

export type NoticeId = keyof typeof NOTICES;

export const isNotice = (v: string | undefined): v is NoticeId => v !== undefined && Object.hasOwn(NOTICES, v);

const when = (d: Date | null) =>
  d
    ? d
        .toISOString()
        .replace('T', ' ')
        .replace(/:\d\d\.\d+Z$/, ' UTC')
    : '—';

/**
 * A time as the reader reads it: in their zone (else the series', else UTC), e.g.
 * "Thu, Nov 26, 2026, 8:18 AM". The zone is named once, in the page's "Time zone" row.
 */
function localWhen(zone: string): (d: Date | null) => string {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      weekday: 'short',
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
    });
  } catch {
    return when;
  }
  return (d) => (d ? format.format(d) : '—');
}

/** "lesson 2 of 5, “What the trials of physician coaching found”": the slug only when the lesson is gone from the series. */
function lessonName(slug: string | null, info: SeriesInfo | undefined): string {
  const steps = info?.steps;
  if (!steps) return `lesson “${slug ?? '?'}”`;
  const at = steps.findIndex((x) => x.slug === slug);
  return at < 0 ? `a lesson no longer in the course (${slug ?? '?'})` : `lesson ${at + 1} of ${steps.length}, “${steps[at]!.subject}”`;
}

const action = (token: string, name: string, label: string, extra: SafeHtml | string = '', cls = 'secondary') =>
  html`<form class="inline" method="post" action="/p/${token}"><input type="hidden" name="action" value="${name}">${extra}<button type="submit" class="${cls}">${label}</button></form>`;

function enrollmentItem(token: string, e: Enrollment, series: ReadonlyMap<string, SeriesInfo>, at: (d: Date | null) => string): SafeHtml {
  const info = series.get(e.seriesId);
  const title = info?.title ?? e.seriesId;
  const seriesField = html`<input type="hidden" name="series" value="${e.seriesId}">`;
  const last = e.lastStepSlug ? `; the last was ${lessonName(e.lastStepSlug, info)}, on ${at(e.lastSentAt)}` : '';
  const state =
    e.status !== 'active'
      ? `${e.status}${last}`
      : e.pausedAt
        ? `paused since ${at(e.pausedAt)}${last}`
        : e.lastStepSlug
          ? `running${last}`
          : 'running; the first lesson is on its way';
  const button = e.status !== 'active' ? '' : e.pausedAt ? action(token, 'resume', 'Resume', seriesField) : action(token, 'pause', 'Pause', seriesField);
  return html`<li><strong>${title}</strong>: ${state} ${button}</li>`;
}

const KIND: Record<Delivery['kind'], string> = {
  lesson: 'Lesson',
  confirm: 'The confirmation request',
  broadcast: 'A message to everyone on the list',
  test: 'A test message',
};

/** One line per message: what it was and what became of it, without repeating "sent". */
function message(d: Delivery, series: ReadonlyMap<string, SeriesInfo>, at: (d: Date | null) => string): string {
  const what = d.kind === 'lesson' && d.seriesId ? capitalize(lessonName(d.stepSlug, series.get(d.seriesId))) : KIND[d.kind];
  const fate: Record<Delivery['status'], string> = {
    sent: `sent ${at(d.sentAt)}`,
    queued: `due ${at(d.dueAt)}`,
    sending: 'being sent now',
    failed: 'could not be sent',
    cancelled: 'not sent (cancelled)',
  };
  return `${what}: ${fate[d.status]}`;
}

const HOW: Record<string, string> = {
  'one-click': 'with your mail program’s unsubscribe button',
  'unsubscribe-page': 'on the unsubscribe page',
  'preferences-page': 'on this page',
  cli: 'by the list’s owner',
  bounce: 'because mail to the address bounced',
  complaint: 'because a message was marked as spam',
};

/** One consent log entry in words; the client hash is not shown (it means nothing to a reader). */
function consentLine(e: ConsentEvent, at: (d: Date | null) => string): string {
  const d = e.detail;
  const from = typeof d.source === 'string' ? ` (${d.source})` : '';
  switch (e.event) {
    case 'signed-up':
      return `${at(e.at)}: signed up${from}`;
    case 'confirmed':
      return `${at(e.at)}: confirmed by email`;
    case 'unsubscribed':
      return `${at(e.at)}: unsubscribed ${HOW[String(d.how)] ?? ''}`.trimEnd();
    case 're-subscribed':
      return `${at(e.at)}: signed up again and confirmed by email`;
    case 'imported':
      return `${at(e.at)}: added from a list${d.file ? ` (${d.file}, row ${d.row})` : from}${d.consent === 'given' ? ', with consent given earlier' : ''}`;
  }
}

const capitalize = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);

/** The data page behind `{{preferencesUrl}}`: change, pause, leave, see and delete. */
export function preferencesPage(
  token: string,
  data: SubscriberData,
  series: ReadonlyMap<string, SeriesInfo>,
  state: { notice?: NoticeId; error?: string; firstName?: string; timezone?: string } = {},
): SafeHtml {
  const s = data.subscriber;
  const mailing = s.status === 'active' || s.status === 'pending';
  const zone = s.timezone ?? data.enrollments.map((e) => series.get(e.seriesId)?.timezone).find(Boolean) ?? 'UTC';
  const at = localWhen(zone);
  return html`<h1>Your preferences</h1>
${state.notice ? html`<p role="status">${NOTICES[state.notice]}</p>` : ''}
${state.error ? html`<p class="error" role="alert" id="prefs-error">${state.error}</p>` : ''}
<form method="post" action="/p/${token}">
<input type="hidden" name="action" value="save">
<label for="first_name">First name <span class="muted">(optional)</span></label>
<input id="first_name" name="first_name" type="text" autocomplete="given-name" maxlength="100" value="${state.firstName ?? s.firstName ?? ''}">
${zoneField(state.timezone ?? s.timezone ?? '', { hint: 'Search by city or name (Chicago, Central Time), or type a name such as Europe/London. Lessons arrive in the morning of this zone.' })}
<button type="submit">Save</button>
</form>
<h2>Your course</h2>
${data.enrollments.length ? html`<ul class="plain">${data.enrollments.map((e) => enrollmentItem(token, e, series, at))}</ul>` : html`<p class="muted">Not enrolled in a course.</p>`}
${mailing ? html`<p>${action(token, 'unsubscribe', 'Unsubscribe from everything')}</p>` : html`<p class="muted">This address is ${s.status}: nothing more is sent to it.</p>`}
<h2>What we hold about you</h2>
<dl>
<dt>Email</dt><dd>${s.email}</dd>
<dt>First name</dt><dd>${s.firstName ?? '—'}</dd>
<dt>Time zone</dt><dd>${s.timezone ?? `— (the course’s own: ${zone}; the times on this page are in it)`}</dd>
<dt>Status</dt><dd>${s.status}</dd>
<dt>Consent</dt><dd>${s.consentAt ? `${at(s.consentAt)} (${s.consentSource ?? 'unknown source'})` : `not yet confirmed (${s.consentSource ?? 'unknown source'})`}</dd>
<dt>Since</dt><dd>${at(s.createdAt)}</dd>
<dt>Messages</dt><dd>${data.deliveries.length ? html`<ul class="plain">${data.deliveries.map((d) => html`<li>${message(d, series, at)}</li>`)}</ul>` : 'none'}</dd>
<dt>Consent log</dt><dd>${data.consent.length ? html`<ol class="plain" data-testid="consent-log">${data.consent.map((e) => html`<li>${consentLine(e, at)}</li>`)}</ol>` : 'none'}</dd>
</dl>
<p><a href="/p/${token}/data.json" download="my-data.json">Download all of it (JSON)</a> · no open or click tracking is ever recorded.</p>
<h2>Delete everything</h2>
<form method="post" action="/p/${token}">
<input type="hidden" name="action" value="forget">
<label class="check"><input type="checkbox" name="confirm" value="yes" required>I understand: my address, name, time zone and history are deleted, and no email will ever be sent to this address again.</label>
<button type="submit" class="danger">Delete my data</button>
</form>
<p class="hint">We keep only a one-way fingerprint of the address, so a later import cannot add you back by mistake.</p>`;
}

export const forgottenPage = () =>
  html`<h1>Deleted</h1><p role="status">Everything we held about you is deleted. We keep only a one-way fingerprint of the address, so we never email it again.</p>`;

export const nothingHeld = () => html`<h1>Nothing held</h1><p>We hold no data for this link: it was deleted, or never kept. Nothing will be sent to you.</p>`;
