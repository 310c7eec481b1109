import { randomBytes } from 'node:crypto';
import { CoursemailError } from '../shared/index.ts';

/**
 * The signing secret comes from the environment only. A local preview without one gets an
 * ephemeral secret (links work until the process stops); anything that serves the public
 * must set COURSEMAIL_SECRET, and a short one is refused.
 */
export function signingSecret(env: NodeJS.ProcessEnv, opts: { allowEphemeral: boolean }): string {
  const secret = env.COURSEMAIL_SECRET;
  if (secret) {
    if (secret.length < 32) throw new CoursemailError('secret.short', 'COURSEMAIL_SECRET must be at least 32 characters (e.g. `openssl rand -hex 32`).');
    return secret;
  }
  if (opts.allowEphemeral) return ephemeral;
  throw new CoursemailError('secret.missing', 'COURSEMAIL_SECRET is not set. Set it in the environment (at least 32 random characters).');
}

const ephemeral = randomBytes(32).toString('hex');
