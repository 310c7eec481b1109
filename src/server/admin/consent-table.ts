import type { ConsentEvent } from '../../store/index.ts';
import { html, type SafeHtml } from '../html.ts';

/** What the log's `detail` keys mean, in the order shown; any other key is shown as it is stored. */
const DETAIL: [key: string, label: (v: string | number) => string][] = [
  ['how', (v) => `how: ${v}`],
  ['file', (v) => `file: ${v}`],
  ['row', (v) => `line ${v}`],
  ['consent', (v) => `consent: ${v}`],
  ['client', (v) => `client: ${v} (a keyed hash of the network address; the address itself is not kept)`],
];

const details = (d: ConsentEvent['detail']): string => {
  const known = DETAIL.flatMap(([key, label]) => (d[key] === undefined ? [] : [label(d[key])]));
  const other = Object.entries(d)
    .filter(([k]) => k !== 'source' && !DETAIL.some(([key]) => key === k))
    .map(([k, v]) => `${k}: ${v}`);
  return [...known, ...other].join('; ') || '—';
};

/** A reader's consent log, oldest first, exactly as stored: what happened, when, from where. */
export function consentTable(log: readonly ConsentEvent[]): SafeHtml {
  if (!log.length) return html`<p class="muted" data-testid="consent-log-empty">No entries: this reader was added before the consent log began.</p>`;
  return html`<table data-testid="consent-log"><thead><tr><th>When (UTC)</th><th>Event</th><th>Source</th><th>Details</th></tr></thead><tbody>
${log.map((e) => html`<tr data-event="${e.event}"><td>${e.at.toISOString().replace('T', ' ').slice(0, 19)}</td><td>${e.event}</td><td class="addr">${e.detail.source ?? '—'}</td><td class="addr">${details(e.detail)}</td></tr>`)}
</tbody></table>`;
}
