import { stringify } from 'csv-stringify/sync';
import type { Hono } from 'hono';
import { html } from '../html.ts';
import type { ConsoleDeps, ConsoleEnv } from './deps.ts';
import { adminPage } from './layout.ts';

const PAGE = 50;

/** The audit log, newest first, paged; and all of it as CSV. Read-only: nothing here edits it. */
export function auditRoutes(app: Hono<ConsoleEnv>, deps: Pick<ConsoleDeps, 'store'>): void {
  app.get('/admin/audit', async (c) => {
    const pageNo = Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1);
    const { entries, total } = await deps.store.admin.auditLog({ limit: PAGE, offset: (pageNo - 1) * PAGE });
    const last = Math.max(1, Math.ceil(total / PAGE));
    const body = html`<h1>Audit log</h1><p class="muted">Every sign-in, sign-out, send, cancel, forget and import, newest first. ${total} entr${total === 1 ? 'y' : 'ies'}. <a href="/admin/audit.csv" download>Export CSV</a></p>
<table data-testid="audit"><thead><tr><th>When (UTC)</th><th>Who</th><th>What</th><th>Detail</th></tr></thead><tbody>
${entries.map((e) => html`<tr data-action="${e.action}"><td>${e.at.toISOString().replace('T', ' ').slice(0, 19)}</td><td class="addr">${e.actor}</td><td>${e.action}</td><td class="addr">${e.detail}</td></tr>`)}
</tbody></table>
<p>${pageNo > 1 ? html`<a href="/admin/audit?page=${pageNo - 1}">← newer</a> ` : ''}page ${pageNo} of ${last}${pageNo < last ? html` <a href="/admin/audit?page=${pageNo + 1}">older →</a>` : ''}</p>`;
    return c.html(adminPage('Audit log', body, c.get('admin')));
  });

  app.get('/admin/audit.csv', async (c) => {
    const rows: string[][] = [];
    for (let offset = 0; ; offset += 1000) {
      const { entries } = await deps.store.admin.auditLog({ limit: 1000, offset });
      rows.push(...entries.map((e) => [e.at.toISOString(), e.actor, e.action, e.detail]));
      if (entries.length < 1000) break;
    }
    c.header('Content-Disposition', 'attachment; filename="coursemail-audit.csv"');
    // A cell starting with = + - @ would be a formula in a spreadsheet: quoted with a leading '.
    const safe = rows.map((r) => r.map((v) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v)));
    return c.body(stringify([['at', 'actor', 'action', 'detail'], ...safe]), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  });
}
