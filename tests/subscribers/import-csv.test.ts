import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { afterAll, expect, it } from 'vitest';
import { importCsv, type ImportProgress } from '../../src/subscribers/index.ts';
import { forEachDatabase } from '../support/databases.ts';

const now = new Date('2026-03-02T15:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'coursemail-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Expected {
  rows: number;
  active: number;
  pending: number;
  duplicates: number;
  bad: { line: number; reason: RegExp }[];
}

/**
 * Writes an N-row CSV the way spreadsheets do (BOM, CRLF) with 1 % bad rows of every kind,
 * 1 % duplicates (the same address upper-cased), quoted commas and line breaks inside quoted
 * names, IDN domains, and a consent column that is yes, a date or empty. Returns what an
 * exact import must report, line numbers included. Streams to disk: the test holds no rows either.
 */
async function writeCsv(file: string, n: number): Promise<Expected> {
  const out = createWriteStream(file);
  const expected: Expected = { rows: n, active: 0, pending: 0, duplicates: 0, bad: [] };
  let line = 1;
  let buffer = '\ufeffemail,first_name,timezone,consent\r\n';
  const record = (text: string) => {
    buffer += `${text}\r\n`;
    line += 1 + (text.match(/\r\n/g)?.length ?? 0);
  };
  const consent = (i: number) => (['yes', '2025-01-15', ''] as const)[i % 3]!;
  const good = (i: number) => (consent(i) === '' ? (expected.pending += 1) : (expected.active += 1));
  for (let i = 0; i < n; i++) {
    const start = line + 1;
    const kind = i % 100;
    if (kind === 17) {
      const bad = [
        [`not-an-email-${i},Ann,UTC,yes`, /^email: the address needs the form/],
        [`${'a'.repeat(300)}@example.com,Ann,UTC,yes`, /^email: the part before @ is 300 characters/],
        [`tz${i}@example.com,Ann,Mars/Olympus_Mons,yes`, /^timezone: "Mars\/Olympus_Mons" is not a known time zone/],
        [`comma${i}@example.com,Smith, Jane,UTC,yes`, /^5 values where the header has 4/],
        [`consent${i}@example.com,Ann,UTC,maybe`, /^consent: "maybe" is neither/],
        [`"bad${i}\r\n@example.com",Ann,UTC,yes`, /^email: the address contains a line break/],
      ] as const;
      const [text, reason] = bad[Math.floor(i / 100) % bad.length]!;
      record(text);
      expected.bad.push({ line: start, reason });
    } else if (kind === 42) {
      record(`USER${i - 1}@EXAMPLE.COM,Dup,UTC,yes`);
      expected.duplicates += 1;
    } else if (kind === 63) {
      record(`user${i}@example.com,"Doe, Jane\r\nBcc: Victim",Europe/London,${consent(i)}`);
      good(i);
    } else if (kind === 88) {
      record(`user${i}@Bücher.example,"Müller, Jürgen",Europe/Berlin,${consent(i)}`);
      good(i);
    } else {
      record(`user${i}@example.com,Name ${i},America/Chicago,${consent(i)}`);
      good(i);
    }
    if (buffer.length > 1 << 16) {
      if (!out.write(buffer)) await new Promise<void>((r) => out.once('drain', () => r()));
      buffer = '';
    }
  }
  out.end(buffer);
  await finished(out);
  return expected;
}

forEachDatabase((db) => {
  // Postgres does the same work over the network: a smaller file keeps the suite quick.
  const n = db.kind === 'sqlite' ? 100_000 : 20_000;

  it(`imports ${n.toLocaleString('en-US')} rows with exact counts and the line of every bad row`, async () => {
    const { store } = await db.fresh();
    const file = join(dir, `${db.kind}-${n}.csv`);
    const expected = await writeCsv(file, n);
    // Already known and already suppressed before the import.
    await store.subscribers.createPending({ email: 'user1@example.com', firstName: null, timezone: null, consentSource: 'form', now });
    await store.suppressions.add('user2@example.com', 'bounced', now);
    const progress: ImportProgress[] = [];
    // An odd chunk size splits CRLFs, quoted values and multi-byte characters across reads.
    const result = await importCsv(store, createReadStream(file, { highWaterMark: 4099 }), {
      now,
      seriesId: 'coaching',
      source: 'import:list.csv',
      onProgress: (p) => progress.push(p),
    });
    // user1 (already known) was a dated-consent row, user2 (suppressed) a no-consent row.
    expect({ rows: result.rows, duplicates: result.duplicates, suppressed: result.suppressed, active: result.active, pending: result.pending }).toEqual({
      rows: expected.rows,
      duplicates: expected.duplicates + 1,
      suppressed: 1,
      active: expected.active - 1,
      pending: expected.pending - 1,
    });
    expect(result.imported).toBe(expected.rows - expected.bad.length - expected.duplicates - 2);
    expect(result.imported).toBe(result.active + result.pending);
    expect(result.bad.map((b) => b.line)).toEqual(expected.bad.map((b) => b.line));
    for (const [i, b] of result.bad.entries()) expect(b.reason).toMatch(expected.bad[i]!.reason);
    expect(result.needConfirmation).toHaveLength(result.pending);

    const counts = await store.subscribers.countByStatus();
    expect(counts).toMatchObject({ active: result.active, pending: result.pending + 1 });
    // Written batch by batch as the file streams, not at the end.
    expect(progress.length).toBeGreaterThanOrEqual(n / 1000);
    expect(progress.at(-1)).toMatchObject({ rows: n, imported: result.imported, bad: expected.bad.length });
    expect(progress.at(-1)!.bytes).toBeGreaterThan(n * 30);
    const firstHalf = progress.find((p) => p.rows >= n / 2)!;
    expect(firstHalf.imported).toBeGreaterThan(result.imported / 3);

    const pendingOne = await store.subscribers.getById(result.needConfirmation[0]!);
    expect(pendingOne).toMatchObject({ status: 'pending', consentAt: null, consentSource: 'import:list.csv' });
    expect(pendingOne?.confirmNonce).toBeTruthy();
    const hostile = await store.subscribers.findByEmail('user63@example.com');
    expect(hostile?.firstName).toBe('Doe, Jane Bcc: Victim');
    const idn = await store.subscribers.findByEmail('user88@xn--bcher-kva.example');
    expect(idn).toMatchObject({ email: 'user88@xn--bcher-kva.example', firstName: 'Müller, Jürgen', timezone: 'Europe/Berlin' });
    const dated = await store.subscribers.findByEmail('user4@example.com');
    expect(dated).toMatchObject({ status: 'active', consentAt: new Date('2025-01-15T00:00:00Z') });
    expect(await store.enrollments.get(dated!.id, 'coaching')).toMatchObject({ status: 'active', startedAt: now });
    expect(await store.subscribers.findByEmail('user17@example.com')).toBeNull();
  }, 120_000);

  it('an unclosed quote is reported where it starts; the rows before and after it are imported', async () => {
    const { store } = await db.fresh();
    const csv = 'Email,First Name\na@example.com,Ann\nb@example.com,"Bo\nc@example.com,Cy\n';
    const result = await importCsv(store, Readable.from([csv]), { now, file: 'list.csv', source: 'import:list.csv' });
    expect(result.imported).toBe(2);
    const cy = (await store.subscribers.findByEmail('c@example.com'))!;
    expect((await store.subscribers.dataHeld(cy.id))!.consent).toEqual([
      { at: now, event: 'imported', detail: { source: 'import:list.csv', file: 'list.csv', row: 4, consent: 'to confirm' } },
    ]);
    expect(result.bad).toEqual([{ line: 3, reason: expect.stringMatching(/quoted value opened on this line is never closed/) }]);
    expect((await store.subscribers.list({ limit: 10 })).map((s) => s.email)).toEqual(['a@example.com', 'c@example.com']);
  });

  it('refuses a file without an email column, and an empty file, before importing anything', async () => {
    const { store } = await db.fresh();
    await expect(importCsv(store, Readable.from(['name,tz\nAnn,UTC\n']), { now })).rejects.toThrow(/header naming an "email" column/);
    await expect(importCsv(store, Readable.from(['']), { now })).rejects.toThrow(/empty/);
    expect((await store.subscribers.list({ limit: 10 })).length).toBe(0);
  });

  it('a name holding a web address, an email address or markup makes only that row bad, with the reason', async () => {
    const { store } = await db.fresh();
    const csv = [
      'email,first_name',
      'a@example.com,Visit https://evil.example',
      'b@example.com,Bo',
      'c@example.com,mail x@evil.example',
      'd@example.com,<b>Di</b>',
    ].join('\n');
    const result = await importCsv(store, Readable.from([csv]), { now });
    expect(result.bad).toEqual([
      { line: 2, field: 'first_name', reason: 'first_name: a first name cannot contain a web address' },
      { line: 4, field: 'first_name', reason: 'first_name: a first name cannot contain an email address' },
      { line: 5, field: 'first_name', reason: 'first_name: a first name cannot contain < or >' },
    ]);
    expect(result.imported).toBe(1);
  });

  it('a stray quote or a future consent date makes only that row bad', async () => {
    const { store } = await db.fresh();
    const csv = ['email,consent', '"x"y@example.com,yes', 'ok@example.com,yes', 'later@example.com,2030-01-01', 'also@example.com,2026-03-01T08:00:00Z'].join(
      '\n',
    );
    const result = await importCsv(store, Readable.from([csv]), { now });
    expect(result.bad.map((b) => b.line)).toEqual([2, 4]);
    expect(result.bad[1]!.reason).toMatch(/in the future/);
    expect(result.active).toBe(2);
    expect((await store.subscribers.findByEmail('also@example.com'))?.consentAt).toEqual(new Date('2026-03-01T08:00:00Z'));
  });
});
