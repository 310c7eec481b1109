import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/project.ts';

const SRC = join(REPO, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(name) ? [p] : [];
  });
}

/** The stage folder (`src/<stage>/…`) a file or import target belongs to. */
const stageOf = (file: string) => relative(SRC, file).split(/[\\/]/)[0] ?? '';

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
  return specs.map((s) => resolve(dirname(file), s)).filter((p) => p.startsWith(SRC));
}

/** ARCHITECTURE.md's dependency rule: imports point inward, toward the pure stages. */
const FORBIDDEN: Record<string, string[]> = {
  content: ['store', 'deliver', 'server', 'cli', 'send', 'build'],
  course: ['store', 'deliver', 'server', 'cli', 'send', 'build'],
  render: ['store', 'deliver', 'server', 'cli', 'send', 'build'],
  personalize: ['store', 'deliver', 'server', 'cli', 'send', 'build'],
  schedule: ['store', 'deliver', 'server', 'cli', 'send', 'build'],
  build: ['store', 'deliver', 'server', 'cli', 'send'],
  store: ['deliver', 'server', 'cli', 'send'],
  deliver: ['store', 'server', 'cli'],
  send: ['server', 'cli'],
  server: ['cli'],
  draft: ['store', 'deliver', 'server', 'cli', 'send', 'build', 'broadcast'],
  lint: ['store', 'deliver', 'server', 'cli', 'send', 'build', 'broadcast'],
  tokens: ['store', 'deliver', 'server', 'cli', 'send', 'build', 'broadcast'],
  status: ['deliver', 'server', 'cli', 'send', 'build', 'broadcast'],
  subscribers: ['deliver', 'server', 'cli', 'send', 'broadcast'],
  broadcast: ['server', 'cli'],
};

describe('the dependency rule', () => {
  const all = files(SRC);
  it('finds the source files', () => {
    expect(all.length).toBeGreaterThan(10);
  });
  it('no stage imports a layer outside it', () => {
    const violations: string[] = [];
    for (const file of all) {
      const from = stageOf(file);
      for (const target of imports(file)) {
        const to = stageOf(target);
        if (to !== from && FORBIDDEN[from]?.includes(to)) violations.push(`${relative(REPO, file)} imports ${relative(REPO, target)} (${from} → ${to})`);
      }
    }
    expect(violations).toEqual([]);
  });
  it('nothing imports the CLI', () => {
    const offenders = all.filter((f) => stageOf(f) !== 'cli' && imports(f).some((t) => stageOf(t) === 'cli'));
    expect(offenders.map((f) => relative(REPO, f))).toEqual([]);
  });
});
