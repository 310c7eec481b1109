import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { DEFAULT_WORDS, draftSeries, type Draft, type DraftOptions } from '../../src/draft/index.ts';
import { REPO, tempProject } from '../support/project.ts';

export const FIXTURES = join(REPO, 'tests/fixtures/articles');
export const fixture = (name: string) => join(FIXTURES, name);

export function draftFixture(name: string, opts: Partial<DraftOptions> = {}): Draft {
  return draftSeries(readFileSync(fixture(name)), { fileName: name, engine: 'react', every: '2d', words: DEFAULT_WORDS, ...opts });
}

export function draftText(text: string, opts: Partial<DraftOptions> = {}): Draft {
  return draftSeries(new TextEncoder().encode(text), { fileName: 'article.md', engine: 'react', every: '2d', words: DEFAULT_WORDS, ...opts });
}

/** The lesson bodies without frontmatter, for content assertions. */
export const bodyOf = (content: string) => content.slice(content.indexOf('\n---\n', 4) + 5);

/** Temp projects (under the repo's git-ignored .tmp/) made by this test file, removed after it. */
export function projects(): () => string {
  const roots: string[] = [];
  afterAll(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });
  return () => {
    const root = tempProject({ series: false });
    roots.push(root);
    return root;
  };
}
