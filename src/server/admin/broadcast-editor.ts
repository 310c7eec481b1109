import { renderBroadcast, storedDraftSource } from '../../broadcast/index.ts';
import type { Project } from '../../build/index.ts';
import { claimRules, lintClaims } from '../../lint/index.ts';
import { fillMessage, sampleRecipient } from '../../send/test-send.ts';
import type { Problem } from '../../shared/index.ts';
import type { BroadcastDraftFields, StoredBroadcastDraft } from '../../store/index.ts';
import { findingsCards } from '../preview/email-page.ts';
import { frameDocument } from '../preview/frame.ts';
import { html, type SafeHtml } from '../html.ts';

export const EMPTY_FIELDS: BroadcastDraftFields = {
  slug: '',
  subject: '',
  preheader: '',
  seriesId: null,
  sendAt: null,
  ctaText: null,
  ctaHref: null,
  body: '',
};

/** The editor's form as posted (any field missing is empty; the parser and guard judge the rest). */
export function fieldsOf(form: URLSearchParams): BroadcastDraftFields {
  const opt = (k: string) => form.get(k)?.trim() || null;
  return {
    slug: (form.get('slug') ?? '').trim(),
    subject: form.get('subject') ?? '',
    preheader: form.get('preheader') ?? '',
    seriesId: opt('series'),
    sendAt: opt('sendAt'),
    ctaText: opt('ctaText'),
    ctaHref: opt('ctaHref'),
    body: form.get('body') ?? '',
  };
}

/** The line the body starts on in the draft's file text: body problems are shown as lines of the text box. */
const bodyLineOf = (text: string) => text.slice(0, text.indexOf('\n---\n') + 6).split('\n').length;

/**
 * The live preview: the draft through the broadcast render path (`renderBroadcast`, as a file
 * is), filled for a sample reader, in a frame that runs no script, with the guard's and
 * lint's findings and every problem beside it.
 */
export async function previewPanel(project: Project, fields: BroadcastDraftFields): Promise<SafeHtml> {
  const source = storedDraftSource(fields);
  const draft = await renderBroadcast(project, source);
  const bodyLine = bodyLineOf(source.text);
  const where = (p: Problem) => (p.field ? `${p.field}: ` : p.line && p.line >= bodyLine ? `body line ${p.line - bodyLine + 1}: ` : '');
  const problems = draft.problems.length
    ? html`<section class="problems" data-testid="problems"><h2>Not sendable yet (${draft.problems.length} problem${draft.problems.length === 1 ? '' : 's'})</h2><ul>${draft.problems.map((p) => html`<li>${where(p)}${p.message}</li>`)}</ul></section>`
    : '';
  const built = draft.rendered;
  if (!built) return html`${problems}`;
  const recipient = sampleRecipient(project.config, 'named');
  const filled = fillMessage(built.message, recipient);
  const claims = lintClaims(source.text, source.file, claimRules(project.config.lint.claims).rules);
  return html`${problems}
<div class="card small" data-testid="inbox-row"><span class="muted">In the inbox:</span> <b>${built.message.senderName}</b> · <b data-testid="preview-subject">${filled.subject}</b> <span class="muted">— ${built.message.preheader}</span></div>
<p class="explain">Filled for a sample reader named Maya; the footer is the one every message carries.</p>
<div class="stage"><iframe id="email-frame" title="The email, as a reader sees it" sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox" srcdoc="${frameDocument(filled.html, 'light')}"></iframe></div>
${findingsCards(project.config, built, filled, recipient, claims)}`;
}

export interface EditorInput {
  /** Absent for a new draft. */
  draft?: StoredBroadcastDraft;
  fields: BroadcastDraftFields;
  csrf: string;
  audiences: { id: string; title: string }[];
  preview: SafeHtml;
  /** Where it stands and its actions (a saved draft only). */
  actions?: SafeHtml;
  notice?: { ok: boolean; text: string };
}

export function editorPage(i: EditorInput): SafeHtml {
  const f = i.fields;
  const action = i.draft ? `/admin/drafts/${i.draft.id}` : '/admin/drafts/new';
  const audiences = f.seriesId && !i.audiences.some((a) => a.id === f.seriesId) ? [...i.audiences, { id: f.seriesId, title: f.seriesId }] : i.audiences;
  return html`<p class="muted small"><a href="/admin/drafts">Drafts</a> › ${i.draft ? i.draft.slug : 'new'}</p>
<h1>${i.draft ? html`Edit “${i.draft.slug}”` : 'Write a broadcast'}</h1>
${i.notice ? html`<p class="notice ${i.notice.ok ? 'ok' : 'bad'}" data-testid="notice">${i.notice.text}</p>` : ''}
<div class="editor">
<form id="draft-form" class="card" method="post" action="${action}?console_csrf=${i.csrf}" data-preview="/admin/drafts/preview" data-csrf="${i.csrf}">
${i.draft ? html`<input type="hidden" name="revision" value="${i.draft.revision}">` : ''}
<label>Name <span class="muted small">(the file it exports to: broadcasts/NAME.md)</span><input name="slug" required value="${f.slug}" pattern="[a-z0-9][a-z0-9\\-]{0,63}" autocomplete="off" placeholder="spring-update"></label>
<label>Subject<input name="subject" required value="${f.subject}" autocomplete="off"></label>
<label>Preheader <span class="muted small">(the line after the subject in the inbox)</span><input name="preheader" required value="${f.preheader}" autocomplete="off"></label>
<label>To<select name="series"><option value="">every active subscriber</option>${audiences.map((a) => html`<option value="${a.id}"${a.id === f.seriesId ? html` selected` : ''}>subscribers of ${a.title}</option>`)}</select></label>
<label>Send at <span class="muted small">(optional: ISO date-time with its zone, e.g. 2026-12-01T09:00:00-05:00)</span><input name="sendAt" value="${f.sendAt ?? ''}" autocomplete="off"></label>
<fieldset><legend>Button <span class="muted small">(optional)</span></legend>
<label>Text<input name="ctaText" value="${f.ctaText ?? ''}" autocomplete="off"></label>
<label>Link <span class="muted small">(https://… or link:NAME from coursemail.config.json)</span><input name="ctaHref" value="${f.ctaHref ?? ''}" autocomplete="off"></label></fieldset>
<label>Body <span class="muted small">(Markdown; {{firstName}} and {{#if firstName}}…{{else}}…{{/if}} as in a lesson)</span><textarea name="body" rows="16" required>${f.body}</textarea></label>
<p class="explain">The footer (disclaimer, crisis line, your name and postal address, unsubscribe) follows the body in every copy; nothing written here can hide or remove it.</p>
<p><button type="submit" data-testid="save">${i.draft ? 'Save draft' : 'Save as a new draft'}</button> <span id="dirty" class="muted small" role="status"></span></p>
</form>
<section class="preview" aria-labelledby="preview-h"><h2 id="preview-h">Preview <span id="preview-status" class="muted small" role="status"></span></h2><div id="draft-preview" data-testid="draft-preview">${i.preview}</div></section>
</div>
${i.actions ?? ''}`;
}

export const EDITOR_STYLE = `
.editor { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 20px; align-items: start; }
#draft-form label { display: block; margin: 0 0 10px; font-weight: 600; }
#draft-form label span { font-weight: 400; }
#draft-form input, #draft-form select, #draft-form textarea { display: block; width: 100%; margin-top: 2px; font: inherit; font-weight: 400; padding: 6px 8px; }
#draft-form textarea { font: 13px/1.5 ui-monospace, Menlo, monospace; resize: vertical; }
#draft-form fieldset { border: 1px solid #d9e2ec; border-radius: 6px; margin: 0 0 10px; }
.preview .stage iframe { width: 100%; height: 600px; }
@media (max-width: 900px) { .editor { grid-template-columns: minmax(0, 1fr); } }
`;

/**
 * Re-renders the preview from the form as typed (a short pause after the last key), posting
 * it with the session's token; the server's answer is markup it escaped. Fits the frame to
 * the email and says when there are unsaved changes (the actions use the saved draft).
 */
export const EDITOR_SCRIPT = `
(() => {
  const form = document.getElementById('draft-form');
  const panel = document.getElementById('draft-preview');
  const status = document.getElementById('preview-status');
  const dirty = document.getElementById('dirty');
  if (!form || !panel) return;
  const fit = () => {
    const frame = panel.querySelector('iframe');
    if (!frame) return;
    const size = () => { try { frame.style.height = Math.max(400, frame.contentDocument.documentElement.scrollHeight) + 'px'; } catch {} };
    frame.addEventListener('load', size);
    size();
  };
  let timer;
  let seq = 0;
  const refresh = async () => {
    const mine = ++seq;
    status.textContent = 'updating…';
    try {
      const r = await fetch(form.dataset.preview, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': form.dataset.csrf }, body: new URLSearchParams(new FormData(form)) });
      const markup = await r.text();
      if (mine !== seq) return;
      if (!r.ok) { status.textContent = 'not updated: ' + markup.slice(0, 200); return; }
      panel.innerHTML = markup;
      panel.dataset.version = String(mine);
      status.textContent = 'up to date';
      fit();
    } catch { if (mine === seq) status.textContent = 'not updated (the server did not answer)'; }
  };
  form.addEventListener('input', () => {
    if (dirty) dirty.textContent = 'Unsaved changes: the test and send use the saved draft.';
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
  fit();
})();
`;
