import type { Delivery, Enrollment, SubscriberData } from '../../store/index.ts';
import { html, type SafeHtml } from '../preview/html.ts';
import type { SeriesInfo } from './deps.ts';

export const NOTICES = {
  saved: 'Saved.',
  paused: 'The course is paused: no lesson will come until you resume it.',
  resumed: 'The course is running again; the next lesson comes on schedule.',
  unsubscribed: 'You are unsubscribed: no more emails will be sent to this address.',
} as const;

export type NoticeId = keyof typeof NOTICES;

export const isNotice = (v: string | undefined): v is NoticeId => v !== undefined && Object.hasOwn(NOTICES, v);

const when = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC') : '—');

const action = (token: string, name: string, label: string, extra: SafeHtml | string = '', cls = 'secondary') =>
  html`<form class="inline" method="post" action="/p/${token}"><input type="hidden" name="action" value="${name}">${extra}<button type="submit" class="${cls}">${label}</button></form>`;

function enrollmentItem(token: string, e: Enrollment, series: ReadonlyMap<string, SeriesInfo>): SafeHtml {
  const title = series.get(e.seriesId)?.title ?? e.seriesId;
  const seriesField = html`<input type="hidden" name="series" value="${e.seriesId}">`;
  const state =
    e.status !== 'active' ? e.status : e.pausedAt ? `paused since ${when(e.pausedAt)}` : e.lastStepSlug ? `running; last lesson ${e.lastStepSlug} on ${when(e.lastSentAt)}` : 'running';
  const button = e.status !== 'active' ? '' : e.pausedAt ? action(token, 'resume', 'Resume', seriesField) : action(token, 'pause', 'Pause', seriesField);
  return html`<li><strong>${title}</strong>: ${state} ${button}</li>`;
}

function message(d: Delivery): string {
  const what = d.kind === 'lesson' ? `lesson ${d.stepSlug ?? ''}` : d.kind === 'confirm' ? 'confirmation' : d.kind;
  return `${what} — ${d.status}${d.sentAt ? `, sent ${when(d.sentAt)}` : d.status === 'queued' ? `, due ${when(d.dueAt)}` : ''}`;
}

/** The data page behind `{{preferencesUrl}}`: change, pause, leave, see and delete. */
export function preferencesPage(
  token: string,
  data: SubscriberData,
  series: ReadonlyMap<string, SeriesInfo>,
  state: { notice?: NoticeId; error?: string; firstName?: string; timezone?: string } = {},
): SafeHtml {
  const s = data.subscriber;
  const mailing = s.status === 'active' || s.status === 'pending';
  return html`<h1>Your preferences</h1>
${state.notice ? html`<p role="status">${NOTICES[state.notice]}</p>` : ''}
${state.error ? html`<p class="error" role="alert" id="prefs-error">${state.error}</p>` : ''}
<form method="post" action="/p/${token}">
<input type="hidden" name="action" value="save">
<label for="first_name">First name <span class="muted">(optional)</span></label>
<input id="first_name" name="first_name" type="text" autocomplete="given-name" maxlength="100" value="${state.firstName ?? s.firstName ?? ''}">
<label for="timezone">Time zone</label>
<input id="timezone" name="timezone" type="text" autocomplete="off" maxlength="64" value="${state.timezone ?? s.timezone ?? ''}" aria-describedby="tz-hint${state.error ? ' prefs-error' : ''}">
<p id="tz-hint" class="hint">A name such as America/Chicago or Europe/London. Lessons arrive in the morning of this zone.</p>
<button type="submit">Save</button>
</form>
<h2>Your course</h2>
${data.enrollments.length ? html`<ul class="plain">${data.enrollments.map((e) => enrollmentItem(token, e, series))}</ul>` : html`<p class="muted">Not enrolled in a course.</p>`}
${mailing ? html`<p>${action(token, 'unsubscribe', 'Unsubscribe from everything')}</p>` : html`<p class="muted">This address is ${s.status}: nothing more is sent to it.</p>`}
<h2>What we hold about you</h2>
<dl>
<dt>Email</dt><dd>${s.email}</dd>
<dt>First name</dt><dd>${s.firstName ?? '—'}</dd>
<dt>Time zone</dt><dd>${s.timezone ?? '— (the course’s own)'}</dd>
<dt>Status</dt><dd>${s.status}</dd>
<dt>Consent</dt><dd>${s.consentAt ? `${when(s.consentAt)} (${s.consentSource ?? 'unknown source'})` : `not yet confirmed (${s.consentSource ?? 'unknown source'})`}</dd>
<dt>Since</dt><dd>${when(s.createdAt)}</dd>
<dt>Messages</dt><dd>${data.deliveries.length ? html`<ul class="plain">${data.deliveries.map((d) => html`<li>${message(d)}</li>`)}</ul>` : 'none'}</dd>
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

export const nothingHeld = () =>
  html`<h1>Nothing held</h1><p>We hold no data for this link: it was deleted, or never kept. Nothing will be sent to you.</p>`;
