import type { Context, Hono } from 'hono';
import {
  broadcastStatuses,
  exportDraft,
  listBroadcastSlugs,
  planSend,
  renderStoredDraft,
  sendBroadcastTest,
  slugProblem,
  startSend,
  storedDraftSource,
  type BroadcastStatus,
} from '../../broadcast/index.ts';
import type { Project } from '../../build/index.ts';
import type { Transport } from '../../send/transport.ts';
import type { BroadcastDraftFields, StoredBroadcastDraft } from '../../store/index.ts';
import { actionError } from '../preview/action-error.ts';
import { confirmPage, sendFacts, isLive, n, POLL_SCRIPT, stateLabel, testConfirmInput, when, type ConfirmPageInput } from '../preview/broadcast-pages.ts';
import { html, type SafeHtml } from '../html.ts';
import { PAGE_CSP, PREVIEW_STYLE } from '../preview/layout.ts';
import type { ConsoleDeps, ConsoleEnv } from './deps.ts';
import { EDITOR_SCRIPT, EDITOR_STYLE, editorPage, EMPTY_FIELDS, fieldsOf, previewPanel } from './broadcast-editor.ts';
import { adminPage } from './layout.ts';

const unfinished = (s: BroadcastStatus | undefined) => s?.state === 'scheduled' || s?.state === 'sending';

type Deps = Pick<ConsoleDeps, 'store' | 'clock' | 'courses' | 'project' | 'transport'>;

/**
 * Broadcasts written in the console: stored drafts with a live preview, exported to broadcasts/<slug>.md, test-sent to the signed-in coach,
 * and sent by the code `coursemail broadcast` runs, so there is one send path. Every test, send, export and deletion is audited.
 */
export function broadcastDraftRoutes(app: Hono<ConsoleEnv>, deps: Deps): void {
  const { store } = deps;
  type Status = 200 | 400 | 404 | 409 | 503;
  const show = (c: Context<ConsoleEnv>, title: string, body: SafeHtml, status: Status = 200, script = '') => {
    c.header('Content-Security-Policy', PAGE_CSP);
    return c.html(adminPage(title, body, c.get('admin'), { style: PREVIEW_STYLE + EDITOR_STYLE, script }), status);
  };
  const form = (c: Context<ConsoleEnv>) => new URLSearchParams(c.get('body')?.toString('utf8') ?? '');
  const audit = (c: Context<ConsoleEnv>, action: string, detail: string) => store.admin.audit({ actor: c.get('admin').email, action, detail }, deps.clock());
  const csrfAction = (c: Context<ConsoleEnv>) => ({ action: (path: string) => `${path}?console_csrf=${c.get('admin').csrf}` });
  const audiences = () => (deps.courses?.() ?? []).map((k) => ({ id: k.id, title: k.title }));
  const fileExists = (project: Project, slug: string) => listBroadcastSlugs(project.root).includes(slug);
  const problemPage = (c: Context<ConsoleEnv>, status: Status, title: string, text: string, back?: string) =>
    show(c, title, html`<h1>${title}</h1><p class="notice bad" data-testid="refused">${text}</p><p><a href="${back ?? '/admin/drafts'}">Back</a></p>`, status);
  const noProject = (c: Context<ConsoleEnv>) =>
    problemPage(c, 503, 'The project does not load', 'Fix coursemail.config.json or the templates first (coursemail check says what is wrong).');
  const done = (c: Context<ConsoleEnv>, id: string, text: string, ok = true) =>
    c.redirect(`/admin/drafts/${id}?${ok ? 'done' : 'failed'}=${encodeURIComponent(text)}`, 303);

  const draftOf = async (c: Context<ConsoleEnv>): Promise<StoredBroadcastDraft | undefined> => {
    const id = c.req.param('id') ?? '';
    return /^\d{1,15}$/.test(id) ? ((await store.broadcastDrafts.get(id)) ?? undefined) : undefined;
  };
  const statusOf = async (project: Project, slug: string) => (await broadcastStatuses({ root: project.root, store }, deps.clock(), slug))[0];

  /** Where the draft's broadcast stands, polled while it moves; and what can be done with it. */
  const stateCard = async (c: Context<ConsoleEnv>, project: Project, d: StoredBroadcastDraft): Promise<SafeHtml> => {
    const s = await statusOf(project, d.slug);
    const p = s?.progress;
    const edited = p && p.broadcast.contentHash !== storedDraftSource(d).hash;
    const base = `/admin/drafts/${d.id}`;
    const csrf = c.get('admin').csrf;
    return html`<section class="card" data-testid="sending" data-poll="${base}/state" data-live="${String(isLive(s, deps.clock()))}">
<h2>Send</h2>
<p><b data-testid="draft-state" data-state="${s?.state ?? 'draft'}">${p ? stateLabel(s) : 'not sent'}</b>${p ? html` <span class="muted small">broadcast ${p.broadcast.id}${p.broadcast.total !== null ? ` · ${n(p.failed)} failed · ${n(p.queued + p.sending)} to go` : ''}</span>` : ''}</p>
${edited ? html`<p class="notice bad" data-testid="edited">Edited since broadcast ${p.broadcast.id} was ${unfinished(s) ? 'started: the copies still to go are held until the edit is undone or it is cancelled' : s!.state}. Sending now makes a new broadcast.</p>` : ''}
<p class="actions"><a class="button" href="${base}/test" data-testid="action-test">Send a test to ${c.get('admin').email}…</a> <a class="button primary" href="${base}/send" data-testid="action-send">Send to subscribers…</a>${
      unfinished(s) ? html` <a class="button danger" href="/admin/broadcasts/${encodeURIComponent(d.slug)}/cancel" data-testid="action-cancel">Cancel…</a>` : ''
    }</p>
<p class="explain">The worker beside the console sends a started broadcast at its next pass. The test and the send use the saved draft.</p>
</section>
<section class="card"><h2>Export</h2>
<form method="post" action="${base}/export?console_csrf=${csrf}"><p>Write it to <code>broadcasts/${d.slug}.md</code> on this server, the file <code>coursemail broadcast</code> reads.</p>
<label><input type="checkbox" name="overwrite" value="yes"> Replace the file if it exists</label> <button type="submit" data-testid="export">Export</button></form></section>
${unfinished(s) ? '' : html`<section class="card"><h2>Delete</h2><form method="post" action="${base}/delete?console_csrf=${csrf}"><label><input type="checkbox" name="confirm" value="yes" required> Delete the draft “${d.slug}”</label> <button type="submit">Delete</button></form></section>`}`;
  };

  app.get('/admin/drafts', async (c) => {
    const project = deps.project?.();
    if (!project) return noProject(c);
    const drafts = await store.broadcastDrafts.list();
    const files = listBroadcastSlugs(project.root);
    const audience = (id: string | null) => (id ? `subscribers of ${id}` : 'everyone');
    return show(
      c,
      'Drafts',
      html`<h1>Drafts</h1><p class="muted">Broadcasts written here, kept in the database (every host serving the console shares them). <a class="button primary" href="/admin/drafts/new" data-testid="new-draft">Write a broadcast</a></p>
${c.req.query('done') ? html`<p class="notice ok" data-testid="notice">${c.req.query('done')}</p>` : ''}
<div class="table-scroll" tabindex="0" role="region" aria-label="Drafts"><table class="list" data-testid="drafts"><thead><tr><th>Name</th><th>Subject</th><th>To</th><th>Last saved</th></tr></thead><tbody>
${drafts.map((d) => html`<tr data-draft="${d.slug}"><td><a href="/admin/drafts/${d.id}">${d.slug}</a></td><td>${d.subject}</td><td>${audience(d.seriesId)}</td><td>${when(d.updatedAt)} <span class="muted small">${d.updatedBy}</span></td></tr>`)}
</tbody></table></div>
${drafts.length ? '' : html`<p class="card">No drafts yet.</p>`}
<h2>Files in broadcasts/</h2>
${files.length ? html`<ul data-testid="files">${files.map((s) => html`<li><a href="/admin/broadcasts/${encodeURIComponent(s)}">broadcasts/${s}.md</a></li>`)}</ul>` : html`<p class="muted">None.</p>`}`,
    );
  });

  app.get('/admin/drafts/new', async (c) => {
    const project = deps.project?.();
    if (!project) return noProject(c);
    return show(
      c,
      'Write a broadcast',
      editorPage({
        fields: EMPTY_FIELDS,
        csrf: c.get('admin').csrf,
        audiences: audiences(),
        preview: html`<p class="muted">Start typing: the email appears here.</p>`,
      }),
      200,
      EDITOR_SCRIPT,
    );
  });

  /** Refuses a name that is not a usable file name, or one a broadcast file already has. */
  const nameProblem = (project: Project, slug: string, own?: string) =>
    slugProblem(slug) ?? (slug !== own && fileExists(project, slug) ? `broadcasts/${slug}.md already exists: choose another name for this draft.` : undefined);
  const again = async (c: Context<ConsoleEnv>, project: Project, fields: BroadcastDraftFields, text: string, draft?: StoredBroadcastDraft) =>
    show(
      c,
      'Not saved',
      editorPage({
        draft,
        fields,
        csrf: c.get('admin').csrf,
        audiences: audiences(),
        preview: await previewPanel(project, fields),
        notice: { ok: false, text },
      }),
      400,
      EDITOR_SCRIPT,
    );

  app.post('/admin/drafts/new', async (c) => {
    const project = deps.project?.();
    if (!project) return noProject(c);
    const fields = fieldsOf(form(c));
    const problem = nameProblem(project, fields.slug);
    if (problem) return again(c, project, fields, `Not saved: ${problem}`);
    const made = await store.broadcastDrafts.create(fields, c.get('admin').email, deps.clock());
    if (!made.ok) return again(c, project, fields, `Not saved: a draft named “${fields.slug}” exists already.`);
    await audit(c, 'draft.create', `draft “${fields.slug}”`);
    return done(c, made.draft.id, 'Saved.');
  });

  app.post('/admin/drafts/preview', async (c) => {
    const project = deps.project?.();
    if (!project) return c.text('The project does not load.', 503);
    c.header('Content-Security-Policy', PAGE_CSP);
    return c.html((await previewPanel(project, fieldsOf(form(c)))).value);
  });

  app.get('/admin/drafts/:id', async (c) => {
    const project = deps.project?.();
    if (!project) return noProject(c);
    const d = await draftOf(c);
    if (!d) return problemPage(c, 404, 'No such draft', 'This draft does not exist (deleted, perhaps).');
    const notice = c.req.query('done')
      ? { ok: true, text: c.req.query('done')! }
      : c.req.query('failed')
        ? { ok: false, text: c.req.query('failed')! }
        : undefined;
    return show(
      c,
      d.slug,
      editorPage({
        draft: d,
        fields: d,
        csrf: c.get('admin').csrf,
        audiences: audiences(),
        preview: await previewPanel(project, d),
        actions: await stateCard(c, project, d),
        notice,
      }),
      200,
      EDITOR_SCRIPT + POLL_SCRIPT,
    );
  });

  app.get('/admin/drafts/:id/state', async (c) => {
    const project = deps.project?.();
    const d = await draftOf(c);
    if (!project || !d) return c.text('No such draft', 404);
    c.header('Content-Security-Policy', PAGE_CSP);
    return c.html((await stateCard(c, project, d)).value);
  });

  app.post('/admin/drafts/:id', async (c) => {
    const project = deps.project?.();
    if (!project) return noProject(c);
    const d = await draftOf(c);
    if (!d) return problemPage(c, 404, 'No such draft', 'This draft does not exist (deleted, perhaps): nothing was saved.');
    const posted = form(c);
    const fields = fieldsOf(posted);
    const problem = nameProblem(project, fields.slug, d.slug);
    if (problem) return again(c, project, fields, `Not saved: ${problem}`, d);
    // A sent draft keeps its name: the broadcast (and a cancel or resume) is found by it.
    if (fields.slug !== d.slug && (await store.broadcasts.getBySlug(d.slug)))
      return again(c, project, fields, `Not saved: “${d.slug}” has been sent under this name, which it keeps.`, d);
    const saved = await store.broadcastDrafts.update(d.id, fields, { revision: Number(posted.get('revision')), by: c.get('admin').email, now: deps.clock() });
    if (!saved.ok) {
      const why = {
        conflict: `someone saved this draft after you opened it (${d.updatedBy}, ${when(d.updatedAt)}). Copy your text, reload, and apply it again.`,
        'slug-taken': `another draft is named “${fields.slug}”.`,
        missing: 'the draft was deleted.',
      }[saved.reason];
      return again(c, project, fields, `Not saved: ${why}`, d);
    }
    return done(c, d.id, 'Saved.');
  });

  app.post('/admin/drafts/:id/export', async (c) => {
    const project = deps.project?.();
    if (!project) return noProject(c);
    const d = await draftOf(c);
    if (!d) return problemPage(c, 404, 'No such draft', 'This draft does not exist: nothing was exported.');
    const overwrite = form(c).get('overwrite') === 'yes';
    // A file whose broadcast is still going out must keep the content it was started with.
    const s = await statusOf(project, d.slug);
    if (overwrite && unfinished(s) && s?.progress?.broadcast.contentHash !== storedDraftSource(d).hash) {
      return done(
        c,
        d.id,
        `Not exported: broadcast ${s!.progress!.broadcast.id} of broadcasts/${d.slug}.md is ${s!.state}; replacing its file now would hold the copies still to go.`,
        false,
      );
    }
    try {
      const r = exportDraft(project.root, d, { overwrite });
      if ('exists' in r)
        return done(
          c,
          d.id,
          r.same ? `${r.exists} already holds exactly this draft.` : `Not exported: ${r.exists} exists and differs. Tick “Replace the file” to overwrite it.`,
          r.same,
        );
      await audit(c, 'draft.export', `draft “${d.slug}” to ${r.written}${overwrite ? ' (replacing)' : ''}`);
      return done(c, d.id, `Exported to ${r.written}.`);
    } catch (err) {
      return done(c, d.id, `Not exported: ${actionError(err)}`, false);
    }
  });

  app.post('/admin/drafts/:id/delete', async (c) => {
    const project = deps.project?.();
    if (!project) return noProject(c);
    const d = await draftOf(c);
    if (!d) return problemPage(c, 404, 'No such draft', 'This draft does not exist.');
    if (form(c).get('confirm') !== 'yes') return done(c, d.id, 'Not deleted: tick the box to confirm.', false);
    if (unfinished(await statusOf(project, d.slug)))
      return done(c, d.id, 'Not deleted: its broadcast is still going out (or scheduled); cancel it first.', false);
    await store.broadcastDrafts.remove(d.id);
    await audit(c, 'draft.delete', `draft “${d.slug}”`);
    return c.redirect(`/admin/drafts?done=${encodeURIComponent(`Deleted the draft “${d.slug}”.`)}`, 303);
  });

  // A test to the signed-in coach.
  app.get('/admin/drafts/:id/test', async (c) => {
    const project = deps.project?.();
    if (!project) return noProject(c);
    const d = await draftOf(c);
    if (!d) return problemPage(c, 404, 'No such draft', 'This draft does not exist.');
    const draft = await renderStoredDraft(project, d);
    const to = c.get('admin').email;
    const page = { slug: d.slug, base: `/admin/drafts/${d.id}`, list: '/admin/drafts', guard: csrfAction(c) };
    const input = testConfirmInput(draft, project.config.transport, to, `${to}, you`, page);
    if (!draft.built) input.refusal = { reason: `Not sendable: the draft does not pass the checks.`, problems: draft.problems };
    return show(c, input.title, confirmPage(input), input.refusal ? 409 : 200);
  });

  /** A confirmed POST: the box ticked, and the draft now exactly the version the coach reviewed. */
  const reviewed = async (c: Context<ConsoleEnv>) => {
    const project = deps.project?.();
    if (!project) return noProject(c);
    const d = await draftOf(c);
    if (!d) return problemPage(c, 404, 'No such draft', 'This draft does not exist: nothing was sent.');
    const posted = form(c);
    if (posted.get('confirm') !== 'yes')
      return problemPage(c, 400, 'Not confirmed', 'Nothing was sent: tick the confirmation box to go ahead.', `/admin/drafts/${d.id}`);
    const draft = await renderStoredDraft(project, d);
    if (draft.hash !== posted.get('hash'))
      return problemPage(
        c,
        409,
        'Not sent: the draft changed',
        'Nothing was sent: the draft was saved again after you reviewed it. Review it again and confirm what it holds now.',
        `/admin/drafts/${d.id}`,
      );
    return { project, d, draft, posted };
  };

  app.post('/admin/drafts/:id/test', async (c) => {
    const r = await reviewed(c);
    if (r instanceof Response) return r;
    let transport: Transport | undefined;
    try {
      transport = deps.transport();
      const { outcome, sent } = await sendBroadcastTest({ draft: r.draft, config: r.project.config, transport, now: deps.clock(), to: c.get('admin').email });
      await audit(c, 'broadcast.test', `draft “${r.d.slug}”: “${sent.subject}” to ${sent.to}`);
      return done(c, r.d.id, `Sent “${sent.subject}” to ${sent.to} via ${transport.name} (${outcome.providerId}).`);
    } catch (err) {
      await audit(c, 'broadcast.test', `draft “${r.d.slug}”: not sent`);
      return done(c, r.d.id, actionError(err), false);
    } finally {
      await transport?.close();
    }
  });

  app.get('/admin/drafts/:id/send', async (c) => {
    const project = deps.project?.();
    if (!project) return noProject(c);
    const d = await draftOf(c);
    if (!d) return problemPage(c, 404, 'No such draft', 'This draft does not exist.');
    const draft = await renderStoredDraft(project, d);
    const forceNew = c.req.query('new') === 'yes';
    const plan = await planSend({ project, store }, draft, { now: deps.clock(), forceNew });
    const a = plan.action;
    const to = `${n(plan.recipients)} recipient${plan.recipients === 1 ? '' : 's'}`;
    const input: ConfirmPageInput = {
      slug: d.slug,
      base: `/admin/drafts/${d.id}`,
      list: '/admin/drafts',
      action: 'send',
      title: a.kind === 'resume' ? `Resume sending “${plan.subject}”?` : `Send “${plan.subject}”?`,
      facts: sendFacts(
        plan,
        project.config.transport,
        a.kind === 'schedule'
          ? `a new broadcast, scheduled for ${when(a.sendAt)}`
          : a.kind === 'resume'
            ? `resume broadcast ${a.broadcast.id}; nobody gets a second copy`
            : `a new broadcast${plan.replaces ? `, cancelling the rest of broadcast ${plan.replaces.broadcast.id}` : ''}, sent by the worker beside the console at its next pass`,
      ),
      hidden: { hash: draft.hash, ...(forceNew ? { new: 'yes' } : {}) },
      confirmText: a.kind === 'schedule' ? `Yes, schedule “${plan.subject}” (${to} now)` : `Yes, send “${plan.subject}” to ${to}`,
      button: a.kind === 'schedule' ? `Schedule for ${when(a.sendAt)}` : `Send to ${to}`,
      guard: csrfAction(c),
    };
    if (a.kind === 'refused') {
      // The CLI's way out (--force-new) is the button here.
      const again = a.code === 'broadcast.changed' || a.code === 'broadcast.cancelled';
      input.refusal = { reason: again ? `${a.reason} Here, the button below does what --force-new does.` : a.reason, problems: a.problems };
      if (again)
        input.facts.push(['Instead', html`<a class="button" href="/admin/drafts/${d.id}/send?new=yes" data-testid="send-new">Send it as a new broadcast…</a>`]);
    }
    if (a.kind === 'done') input.nothingToDo = `Broadcast ${a.broadcast.id} was already sent in full: nothing to do.`;
    if (a.kind === 'wait') input.nothingToDo = `Broadcast ${a.broadcast.id} is scheduled for ${when(a.broadcast.sendAt)}: the worker sends it then.`;
    return show(c, input.title, confirmPage(input), a.kind === 'refused' ? 409 : 200);
  });

  app.post('/admin/drafts/:id/send', async (c) => {
    const r = await reviewed(c);
    if (r instanceof Response) return r;
    try {
      const started = await startSend({ project: r.project, store }, r.draft, { now: deps.clock(), forceNew: r.posted.get('new') === 'yes' });
      const what =
        started.outcome === 'already-sent'
          ? `Broadcast ${started.broadcast.id} was already sent; nothing to do.`
          : started.outcome === 'scheduled'
            ? `Scheduled broadcast ${started.broadcast.id} for ${when(started.broadcast.sendAt)}: the worker sends it then.`
            : `${started.resumed ? 'Resumed' : 'Started'} broadcast ${started.broadcast.id} to ${n(started.total)} recipients: the worker sends it at its next pass.`;
      await audit(c, 'broadcast.send', `draft “${r.d.slug}”: ${what}`);
      return done(c, r.d.id, what);
    } catch (err) {
      await audit(c, 'broadcast.send', `draft “${r.d.slug}”: refused`);
      return problemPage(c, 409, 'Not sent', actionError(err), `/admin/drafts/${r.d.id}`);
    }
  });
}
