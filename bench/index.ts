import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { benchBroadcast } from './broadcast.ts';
import { benchBuild } from './build.ts';
import { benchDrip } from './drip.ts';
import { benchImport } from './import.ts';
import { benchLines } from './lines.ts';
import { benchReloadLatency } from './reload-latency.ts';
import { load, printFigures, writeReport, type Figure } from './report.ts';
import { benchScale } from './scale.ts';
import { benchWorker } from './worker.ts';
import { QUICK, REPO } from './support.ts';

/** Issue #4: save → updated page in Chromium, beside a full rebuild. */
async function reloadFigures(): Promise<Figure[]> {
  const r = await benchReloadLatency(QUICK ? 5 : 12);
  return [
    {
      issue: 4,
      name: `reload latency, file save → updated page in Chromium, median of ${r.samples.length} saves (load ${r.loadPerCore.toFixed(1)}/core; samples ${r.samples.map((s) => s.toFixed(0)).join(', ')} ms; server-side series rebuild ${r.seriesRebuildMs.toFixed(0)} ms)`,
      value: r.medianMs,
      unit: 'ms',
      slow: { name: 'full rebuild alone (templates re-imported, every series)', value: r.fullRebuildMs },
      ratio: r.fullRebuildMs / r.medianMs,
      target: '< 300 ms',
      met: r.medianMs < 300,
    },
  ];
}

/**
 * `npm run bench`: every benchmark the issues ask for, one run, one report.
 * `npm run bench -- --only drip,scale` runs some suites; `--quick` runs all at small sizes.
 * Only a full run writes bench/RESULTS.md and bench/results.json (the committed report);
 * partial and quick runs write theirs under .tmp/bench/.
 */
const suites: { name: string; issue: number; run: () => Promise<Figure[]> }[] = [
  { name: 'build', issue: 3, run: benchBuild },
  { name: 'reload-latency', issue: 4, run: reloadFigures },
  { name: 'broadcast', issue: 8, run: benchBroadcast },
  { name: 'drip', issue: 7, run: benchDrip },
  { name: 'import', issue: 6, run: benchImport },
  { name: 'scale', issue: 10, run: benchScale },
  { name: 'worker', issue: 23, run: benchWorker },
  { name: 'lines', issue: 23, run: async () => benchLines() },
];

const argv = process.argv.slice(2);
const onlyAt = argv.indexOf('--only');
const only = onlyAt === -1 ? [] : (argv[onlyAt + 1] ?? '').split(',').filter(Boolean);
const unknown = only.filter((o) => !suites.some((s) => s.name === o));
if (unknown.length) {
  console.error(`unknown suite ${unknown.join(', ')}; suites: ${suites.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

const started = performance.now();
const loadAtStart = load();
const figures: Figure[] = [];
for (const suite of suites) {
  if (only.length && !only.includes(suite.name)) continue;
  const t = performance.now();
  console.log(`— ${suite.name}`);
  try {
    const got = await suite.run();
    printFigures(got);
    figures.push(...got);
  } catch (err) {
    // One broken suite must not cost the others' figures; the report says it failed.
    console.error(err);
    figures.push({
      issue: suite.issue,
      name: `${suite.name} suite FAILED: ${(err as Error).message.split('\n')[0]}`,
      value: NaN,
      unit: '',
      target: 'the suite runs',
      met: false,
    });
  }
  console.log(`  (${((performance.now() - t) / 1000).toFixed(0)} s)`);
}

const full = only.length === 0 && !QUICK;
const dir = full ? join(REPO, 'bench') : join(REPO, '.tmp', 'bench');
mkdirSync(dir, { recursive: true });
writeReport(figures, dir, {
  loadAtStart,
  loadAtEnd: load(),
  minutes: (performance.now() - started) / 60_000,
  scope: full ? 'full' : [only.length ? only.join(', ') : 'all suites', QUICK ? '--quick' : ''].filter(Boolean).join(' '),
});
console.log(`wrote ${join(dir, 'RESULTS.md')} and results.json`);
// Child processes and the browser are closed by each suite; nothing should hold the loop, but a stray handle must not hang `npm run bench`.
process.exit(0);
