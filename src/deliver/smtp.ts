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
  /**
   * Refuse to go on without TLS (nodemailer's `requireTLS`). Default: true when SMTP_USER is
   * set, so a password never crosses in clear; false must be chosen, and is warned about.
   */
  requireTLS?: boolean;
  /** Where that warning goes; default stderr. */
  warn?: (line: string) => void;
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

/** The first line of what the server said, for a one-line message. */
const firstLine = (s: string) => s.trim().split(/\r?\n/)[0]!.trim();

/**
 * 5xx is the server's final word on this message; 4xx and broken connections may pass
 * later. A refused login or TLS is neither: every message would fail the same way, so the
 * run stops and says what to check.
 */
function outcomeOf(m: OutgoingMessage, err: SmtpError, where: string, loginSet: boolean): SendOutcome {
  const said = firstLine(err.response ?? err.message);
  if (err.code === 'EAUTH') throw new StopRunError(`The SMTP server at ${where} refused the login (${said}): check SMTP_USER and SMTP_PASS.`);
  if (err.code === 'ETLS') {
    const why = `${firstLine(err.message)}${err.response ? `; ${said}` : ''}`;
    throw new StopRunError(
      loginSet
        ? `TLS with the SMTP server at ${where} failed (${why}), and the login must not cross in clear: use the server's TLS port with "secure": true, or a server that offers STARTTLS.`
        : `TLS with the SMTP server at ${where} failed (${why}): check its certificate (smtp.rejectUnauthorized) and port.`,
    );
  }
  const code = err.responseCode ?? 0;
  if (code >= 500 || (code === 0 && (err.code === 'EENVELOPE' || err.code === 'EMESSAGE')))
    return { id: m.id, status: 'failed', permanent: true, reason: said };
  return { id: m.id, status: 'retry', permanent: false, reason: said || String(err.code) };
}

export function createSmtpTransport(options: SmtpOptions): Transport {
  const env = options.env ?? process.env;
  const user = env.SMTP_USER;
  const pass = env.SMTP_PASS;
  const pool = options.pool ?? true;
  const seed = options.messageIdSeed ?? processSeed();
  const where = `${options.host}:${options.port}`;
  const requireTLS = options.requireTLS ?? !!user;
  if (user && !requireTLS && !options.secure) {
    (options.warn ?? ((line: string) => process.stderr.write(`coursemail: warning: ${line}\n`)))(
      `smtp.requireTLS is false: SMTP_USER's password may cross in clear to ${where} when the server offers no STARTTLS.`,
    );
  }
  // nodemailer is loaded with the first message, so other transports' processes never carry it.
  let transporter: Promise<Transporter> | undefined;
  const connect = () =>
    (transporter ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        host: options.host,
        port: options.port,
        secure: options.secure ?? false,
        ...(pool ? { pool: true as const, maxConnections: options.maxConnections ?? 5 } : {}),
        requireTLS,
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
      return outcomeOf(m, err as SmtpError, where, !!user);
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
