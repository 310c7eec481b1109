import { join } from 'node:path';
import { identityProblems, type Config } from '../config/index.ts';
import type { Transport } from '../send/transport.ts';
import { CoursemailError } from '../shared/index.ts';
import { createOutboxTransport } from './outbox.ts';
import { createResendTransport } from './resend.ts';
import { createSmtpTransport } from './smtp.ts';

/**
 * The transport `config.transport` names; outbox files go to `<root>/outbox`. Keys come from
 * `env`; `messageIdSeed` is the store's (`store.messageIdSeed()`) where a store is open.
 * The one place a real transport is made from config: it refuses the example's placeholder identity.
 */
export function configuredTransport(config: Config, root: string, env: Record<string, string | undefined> = process.env, messageIdSeed?: string): Transport {
  const placeholders = identityProblems(config, config.transport);
  if (placeholders.length)
    throw new CoursemailError(
      'config.placeholder',
      `coursemail.config.json still has placeholder values; a real send through ${config.transport} needs real ones:`,
      placeholders,
    );
  const seed = messageIdSeed === undefined ? {} : { messageIdSeed };
  if (config.transport === 'smtp') {
    if (!config.smtp) throw new CoursemailError('config.smtp', 'transport is "smtp" but coursemail.config.json has no "smtp" section (host, port).');
    return createSmtpTransport({ ...config.smtp, env, ...seed });
  }
  if (config.transport === 'resend') return createResendTransport({ requestsPerSecond: config.resend.requestsPerSecond, env });
  return createOutboxTransport({ dir: join(root, 'outbox'), ...seed });
}
