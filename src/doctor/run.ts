import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE, validateConfig } from '../config/index.ts';
import { formatProblem } from '../shared/index.ts';
import { schemaStatus, storeOptionsFromEnv } from '../store/index.ts';
import { fail, ok, type CheckResult } from './check.ts';
import { placeholderChecks, publicUrlCheck } from './config-checks.ts';
import { databaseCheck } from './database.ts';
import { dnsChecks } from './dns-records.ts';
import { secretCheck, transportCheck, webhookSecretCheck } from './env-checks.ts';
import { nodeCheck } from './node-version.ts';
import { resendChecks } from './resend-domain.ts';

export interface DoctorOptions {
  root: string;
  env: NodeJS.ProcessEnv;
  nodeVersion: string;
  /** Throws with the fix when RESEND_WEBHOOK_SECRET is missing or malformed (the server's own rule). */
  validateWebhookSecret: (value: string | undefined) => unknown;
}

function readConfig(root: string) {
  const file = join(root, CONFIG_FILE);
  if (!existsSync(file)) return { result: fail('config', `no ${CONFIG_FILE} in ${root}: run \`coursemail init\`.`) };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return { result: fail('config', `${file} is not valid JSON (${(err as Error).message}): fix it, or run \`coursemail init --force\`.`) };
  }
  const { config, problems } = validateConfig(raw, file);
  if (!config) return { result: fail('config', `${problems.map(formatProblem).join('; ')}: fix these in ${CONFIG_FILE}.`) };
  return { config, result: ok('config', `${CONFIG_FILE} is valid`) };
}

/** Every check a launch needs, in the order a coach would fix them. */
export async function runDoctor(opts: DoctorOptions): Promise<CheckResult[]> {
  const { env } = opts;
  const results: CheckResult[] = [nodeCheck(opts.nodeVersion)];
  const { config, result } = readConfig(opts.root);
  results.push(result);
  if (config) results.push(...placeholderChecks(config), publicUrlCheck(config));
  results.push(secretCheck(env));
  if (config) {
    results.push(transportCheck(config, env));
    const domain = config.sender.email.split('@').pop()!;
    const resend = config.transport === 'resend' ? await resendChecks(env, domain) : undefined;
    if (resend) results.push(...resend.results, webhookSecretCheck(env, opts.validateWebhookSecret));
    if (config.transport !== 'outbox') results.push(...(await dnsChecks(config, env, { dkimValue: resend?.dkimValue })));
  }
  results.push(databaseCheck(await schemaStatus(storeOptionsFromEnv(env, opts.root))));
  return results;
}
