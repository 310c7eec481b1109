import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CONFIG_FILE } from '../config/index.ts';
import { emailsDir } from '../render/templates.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * The content hash of everything a series' build output is made from: the config, the
 * series folder, the templates and coursemail's version. Output carrying another hash is stale.
 */
export function sourcesHash(root: string, seriesId: string): string {
  const hash = createHash('sha256').update(`coursemail ${VERSION}\0`);
  for (const f of sourceFiles(root, seriesId)) {
    hash.update(`${relative(root, f)}\0`);
    try {
      hash.update(readFileSync(f)).update('\0');
    } catch {
      // A folder, or a file gone since the listing: its name alone is hashed.
    }
  }
  return hash.digest('hex');
}

function sourceFiles(root: string, seriesId: string): string[] {
  const files = [join(root, CONFIG_FILE)];
  for (const dir of [join(root, 'series', seriesId), emailsDir(root)]) {
    if (existsSync(dir)) for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) files.push(join(dir, f));
  }
  return files;
}

/** Names, sizes and modification times of those files: a change here is worth hashing them again. */
export function sourcesStamp(root: string, seriesIds: string[]): string {
  return seriesIds
    .flatMap((id) => sourceFiles(root, id))
    .map((f) => {
      const s = statSync(f, { throwIfNoEntry: false });
      return `${f}\0${s?.size}\0${s?.mtimeMs}`;
    })
    .join('\n');
}
