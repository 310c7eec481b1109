import type { Step } from '../../course/types.ts';
import { firstLessonPromise } from '../../schedule/index.ts';
import { html, type SafeHtml } from '../html.ts';
import { zoneField } from './zone-field.ts';
import type { SeriesInfo } from './deps.ts';

/** Field names of the sign-up form; `website` is the honeypot (people never see it). */
export const FIELDS = { email: 'email', firstName: 'first_name', timezone: 'timezone', honeypot: 'website' } as const;

export const CHECK_INBOX = 'Check your inbox: if this address can join, a message with a confirmation link is on its way. Nothing is sent until you confirm.';

const PRIVACY = html`<p class="hint">We keep your email address, your first name if you give it, your time zone (so lessons arrive in your morning) and when you confirmed. No tracking pixels, no link tracking. Every email has a one-click unsubscribe and a link to see or delete what we hold.</p>`;

export function subscribePage(seriesId: string, series: SeriesInfo, state: FormState = {}): SafeHtml {
  return html`<h1>${series.title}</h1>
${series.description ? html`<p class="lead">${series.description}</p>` : ''}
${subscribeForm(seriesId, state)}`;
}

interface FormState {
  email?: string;
  firstName?: string;
  error?: string;
  timezone?: string;
  timezoneError?: string;
}

/** The form alone: the sign-up page, and the "fresh link" offer under a broken link. */
function subscribeForm(seriesId: string, state: FormState): SafeHtml {
  const describedBy = state.error ? 'email-hint email-error' : 'email-hint';
  return html`<form method="post" action="/subscribe/${encodeURIComponent(seriesId)}">
<label for="email">Email address</label>
<input id="email" name="${FIELDS.email}" type="email" autocomplete="email" inputmode="email" required maxlength="254" value="${state.email ?? ''}" aria-describedby="${describedBy}"${state.error ? html` aria-invalid="true" autofocus` : ''}>
<p id="email-hint" class="hint">We will email you a link to confirm.</p>
${state.error ? html`<p id="email-error" class="error" role="alert">${state.error}</p>` : ''}
<label for="first_name">First name <span class="muted">(optional)</span></label>
<input id="first_name" name="${FIELDS.firstName}" type="text" autocomplete="given-name" maxlength="100" value="${state.firstName ?? ''}">
${zoneField(state.timezone ?? '', { error: state.timezoneError, hint: 'Search by city or name (Chicago, Central Time). Lessons arrive in the morning of this zone.' })}
<div class="hp" aria-hidden="true"><label for="website">Leave this field empty</label><input id="website" name="${FIELDS.honeypot}" type="text" tabindex="-1" autocomplete="off"></div>
<button type="submit">Send me the course</button>
</form>
${PRIVACY}`;
}

export const checkInbox = () =>
  html`<h1>Check your inbox</h1><p role="status">${CHECK_INBOX}</p><p class="muted">The link works for 7 days. If nothing arrives in a few minutes, look in your spam folder.</p>`;

/**
 * When lesson 1 arrives for a reader confirming at `confirmedAt`, in the scheduler's own
 * words (schedule/promise.ts); undefined for a series summary without its window and delays.
 */
export function lessonOneWhen(info: SeriesInfo | undefined, timezone: string | null, confirmedAt: Date): string | undefined {
  const steps = info?.steps;
  if (!info?.sendWindow || !info.timezone || !steps?.every((s): s is Step => !!s.delay && s.step !== undefined)) return undefined;
  return firstLessonPromise({ steps: [...steps], sendWindow: info.sendWindow, timezone: info.timezone }, { timezone, confirmedAt }).when;
}

export const confirmed = (title: string | undefined, when: string | undefined) =>
  html`<h1>You are in</h1><p role="status">Thank you for confirming${title ? html` — the first lesson of <strong>${title}</strong> arrives ${when ?? 'soon'}` : when ? html` — the first lesson arrives ${when}` : ''}.</p><p class="muted">Each email has a link to change your preferences or leave with one click.</p>`;

/**
 * What the confirmation email's link opens: one button. Following the link changes nothing,
 * because mail scanners (hospital gateways among them) fetch every link in a message; only a
 * person pressing the button confirms.
 */
export const confirmPrompt = (token: string, title: string | undefined, when: string | undefined) =>
  html`<h1>One more step</h1><p>${title ? html`Press the button to start <strong>${title}</strong>. ` : ''}${when ? `If you press it now, the first lesson arrives ${when}.` : ''}</p>
<form method="post" action="/confirm/${token}"><input type="hidden" name="confirm" value="1"><button type="submit">Yes, send me the course</button></form>
<p class="hint">Did not sign up? Close this page: nothing is sent unless you press the button.</p>`;

export const alreadyConfirmed = () =>
  html`<h1>Already confirmed</h1><p role="status">This link was already used, and your subscription is active: there is nothing more to do.</p>`;

/** For an expired or superseded link whose signature is good: one button asks for a fresh one. */
export const freshLinkOffer = (token: string, title: string, why: string) =>
  html`<h1>${title}</h1><p>${why}</p>
<form method="post" action="/confirm/${token}"><input type="hidden" name="fresh" value="1"><button type="submit">Email me a fresh link</button></form>
<p class="hint">The new link goes to the address you signed up with, and replaces the old ones.</p>`;

/** A damaged link tells us nothing about who it was for: sign up again from the form. */
export function brokenLink(series: ReadonlyMap<string, SeriesInfo>): SafeHtml {
  const only = series.size === 1 ? [...series][0] : undefined;
  return html`<h1>This link does not work</h1>
<p>The confirmation link is incomplete or was changed — mail programs sometimes break long links across lines. Copy the whole link from the email, or ask for a fresh one below.</p>
${
  only
    ? html`<h2>A fresh link for “${only[1].title}”</h2>${subscribeForm(only[0], {})}`
    : html`<ul class="plain">${[...series].map(([id, s]) => html`<li><a href="/subscribe/${encodeURIComponent(id)}">${s.title}</a></li>`)}</ul>`
}`;
}

export const noLongerValid = (why: string) => html`<h1>This link is no longer valid</h1><p>${why}</p>`;

export const unsubscribeConfirm = (token: string) =>
  html`<h1>Unsubscribe</h1><p>Press the button to stop every email from this list to your address. Nothing else is asked of you.</p>
<form method="post" action="/u/${token}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`;

export const unsubscribed = (preferencesUrl: string) =>
  html`<h1>You are unsubscribed</h1><p role="status">No more emails will be sent to this address from this list.</p>
<p>To see or delete everything we hold about you, <a href="${preferencesUrl}">open your data page</a>.</p>`;

/**
 * An unsubscribe link is often forwarded with the email: whoever opens it again learns
 * nothing more than that the address is off the list, and gets no way into its data.
 */
export const alreadyUnsubscribed = (signUpPath: string) =>
  html`<h1>You are already unsubscribed</h1><p role="status">No emails are sent to this address from this list.</p>
<p>Changed your mind? <a href="${signUpPath}">Sign up again from the course page</a>; you will be asked to confirm by email.</p>`;

export const brokenManageLink = (senderEmail: string) =>
  html`<h1>This link does not work</h1><p>The link is incomplete or was changed. Copy the whole link from the email, or reply to any of our emails (or write to ${senderEmail}) and we will take care of it.</p>`;
