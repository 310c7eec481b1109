import type { Transporter } from 'nodemailer';
import type { OutgoingMessage, SendOutcome, Transport } from '../send/transport.ts';
import { StopRunError } from '../send/transport.ts';
import { composeMime, processSeed } from './mime.ts';
import { assertSendable, refusals } from './outgoing.ts';

export interface SmtpOptions {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure?: boolean;
  /** Keep connections open across messages (default true). */
  pool?: boolean;
  maxConnections?: number;
  rejectUnauthorized?: boolean;
  /** Credentials come from SMTP_USER / SMTP_PASS; `env` is there so callers need not mutate process.env. */
  env?: Record<string, string | undefined>;
  /** The store's Message-ID seed (`store.messageIdSeed()`); without it, one drawn for this process. */
  messageIdSeed?: string;
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

/**
 * 5xx is the server's final word on this message; 4xx and broken connections may pass
 * later. A rejected login is neither: every message would fail the same way, so the
 * run stops and says which variables to check.
 */
function outcomeOf(m: OutgoingMessage, err: SmtpError): SendOutcome {
  const said = (err.response ?? err.message).trim();
  if (err.code === 'EAUTH') throw new StopRunError(`SMTP login refused (${said}); check SMTP_USER and SMTP_PASS.`);
  const code = err.responseCode ?? 0;
  if (code >= 500) return { id: m.id, status: 'failed', permanent: true, reason: said };
  if (code === 0 && (err.code === 'EENVELOPE' || err.code === 'EMESSAGE')) {
    return { id: m.id, status: 'failed', permanent: true, reason: said };
  }
  return { id: m.id, status: 'retry', permanent: false, reason: said || String(err.code) };
}

export function createSmtpTransport(options: SmtpOptions): Transport {
  const env = options.env ?? process.env;
  const user = env.SMTP_USER;
  const pass = env.SMTP_PASS;
  const pool = options.pool ?? true;
  const seed = options.messageIdSeed ?? processSeed();
  // nodemailer is loaded with the first message, so other transports' processes never carry it.
  let transporter: Promise<Transporter> | undefined;
  const connect = () =>
    (transporter ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        host: options.host,
        port: options.port,
        secure: options.secure ?? false,
        ...(pool ? { pool: true as const, maxConnections: options.maxConnections ?? 5 } : {}),
        tls: { rejectUnauthorized: options.rejectUnauthorized ?? true },
        ...(user ? { auth: { user, pass: pass ?? '' } } : {}),
      }),
    ));

  async function send(m: OutgoingMessage): Promise<SendOutcome> {
    // The same bytes the outbox writes, so what was previewed is what is sent.
    const raw = await composeMime(m, seed);
    try {
      const info = await (await connect()).sendMail({ envelope: { from: m.from.email, to: [m.to] }, raw });
      return { id: m.id, status: 'sent', providerId: String(info.response ?? info.messageId).trim() };
    } catch (err) {
      return outcomeOf(m, err as SmtpError);
    }
  }

  return {
    name: 'smtp',
    maxBatch: 50,
    check: refusals,
    async sendBatch(messages) {
      assertSendable(messages);
      return Promise.all(messages.map(send));
    },
    async close() {
      if (transporter) (await transporter).close();
    },
  };
}
