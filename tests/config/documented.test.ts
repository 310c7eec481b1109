import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_DOCS, configSchema, loadConfig } from '../../src/config/index.ts';
import { REPO } from '../support/project.ts';

interface Def {
  type: string;
  shape?: Record<string, { _zod: { def: Def } }>;
  innerType?: { _zod: { def: Def } };
}

/** Every key of the config schema, nested objects as dotted paths (records and lists are one key). */
function keysOf(def: Def, prefix = ''): string[] {
  if ((def.type === 'optional' || def.type === 'default') && def.innerType) return keysOf(def.innerType._zod.def, prefix);
  if (def.type !== 'object' || !def.shape) return [prefix];
  return Object.entries(def.shape).flatMap(([key, value]) => keysOf(value._zod.def, prefix ? `${prefix}.${key}` : key));
}

/** The README's "## Configuration" section, up to the next top-level heading. */
function configurationSection(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Configuration\n');
  expect(start, 'README.md has a "## Configuration" section').toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe('the config keys are documented', () => {
  const keys = keysOf(configSchema._zod.def as unknown as Def);

  it('finds the nested keys of the schema', () => {
    expect(keys).toEqual(expect.arrayContaining(['sender.email', 'smtp.requireTLS', 'resend.requestsPerSecond', 'lint.claims.add', 'links', 'allowedHosts']));
    expect(keys).not.toContain('smtp');
  });

  it("every key of the schema has a row in the README's Configuration table, with its type, default and an example", () => {
    const rows = new Map<string, string[]>();
    const section = configurationSection();
    const table = section.slice(0, section.indexOf('\n### ') === -1 ? undefined : section.indexOf('\n### '));
    for (const line of table.split('\n')) {
      const cells = /^\| `([\w.]+)` \|(.*)\|$/.exec(line);
      if (cells)
        rows.set(
          cells[1]!,
          cells[2]!.split(' | ').map((c) => c.trim()),
        );
    }
    const missing = keys.filter((k) => !rows.has(k));
    expect(missing, 'keys with no row in README.md "Configuration"').toEqual([]);
    for (const key of keys) {
      const [type, fallback, example] = rows.get(key)!;
      expect(
        [type, fallback, example].every((cell) => cell !== undefined && cell !== ''),
        `${key}: type, default and example`,
      ).toBe(true);
    }
    // A row for a key the schema does not have would document something that is refused.
    expect([...rows.keys()].filter((k) => !keys.includes(k))).toEqual([]);
  });

  it('the error for a missing config names that section', () => {
    const root = mkdtempSync(join(tmpdir(), 'no-config-'));
    try {
      expect(() => loadConfig(root)).toThrow(`every key is listed in ${CONFIG_DOCS}`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    expect(CONFIG_DOCS).toBe('README.md, section "Configuration"');
    configurationSection();
  });
});
