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
