import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createOutboxTransport, createSmtpTransport } from '../../src/deliver/index.ts';
import type { Transport } from '../../src/send/transport.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';
import { sampleMessage } from './sample.ts';

let server: TestSmtpServer | undefined;
let smtp: Transport | undefined;
afterEach(async () => {
  await smtp?.close();
  await server?.close();
  smtp = server = undefined;
});

/** Trace headers a relay may add (RFC 5321 §4.4) are not the message's own bytes. */
const withoutTrace = (raw: Buffer) => raw.toString('latin1').replace(/^(Received|Return-Path|X-Received):.*\r\n(?:[ \t].*\r\n)*/gim, '');

describe('the outbox holds the bytes SMTP carries', () => {
  it('one delivery, with LF-only parts and a non-ASCII subject, sent to a real smtp-server and to the outbox: equal bytes', async () => {
    server = await startSmtpServer();
    smtp = createSmtpTransport({ host: server.host, port: server.port, pool: false, env: {}, messageIdSeed: 'install-a' });
    const dir = join(mkdtempSync(join(tmpdir(), 'coursemail-bytes-')), 'outbox');
    const outbox = createOutboxTransport({ dir, messageIdSeed: 'install-a' });
    const message = sampleMessage(4, {
      subject: 'Урок 1 — 第一课: the first conversation',
      from: { name: 'Dr. Zoë Ångström', email: 'coach@coach.example.com' },
      text: 'Hello Dr. 4\n\n.A line that starts with a dot\nUnsubscribe: https://coach.example.com/u/token-4\n',
    });

    expect((await smtp.sendBatch([message], 'b'))[0]?.status).toBe('sent');
    expect((await outbox.sendBatch([message], 'b'))[0]?.status).toBe('sent');
    const wire = server.messages[0]!.raw;
    const file = readFileSync(join(dir, readdirSync(dir)[0]!));

    expect(withoutTrace(file)).toBe(withoutTrace(wire));
    expect(file.equals(wire)).toBe(true);
    expect(file.toString('latin1').match(/(?<!\r)\n/g)).toBeNull();
  });
});
