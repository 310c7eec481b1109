import { execFileSync } from 'node:child_process';
import type { Figure } from './report.ts';
import { REPO } from './support.ts';

/** Where issue 23 was filed: `src/` + `bin/` were 14,893 lines there (the issue's own count). */
const FILED_AT = '5b4524f';

/**
 * Issue 23's work on `src/` + `bin/`, each as the branch it was done on: from where the branch
 * left main to its last commit, so what other issues merged meanwhile is not counted.
 */
const WORK: { from: string; to: string; what: string }[] = [
  { from: FILED_AT, to: 'a11d39e', what: 'the worker an ordinary command: bundle, heap cap, render child and claim sizing removed' },
  { from: '020f618', to: '793f3bb', what: 'catalog read from the build output, broadcasts stored rendered' },
  { from: '867e858', to: '87e8456', what: 'dead code, one copy of repeated logic, libraries for hand-written parsing (two branches and their merge)' },
  { from: '52ce587', to: 'd432950', what: 'review: three of those shortenings undone (type-checked sums, one collapse, explicit serve options)' },
  { from: '70b6e2c', to: '52dfcfd', what: 'the scheduler pass on plain numbers, its rows not copied' },
  { from: '522aae0', to: '79862b1', what: 'worker memory: one-byte HTML, the request JSON dropped early, scheduler pages of 250' },
];

const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO, encoding: 'utf8' });

/** Lines added and removed in src/ and bin/ between two commits. */
function net(from: string, to: string): number {
  let n = 0;
  for (const line of git('diff', '--numstat', from, to, '--', 'src', 'bin').split('\n')) {
    const [added, removed] = line.split('\t');
    if (added && removed && added !== '-') n += Number(added) - Number(removed);
  }
  return n;
}

/** Lines of `src/` + `bin/` at a commit, as `git ls-files src bin | xargs wc -l` counts them. */
function lines(at: string): number {
  return git('grep', '-c', '', at, '--', 'src', 'bin')
    .split('\n')
    .filter(Boolean)
    .reduce((sum, row) => sum + Number(row.slice(row.lastIndexOf(':') + 1)), 0);
}

/** Issue 23's "less code": what its own branches did to src/ + bin/, and the whole tree beside it. */
export function benchLines(): Figure[] {
  const parts = WORK.map((w) => ({ ...w, net: net(w.from, w.to) }));
  const total = parts.reduce((s, p) => s + p.net, 0);
  const filed = lines(FILED_AT);
  const now = lines('HEAD');
  return [
    {
      issue: 23,
      name: `src/ + bin/ lines removed net by issue 23's branches (${parts.map((p) => `${p.from}..${p.to} ${p.what}: ${p.net > 0 ? '+' : ''}${p.net}`).join('; ')})`,
      value: -total,
      unit: 'lines',
      target: '≥ 800 lines removed net',
      met: -total >= 800,
    },
    {
      issue: 23,
      name: `src/ + bin/ lines in the whole tree at HEAD (git grep -c): the features of the issues merged since ${FILED_AT} are in it`,
      value: now,
      unit: 'lines',
      slow: { name: `at ${FILED_AT}, where issue 23 was filed`, value: filed },
    },
  ];
}
