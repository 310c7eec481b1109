import { printFigures, writeReport, type Figure } from './report.ts';
import { benchBuild } from './build.ts';

/**
 * `npm run bench`: every benchmark the issues ask for, one run, one report
 * (bench/RESULTS.md and bench/results.json). Add a suite by appending to `suites`.
 */
const suites: { name: string; run: () => Promise<Figure[]> }[] = [{ name: 'build and fill', run: benchBuild }];

const only = process.argv.slice(2);
const figures: Figure[] = [];
for (const suite of suites) {
  if (only.length && !only.some((o) => suite.name.includes(o))) continue;
  console.log(`— ${suite.name}`);
  const got = await suite.run();
  printFigures(got);
  figures.push(...got);
}
writeReport(figures, new URL('.', import.meta.url).pathname);
console.log('wrote bench/RESULTS.md and bench/results.json');
