import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { createSmtpTransport } from '../../src/deliver/index.ts';
import type { Transport } from '../../src/send/transport.ts';
import { StopRunError } from '../../src/send/transport.ts';
import { CoursemailError } from '../../src/shared/index.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';
import { range, sampleMessage } from './sample.ts';

let server: TestSmtpServer | undefined;
let transport: Transport | undefined;
afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = server = undefined;
});

async function setup(options: { auth?: { user: string; pass: string }; env?: Record<string, string>; starttls?: boolean } = {}) {
  server = await startSmtpServer({ ...(options.auth ? { auth: options.auth } : {}), starttls: options.starttls ?? false });
  // smtp-server's STARTTLS certificate is its own self-signed one.
  transport = createSmtpTransport({ host: server.host, port: server.port, env: options.env ?? {}, rejectUnauthorized: !options.starttls });
  return { server, transport };
}

describe('SMTP transport against a real SMTP server', () => {
  it('delivers multipart/alternative with both parts, both list headers, From and Reply-To', async () => {
    const { server, transport } = await setup();
    const outcomes = await transport.sendBatch([sampleMessage(1), sampleMessage(2)], 'b');
    expect(outcomes.map((o) => o.status)).toEqual(['sent', 'sent']);
    expect(server.messages).toHaveLength(2);

    const captured = server.messages.find((m) => m.to[0] === 'subscriber1@example.org')!;
    expect(captured.from).toBe('coach@coach.example.com');
    expect(captured.to).toEqual(['subscriber1@example.org']);
    const mail = await simpleParser(captured.raw);
    expect((mail.headers.get('content-type') as { value: string }).value).toBe('multipart/alternative');
    expect(mail.text).toContain('Unsubscribe: https://coach.example.com/u/token-1');
    expect(mail.html).toContain('href="https://coach.example.com/u/token-1"');
    expect(mail.from?.value).toEqual([{ name: 'Physician Coaching Practice', address: 'coach@coach.example.com' }]);
    expect(mail.replyTo?.value[0]?.address).toBe('reply@coach.example.com');
    const lines = mail.headerLines.map((h) => h.line);
    expect(lines).toContain('List-Unsubscribe: <https://coach.example.com/u/token-1>');
    expect(lines).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(mail.date?.toISOString()).toBe('2025-03-04T14:00:00.000Z');
    // What the outbox would have written is exactly what went over the wire (see outbox-bytes.test.ts).
    expect(mail.messageId).toMatch(/^<[0-9a-f]{32}@coach\.example\.com>$/);
  });

  it('a CR/LF in the subject or sender name cannot add a header or a recipient', async () => {
    const { server, transport } = await setup();
    const hostile = sampleMessage(1, {
      subject: 'Your lesson\r\nBcc: victim@evil.example\r\nX-Injected: yes',
      from: { name: 'Coach\r\nBcc: victim@evil.example', email: 'coach@coach.example.com' },
    });
    expect((await transport.sendBatch([hostile], 'b'))[0]?.status).toBe('sent');

    const [captured] = server.messages;
    expect(captured?.to).toEqual(['subscriber1@example.org']);
    const mail = await simpleParser(captured!.raw);
    expect(mail.bcc).toBeUndefined();
    expect(mail.headers.has('x-injected')).toBe(false);
    expect(mail.subject).toBe('Your lesson Bcc: victim@evil.example X-Injected: yes');
    expect(mail.from?.value[0]).toEqual({ name: 'Coach Bcc: victim@evil.example', address: 'coach@coach.example.com' });
    expect(captured!.raw.toString()).not.toMatch(/^(bcc|x-injected):/im);
  });

  it('refuses a recipient or header value with a line break before connecting', async () => {
    const { server, transport } = await setup();
    await expect(transport.sendBatch([sampleMessage(1, { to: 'a@example.org\r\nRCPT TO:<b@example.org>' })], 'b')).rejects.toThrow(CoursemailError);
    const badHeader = sampleMessage(2, { headers: { ...sampleMessage(2).headers, 'X-Note': 'a\r\nBcc: b@example.org' } });
    await expect(transport.sendBatch([badHeader], 'b')).rejects.toThrow(/line break/);
    expect(server.connections()).toBe(0);
  });

  it('a 5xx reply fails that message permanently with the server’s words; 4xx asks for a retry; the rest go', async () => {
    const { server, transport } = await setup();
    server.refuse((rcpt) =>
      rcpt === 'subscriber1@example.org'
        ? { code: 550, message: 'Mailbox unavailable: no such user' }
        : rcpt === 'subscriber2@example.org'
          ? { code: 451, message: 'Greylisted, try again later' }
          : undefined,
    );
    const outcomes = await transport.sendBatch(
      range(3, 1).map((i) => sampleMessage(i)),
      'b',
    );
    expect(outcomes[0]).toMatchObject({ id: 'delivery-1', status: 'failed', permanent: true });
    expect(outcomes[0]?.status === 'failed' && outcomes[0].reason).toMatch(/^550 .*no such user/);
    expect(outcomes[1]).toMatchObject({ id: 'delivery-2', status: 'retry', permanent: false });
    expect(outcomes[1]?.status === 'retry' && outcomes[1].reason).toMatch(/451 .*Greylisted/);
    expect(outcomes[2]).toMatchObject({ id: 'delivery-3', status: 'sent' });
    expect(server.messages.map((m) => m.to[0])).toEqual(['subscriber3@example.org']);
  });

  it('a server that cannot be reached means retry, not failure', async () => {
    const { server } = await setup();
    await server.close();
    const unreachable = createSmtpTransport({ host: '127.0.0.1', port: server.port, env: {} });
    const [outcome] = await unreachable.sendBatch([sampleMessage(1)], 'b');
    await unreachable.close();
    expect(outcome).toMatchObject({ status: 'retry', permanent: false });
  });

  it('logs in with SMTP_USER/SMTP_PASS over STARTTLS; a refused login stops the run with one line', async () => {
    const auth = { user: 'coach', pass: 's3cret' };
    const { server, transport } = await setup({ auth, env: { SMTP_USER: 'coach', SMTP_PASS: 's3cret' }, starttls: true });
    expect((await transport.sendBatch([sampleMessage(1)], 'b'))[0]?.status).toBe('sent');
    expect(server.messages[0]?.user).toBe('coach');
    expect(server.tlsUpgrades()).toBeGreaterThanOrEqual(1);

    const wrong = createSmtpTransport({ host: server.host, port: server.port, rejectUnauthorized: false, env: { SMTP_USER: 'coach', SMTP_PASS: 'nope' } });
    const sending = wrong.sendBatch([sampleMessage(2)], 'b');
    await expect(sending).rejects.toThrow(StopRunError);
    await expect(sending).rejects.toThrow(
      /^The SMTP server at 127\.0\.0\.1:\d+ refused the login \(535 Invalid username or password\): check SMTP_USER and SMTP_PASS\.$/,
    );
    await wrong.close();
    expect(server.messages).toHaveLength(1);
  });

  it('with credentials and a server that offers no STARTTLS: refused before AUTH, the password never sent', async () => {
    const auth = { user: 'coach', pass: 's3cret' };
    const { server, transport } = await setup({ auth, env: { SMTP_USER: 'coach', SMTP_PASS: 's3cret' } });
    const sending = transport.sendBatch([sampleMessage(1)], 'b');
    await expect(sending).rejects.toThrow(StopRunError);
    await expect(sending).rejects.toThrow(/^TLS with the SMTP server at 127\.0\.0\.1:\d+ failed \(.*\), and the login must not cross in clear/);
    expect(server.authAttempts()).toBe(0);
    expect(server.messages).toHaveLength(0);
  });

  it('smtp.requireTLS false is an explicit choice: warned about, then the login goes without TLS', async () => {
    server = await startSmtpServer({ auth: { user: 'coach', pass: 's3cret' } });
    const warnings: string[] = [];
    transport = createSmtpTransport({
      host: server.host,
      port: server.port,
      requireTLS: false,
      warn: (l) => warnings.push(l),
      env: { SMTP_USER: 'coach', SMTP_PASS: 's3cret' },
    });
    expect(warnings).toEqual([expect.stringMatching(/requireTLS is false: SMTP_USER's password may cross in clear/)]);
    expect((await transport.sendBatch([sampleMessage(1)], 'b'))[0]?.status).toBe('sent');
    expect(server.authAttempts()).toBe(1);
  });

  it('without credentials nothing is required or warned: a plain relay still works', async () => {
    const warnings: string[] = [];
    server = await startSmtpServer();
    transport = createSmtpTransport({ host: server.host, port: server.port, warn: (l) => warnings.push(l), env: {} });
    expect((await transport.sendBatch([sampleMessage(1)], 'b'))[0]?.status).toBe('sent');
    expect(warnings).toEqual([]);
  });

  it('pools connections: 20 messages over at most 5 connections', async () => {
    const { server, transport } = await setup();
    const outcomes = await transport.sendBatch(
      range(20).map((i) => sampleMessage(i)),
      'b',
    );
    expect(outcomes.every((o) => o.status === 'sent')).toBe(true);
    expect(server.messages).toHaveLength(20);
    expect(server.connections()).toBeLessThanOrEqual(5);
  });
});
