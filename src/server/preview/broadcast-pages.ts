import type { BroadcastDraft, BroadcastStatus, SendPlan } from '../../broadcast/index.ts';
import type { Problem } from '../../shared/index.ts';
import type { BroadcastView } from './broadcasts.ts';
import type { FormGuard } from './csrf.ts';
import { html, type SafeHtml } from '../html.ts';
import { problemList } from './layout.ts';

export const when = (d: Date | null | undefined) => (d ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'an unknown time');
/** A count as the pages write it: 12,345. */
export const n = (v: number) => v.toLocaleString('en-US');

/** "draft", "scheduled 2026-12-01 09:00 UTC", "sending 3/10", "sent 10/10 at 2026-12-01 09:02 UTC", "cancelled (4/10 sent)". */
export function stateLabel(s: BroadcastStatus | undefined): string {
  const p = s?.progress;
  if (!s || !p) return 'draft';
  switch (s.state) {
    case 'draft':
      return 'draft';
    case 'scheduled':
      return `scheduled ${when(p.broadcast.sendAt)}`;
    case 'sending':
      return `sending ${n(p.sent)}/${n(p.total)}`;
    case 'sent':
      return `sent ${n(p.sent)}/${n(p.total)}${p.broadcast.finishedAt ? ` at ${when(p.broadcast.finishedAt)}` : ''}`;
    case 'cancelled':
      return p.broadcast.total === null ? 'cancelled before it went' : `cancelled (${n(p.sent)}/${n(p.total)} sent)`;
  }
}

/** Still moving: the page polls until it is not (sending, or scheduled and due). */
export function isLive(s: BroadcastStatus | undefined, now: Date): boolean {
  if (!s) return false;
  if (s.state === 'sending') return true;
  const at = s.progress?.broadcast.sendAt;
  return s.state === 'scheduled' && !!at && at <= now;
}

function changedWarning(s: BroadcastStatus): SafeHtml {
  const b = s.progress!.broadcast;
  const unfinished = s.state === 'scheduled' || s.state === 'sending' || s.state === 'draft';
  return html`<p class="notice bad" data-testid="changed">${s.file} has changed since broadcast ${b.id} was ${unfinished ? 'started' : s.state} (its content hash no longer matches):
    ${unfinished ? 'sending or resuming it is refused, so nobody gets content you did not confirm. Restore the version it was started with, or cancel it and send the edited file as a new broadcast' : 'sending it again is refused. To send the edited file as a new broadcast'}
    with <code>coursemail broadcast send ${s.file} --force-new</code>.</p>`;
}

/** One row per draft file and per slug ever broadcast; polled while something is moving. */
export function broadcastsTable(views: Map<string, BroadcastView>, statuses: Map<string, BroadcastStatus> | undefined, now: Date): SafeHtml {
  const slugs = [...new Set([...views.keys(), ...(statuses?.keys() ?? [])])].sort();
  const live = [...(statuses?.values() ?? [])].some((s) => isLive(s, now));
  const rows = slugs.map((slug) => {
    const v = views.get(slug);
    const s = statuses?.get(slug);
    const subject = v?.parsed?.subject ?? s?.progress?.broadcast.subject ?? '(does not parse)';
    const target = (v?.parsed ? v.parsed.series : s?.progress?.broadcast.seriesId) ?? null;
    const problems = v?.problems.length ?? 0;
    return html`<tr data-broadcast="${slug}" data-state="${s?.state ?? 'draft'}">
      <td>${
        v
          ? html`<a href="/broadcasts/${encodeURIComponent(slug)}">${slug}</a>`
          : html`${slug} <span class="muted small">(${s?.drafted ? 'written in the console' : 'file gone'})</span>${s?.state === 'scheduled' || s?.state === 'sending' ? html` <a href="/broadcasts/${encodeURIComponent(slug)}/cancel">cancel…</a>` : ''}`
      }</td>
      <td>${subject}</td>
      <td>${target ? `subscribers of ${target}` : 'everyone'}</td>
      <td data-testid="state">${statuses ? stateLabel(s) : 'draft'}${s?.changed ? html` <span class="bad-text">· file changed since</span>` : ''}</td>
      <td class="small">${problems ? `${problems} problem${problems === 1 ? '' : 's'}` : v?.built ? '✓ ready' : ''}</td>
    </tr>`;
  });
  return html`<section data-poll="/broadcasts?part=table" data-live="${String(live)}">
    ${
      slugs.length
        ? html`<div class="table-scroll" tabindex="0" role="region" aria-label="Broadcasts"><table class="list" data-testid="broadcast-list"><tr><th>file</th><th>subject</th><th>to</th><th>status</th><th></th></tr>${rows}</table></div>`
        : html`<p class="card">No broadcasts yet: write <code>broadcasts/&lt;slug&gt;.md</code> (frontmatter: subject, preheader, optional series and sendAt).</p>`
    }
  </section>`;
}

/** The "Send to subscribers" card on a broadcast's page: where it stands and what can be done. */
export function sendingCard(
  slug: string,
  s: BroadcastStatus | undefined,
  view: BroadcastView | undefined,
  testAddress: string | undefined,
  now: Date,
): SafeHtml {
  const base = `/broadcasts/${encodeURIComponent(slug)}`;
  const p = s?.progress;
  const state = s?.state ?? 'draft';
  // Scheduled: the worker sends it at sendAt; sending: the worker inside dev is at it (nothing
  // to resume); sent or cancelled: a new send needs --force-new.
  const canSend = !!view?.built && !s?.changed && state === 'draft';
  const detail = p
    ? html`<p class="small muted">Broadcast ${p.broadcast.id}${p.broadcast.seriesId ? ` · subscribers of ${p.broadcast.seriesId}` : ' · every active subscriber'}${
        p.broadcast.total !== null ? ` · ${n(p.failed)} failed · ${n(p.cancelled)} skipped (left or cancelled) · ${n(p.queued + p.sending)} to go` : ''
      }</p>`
    : html`<p class="small muted">Not sent yet. Recipients are fixed when the send starts (at sendAt when the file has one).</p>`;
  const links = [
    view?.built ? html`<a class="button" href="${base}/test" data-testid="action-test">Send a test${testAddress ? ` to ${testAddress}` : ''}…</a>` : '',
    canSend ? html`<a class="button primary" href="${base}/send" data-testid="action-send">Send to subscribers…</a>` : '',
    state === 'scheduled' || state === 'sending' ? html`<a class="button danger" href="${base}/cancel" data-testid="action-cancel">Cancel…</a>` : '',
  ];
  return html`<section class="card" data-testid="sending" data-poll="${base}/progress" data-live="${String(isLive(s, now))}">
    <h3>Send to subscribers</h3>
    <p><b data-testid="broadcast-state" data-state="${state}">${stateLabel(s)}</b></p>
    ${detail}
    ${s?.changed ? changedWarning(s) : ''}
    ${view && !view.built ? html`<p class="notice bad">Fix the problems first: a broadcast that does not pass the checks cannot be sent.</p>` : ''}
    <p class="actions">${links}</p>
    ${state === 'sending' ? html`<p class="explain">The worker inside coursemail dev is sending it; this card updates by itself.</p>` : ''}
  </section>`;
}

export interface ConfirmPageInput {
  slug: string;
  title: string;
  /** Label and value rows; the recipient count and subject always among them. */
  facts: [label: string, value: SafeHtml | string, testid?: string][];
  /** Why it cannot go ahead (nothing to confirm then). */
  refusal?: { reason: string; problems: Problem[] };
  /** Not refused, but nothing to do (already sent, scheduled and not due). */
  nothingToDo?: string;
  action: 'send' | 'test' | 'cancel';
  hidden: Record<string, string>;
  /** The required checkbox's words: they repeat the count and subject. */
  confirmText: string;
  button: string;
  guard: Pick<FormGuard, 'action'>;
  /** The broadcast's page, which the form posts under (default `/broadcasts/<slug>`), and the list it is in. */
  base?: string;
  list?: string;
}

/** A test send's confirmation, the same in the preview and the console: one sample-filled copy to `to` (`who` names them). */
export function testConfirmInput(
  draft: BroadcastDraft,
  transport: string,
  to: string | undefined,
  who: string,
  page: Pick<ConfirmPageInput, 'slug' | 'guard' | 'base' | 'list'>,
): ConfirmPageInput {
  const subject = `[TEST] ${draft.parsed?.subject ?? ''}`;
  return {
    ...page,
    action: 'test',
    title: `Send a test of “${draft.parsed?.subject ?? page.slug}”?`,
    facts: [
      ['Subject', subject, 'confirm-subject'],
      ['Recipients', html`<b data-testid="confirm-count">1</b> (${who})`],
      ['Filled for', 'a sample reader named Maya; links are samples that unsubscribe nobody'],
      ['Transport', transport],
    ],
    hidden: { hash: draft.hash },
    confirmText: `Yes, send “${subject}” to ${to}`,
    button: `Send the test to ${to}`,
  };
}

/** The facts a send's confirmation shows, the same in the preview and the console; `nextStep` says what the send will be. */
export function sendFacts(plan: SendPlan, transport: string, nextStep: string): ConfirmPageInput['facts'] {
  const a = plan.action;
  const failed = plan.checks.filter((ch) => !ch.ok);
  return [
    ['Subject', plan.subject, 'confirm-subject'],
    [
      'Recipients',
      html`<b data-testid="confirm-count">${n(plan.recipients)}</b> ${a.kind === 'resume' ? 'still to go' : plan.seriesId ? `subscribers of ${plan.seriesId}` : 'active subscribers'} (not unsubscribed, bounced or suppressed)`,
    ],
    ['Sample', plan.sample.length ? plan.sample.join(', ') : '(nobody)'],
    ['Size', plan.htmlBytes ? `${(plan.htmlBytes / 1024).toFixed(1)} KB of HTML, filled` : '—'],
    [
      'Guard',
      plan.checks.length === 0
        ? '✗ not rendered'
        : failed.length
          ? `✗ ${failed.length} of ${plan.checks.length} checks fail`
          : `✓ all ${plan.checks.length} checks pass`,
    ],
    ['Transport', transport],
    ['This will be', nextStep],
  ];
}

/** A confirmation step: the facts, and a POST form with the token and a required checkbox. */
export function confirmPage(i: ConfirmPageInput): SafeHtml {
  const base = i.base ?? `/broadcasts/${encodeURIComponent(i.slug)}`;
  const form = html`<form class="confirm" method="post" action="${i.guard.action(`${base}/${i.action}`)}" data-testid="confirm-form">
    ${Object.entries(i.hidden).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
    <label><input type="checkbox" name="confirm" value="yes" required data-testid="confirm-check"> ${i.confirmText}</label>
    <p><button type="submit" class="${i.action === 'cancel' ? 'danger' : 'primary'}" data-testid="confirm-button">${i.button}</button> <a href="${base}">Back</a></p>
  </form>`;
  return html`<p class="muted small"><a href="${i.list ?? '/broadcasts'}">Broadcasts</a> › <a href="${base}">${i.slug}</a></p>
    <h1>${i.title}</h1>
    <dl class="facts card" data-testid="confirm-facts">${i.facts.map(([k, v, id]) => html`<dt>${k}</dt><dd${id ? html` data-testid="${id}"` : ''}>${v}</dd>`)}</dl>
    ${i.refusal ? html`<section class="problems" data-testid="refusal"><h2>${i.refusal.reason}</h2>${i.refusal.problems.length ? problemList(i.refusal.problems, 'The file') : ''}</section>` : ''}
    ${i.nothingToDo ? html`<p class="notice ok" data-testid="nothing-to-do">${i.nothingToDo}</p>` : ''}
    ${i.refusal || i.nothingToDo ? html`<p><a href="${base}">Back to the broadcast</a></p>` : form}`;
}

/**
 * Replaces each `[data-poll][data-live=true]` element with a fresh copy from its URL until it
 * is no longer live; on a `broadcasts` event (a send started or cancelled, in any tab) every
 * `[data-poll]` element once, so a list that was still catches a send that has begun.
 */
export const POLL_SCRIPT = `
(() => {
  let timer;
  const refresh = (els) => Promise.all(els.map((el) => fetch(el.dataset.poll).then((r) => (r.ok ? r.text() : null)).then((h) => { if (h !== null && el.isConnected) el.outerHTML = h; }).catch(() => {})));
  const later = () => { timer ??= setTimeout(tick, 1000); };
  const tick = () => {
    timer = undefined;
    const live = [...document.querySelectorAll('[data-poll][data-live="true"]')];
    if (live.length) refresh(live).then(later);
  };
  later();
  window.coursemailEvents?.addEventListener('broadcasts', () => refresh([...document.querySelectorAll('[data-poll]')]).then(later));
})();
`;
