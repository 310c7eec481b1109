import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/index.ts';
import { BROADCASTS_DIR } from '../content/index.ts';
import { claimRules, lintClaims, type ClaimFinding } from '../lint/index.ts';

const markdownIn = (root: string, dir: string) =>
  existsSync(join(root, dir))
    ? readdirSync(join(root, dir))
        .filter((f) => f.endsWith('.md'))
        .sort()
        .map((f) => `${dir}/${f}`)
    : [];

/**
 * The claims lint over a project's sources: each series' lessons and, when asked, every
 * broadcast draft. Findings carry paths relative to the root, as `check` prints them.
 */
export function projectClaims(
  root: string,
  config: Pick<Config, 'lint'>,
  seriesIds: string[],
  opts: { broadcasts: boolean },
): { findings: ClaimFinding[]; problems: string[] } {
  const { rules, problems } = claimRules(config.lint.claims);
  const files = [...seriesIds.flatMap((id) => markdownIn(root, `series/${id}`)), ...(opts.broadcasts ? markdownIn(root, BROADCASTS_DIR) : [])];
  return { findings: files.flatMap((file) => lintClaims(readFileSync(join(root, file), 'utf8'), file, rules)), problems };
}
