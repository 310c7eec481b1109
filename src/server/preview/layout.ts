import { formatProblem, type Problem } from '../../shared/index.ts';
import { html, raw, type SafeHtml } from '../html.ts';

/** Also beside the console's own layout on its pages that show an email's findings. */
/** Pages (the preview's and the console's): scripts only our own inline ones; the email's frame is sandboxed without scripts. */
export const PAGE_CSP =
  "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src * data:; frame-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'";

export const PREVIEW_STYLE = `
:root { --ink:#1f2933; --muted:#616e7c; --line:#d9e2ec; --bg:#f5f7fa; --ok:#17663a; --bad:#b42318; --warn:#8a5300; --accent:#0b5cad; font: 15px/1.5 -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; color: var(--ink); }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); overflow-wrap: break-word; }
/* File paths are one long word: on a phone they wrap anywhere rather than push the page sideways. */
code.path { overflow-wrap: anywhere; font-size: 13px; }
header.top { display: flex; flex-wrap: wrap; gap: 6px 20px; align-items: center; padding: 10px 24px; background: #102a43; color: #fff; }
header.top a { color: #fff; text-decoration: none; } header.top a.brand { font-weight: 700; }
header.top .live { margin-left: auto; font-size: 12px; color: #bcccdc; }
main { padding: 20px 24px 48px; max-width: 1400px; margin: 0 auto; }
h1 { font-size: 22px; margin: 0 0 6px; } h2 { font-size: 17px; margin: 24px 0 8px; } h3 { font-size: 15px; margin: 16px 0 6px; }
a { color: var(--accent); }
.muted { color: var(--muted); } .small { font-size: 13px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px; margin: 0 0 16px; }
.problems { background: #fff4f2; border: 1px solid #f4c7c0; border-radius: 8px; padding: 12px 16px; margin: 0 0 16px; }
.problems h2 { color: var(--bad); margin-top: 0; } .problems li { font-family: ui-monospace, Menlo, monospace; font-size: 13px; margin: 4px 0; }
ol.timeline { list-style: none; margin: 0; padding: 0; border: 1px solid var(--line); border-radius: 8px; background: #fff; overflow: hidden; }
ol.timeline li { border-top: 1px solid var(--line); } ol.timeline li:first-child { border-top: 0; }
ol.timeline a.row { display: grid; grid-template-columns: 110px 190px minmax(0, 1fr) 70px; gap: 12px; padding: 10px 14px; color: inherit; text-decoration: none; align-items: baseline; }
ol.timeline a.row:hover { background: #f0f4f8; }
.when { font-weight: 600; } .when small { display: block; font-weight: 400; color: var(--muted); font-size: 12px; }
.from { font-weight: 600; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
.inbox-line { overflow: hidden; white-space: nowrap; text-overflow: ellipsis; } .inbox-line .subject { font-weight: 600; } .inbox-line .preheader { color: var(--muted); }
.size { text-align: right; color: var(--muted); font-size: 12px; }
.email-layout { display: grid; grid-template-columns: minmax(0, 1fr) 380px; gap: 20px; align-items: start; }
.toolbar { display: flex; flex-wrap: wrap; gap: 14px; align-items: center; margin: 12px 0; }
.group { display: inline-flex; border: 1px solid var(--line); border-radius: 6px; overflow: hidden; background: #fff; }
.group button, .group a { border: 0; border-left: 1px solid var(--line); background: #fff; padding: 6px 10px; font: inherit; font-size: 13px; cursor: pointer; color: var(--ink); text-decoration: none; }
.group > :first-child { border-left: 0; } .group [aria-pressed="true"], .group [aria-current="true"] { background: #102a43; color: #fff; }
.tabs { display: flex; gap: 4px; border-bottom: 1px solid var(--line); margin-bottom: 12px; }
.tabs button { border: 1px solid transparent; border-bottom: 0; background: none; padding: 8px 14px; font: inherit; cursor: pointer; border-radius: 6px 6px 0 0; color: var(--muted); }
.tabs button[aria-selected="true"] { background: #fff; border-color: var(--line); color: var(--ink); margin-bottom: -1px; }
.panel[hidden] { display: none; }
.stage { background: #e4e7eb; border-radius: 8px; padding: 20px; display: flex; justify-content: center; overflow-x: auto; }
.stage iframe { border: 0; background: #fff; display: block; height: 900px; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
.stage.dark { background: #1c1c1e; }
pre.text, pre.source { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px; white-space: pre-wrap; word-break: break-word; font: 13px/1.5 ui-monospace, Menlo, monospace; max-height: 900px; overflow: auto; margin: 0; }
table.headers { border-collapse: collapse; width: 100%; background: #fff; } table.headers th, table.headers td { text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); padding: 6px 8px; font-size: 13px; }
table.headers th { white-space: nowrap; width: 1%; } table.headers td { font-family: ui-monospace, Menlo, monospace; word-break: break-all; }
ul.checks { list-style: none; padding: 0; margin: 0; } ul.checks li { display: grid; grid-template-columns: 22px 1fr; gap: 4px; padding: 5px 0; border-top: 1px solid #eef2f6; font-size: 13px; }
ul.checks li:first-child { border-top: 0; } ul.checks li > span { min-width: 0; overflow-wrap: anywhere; } aside { min-width: 0; } .mark { font-weight: 700; } [data-ok="true"] .mark { color: var(--ok); } [data-ok="false"] .mark { color: var(--bad); }
ul.lint li .mark { color: var(--warn); } .rule { font-weight: 600; }
meter { width: 100%; height: 14px; }
.notice { padding: 8px 12px; border-radius: 6px; margin: 0 0 12px; font-size: 14px; } .notice.ok { background: #e3f5ea; } .notice.bad { background: #fff4f2; }
details summary { cursor: pointer; font-size: 13px; }
form.send input[type=email] { width: 100%; padding: 6px; font: inherit; margin: 6px 0; } form.send button { padding: 7px 14px; font: inherit; cursor: pointer; }
.explain { font-size: 12px; color: var(--muted); margin: 6px 0 0; }
a.button, form.confirm button { display: inline-block; padding: 6px 12px; border: 1px solid var(--accent); border-radius: 6px; background: #fff; color: var(--accent); text-decoration: none; font: inherit; font-size: 14px; margin: 4px 6px 4px 0; cursor: pointer; }
a.button.primary, form.confirm button.primary { background: var(--accent); color: #fff; } a.button.danger, form.confirm button.danger { border-color: var(--bad); color: var(--bad); }
form.confirm button.danger { background: var(--bad); color: #fff; }
form.confirm label { display: block; margin: 12px 0 4px; font-weight: 600; }
dl.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 6px 16px; } dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table.list { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); } table.list th, table.list td { text-align: left; padding: 8px 10px; border-bottom: 1px solid var(--line); font-size: 14px; }
.bad-text { color: var(--bad); } p.try { background: #eef6ff; border-radius: 6px; padding: 8px 10px; }
.table-scroll { overflow-x: auto; max-width: 100%; }
.stage iframe { max-width: 100%; }
/* A phone: one column, the email frame edge to edge, the panels under it, rows stacked. */
@media (max-width: 900px) {
  header.top { padding: 8px 12px; gap: 4px 14px; } header.top .live { margin-left: 0; flex-basis: 100%; }
  main { padding: 12px 12px 40px; }
  .email-layout { grid-template-columns: minmax(0, 1fr); }
  .stage { padding: 0; border-radius: 0; margin: 0 -12px; }
  .inbox-line { display: block; white-space: normal; }
  ol.timeline a.row { grid-template-columns: minmax(0, 1fr) auto; gap: 2px 12px; }
  ol.timeline a.row .inbox-line { grid-column: 1 / -1; }
  .tabs { flex-wrap: wrap; } .tabs button { padding: 8px 10px; white-space: nowrap; }
  .group { flex-wrap: wrap; }
  pre.text, pre.source { max-height: 70vh; }
}
`;

/**
 * Live reload: the server sends the build version on connect and after every rebuild;
 * a page from another version reloads. UI state (tab, width, scheme) lives in the URL
 * hash, so it survives the reload.
 */
const LIVE_RELOAD = `
(() => {
  const mine = document.body.dataset.version;
  const live = document.getElementById('live');
  const es = (window.coursemailEvents = new EventSource('/events'));
  es.addEventListener('version', (e) => { if (e.data !== mine) location.reload(); });
  es.onopen = () => { if (live) live.textContent = 'live reload on'; };
  es.onerror = () => { if (live) live.textContent = 'reconnecting…'; };
})();
`;

export function problemList(problems: Problem[], heading: string): SafeHtml {
  if (!problems.length) return html``;
  return html`<section class="problems" data-testid="problems">
    <h2>${heading} (${problems.length} problem${problems.length === 1 ? '' : 's'})</h2>
    <ul>${problems.map((p) => html`<li>${formatProblem(p)}</li>`)}</ul>
    <p class="small muted">Fix the file and save: this page reloads by itself.</p>
  </section>`;
}

export function page(opts: { title: string; version: string; body: SafeHtml; projectProblems?: Problem[]; script?: string; workerProblem?: string }): string {
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · coursemail preview</title>
<style>${raw(PREVIEW_STYLE)}</style>
</head>
<body data-version="${opts.version}">
<header class="top"><a class="brand" href="/">coursemail preview</a><a href="/">Series</a><a href="/broadcasts">Broadcasts</a><a href="/outbox">Outbox</a><a href="/status">Status</a><span class="live" id="live">connecting…</span></header>
<main>
${opts.workerProblem ? html`<p class="notice bad" role="status" data-testid="worker-banner"><strong>The dev worker is not sending.</strong> ${opts.workerProblem}</p>` : ''}
${problemList(opts.projectProblems ?? [], 'The project does not build')}
${opts.body}
</main>
<script>${raw(LIVE_RELOAD)}${raw(opts.script ?? '')}</script>
</body>
</html>`.value;
}
