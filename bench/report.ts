import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
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
  return `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
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

export function writeReport(figures: Figure[], dir: string): void {
  const m = machine();
  const rows = figures.map(
    (f) =>
      `| #${f.issue} ${f.name} | ${fmt(f.value)} ${f.unit} | ${f.slow ? `${f.slow.name}: ${fmt(f.slow.value)} ${f.unit}` : '—'} | ${f.ratio !== undefined ? `${fmt(f.ratio)}×` : '—'} | ${f.target ?? '—'} | ${f.target ? (f.met ? '✓ met' : '✗ not met') : '—'} |`,
  );
  const md = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}. Machine: ${m}.`,
    'Every figure is measured beside the slow way in the same run; ratios, not absolute times, are what carry over between machines.',
    '',
    '| figure | value | the slow way (same run) | ratio | target | status |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'RESULTS.md'), md);
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify({ machine: m, date: new Date().toISOString(), figures }, null, 2)}\n`);
}

/** True when this module is the entry point (`node bin/run-ts.mjs bench/x.ts`). */
export function isMain(moduleUrl: string): boolean {
  return !!process.argv[1] && moduleUrl === pathToFileURL(resolve(process.argv[1])).href;
}
