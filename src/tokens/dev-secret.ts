import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CoursemailError } from '../shared/index.ts';
import { signingSecret } from './secret.ts';

/** Under `data/`, which git ignores: the local store lives there too. */
const DEV_SECRET_FILE = 'data/dev-secret';

export interface DevSecret {
  secret: string;
  /** env: COURSEMAIL_SECRET; made: new this start, written to `file`; kept: read from `file`. */
  source: 'env' | 'made' | 'kept';
  file?: string;
}

function readKept(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (text.length < 32)
    throw new CoursemailError(
      'secret.dev-file',
      `${file} is not a secret (fewer than 32 characters): delete it and dev makes a new one (links already in the outbox then stop working).`,
    );
  return text;
}

/**
 * `dev` without COURSEMAIL_SECRET: a secret made once and kept in the project, so links
 * already in the outbox still verify after a restart.
 */
export function devSigningSecret(env: NodeJS.ProcessEnv, root: string): DevSecret {
  if (env.COURSEMAIL_SECRET) return { secret: signingSecret(env, { allowEphemeral: false }), source: 'env' };
  const file = join(root, DEV_SECRET_FILE);
  const kept = readKept(file);
  if (kept) return { secret: kept, source: 'kept', file };
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('hex');
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another dev started at the same moment and wrote it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { secret: readKept(file)!, source: 'kept', file };
    throw err;
  }
  return { secret, source: 'made', file };
}
