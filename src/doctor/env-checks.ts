import type { Config } from '../config/index.ts';
import { fail, ok, type CheckResult } from './check.ts';

export function secretCheck(env: NodeJS.ProcessEnv): CheckResult {
  const name = 'COURSEMAIL_SECRET';
  const secret = env.COURSEMAIL_SECRET ?? '';
  if (!secret) return fail(name, 'not set: put a random one in the env file (`openssl rand -hex 32`, or the one `coursemail init` wrote in .env.example).');
  if (secret.length < 32) return fail(name, `only ${secret.length} characters: use at least 32 random ones (\`openssl rand -hex 32\`).`);
  return ok(name, `set (${secret.length} characters)`);
}

export function transportCheck(config: Config, env: NodeJS.ProcessEnv): CheckResult {
  const name = `transport: ${config.transport}`;
  switch (config.transport) {
    case 'outbox':
      return fail(name, 'the outbox only writes .eml files and reaches nobody: set "transport" to "resend" (or "smtp") in coursemail.config.json.');
    case 'resend':
      return env.RESEND_API_KEY
        ? ok(name, 'RESEND_API_KEY is set')
        : fail(name, 'RESEND_API_KEY is not set: create an API key at resend.com/api-keys and put it in the env file.');
    case 'smtp': {
      if (!config.smtp) return fail(name, 'the config has no "smtp" section: add { "host": …, "port": … } from your provider.');
      const missing = ['SMTP_USER', 'SMTP_PASS'].filter((v) => !env[v]);
      return missing.length
        ? fail(name, `${missing.join(' and ')} not set: put your provider's SMTP login in the env file.`)
        : ok(name, `${config.smtp.host}:${config.smtp.port}, login set`);
    }
  }
}

/** Without the webhook secret, bounces and complaints never reach the suppression list. */
export function webhookSecretCheck(env: NodeJS.ProcessEnv, validate: (value: string | undefined) => unknown): CheckResult {
  const name = 'RESEND_WEBHOOK_SECRET';
  try {
    validate(env.RESEND_WEBHOOK_SECRET);
    return ok(name, 'set: bounces and complaints reach the suppression list');
  } catch (err) {
    return fail(name, `${(err as Error).message} Point the webhook at publicUrl/webhooks/resend.`);
  }
}
