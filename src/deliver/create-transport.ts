import { join } from 'node:path';
import { identityProblems, type Config } from '../config/index.ts';
import type { Transport } from '../send/transport.ts';
import { CoursemailError } from '../shared/index.ts';
import { createOutboxTransport, type OutboxOptions } from './outbox.ts';
import { createResendTransport, type ResendTransportOptions } from './resend.ts';
import { createSmtpTransport, type SmtpOptions } from './smtp.ts';

export interface TransportOptions {
  outbox: OutboxOptions;
  smtp: SmtpOptions;
  resend: ResendTransportOptions;
}

export type TransportKind = keyof TransportOptions;

/** The transport named in config (`transport: outbox | smtp | resend`). */
export function createTransport<K extends TransportKind>(kind: K, options: TransportOptions[K]): Transport {
  switch (kind) {
    case 'outbox':
      return createOutboxTransport(options as OutboxOptions);
    case 'smtp':
      if (!options) throw new CoursemailError('deliver.smtp-config', 'transport is smtp but the config has no smtp section (host, port).');
      return createSmtpTransport(options as SmtpOptions);
    case 'resend':
      return createResendTransport(options as ResendTransportOptions);
    default:
      throw new CoursemailError('deliver.kind', `Unknown transport "${String(kind)}": use outbox, smtp or resend.`);
  }
}

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
    return createTransport('smtp', { ...config.smtp, env, ...seed });
  }
  if (config.transport === 'resend') return createTransport('resend', { requestsPerSecond: config.resend.requestsPerSecond, env });
  return createTransport('outbox', { dir: join(root, 'outbox'), ...seed });
}
