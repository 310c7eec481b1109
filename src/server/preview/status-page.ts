/**
 * `/status` in the preview: the same report as `coursemail status`, as a page. Mount it
 * inside the preview app (its Host check and CSP then apply):
 * `app.route('/status', createStatusPage({ store, clock, version: () => builder.version }))`.
 */
import { Hono } from 'hono';
import {
  COLUMNS,
  complaintLine,
  LEGEND,
  readStatus,
  type CourseOutline,
  type Figures,
  type StatusReport,
  type StatusSource,
  type Unreported,
} from '../../status/index.ts';
import { html, raw, type SafeHtml } from '../html.ts';
import { page } from './layout.ts';

export interface StatusPageDeps {
  store: StatusSource;
  clock: () => Date;
  /** The series as built now: lessons are shown by subject, the unreached ones too. */
  courses?: () => readonly CourseOutline[];
  /** The transport and whether webhooks are on: the columns it cannot fill read "n/a with …". */
  reach?: () => { transport: string; webhooks: boolean };
  /** The preview's build version, for live reload; a static page without it. */
  version?: () => string;
}

const STYLE = raw(`<style>
table.status { border-collapse: collapse; background: #fff; border: 1px solid var(--line); border-radius: 8px; margin: 0 0 8px; }
table.status th, table.status td { padding: 6px 10px; border-bottom: 1px solid var(--line); font-size: 14px; text-align: left; }
table.status td.n { text-align: right; font-variant-numeric: tabular-nums; } table.status th.n { text-align: right; }
table.status tr.total td { font-weight: 600; border-bottom: 0; } table.status td.na { color: var(--muted); font-size: 12px; white-space: nowrap; }
.rate { padding: 10px 14px; border-radius: 8px; margin: 0 0 16px; } .rate[data-level="ok"] { background: #e3f5ea; }
.rate[data-level="warning"] { background: #fff7e0; } .rate[data-level="over"] { background: #fff4f2; color: var(--bad); font-weight: 600; }
</style>`);

const cells = (f: Figures, na: Unreported) =>
  COLUMNS.map((c) =>
    na.columns.includes(c) ? html`<td class="n na" data-col="${c}">${na.label}</td>` : html`<td class="n" data-col="${c}">${f[c] === null ? '—' : f[c]}</td>`,
  );
const head = (first: SafeHtml) => html`<tr>${first}${COLUMNS.map((c) => html`<th class="n">${c}</th>`)}</tr>`;

function statusBody(report: StatusReport): SafeHtml {
  const at = report.at.slice(0, 16).replace('T', ' ');
  const series = report.series.map(
    (s) => html`<h2>${s.title ? html`${s.title} <span class="muted small">${s.seriesId}</span>` : html`Series ${s.seriesId}`}</h2>
      <div class="table-scroll" tabindex="0" role="region" aria-label="${s.title ?? s.seriesId}"><table class="status" data-series="${s.seriesId}">
        ${head(html`<th>#</th><th>lesson</th>`)}
        ${s.lessons.map((l) => html`<tr data-step="${l.stepSlug}"><td>${l.stepNumber ?? '?'}</td><td title="${l.stepSlug}">${l.subject ?? html`${l.stepSlug} <span class="muted small">(no longer in the series)</span>`}</td>${cells(l, report.unreported)}</tr>`)}
        <tr class="total"><td></td><td>total</td>${cells(s.total, report.unreported)}</tr>
      </table></div>
      ${s.unsubscribedBeforeFirstLesson > 0 ? html`<p class="small muted">${s.unsubscribedBeforeFirstLesson} unsubscribed before their first lesson.</p>` : ''}`,
  );
  const broadcasts = report.broadcasts.length
    ? html`<h2>Broadcasts</h2>
      <div class="table-scroll" tabindex="0" role="region" aria-label="Broadcasts"><table class="status" data-testid="broadcasts">
        ${head(html`<th>broadcast</th><th>status</th>`)}
        ${report.broadcasts.map((b) => html`<tr data-broadcast="${b.slug}"><td title="${b.subject}">${b.slug}</td><td>${b.status}</td>${cells(b, report.unreported)}</tr>`)}
      </table></div>
      <p class="small muted">Unsubscribes are counted per lesson (the last one a reader got); no figure ties them to a broadcast.</p>`
    : '';
  return html`${STYLE}<h1>Status</h1>
    <p class="muted">As of ${at} UTC. No opens or clicks: coursemail does not track readers.</p>
    <p class="small muted" data-testid="legend">${LEGEND}</p>
    <p class="rate" data-testid="complaint-rate" data-level="${report.complaintRate.level}">${complaintLine(report.complaintRate)}</p>
    ${report.series.length || report.broadcasts.length ? '' : html`<p class="card">Nothing sent or scheduled yet.</p>`}
    ${series}${broadcasts}
    <h2>Subscribers</h2>
    <p>${Object.entries(report.subscribers).map(([status, n], i) => html`${i ? ', ' : ''}<span data-status="${status}">${n} ${status}</span>`)}</p>`;
}

export function createStatusPage(deps: StatusPageDeps): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    const report = await readStatus(deps.store, deps.clock(), deps.courses?.(), deps.reach?.());
    return c.html(page({ title: 'Status', version: deps.version?.() ?? 'static', body: statusBody(report) }));
  });
  return app;
}
