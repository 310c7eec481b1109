import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/project.ts';

const DOCS = [
  'README.md',
  ...readdirSync(join(REPO, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

function anchorsIn(text: string): Set<string> {
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1]!)));
}

/** Markdown link and image targets, outside code spans and fenced blocks. */
function targetsIn(text: string): string[] {
  const prose = text.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

describe('README.md and docs/ link only inside the repo, to what exists', () => {
  it.each(DOCS)('%s', (file) => {
    const text = readFileSync(join(REPO, file), 'utf8');
    const broken: string[] = [];
    for (const target of targetsIn(text)) {
      if (/^(https?:|mailto:)/.test(target)) continue;
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const to = path ? resolve(dirname(join(REPO, file)), path) : join(REPO, file);
      if (relative(REPO, to).startsWith('..')) broken.push(`${target}: outside the repo`);
      else if (!existsSync(to)) broken.push(`${target}: no such file`);
      else if (anchor && to.endsWith('.md') && !anchorsIn(readFileSync(to, 'utf8')).has(anchor)) broken.push(`${target}: no such heading`);
    }
    expect(broken).toEqual([]);
    expect(text).not.toContain('../shared');
  });

  it('the README links to the architecture document', () => {
    expect(targetsIn(readFileSync(join(REPO, 'README.md'), 'utf8'))).toContain('docs/ARCHITECTURE.md');
  });
});
