import type { Config } from '../../config/index.ts';
import { Marked } from 'marked';
import { adviceFor, clientName, clientSupport, lintMessage, type ClaimFinding, type ClientSupportIssue, type SupportAdvice } from '../../lint/index.ts';
import { escapeHtml } from '../../render/escape.ts';
import type { BuiltMessage } from '../../build/index.ts';
import type { PersonalizedMessage, Recipient } from '../../personalize/index.ts';
import type { RenderedMessage } from '../../render/render-message.ts';
import { GMAIL_CLIP_BYTES, HTML_BUDGET_BYTES } from '../../render/guard.ts';
import { formatProblem } from '../../shared/index.ts';
import { fillMessage, filledChecklist, sampleOutgoing, sampleRecipient, SAMPLE_SUBSCRIBERS, type SampleId } from '../../send/test-send.ts';
import { SCHEMES } from './frame.ts';
import { html, raw, type SafeHtml } from '../html.ts';
import { problemList } from './layout.ts';
import { wireHeaders } from './wire.ts';
import type { ResolvedMessage } from './messages.ts';

const supportCache = new Map<string, ClientSupportIssue[]>();

/**
 * caniemail takes ~70 ms a message and depends only on the template HTML, which most saves
 * (a subject, another lesson) leave as it was: cached by the HTML itself.
 */
function clientSupportOf(message: RenderedMessage): ClientSupportIssue[] {
  let issues = supportCache.get(message.html);
  if (!issues) {
    issues = clientSupport(message.html);
    supportCache.set(message.html, issues);
    if (supportCache.size > 64) supportCache.delete(supportCache.keys().next().value as string);
  }
  return issues;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

function sizeMeter(bytes: number): SafeHtml {
  const state = bytes > GMAIL_CLIP_BYTES ? 'clipped by Gmail' : bytes > HTML_BUDGET_BYTES ? 'over budget' : 'within budget';
  return html`<section class="card" data-testid="size">
    <h3>Size: ${kb(bytes)} <span class="muted small">(${state})</span></h3>
    <meter min="0" max="${GMAIL_CLIP_BYTES}" low="${HTML_BUDGET_BYTES * 0.6}" high="${HTML_BUDGET_BYTES}" optimum="0" value="${bytes}"></meter>
    <p class="explain">Budget ${kb(HTML_BUDGET_BYTES)}; Gmail clips HTML past ~${kb(GMAIL_CLIP_BYTES)} and hides the rest, footer first.</p>
  </section>`;
}

/** caniemail's notes are Markdown: rendered, with any raw HTML in them shown as text. */
const notesMarkdown = new Marked({ renderer: { html: ({ text }) => escapeHtml(text) } });
const notesHtml = (notes: string[]) => raw(notesMarkdown.parseInline(notes.join(' '), { async: false }));

interface SupportRow {
  words: string;
  clients: string[];
  features: ClientSupportIssue[];
}

/** Features that mean the same to a reader (the style block and its selectors) are one row. */
function supportRows(issues: ClientSupportIssue[], group: SupportAdvice['group']): SupportRow[] {
  const rows = new Map<string, SupportRow>();
  for (const i of issues) {
    const advice = adviceFor(i);
    if (advice.group !== group) continue;
    const row = rows.get(advice.words) ?? rows.set(advice.words, { words: advice.words, clients: [], features: [] }).get(advice.words)!;
    for (const c of i.clients) if (!row.clients.includes(clientName(c))) row.clients.push(clientName(c));
    row.features.push(i);
  }
  return [...rows.values()];
}

const listWords = (items: string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

function supportRow(r: SupportRow, withNotes: boolean): SafeHtml {
  const notes = withNotes ? [...new Set(r.features.flatMap((f) => f.notes))] : [];
  return html`<li data-feature="${r.features.map((f) => f.feature).join('|')}"><span class="mark">${withNotes ? '!' : '✓'}</span><span><span class="rule">${listWords(r.clients)}</span>: ${r.words}
    <span class="muted">(${r.features.map((f, i) => html`${i ? ', ' : ''}${f.url ? html`<a href="${f.url}" target="_blank" rel="noopener">${f.feature}</a>` : f.feature}`)})</span>${notes.length ? html`<br><span class="muted small">${notesHtml(notes)}</span>` : ''}</span></li>`;
}

/** The client-support card; the page loads it after itself, so a reload never waits for caniemail. */
export function clientSupportCard(message: RenderedMessage): SafeHtml {
  const issues = clientSupportOf(message);
  const differs = supportRows(issues, 'differs');
  const harmless = supportRows(issues, 'harmless');
  const partial = supportRows(issues, 'partial');
  const apps = [...new Set(differs.flatMap((r) => r.clients))];
  return html`<section class="card" data-testid="client-support">
    <h3>Client support</h3>
    <p class="explain">How the main mail apps treat this email’s HTML, from the tests at <a href="https://www.caniemail.com/" target="_blank" rel="noopener">caniemail.com</a> (each feature links to its page there). Advice, not an error.</p>
    <details open data-group="differs"><summary>${differs.length ? `Will look different in ${listWords(apps)} (${differs.length})` : 'Looks the same in every app checked'}</summary><ul class="checks lint">${differs.map((r) => supportRow(r, true))}</ul></details>
    ${harmless.length ? html`<details data-group="harmless"><summary>Harmless by design (${harmless.length})</summary><ul class="checks">${harmless.map((r) => supportRow(r, false))}</ul></details>` : ''}
    ${partial.length ? html`<details data-group="partial"><summary>Partly supported, small differences (${partial.length})</summary><ul class="checks lint">${partial.map((r) => supportRow(r, true))}</ul></details>` : ''}
  </section>`;
}

export interface EmailPageOptions {
  sample: SampleId;
  /** Result of a test send, shown once after the redirect. */
  notice?: { ok: boolean; text: string };
  /** A broadcast's status and its send actions (coursemail dev). */
  sending?: SafeHtml;
  /** The claims lint over the message's source: open ones warn, claim-ok ones show their why. */
  claims?: ClaimFinding[];
}

function claimRows(claims: ClaimFinding[]): SafeHtml[] {
  return claims.map((f) =>
    f.accepted
      ? html`<li data-rule="claim" data-accepted="true"><span class="mark">✓</span><span><span class="rule">claim-ok</span> ${f.file}:${f.line}: “${f.phrase}” — ${f.accepted}</span></li>`
      : html`<li data-rule="claim"><span class="mark">!</span><span><span class="rule">claim</span> ${f.file}:${f.line}: “${f.phrase}” — ${f.reason}</span></li>`,
  );
}

/**
 * The headers panel: composed by the pipeline's own `composeMessage` and the deliver stage's
 * MIME writer, loaded after the page (composing costs tens of milliseconds). The composer
 * refuses a message that fails the guard: then there are no headers to show.
 */
export async function headersPanel(config: Config, message: RenderedMessage, sample: SampleId, now: Date): Promise<SafeHtml> {
  const recipient = sampleRecipient(config, sample);
  const ok = filledChecklist(message, fillMessage(message, recipient), recipient, config).every((c) => c.ok);
  if (!ok) return html`<p class="notice bad">Not sendable: the filled message fails the compliance guard (see the checklist).</p>`;
  const rows = await wireHeaders(sampleOutgoing({ message, config, sample, to: 'reader@example.com', id: 'preview', now }));
  return html`<table class="headers" data-testid="headers">${rows.map(([k, v]) => html`<tr><th>${k}</th><td>${v}</td></tr>`)}</table>`;
}

/**
 * The guard's and lint's findings on a filled message (compliance checklist, size, lint and
 * claims): beside every email page, and beside the console's broadcast editor.
 */
export function findingsCards(config: Config, built: BuiltMessage, filled: PersonalizedMessage, recipient: Recipient, claims: ClaimFinding[]): SafeHtml {
  const { message } = built;
  const checks = filledChecklist(message, filled, recipient, config);
  // The author's own lines first: what was removed from the body, links with no URL (file:line).
  const authored = built.warnings.map((w) => ({ rule: w.code, message: formatProblem(w) }));
  const lint = [...authored, ...lintMessage({ ...filled, preheader: message.preheader }, { filled: true })];
  const warnings = lint.length + claims.filter((f) => !f.accepted).length;
  const allOk = checks.every((c) => c.ok);
  return html`<section class="card" data-testid="checklist" data-all-ok="${allOk}">
        <h3>Compliance ${allOk ? '✓ all pass' : '✗ refused until fixed'}</h3>
        <ul class="checks">${checks.map((c) => html`<li data-rule="${c.rule}" data-ok="${c.ok}"><span class="mark">${c.ok ? '✓' : '✗'}</span><span><span class="rule">${c.rule}</span>: ${c.why}</span></li>`)}</ul>
      </section>
      ${sizeMeter(Buffer.byteLength(filled.html, 'utf8'))}
      <section class="card" data-testid="lint">
        <h3>Lint ${warnings ? html`<span class="muted small">${warnings} warning${warnings === 1 ? '' : 's'}</span>` : '✓'}</h3>
        ${lint.length || claims.length ? html`<ul class="checks lint">${lint.map((w) => html`<li data-rule="${w.rule}"><span class="mark">!</span><span>${w.message}</span></li>`)}${claimRows(claims)}</ul>` : html`<p class="small muted">Links, images, inbox lengths, lang, contrast and claims look right.</p>`}
      </section>`;
}

export function emailPage(config: Config, transport: string, msg: ResolvedMessage, opts: EmailPageOptions): SafeHtml {
  const heading = html`<p class="muted small">${msg.ref.kind === 'broadcast' ? html`<a href="/broadcasts">Broadcasts</a>` : html`<a href="/">Series</a>`} › ${msg.seriesTitle ?? msg.context}</p>`;
  if (!msg.built) return html`${heading}<h1>${msg.path}</h1>${problemList(msg.problems, 'This message does not build')}`;
  const { message } = msg.built;
  const recipient = sampleRecipient(config, opts.sample);
  const filled = fillMessage(message, recipient);
  const frameSrc = `${msg.path}/frame?sample=${opts.sample}&scheme=light`;

  return html`${heading}
  <h1 data-testid="subject">${filled.subject}</h1>
  <p class="muted small" data-testid="context">${msg.context}</p>
  ${opts.notice ? html`<p class="notice ${opts.notice.ok ? 'ok' : 'bad'}" data-testid="notice">${opts.notice.text}</p>` : ''}
  <div class="card small" data-testid="inbox-row">
    <span class="muted">In the inbox:</span> <b>${message.senderName}</b> · <span class="inbox-line"><b>${filled.subject}</b> <span class="preheader">— ${message.preheader}</span></span>
  </div>
  <div class="email-layout">
    <div>
      ${viewToolbar(html`<span class="group" role="group" aria-label="Sample subscriber">
          ${Object.entries(SAMPLE_SUBSCRIBERS).map(([id, s]) => html`<a href="?sample=${id}" data-sample="${id}" aria-current="${id === opts.sample}">${s.label}</a>`)}
        </span>`)}
      <div class="tabs" role="tablist">
        <button type="button" role="tab" data-tab="preview" aria-selected="true">Preview</button>
        <button type="button" role="tab" data-tab="text" aria-selected="false">Plain text</button>
        <button type="button" role="tab" data-tab="source" aria-selected="false">HTML source</button>
        <button type="button" role="tab" data-tab="headers" aria-selected="false">Headers</button>
      </div>
      <div class="panel" data-panel="preview"><div class="stage" id="stage" tabindex="0" role="region" aria-label="The email">
        <iframe id="email-frame" title="The email, as a reader sees it" sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox" data-base="${msg.path}/frame" data-sample="${opts.sample}" src="${frameSrc}" style="width:720px"></iframe>
      </div></div>
      <div class="panel" data-panel="text" hidden><pre class="text" data-testid="plain-text" tabindex="0" aria-label="Plain-text part">${filled.text}</pre></div>
      <div class="panel" data-panel="source" hidden><pre class="source" data-testid="html-source" tabindex="0" aria-label="HTML source">${filled.html}</pre></div>
      <div class="panel" data-panel="headers" hidden>
        <div data-src="${msg.path}/headers?sample=${opts.sample}"><p class="small muted">Composing…</p></div>
        <p class="explain">Composed by the same code the transports use, for a subscriber at reader@example.com; a real delivery differs only in To, Date, Message-ID and the delivery id. Links are samples under publicUrl (${config.publicUrl}), signed with a key no server holds.</p>
      </div>
    </div>
    <aside>
      ${opts.sending ?? ''}
      ${findingsCards(config, msg.built, filled, recipient, opts.claims ?? [])}
      <section class="card" data-src="${msg.path}/client-support"><h3>Client support</h3><p class="small muted">Checking against caniemail.com data…</p></section>
      <section class="card">
        <h3>Send a test</h3>
        <form class="send" method="post" action="/send-test">
          <input type="hidden" name="path" value="${msg.path}">
          <input type="hidden" name="sample" value="${opts.sample}">
          <label class="small">To <input type="email" name="to" required value="${config.testAddress ?? ''}"></label>
          <button type="submit" data-testid="send-test">Send test via ${transport}</button>
        </form>
        <p class="explain">Filled for “${SAMPLE_SUBSCRIBERS[opts.sample].label.toLowerCase()}”, subject marked [TEST], refused if the guard fails.${transport === 'outbox' ? ' The outbox writes a .eml file: see Outbox.' : ''}</p>
      </section>
    </aside>
  </div>`;
}

/**
 * Width and colour-scheme toggles over an email's frame (`#email-frame` with `data-base`),
 * with `extra` groups after them; EMAIL_PAGE_SCRIPT drives them. The email pages and the
 * outbox's message page share it.
 */
export function viewToolbar(extra: SafeHtml | '' = ''): SafeHtml {
  return html`<div class="toolbar">
        <span class="group" role="group" aria-label="Width">
          <button type="button" data-width="desktop" aria-pressed="true">Desktop 720 px</button>
          <button type="button" data-width="mobile" aria-pressed="false">Mobile 375 px</button>
        </span>
        <span class="group" role="group" aria-label="Colour scheme">
          ${Object.entries(SCHEMES).map(([id, s]) => html`<button type="button" data-scheme="${id}" aria-pressed="${id === 'light'}">${s.label}</button>`)}
        </span>
        ${extra}
      </div>
      <p class="explain" id="scheme-explain">${SCHEMES.light.explain}</p>`;
}

/** Toggles for the email page (and the outbox's message page); state in the hash so a live reload keeps it. */
export const EMAIL_PAGE_SCRIPT = `
(() => {
  const frame = document.getElementById('email-frame');
  if (!frame) return;
  const schemes = ${JSON.stringify(Object.fromEntries(Object.entries(SCHEMES).map(([k, v]) => [k, v.explain])))};
  const state = Object.assign({ width: 'desktop', tab: 'preview', scheme: 'light' }, Object.fromEntries(new URLSearchParams(location.hash.slice(1))));
  const fit = () => { try { frame.style.height = Math.max(400, frame.contentDocument.documentElement.scrollHeight) + 'px'; } catch {} };
  frame.addEventListener('load', fit);
  const apply = () => {
    frame.style.width = state.width === 'mobile' ? '375px' : '720px';
    document.querySelectorAll('[data-width]').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.width === state.width)));
    document.querySelectorAll('[data-scheme]').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.scheme === state.scheme)));
    document.querySelectorAll('[data-tab]').forEach((b) => b.setAttribute('aria-selected', String(b.dataset.tab === state.tab)));
    document.querySelectorAll('[data-panel]').forEach((p) => { p.hidden = p.dataset.panel !== state.tab; });
    document.getElementById('stage').classList.toggle('dark', state.scheme !== 'light');
    document.getElementById('scheme-explain').textContent = schemes[state.scheme] || '';
    const src = frame.dataset.base + '?sample=' + frame.dataset.sample + '&scheme=' + state.scheme;
    if (frame.getAttribute('src') !== src) frame.setAttribute('src', src);
    const hash = '#' + new URLSearchParams(state);
    history.replaceState(null, '', hash);
    document.querySelectorAll('[data-sample]').forEach((a) => { if (a.tagName === 'A') a.setAttribute('href', '?sample=' + a.dataset.sample + hash); });
    requestAnimationFrame(fit);
  };
  document.addEventListener('click', (e) => {
    const b = e.target.closest('[data-width],[data-scheme],[data-tab]');
    if (!b || b.tagName !== 'BUTTON') return;
    if (b.dataset.width) state.width = b.dataset.width;
    if (b.dataset.scheme) state.scheme = b.dataset.scheme;
    if (b.dataset.tab) state.tab = b.dataset.tab;
    apply();
  });
  apply();
  document.querySelectorAll('[data-src]').forEach((el) => fetch(el.dataset.src).then((r) => r.text()).then((h) => { el.outerHTML = h; }));
})();
`;
