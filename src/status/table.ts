import { LEGEND } from './reach.ts';
import type { ComplaintRate, Figures, StatusReport, Unreported } from './types.ts';

export const COLUMNS = ['sent', 'delivered', 'bounced', 'complained', 'unsubscribed', 'failed', 'due'] as const;

const cell = (v: number | null) => (v === null ? '—' : String(v));

export function percent(rate: number): string {
  return `${(rate * 100).toFixed(rate < 0.01 ? 2 : 1)} %`;
}

/** One line for the complaint rate, with what to do when it is high. */
export function complaintLine(c: ComplaintRate): string {
  if (c.rate === null) return `Complaint rate: nothing ${c.basis} yet (limit ${percent(c.limit)}).`;
  const head = `Complaint rate: ${percent(c.rate)} (${c.complained} of ${c.of} ${c.basis}; warning above ${percent(c.warnAbove)}, limit ${percent(c.limit)})`;
  if (c.level === 'over')
    return `${head} — OVER THE LIMIT: Gmail and Yahoo block senders at this rate. Pause broadcasts and check who is being mailed and why.`;
  if (c.level === 'warning') return `${head} — warning: above 0.1 %. Check that every reader asked for this course.`;
  return `${head} — ok`;
}

/** A subject cut to keep the table within a terminal's width. */
const clip = (t: string) => (t.length > 44 ? `${t.slice(0, 43).trimEnd()}…` : t);

/** Right-aligned columns under a left label column. */
function table(rows: { label: string; figures: Figures }[], na: Unreported): string[] {
  const value = (f: Figures, c: (typeof COLUMNS)[number]) => (na.columns.includes(c) ? na.label : cell(f[c]));
  const labelWidth = Math.max(...rows.map((r) => r.label.length), 6);
  const widths = COLUMNS.map((c) => Math.max(c.length, ...rows.map((r) => value(r.figures, c).length)));
  const line = (label: string, values: string[]) => `  ${label.padEnd(labelWidth)}  ${values.map((v, i) => v.padStart(widths[i]!)).join('  ')}`.trimEnd();
  return [
    line('', [...COLUMNS]),
    ...rows.map((r) =>
      line(
        r.label,
        COLUMNS.map((c) => value(r.figures, c)),
      ),
    ),
  ];
}

/** The report as plain text for the terminal. */
export function formatStatus(report: StatusReport): string[] {
  const out: string[] = [`Status at ${report.at.slice(0, 16).replace('T', ' ')} UTC (no opens or clicks: readers are not tracked)`];
  if (report.series.length === 0 && report.broadcasts.length === 0) out.push('', 'Nothing sent or scheduled yet.');
  for (const s of report.series) {
    out.push('', s.title ? `Series “${s.title}” (${s.seriesId})` : `Series ${s.seriesId}`);
    out.push(
      ...table(
        [...s.lessons.map((l) => ({ label: `${l.stepNumber ?? '?'}. ${clip(l.subject ?? l.stepSlug)}`, figures: l })), { label: 'total', figures: s.total }],
        report.unreported,
      ),
    );
    if (s.unsubscribedBeforeFirstLesson > 0) out.push(`  (${s.unsubscribedBeforeFirstLesson} unsubscribed before their first lesson)`);
  }
  if (report.broadcasts.length > 0) {
    out.push('', 'Broadcasts');
    out.push(
      ...table(
        report.broadcasts.map((b) => ({ label: `${b.slug} (${b.status})`, figures: b })),
        report.unreported,
      ),
    );
  }
  const people = Object.entries(report.subscribers)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  out.push('', `Subscribers: ${people}`, complaintLine(report.complaintRate), LEGEND);
  return out;
}
