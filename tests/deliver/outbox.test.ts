import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeMime, createOutboxTransport } from '../../src/deliver/index.ts';
import { CoursemailError } from '../../src/shared/index.ts';
import { sampleMessage } from './sample.ts';

const tempDir = () => join(mkdtempSync(join(tmpdir(), 'coursemail-outbox-')), 'outbox');
const headerLine = (lines: readonly { key: string; line: string }[], key: string) => lines.filter((h) => h.key === key).map((h) => h.line);

describe('outbox transport', () => {
  it('writes one RFC 5322 file per message that parses back with both parts and the list headers', async () => {
    const dir = tempDir();
    const outbox = createOutboxTransport({ dir, messageIdSeed: 'c0ffee' });
    const later = sampleMessage(2, { date: new Date('2025-03-06T14:00:00Z') });
    const outcomes = await outbox.sendBatch([later, sampleMessage(1)], 'batch-1');

    const files = readdirSync(dir);
    expect(files.sort()).toEqual(['20250304T140000.000Z-delivery-1.eml', '20250306T140000.000Z-delivery-2.eml']);
    expect(outcomes).toEqual([
      { id: 'delivery-2', status: 'sent', providerId: '20250306T140000.000Z-delivery-2.eml' },
      { id: 'delivery-1', status: 'sent', providerId: '20250304T140000.000Z-delivery-1.eml' },
    ]);

    const mail = await simpleParser(readFileSync(join(dir, files.sort()[0]!)));
    expect((mail.headers.get('content-type') as { value: string }).value).toBe('multipart/alternative');
    expect(mail.text).toContain('Unsubscribe: https://coach.example.com/u/token-1');
    expect(mail.html).toContain('<a href="https://coach.example.com/u/token-1">');
    expect(mail.date?.toISOString()).toBe('2025-03-04T14:00:00.000Z');
    // An HMAC of the delivery id under the seed: neither the row id nor the seed shows.
    expect(mail.messageId).toBe(`<${createHmac('sha256', 'c0ffee').update('delivery-1').digest('hex').slice(0, 32)}@coach.example.com>`);
    expect(mail.from?.value).toEqual([{ name: 'Physician Coaching Practice', address: 'coach@coach.example.com' }]);
    expect(mail.replyTo?.value[0]?.address).toBe('reply@coach.example.com');
    expect(headerLine(mail.headerLines, 'list-unsubscribe')).toEqual(['List-Unsubscribe: <https://coach.example.com/u/token-1>']);
    expect(headerLine(mail.headerLines, 'list-unsubscribe-post')).toEqual(['List-Unsubscribe-Post: List-Unsubscribe=One-Click']);
    expect(headerLine(mail.headerLines, 'x-coursemail-delivery')).toEqual(['X-Coursemail-Delivery: public-1']);
  });

  it('writes the same bytes composeMime gives, the same each time for one delivery', async () => {
    const dir = tempDir();
    await createOutboxTransport({ dir, messageIdSeed: 's' }).sendBatch([sampleMessage(1)], 'b');
    const file = readFileSync(join(dir, readdirSync(dir)[0]!));
    expect(file.equals(await composeMime(sampleMessage(1), 's'))).toBe(true);
    expect((await composeMime(sampleMessage(1), 's')).equals(await composeMime(sampleMessage(1), 's'))).toBe(true);
  });

  it('writes CRLF line endings throughout, none bare, even where the text and HTML parts have LF', async () => {
    const dir = tempDir();
    const message = sampleMessage(1, { text: 'Hello\n\nA line\nanother\r\nand the last\n', html: '<p>a</p>\n<p>b</p>\n' });
    await createOutboxTransport({ dir }).sendBatch([message], 'b');
    const file = readFileSync(join(dir, readdirSync(dir)[0]!)).toString('latin1');
    expect(file).toContain('\r\n');
    expect(file.match(/(?<!\r)\n/g)).toBeNull();
  });

  it('writes a delivery once, even when retried later with another date or by a new process', async () => {
    const dir = tempDir();
    const first = await createOutboxTransport({ dir }).sendBatch([sampleMessage(1)], 'b1');
    const sameRun = createOutboxTransport({ dir });
    const again = await sameRun.sendBatch([sampleMessage(1, { date: new Date('2025-03-09T09:00:00Z') }), sampleMessage(1)], 'b2');
    const afterRestart = await createOutboxTransport({ dir }).sendBatch([sampleMessage(1)], 'b3');

    expect(readdirSync(dir)).toEqual(['20250304T140000.000Z-delivery-1.eml']);
    for (const o of [...again, ...afterRestart]) expect(o).toEqual(first[0]);
  });

  it('leaves no partial files behind and keeps odd delivery ids inside the folder', async () => {
    const dir = tempDir();
    await createOutboxTransport({ dir }).sendBatch([sampleMessage(1, { id: '../../escape/1' })], 'b');
    expect(readdirSync(dir)).toEqual(['20250304T140000.000Z-..=2f..=2fescape=2f1.eml']);
  });

  it('refuses a batch with a message lacking the one-click header, and writes none of it', async () => {
    const dir = tempDir();
    const bad = sampleMessage(2, { headers: { 'List-Unsubscribe': '<https://coach.example.com/u/token-2>' } });
    const outbox = createOutboxTransport({ dir });
    await expect(outbox.sendBatch([sampleMessage(1), bad], 'b')).rejects.toThrow(CoursemailError);
    await expect(outbox.sendBatch([bad], 'b')).rejects.toThrow(/List-Unsubscribe-Post/);
    expect(() => readdirSync(dir)).toThrow();
  });
});
