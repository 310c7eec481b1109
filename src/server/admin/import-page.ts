import { stringify } from 'csv-stringify/sync';
import type { Context, Hono } from 'hono';
import { neutralizeFormula, type BadRow } from '../../subscribers/index.ts';
import { POLL_SCRIPT } from '../preview/broadcast-pages.ts';
import { html, raw, type SafeHtml } from '../html.ts';
import type { ConsoleDeps, ConsoleEnv } from './deps.ts';
import { ImportJobs, type ImportJob } from './import-jobs.ts';
import { adminPage } from './layout.ts';

export const IMPORT_PATH = '/admin/import';
/** The upload is read whole before the import starts (the CSRF gate reads every body): this much, not the usual 256 KB. */
export const IMPORT_BODY_LIMIT = 10 * 1024 * 1024;
/** Bad rows listed on the page; all of them are in the CSV beside it. */
const SHOWN = 500;
const JOB_ID = /^[A-Za-z0-9_-]{43}$/;

const when = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16);
const size = (n: number) =>
  n < 1024 ? `${n} bytes` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB`;
/** The browser's name for the file, as the consent log and audit keep it: no path, no control or bidi characters. */
const fileName = (name: string) =>
  name
    .split(/[\\/]/)
    .pop()!
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '')
    .trim()
    .slice(0, 200) || 'upload.csv';
/** The reason without the column it starts with, which the table shows beside it. */
const reasonOf = (b: BadRow) => (b.field && b.reason.startsWith(`${b.field}: `) ? b.reason.slice(b.field.length + 2) : b.reason);

/**
 * Import a CSV of readers from the browser: the same file format, parser and confirmation
 * queueing as `coursemail subscribers import`; the upload answers at once with a page that
 * follows the import's progress and ends on its summary, every bad row by line and column.
 */
export function importRoutes(app: Hono<ConsoleEnv>, deps: Pick<ConsoleDeps, 'store' | 'clock' | 'courses' | 'log'>): void {
  const jobs = new ImportJobs(deps);
  const show = (c: Context<ConsoleEnv>, title: string, body: SafeHtml, status: 200 | 400 | 404 = 200) => c.html(adminPage(title, body, c.get('admin')), status);
  const courses = () => deps.courses?.() ?? [];

  const form = (c: Context<ConsoleEnv>, problem?: string) => {
    const list = courses();
    const option = (value: string, label: string, selected: boolean) => html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`;
    return html`<p class="muted"><a href="/admin/readers">Readers</a> › Import</p><h1>Import readers</h1>
${problem ? html`<p class="card bad" data-testid="import-problem">${problem}</p>` : ''}
<form class="card" method="post" enctype="multipart/form-data" action="${IMPORT_PATH}?console_csrf=${c.get('admin').csrf}">
<p><label>CSV file <input type="file" name="file" accept=".csv,text/csv" required data-testid="import-file"></label></p>
<p><label>Course <select name="series">${list.map((k) => option(k.id, k.title, list.length === 1))}<option value=""${list.length === 1 ? '' : html` selected`}>no course (pending readers get no confirmation email yet)</option></select></label></p>
<p><button type="submit" data-testid="import-start">Import</button></p></form>
<div class="card"><p>The first line names the columns: <code>email</code> is required; <code>first_name</code>, <code>timezone</code> and <code>consent</code> are optional. A consent of yes, or the date it was given, makes the reader active and enrolled in the course; without one they are pending, and each gets a confirmation email. Addresses already on the list, and suppressed ones, are skipped. A bad row is listed with its line and never stops the others.</p>
<p>Up to ${size(IMPORT_BODY_LIMIT)} per file (about 150,000 rows). For a larger file, run <code>coursemail subscribers import FILE</code> on the server: it reads the same format the same way.</p></div>
${jobs.list().length ? html`<h2>Recent imports</h2><ul>${jobs.list().map((j) => html`<li><a href="${IMPORT_PATH}/${j.id}">${j.file}</a> <span class="muted">${when(j.startedAt)} by ${j.by}: ${j.result ? `${j.result.imported} imported, ${j.result.bad.length} bad` : j.failed ? 'failed' : 'running'}</span></li>`)}</ul>` : ''}`;
  };

  app.get(IMPORT_PATH, (c) => show(c, 'Import readers', form(c)));

  app.post(IMPORT_PATH, async (c) => {
    const again = (problem: string) => show(c, 'Import readers', form(c, problem), 400);
    const body = c.get('body') ?? Buffer.alloc(0);
    let upload: FormData;
    try {
      upload = await new Response(new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.length), {
        headers: { 'Content-Type': c.req.header('content-type') ?? '' },
      }).formData();
    } catch {
      return again('The upload could not be read: send the form from this page.');
    }
    const file = upload.get('file');
    if (!file || typeof file === 'string' || file.size === 0) return again('Choose a CSV file that is not empty.');
    const series = upload.get('series');
    const seriesId = typeof series === 'string' && series !== '' ? series : null;
    if (seriesId !== null && !courses().some((k) => k.id === seriesId)) return again(`There is no course "${seriesId}" any more: choose one of the list.`);
    const job = await jobs.start({ by: c.get('admin').email, file: fileName(file.name), bytes: Buffer.from(await file.arrayBuffer()), seriesId });
    return c.redirect(`${IMPORT_PATH}/${job.id}`, 303);
  });

  const found = (c: Context<ConsoleEnv>) => {
    const id = c.req.param('job') ?? '';
    return JOB_ID.test(id) ? jobs.get(id) : undefined;
  };
  const gone = (c: Context<ConsoleEnv>) =>
    show(
      c,
      'Not found',
      html`<h1>Not found</h1><p>No such import here: the server keeps the last few, until it restarts. The audit log has every one. <a href="${IMPORT_PATH}">Import</a></p>`,
      404,
    );

  app.get(`${IMPORT_PATH}/:job`, (c) => {
    const job = found(c);
    if (!job) return gone(c);
    return show(
      c,
      `Import of ${job.file}`,
      html`<p class="muted"><a href="/admin/readers">Readers</a> › <a href="${IMPORT_PATH}">Import</a> › ${job.file}</p><h1>Import</h1>
${jobCard(job)}<noscript><p>Reload this page to see how far the import has got.</p></noscript><script>${raw(POLL_SCRIPT)}</script>`,
    );
  });

  app.get(`${IMPORT_PATH}/:job/card`, (c) => {
    const job = found(c);
    return job ? c.html(jobCard(job).value) : c.text('No such import', 404);
  });

  app.get(`${IMPORT_PATH}/:job/bad.csv`, (c) => {
    const job = found(c);
    if (!job?.result) return c.text('No such finished import', 404);
    const rows = job.result.bad.map((b) => [String(b.line), b.field ?? '', reasonOf(b)].map(neutralizeFormula));
    c.header('Content-Disposition', 'attachment; filename="bad-rows.csv"');
    return c.body(stringify([['line', 'field', 'reason'], ...rows]), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  });
}

function jobCard(job: ImportJob): SafeHtml {
  const { progress: p, result: r, failed } = job;
  const state = r ? 'done' : failed ? 'failed' : 'running';
  const bytes = Math.min(p.bytes, job.size);
  const percent = job.size ? Math.floor((bytes / job.size) * 100) : 100;
  const where = html`${job.file}, ${size(job.size)}, uploaded by ${job.by} at ${when(job.startedAt)} UTC, ${job.seriesId ? html`into ${job.seriesId}` : 'no course'}.`;
  return html`<section class="card" data-testid="import-job" data-state="${state}" data-poll="${IMPORT_PATH}/${job.id}/card" data-live="${String(state === 'running')}">
<p class="muted">${where}</p>
<p><progress max="${job.size}" value="${bytes}" aria-label="Import progress">${percent}%</progress>
<span data-testid="import-progress">${r ? html`Done: ${r.rows} rows read.` : html`${p.rows} of about ${job.lines} rows read (${percent}% of the file), ${p.imported} imported, ${p.bad} bad${failed ? '' : '…'}`}</span></p>
${failed ? html`<p class="bad" data-testid="import-failed">${failed.message}</p>${failed.problems.length ? html`<ul>${failed.problems.map((m) => html`<li>${m}</li>`)}</ul>` : ''}<p>Rows imported before it stopped stay imported; importing the file again skips them as duplicates.</p>` : ''}
${r ? summary(job, r) : ''}
</section>`;
}

function summary(job: ImportJob, r: NonNullable<ImportJob['result']>): SafeHtml {
  const skipped = r.duplicates + r.suppressed + r.left;
  return html`<table data-testid="import-summary"><tbody>
<tr><th scope="row">Imported</th><td data-testid="imported">${r.imported}: ${r.active} active${job.seriesId && r.active ? ` and enrolled in ${job.seriesId}` : ''}, ${r.pending} pending${r.pending ? (job.seriesId ? ` (${r.queued} confirmation email${r.queued === 1 ? '' : 's'} queued)` : ' (no course chosen: no confirmation email yet)') : ''}</td></tr>
<tr><th scope="row">Skipped</th><td data-testid="skipped">${skipped}: ${r.duplicates} already on the list, ${r.suppressed} suppressed (bounced, complained or forgotten), ${r.left} marked as having left</td></tr>
<tr><th scope="row">Bad rows</th><td data-testid="bad-count">${r.bad.length}</td></tr>
</tbody></table>
${
  r.bad.length
    ? html`<h2>Bad rows</h2><p class="muted">Line numbers are the file’s: the header is line 1, as row 1 in a spreadsheet.${r.bad.length > SHOWN ? ` The first ${SHOWN} are shown.` : ''} <a href="${IMPORT_PATH}/${job.id}/bad.csv" download>All ${r.bad.length} as CSV</a></p>
<table data-testid="bad-rows"><thead><tr><th>Line</th><th>Field</th><th>Reason</th></tr></thead><tbody>
${r.bad.slice(0, SHOWN).map((b) => html`<tr data-line="${b.line}"><td>${b.line}</td><td>${b.field ?? '—'}</td><td class="addr">${reasonOf(b)}</td></tr>`)}
</tbody></table>`
    : ''
}`;
}
