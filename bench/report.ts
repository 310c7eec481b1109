import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** One measured figure, printed beside the slow way measured in the same run. */
export interface Figure {
  issue: number;
  name: string;
  value: number;
  unit: string;
  /** The baseline measured in the same run, in the same unit. */
  slow?: { name: string; value: number };
  /** value ÷ slow or slow ÷ value, whichever reads as "times better". */
  ratio?: number;
  target?: string;
  met?: boolean;
}

export function machine(): string {
  return `${cpus()[0]?.model.trim() ?? 'cpu'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}`;
}

/** 1-, 5- and 15-minute load averages: above ~1 per core, every figure measures contention too. */
export const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');

export interface RunInfo {
  /** Load averages when the run started and when it ended. */
  loadAtStart: string;
  loadAtEnd: string;
  minutes: number;
  /** What ran: `full`, or the suites and `--quick`. */
  scope: string;
}

const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3));

export function printFigures(figures: Figure[]): void {
  for (const f of figures) {
    const slow = f.slow ? `  vs ${f.slow.name}: ${fmt(f.slow.value)} ${f.unit}` : '';
    const ratio = f.ratio !== undefined ? `  ratio ${fmt(f.ratio)}×` : '';
    const target = f.target ? `  target ${f.target}: ${f.met ? 'met' : 'NOT met'}` : '';
    console.log(`#${f.issue} ${f.name}: ${fmt(f.value)} ${f.unit}${slow}${ratio}${target}`);
  }
}

const status = (f: Figure) => (f.target ? (f.met ? '✓ met' : '✗ not met') : '—');
const cell = (s: string) => s.replace(/\|/g, '\\|');

export function writeReport(figures: Figure[], dir: string, run: RunInfo): void {
  const m = machine();
  const rows = figures.map(
    (f) =>
      `| ${cell(`#${f.issue} ${f.name}`)} | ${fmt(f.value)} ${f.unit} | ${f.slow ? cell(`${f.slow.name}: ${fmt(f.slow.value)} ${f.unit}`) : '—'} | ${f.ratio !== undefined ? `${fmt(f.ratio)}×` : '—'} | ${cell(f.target ?? '—')} | ${status(f)} |`,
  );
  const targets = figures.filter((f) => f.target);
  const md = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` (${run.scope}) on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, in ${run.minutes.toFixed(1)} minutes.`,
    '',
    `**Machine:** ${m}. **Load average** (1 / 5 / 15 min) at the start: ${run.loadAtStart}; at the end: ${run.loadAtEnd}.`,
    'The machine was shared with other jobs during the run: with the load above the core count, every absolute figure includes contention, and ratios between figures measured in the same run carry over better than absolute times.',
    '',
    `**Targets:** ${targets.filter((f) => f.met).length} of ${targets.length} met.`,
    '',
    '| figure | value | the slow way (same run) | ratio | target | status |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'RESULTS.md'), md);
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify({ machine: m, date: new Date().toISOString(), run, figures }, null, 2)}\n`);
}

/** True when this module is the entry point (`node --import tsx bench/x.ts`). */
export function isMain(moduleUrl: string): boolean {
  return !!process.argv[1] && moduleUrl === pathToFileURL(resolve(process.argv[1])).href;
}
