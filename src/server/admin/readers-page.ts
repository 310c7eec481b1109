import type { Context, Hono } from 'hono';
import type { SubscriberStatus } from '../../store/index.ts';
import { exportSubscribers, forgetSubscriber } from '../../subscribers/index.ts';
import { html } from '../html.ts';
import type { ConsoleDeps, ConsoleEnv } from './deps.ts';
import { consentTable } from './consent-table.ts';
import { adminPage } from './layout.ts';

const PAGE = 25;
const STATUSES: SubscriberStatus[] = ['pending', 'active', 'unsubscribed', 'bounced', 'complained'];
const isStatus = (s: string | undefined): s is SubscriberStatus => STATUSES.includes(s as SubscriberStatus);
const when = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 16) : '—');

/**
 * Readers: search, one reader's data and messages, and the actions the CLI's `subscribers`
 * commands take, through the same store and subscriber functions. Each action is audited.
 */
export function readerRoutes(app: Hono<ConsoleEnv>, deps: Pick<ConsoleDeps, 'store' | 'clock' | 'courses'>): void {
  const { store } = deps;
  const show = (c: Context<ConsoleEnv>, title: string, body: ReturnType<typeof html>, status: 200 | 400 | 404 = 200) =>
    c.html(adminPage(title, body, c.get('admin')), status);
  const form = (c: Context<ConsoleEnv>) => new URLSearchParams(c.get('body')?.toString('utf8') ?? '');
  const audit = (c: Context<ConsoleEnv>, action: string, detail: string) => store.admin.audit({ actor: c.get('admin').email, action, detail }, deps.clock());

  app.get('/admin/readers', async (c) => {
    const query = (c.req.query('q') ?? '').slice(0, 200);
    const status = c.req.query('status');
    const pageNo = Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1);
    // `course`: SERIES (enrolled), SERIES: (no lesson yet) or SERIES:SLUG (last lesson sent).
    const courseParam = c.req.query('course') ?? '';
    const [seriesId, stepPart] = courseParam.split(/:(.*)/s) as [string, string | undefined];
    const course = seriesId ? { seriesId, stepSlug: stepPart === undefined ? undefined : stepPart === '' ? null : stepPart } : undefined;
    const { readers, total } = await store.readers.search({
      query,
      status: isStatus(status) ? status : undefined,
      course,
      limit: PAGE,
      offset: (pageNo - 1) * PAGE,
    });
    const last = Math.max(1, Math.ceil(total / PAGE));
    const link = (p: number) =>
      `/admin/readers?${new URLSearchParams({ q: query, status: isStatus(status) ? status : '', course: courseParam, page: String(p) })}`;
    const option = (value: string, label: string) => html`<option value="${value}"${value === courseParam ? html` selected` : ''}>${label}</option>`;
    const courses = (deps.courses?.() ?? []).map((k) => [
      option(k.id, `${k.title}: anyone enrolled`),
      option(`${k.id}:`, `${k.title}: no lesson yet`),
      k.steps.map((st) => option(`${k.id}:${st.slug}`, `${k.title}: last sent ${st.step}. ${st.subject}`)),
    ]);
    return show(
      c,
      'Readers',
      html`<h1>Readers</h1>
<form class="card" method="get" action="/admin/readers" role="search"><input type="search" name="q" value="${query}" placeholder="address or name" aria-label="Address or name">
<select name="status" aria-label="Status"><option value="">any status</option>${STATUSES.map((s) => html`<option value="${s}"${s === status ? html` selected` : ''}>${s}</option>`)}</select>
<select name="course" aria-label="Course step"><option value="">any course</option>${courses}</select> <button type="submit">Search</button></form>
<p class="muted">${total} reader${total === 1 ? '' : 's'} · <a href="/admin/readers.csv" download>Export all (CSV)</a> · <a href="/admin/import">Import a CSV</a></p>
<table data-testid="readers"><thead><tr><th>Address</th><th>Name</th><th>Status</th><th>Since</th></tr></thead><tbody>
${readers.map((r) => html`<tr data-reader="${r.email}"><td class="addr"><a href="/admin/readers/${r.id}">${r.email}</a></td><td>${r.firstName ?? ''}</td><td data-testid="status">${r.status}</td><td>${when(r.createdAt)}</td></tr>`)}
</tbody></table>
<p>${pageNo > 1 ? html`<a href="${link(pageNo - 1)}">← previous</a> ` : ''}page ${pageNo} of ${last}${pageNo < last ? html` <a href="${link(pageNo + 1)}">next →</a>` : ''}</p>`,
    );
  });

  // Streamed a page at a time by the CLI's own export: a long list never sits in memory whole.
  app.get('/admin/readers.csv', async (c) => {
    await audit(c, 'readers.export', 'all readers (CSV)');
    const chunks = exportSubscribers(store, { format: 'csv' });
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
    });
    return c.body(body, 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="coursemail-readers.csv"' });
  });

  app.get('/admin/readers/:id', async (c) => {
    const data = await store.subscribers.dataHeld(c.req.param('id'));
    if (!data) return show(c, 'Not found', html`<h1>Not found</h1><p>No such reader (forgotten, perhaps). <a href="/admin/readers">All readers</a></p>`, 404);
    const { subscriber: s, enrollments, deliveries, consent } = data;
    const csrf = c.get('admin').csrf;
    const action = (name: string) => `/admin/readers/${s.id}/${name}?console_csrf=${csrf}`;
    return show(
      c,
      s.email,
      html`<p class="muted"><a href="/admin/readers">Readers</a> › ${s.email}</p><h1>${s.email}</h1>
${c.req.query('done') ? html`<p class="card" data-testid="notice">${c.req.query('done')}</p>` : ''}
<div class="card"><table><tbody>
<tr><th>Status</th><td data-testid="status">${s.status}</td></tr><tr><th>Name</th><td>${s.firstName ?? '—'}</td></tr><tr><th>Time zone</th><td>${s.timezone ?? '—'}</td></tr>
<tr><th>Consent</th><td>${when(s.consentAt)} (${s.consentSource ?? 'no source recorded'})</td></tr><tr><th>Since</th><td>${when(s.createdAt)}</td></tr></tbody></table></div>
<h2>Consent log</h2>${consentTable(consent)}
<h2>Courses</h2><table><thead><tr><th>Series</th><th>Status</th><th>Last lesson</th><th></th></tr></thead><tbody>
${enrollments.map(
  (e) =>
    html`<tr><td>${e.seriesId}</td><td>${e.status}${e.pausedAt ? ' (paused)' : ''}</td><td>${e.lastStepSlug ?? '—'} ${when(e.lastSentAt)}</td><td>${
      e.status === 'active'
        ? html`<form method="post" action="${action(e.pausedAt ? 'resume' : 'pause')}"><input type="hidden" name="series" value="${e.seriesId}"><button type="submit">${e.pausedAt ? 'Resume' : 'Pause'}</button></form>`
        : ''
    }</td></tr>`,
)}
</tbody></table>
<h2>Messages</h2><table data-testid="messages"><thead><tr><th>What</th><th>Status</th><th>Sent</th></tr></thead><tbody>
${deliveries.map((d) => html`<tr><td>${d.kind === 'broadcast' ? `broadcast ${d.broadcastId}` : d.kind === 'confirm' ? `confirmation (${d.seriesId ?? ''})` : `${d.seriesId} ${d.stepNumber ?? ''} ${d.stepSlug ?? ''}`}</td><td>${d.status}${d.error ? ` — ${d.error}` : ''}</td><td>${when(d.sentAt)}</td></tr>`)}
</tbody></table>
<h2>Actions</h2><div class="card">
<p><a href="/admin/readers/${s.id}/export" download>Export everything held (CSV)</a></p>
${s.status === 'active' || s.status === 'pending' ? html`<form method="post" action="${action('unsubscribe')}"><button type="submit" data-testid="unsubscribe">Unsubscribe</button> <span class="muted">and cancel everything queued</span></form>` : ''}
<form method="post" action="${action('forget')}"><p><label>To erase everything held about this reader (it cannot be undone), type their address: <input name="confirm" autocomplete="off"></label> <button type="submit" class="bad">Forget</button></p></form>
</div>`,
    );
  });

  app.get('/admin/readers/:id/export', async (c) => {
    const s = await store.subscribers.getById(c.req.param('id'));
    if (!s) return c.text('No such reader', 404);
    let out = '';
    for await (const chunk of exportSubscribers(store, { email: s.email, format: 'csv' })) out += chunk;
    await audit(c, 'reader.export', s.email);
    return c.body(out, 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="reader-${s.id}.csv"` });
  });

  const done = (c: Context<ConsoleEnv>, id: string, text: string) => c.redirect(`/admin/readers/${id}?done=${encodeURIComponent(text)}`, 303);

  app.post('/admin/readers/:id/unsubscribe', async (c) => {
    const s = await store.subscribers.getById(c.req.param('id'));
    if (!s) return c.text('No such reader', 404);
    const r = await store.subscribers.unsubscribe(s.id, deps.clock());
    await audit(c, 'reader.unsubscribe', `${s.email}${r?.changed ? `: ${r.cancelled} queued cancelled` : ': no change'}`);
    return done(c, s.id, r?.changed ? `Unsubscribed; ${r.cancelled} queued message(s) cancelled.` : `Already ${s.status}; nothing changed.`);
  });

  for (const verb of ['pause', 'resume'] as const) {
    app.post(`/admin/readers/:id/${verb}`, async (c) => {
      const s = await store.subscribers.getById(c.req.param('id'));
      const series = form(c).get('series') ?? '';
      if (!s) return c.text('No such reader', 404);
      const r = await store.enrollments[verb](s.id, series, deps.clock());
      await audit(c, `reader.${verb}`, `${s.email} in ${series}${r ? '' : ': no such course'}`);
      return done(c, s.id, r ? `${verb === 'pause' ? 'Paused' : 'Resumed'} ${series}.` : `Not enrolled in ${series}.`);
    });
  }

  app.post('/admin/readers/:id/forget', async (c) => {
    const s = await store.subscribers.getById(c.req.param('id'));
    if (!s) return c.text('No such reader', 404);
    if ((form(c).get('confirm') ?? '').trim().toLowerCase() !== s.email.toLowerCase())
      return done(c, s.id, 'Not forgotten: type the reader’s address exactly to confirm.');
    const r = await forgetSubscriber(store, s.email, deps.clock());
    if ('problem' in r) return done(c, s.id, r.problem.message);
    // The address is what was erased: the log keeps only that a reader was forgotten, and by whom.
    await audit(c, 'reader.forget', `reader ${s.id}`);
    return c.redirect(`/admin/readers?q=&status=&page=1`, 303);
  });
}
