import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { CliIO } from '../../src/cli/output.ts';

export const REPO = resolve(import.meta.dirname, '../..');
/**
 * The project the tests run on: a config, the physician-coaching series and a broadcast, copied from
 * the shipped course. Tests read this, never the repo's own series/ or config, which are the coach's.
 */
export const FIXTURE = join(REPO, 'tests/fixtures/project');
/** The shipped course's own files: read only by the tests of their content. */
export const SHIPPED_SERIES = 'series/physician-coaching';
export const SHIPPED_BROADCAST = 'broadcasts/welcome-new-article.md';

// Removed once the test file that made them is done (they piled up by the thousand in .tmp/).
const made: string[] = [];
afterAll(() => {
  for (const root of made.splice(0)) rmSync(root, { recursive: true, force: true, maxRetries: 3 });
});

export interface TempProjectOptions {
  /** false: no series/ at all. */
  series?: boolean;
  /** Copy the fixture's broadcasts/ too. */
  broadcasts?: boolean;
  /** The shipped course and broadcast instead of the fixture's, for the tests of their own content. */
  shipped?: boolean;
  emails?: boolean;
  config?: (c: Record<string, unknown>) => void;
  prefix?: string;
}

/**
 * A throwaway copy of the fixture project under `.tmp/` (inside the repo so that templates copied
 * there still resolve `react` and `@react-email/*` from the repo's node_modules).
 */
export function tempProject(opts: TempProjectOptions = {}): string {
  mkdirSync(join(REPO, '.tmp'), { recursive: true });
  const root = mkdtempSync(join(REPO, '.tmp', opts.prefix ?? 'project-'));
  made.push(root);
  const config = JSON.parse(readFileSync(join(FIXTURE, 'coursemail.config.json'), 'utf8')) as Record<string, unknown>;
  opts.config?.(config);
  writeFileSync(join(root, 'coursemail.config.json'), JSON.stringify(config, null, 2));
  if (opts.shipped) {
    cpSync(join(REPO, SHIPPED_SERIES), join(root, SHIPPED_SERIES), { recursive: true });
    cpSync(join(REPO, SHIPPED_BROADCAST), join(root, SHIPPED_BROADCAST));
  } else {
    if (opts.series !== false) cpSync(join(FIXTURE, 'series'), join(root, 'series'), { recursive: true });
    if (opts.broadcasts) cpSync(join(FIXTURE, 'broadcasts'), join(root, 'broadcasts'), { recursive: true });
  }
  if (opts.emails) {
    cpSync(join(REPO, 'emails'), join(root, 'emails'), { recursive: true });
    // The templates import the footer wording and styles from src/; keep those paths valid.
    symlinkSync(join(REPO, 'src'), join(root, 'src'));
  }
  return root;
}

export { realIdentity } from './identity.ts';

/** Runs the CLI in-process and captures what it prints. */
export async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

export function writeFile(root: string, rel: string, text: string): void {
  const path = join(root, rel);
  mkdirSync(resolve(path, '..'), { recursive: true });
  writeFileSync(path, text);
}
