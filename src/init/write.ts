import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE, validateConfig, type ConfigInput } from '../config/index.ts';
import { CoursemailError } from '../shared/index.ts';
import type { TransportChoice } from './questions.ts';

export interface InitAnswers {
  'sender-name': string;
  'sender-email': string;
  'coach-name'?: string;
  'coach-credentials'?: string;
  'postal-address': string;
  'public-url': string;
  'site-url': string;
  'consultation-url': string;
  'test-address'?: string;
  transport: TransportChoice;
  smtp?: { host: string; port: number };
}

const ENV_EXAMPLE = '.env.example';

function configFrom(a: InitAnswers): ConfigInput {
  return {
    sender: { name: a['sender-name'].trim(), email: a['sender-email'].trim() },
    // Credentials without a name stay, so that the schema names the missing coach.name.
    ...(a['coach-name'] || a['coach-credentials']
      ? { coach: { name: (a['coach-name'] ?? '').trim(), ...(a['coach-credentials'] ? { credentials: a['coach-credentials'].trim() } : {}) } }
      : {}),
    postalAddress: a['postal-address'].trim(),
    siteUrl: a['site-url'],
    publicUrl: a['public-url'],
    consultationUrl: a['consultation-url'],
    links: {},
    ...(a['test-address'] ? { testAddress: a['test-address'] } : {}),
    transport: a.transport,
    ...(a.transport === 'smtp' && a.smtp ? { smtp: a.smtp } : {}),
  };
}

/** The variables to set, each with where its value comes from; the secret is a fresh one. */
function envExample(secret: string, publicUrl: string): string {
  return [
    '# coursemail reads its secrets from the environment only. Copy this file to the env file',
    '# your service uses (docs/deploy.md), fill it in, and keep it out of git.',
    '',
    '# Signs every link in every email (at least 32 characters). Generated for you by `coursemail init`.',
    `COURSEMAIL_SECRET=${secret}`,
    '',
    '# An API key from resend.com/api-keys (transport "resend").',
    'RESEND_API_KEY=',
    '',
    `# The signing secret (whsec_…) of the Resend webhook pointed at ${publicUrl.replace(/\/+$/, '')}/webhooks/resend.`,
    'RESEND_WEBHOOK_SECRET=',
    '',
    '# postgres://… when several workers share the load; empty: the SQLite file data/coursemail.sqlite.',
    'DATABASE_URL=',
    '',
  ].join('\n');
}

/** Refuses, before any question is asked, to replace the config or `.env.example` without `force`. */
export function assertWritable(root: string, opts: { force: boolean }): void {
  const existing = [CONFIG_FILE, ENV_EXAMPLE].map((f) => join(root, f)).filter((f) => existsSync(f));
  if (existing.length && !opts.force) {
    throw new CoursemailError(
      'init.exists',
      `${existing.join(' and ')} already exist(s): nothing was written. Run with --force to replace (a fresh clone holds the example config).`,
    );
  }
}

/** Writes the config and `.env.example`; refuses to replace either without `force`. */
export function writeProject(root: string, answers: InitAnswers, opts: { force: boolean }): { configFile: string; envFile: string } {
  const configFile = join(root, CONFIG_FILE);
  const envFile = join(root, ENV_EXAMPLE);
  assertWritable(root, opts);
  const config = configFrom(answers);
  const { problems } = validateConfig(config, CONFIG_FILE);
  if (problems.length) throw new CoursemailError('init.invalid', 'The answers do not make a valid config; nothing was written:', problems);
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  writeFileSync(envFile, envExample(randomBytes(32).toString('hex'), answers['public-url']));
  return { configFile, envFile };
}
