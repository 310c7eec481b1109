/**
 * A real SMTP server (smtp-server) on 127.0.0.1 for transport tests: plain text, optional
 * login, and STARTTLS (smtp-server's own self-signed certificate) only when asked for. It keeps the raw bytes of every message it accepts, and can be
 * told to refuse recipients with any reply code (5xx permanent, 4xx transient).
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  from: string;
  to: string[];
  raw: Buffer;
  /** The login used, if any. */
  user: string | undefined;
}

export interface SmtpReply {
  code: number;
  message: string;
}

export interface TestSmtpServer {
  host: string;
  port: number;
  messages: CapturedMail[];
  /** How many connections were opened: pooling keeps this low. */
  connections(): number;
  /** How many AUTH attempts reached the server (a password sent), right or wrong. */
  authAttempts(): number;
  /** How many connections were upgraded with STARTTLS. */
  tlsUpgrades(): number;
  /** Decides the reply to each RCPT TO; `undefined` accepts. */
  refuse(policy: ((recipient: string) => SmtpReply | undefined) | undefined): void;
  close(): Promise<void>;
}

export async function startSmtpServer(options: { auth?: { user: string; pass: string }; starttls?: boolean } = {}): Promise<TestSmtpServer> {
  const messages: CapturedMail[] = [];
  let policy: ((recipient: string) => SmtpReply | undefined) | undefined;
  let connections = 0;
  let authAttempts = 0;
  let tlsUpgrades = 0;

  const disabled = [...(options.starttls ? [] : ['STARTTLS']), ...(options.auth ? [] : ['AUTH'])];
  const server = new SMTPServer({
    disabledCommands: disabled,
    onSecure(_socket, _session, callback) {
      tlsUpgrades++;
      callback();
    },
    authOptional: !options.auth,
    allowInsecureAuth: true,
    logger: false,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onAuth(auth, _session, callback) {
      authAttempts++;
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
        callback(null, { user: auth.username });
      } else {
        callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      }
    },
    onRcptTo(address, _session, callback) {
      const reply = policy?.(address.address);
      if (reply) callback(Object.assign(new Error(reply.message), { responseCode: reply.code }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          user: typeof session.user === 'string' ? session.user : undefined,
        });
        callback();
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = (server as unknown as { server: { address(): AddressInfo } }).server.address();

  return {
    host: '127.0.0.1',
    port,
    messages,
    connections: () => connections,
    authAttempts: () => authAttempts,
    tlsUpgrades: () => tlsUpgrades,
    refuse(next) {
      policy = next;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
