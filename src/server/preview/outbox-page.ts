import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { viewToolbar } from './email-page.ts';
import { html, type SafeHtml } from '../html.ts';
import { headerRows } from './wire.ts';
import { DELIVERY_HEADER } from '../../deliver/index.ts';

/** Only names the outbox transport writes: no path separators, so no way out of the folder. */
const EML = /^[A-Za-z0-9][A-Za-z0-9._=-]*\.eml$/;

const outboxDir = (root: string) => join(root, 'outbox');

function isOutboxFile(name: string): boolean {
  return EML.test(name) && !name.includes('..');
}

export async function readOutboxMessage(root: string, name: string): Promise<ParsedMail | undefined> {
  if (!isOutboxFile(name)) return undefined;
  const path = join(outboxDir(root), name);
  if (!existsSync(path)) return undefined;
  return simpleParser(await readFile(path));
}

const LIMIT = 200;

/** What a delivery id names (coursemail dev reads it from the store); null when unknown. */
export type DeliveryKindLookup = (deliveryId: string) => Promise<{ kind: string; stepNumber: number | null } | null>;

/** "lesson 3", "broadcast", "confirmation", "test": from the delivery id each file carries. */
async function kindOf(mail: ParsedMail, lookup: DeliveryKindLookup | undefined): Promise<string> {
  const id = mail.headers.get(DELIVERY_HEADER.toLowerCase());
  if (typeof id !== 'string') return '—';
  if (id.startsWith('test-') || id.startsWith('sample-')) return 'test';
  const d = lookup ? await lookup(id).catch(() => null) : null;
  if (!d) return '—';
  return d.kind === 'lesson' ? `lesson ${d.stepNumber ?? '?'}` : d.kind === 'confirm' ? 'confirmation' : d.kind;
}

export async function outboxPage(root: string, lookup?: DeliveryKindLookup): Promise<SafeHtml> {
  const dir = outboxDir(root);
  const files = existsSync(dir) ? (await readdir(dir)).filter(isOutboxFile) : [];
  const withTimes = await Promise.all(files.map(async (f) => ({ f, t: (await stat(join(dir, f))).mtimeMs })));
  const newest = withTimes.sort((a, b) => b.t - a.t || b.f.localeCompare(a.f)).slice(0, LIMIT);
  const rows = await Promise.all(
    newest.map(async ({ f }) => {
      const mail = await simpleParser(await readFile(join(dir, f)), { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
      const kind = await kindOf(mail, lookup);
      return html`<li data-file="${f}" data-kind="${kind}"><a class="row" href="/outbox/${f}">
        <span class="when" data-col="time">${mail.date?.toISOString().slice(0, 16).replace('T', ' ') ?? ''}<small>UTC</small></span>
        <span class="from" data-col="to">${mail.to && !Array.isArray(mail.to) ? mail.to.text : ''}</span>
        <span class="inbox-line" data-col="subject"><span class="subject">${mail.subject ?? '(no subject)'}</span></span>
        <span class="size" data-col="kind">${kind}</span>
      </a></li>`;
    }),
  );
  return html`<h1 data-outbox-list>Outbox</h1>
    <p class="muted">What the outbox transport has “sent”: the .eml files in <code class="path">${dir}</code>, newest first${files.length > LIMIT ? ` (latest ${LIMIT} of ${files.length})` : ''}.</p>
    ${rows.length ? html`<p class="small muted">Time · to · subject · kind</p><ol class="timeline" data-testid="outbox">${rows}</ol>` : html`<p class="card">Nothing yet. Send a test from an email page, or run the worker; this page updates by itself.</p>`}`;
}

/** One sent message: desktop, phone and dark views of its HTML part (EMAIL_PAGE_SCRIPT), its text part and its headers. */
export function outboxMessagePage(name: string, mail: ParsedMail): SafeHtml {
  return html`<p class="muted small"><a href="/outbox">Outbox</a> › ${name}</p>
    <h1 data-testid="subject">${mail.subject ?? '(no subject)'}</h1>
    ${mail.html ? viewToolbar() : ''}
    <div class="tabs" role="tablist">
      <button type="button" role="tab" data-tab="preview" aria-selected="true">As the reader sees it</button>
      <button type="button" role="tab" data-tab="text" aria-selected="false">Plain text</button>
      <button type="button" role="tab" data-tab="headers" aria-selected="false">Headers</button>
    </div>
    <div class="panel" data-panel="preview"><div class="stage" id="stage" tabindex="0" role="region" aria-label="The message">
      ${mail.html ? html`<iframe id="email-frame" title="The message" sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox" data-base="/outbox/${name}/frame" data-sample="sent" src="/outbox/${name}/frame?sample=sent&scheme=light" style="width:720px"></iframe>` : html`<p>No HTML part.</p>`}
    </div></div>
    <div class="panel" data-panel="text" hidden><pre class="text" data-testid="plain-text" tabindex="0" aria-label="Plain-text part">${mail.text ?? '(no plain-text part)'}</pre></div>
    <div class="panel" data-panel="headers" hidden><table class="headers" data-testid="headers">${headerRows(mail).map(([k, v]) => html`<tr><th>${k}</th><td>${v}</td></tr>`)}</table></div>`;
}

export const OUTBOX_PAGE_SCRIPT = `
(() => {
  if (document.querySelector('[data-outbox-list]')) window.coursemailEvents.addEventListener('outbox', () => location.reload());
  const frame = document.getElementById('email-frame');
  if (frame) frame.addEventListener('load', () => { try { frame.style.height = frame.contentDocument.documentElement.scrollHeight + 'px'; } catch {} });
  document.addEventListener('click', (e) => {
    const b = e.target.closest('[data-tab]');
    if (!b) return;
    document.querySelectorAll('[data-tab]').forEach((t) => t.setAttribute('aria-selected', String(t === b)));
    document.querySelectorAll('[data-panel]').forEach((p) => { p.hidden = p.dataset.panel !== b.dataset.tab; });
  });
})();
`;
