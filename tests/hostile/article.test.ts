/**
 * Hostile articles given to `coursemail new --from` (binary, non-UTF-8, oversized and
 * script-heavy inputs are in tests/draft/edge-cases.test.ts): nesting bombs that exhaust a
 * parser's stack, and frontmatter bombs and prototype keys in the article itself.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempProject } from '../support/project.ts';

const noStack = (err: string) => expect(err).not.toMatch(/unexpected error|\n\s+at .*:\d+:\d+/);

describe('coursemail new --from with hostile articles', () => {
  it('Markdown quotes and HTML elements nested tens of thousands deep: refused by name, exit 1, nothing written', async () => {
    const root = tempProject({ series: false });
    const inputs = {
      'quotes.md': `# Title\n\n${'>'.repeat(50_000)} deep\n`,
      'divs.html': `<html><body>${'<div>'.repeat(30_000)}x${'</div>'.repeat(30_000)}</body></html>`,
    };
    for (const [name, text] of Object.entries(inputs)) {
      writeFileSync(join(root, name), text);
      const id = name.replace(/\W.*/, '');
      const r = await runCli(['new', id, '--from', join(root, name), '--root', root]);
      expect(r.code, r.err).toBe(1);
      expect(r.err).toBe(
        `coursemail: ${join(root, name)} is nested too deeply to read (quotes, lists or HTML elements thousands of levels inside one another); nothing was written.`,
      );
      noStack(r.err);
      expect(existsSync(join(root, 'series', id))).toBe(false);
    }
  });

  it('a YAML bomb with __proto__ keys in the article frontmatter is left out with a warning; the draft is written; nothing polluted', async () => {
    const root = tempProject({ series: false });
    const file = join(root, 'article.md');
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]'];
    writeFileSync(
      file,
      `---\n${bomb.join('\n')}\n__proto__: { polluted: true }\nconstructor: { prototype: { polluted: true } }\n---\n\n# What coaching is\n\nCoaching is structured, forward-looking work with a trained coach.\n`,
    );
    const r = await runCli(['new', 'bombed', '--from', file, '--root', root]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('frontmatter is not valid YAML (Excessive alias count indicates a resource exhaustion attack); it was left out');
    noStack(r.err);
    expect(existsSync(join(root, 'series/bombed/series.yaml'))).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
  });
});
