/**
 * Hostile files fed to `coursemail subscribers import` (and its export twin). Each must end
 * in a clear answer naming the line and the column, never a stack trace; good rows around
 * bad ones are imported; nothing junk is stored half-readable; the 10 MB line costs at most
 * the 64 KiB line limit, not 10 MB.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.ts';
import { exportSubscribers, importCsv, MAX_RECORD_BYTES, neutralizeFormula, unneutralize } from '../../src/subscribers/index.ts';
import { forEachDatabase, freshDatabase } from '../support/databases.ts';
import { runCli, tempProject } from '../support/project.ts';

const now = new Date('2026-03-02T15:00:00Z');
const HEADER = 'email,first_name,timezone,consent\n';
const good = (name: string) => `${name}@example.com,${name},UTC,yes\n`;

/** Deterministic junk: the same bytes every run (a seeded LCG), so a failure can be replayed. */
function junk(length: number, seed: number, opts: { quotes: boolean }): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    let b = (x >> 16) & 0xff;
    // A `"` opening a field makes the rest of the file one quoted value (a separate test).
    if (!opts.quotes && b === 0x22) b = 0x21;
    out[i] = b;
  }
  return out;
}

/** Every subscriber stored, read back: nothing may carry a NUL, a replacement character or a control character. */
async function everyone(store: Store) {
  return (await store.subscribers.list({ limit: 1000 })).map((s) => ({ email: s.email, firstName: s.firstName }));
}
const clean = (s: { email: string; firstName: string | null }) => !/[\u0000-\u001f\u007f\ufffd]/.test(`${s.email}${s.firstName ?? ''}`);

const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});
async function sqlite(): Promise<Store> {
  const store = await openStore(await freshDatabase('sqlite'));
  stores.push(store);
  return store;
}
/** The error an import was refused with; fails the test if it was not refused. */
async function refusal(p: Promise<unknown>): Promise<Error> {
  const outcome = await p.then(
    (r) => ({ resolved: r }),
    (e: unknown) => ({ error: e as Error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a refusal, got ${JSON.stringify(outcome.resolved)}`);
  return outcome.error;
}
const run = (store: Store, chunks: (string | Buffer)[] | AsyncIterable<Buffer>) =>
  importCsv(store, Array.isArray(chunks) ? Readable.from(chunks) : chunks, { now });

forEachDatabase((db) => {
  it('binary junk, NUL bytes and Latin-1 between good rows: each bad line named with its column; the good rows around them are imported, nothing stored half-readable', async () => {
    const { store } = await db.fresh();
    const file = Buffer.concat([
      Buffer.from(HEADER + good('first')),
      junk(4000, 7, { quotes: false }),
      Buffer.from(`\n${good('second')}`),
      Buffer.from('nul\u0000@example.com,Nul,UTC,yes\n'),
      Buffer.from('name-nul@example.com,A\u0000B,UTC,yes\n'),
      Buffer.concat([Buffer.from('latin@example.com,M'), Buffer.from([0xfc]), Buffer.from('ller,UTC,yes\n')]),
      Buffer.from(good('last')),
    ]);
    const result = await run(store, [file]);
    expect(result.imported).toBe(3);
    expect((await everyone(store)).map((s) => s.email).sort()).toEqual(['first@example.com', 'last@example.com', 'second@example.com']);
    expect((await everyone(store)).every(clean)).toBe(true);
    expect(result.bad.length).toBeGreaterThan(3);
    // Line numbers are the file's: the junk sits on lines 3.., the rows after it are counted on.
    const text = file.toString('latin1').split(/\r\n|\r|\n/);
    const lineOf = (needle: string) => text.findIndex((l) => l.startsWith(needle)) + 1;
    expect(result.bad).toContainEqual({ line: lineOf('nul'), field: 'email', reason: 'email: binary data (NUL bytes), not text' });
    expect(result.bad).toContainEqual({ line: lineOf('name-nul'), field: 'first_name', reason: 'first_name: binary data (NUL bytes), not text' });
    expect(result.bad).toContainEqual({
      line: lineOf('latin'),
      field: 'first_name',
      reason: 'first_name: bytes that are not UTF-8 (save the file as "CSV UTF-8")',
    });
    expect(result.bad.every((b) => b.line >= 3 && b.line < lineOf('last'))).toBe(true);
    // Reasons quote the file's values only with control characters escaped (safe on a terminal).
    expect(result.bad.every((b) => !/[\u0000-\u001f\u007f-\u009f]/.test(b.reason))).toBe(true);
  });
});

describe('hostile CSV files', () => {
  it('a file that is not CSV text (random bytes, a PNG, UTF-16) is refused at line 1 with the reason; nothing stored', async () => {
    const store = await sqlite();
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const cases: [Buffer, RegExp][] = [
      [junk(20_000, 3, { quotes: true }), /line 1: (binary data|bytes that are not UTF-8)|quoted value is never closed/],
      [png, /line 1: bytes that are not UTF-8 \(binary data, or a file not saved as "CSV UTF-8"\)/],
      [Buffer.from(`\ufeff${HEADER}${good('a')}`, 'utf16le'), /UTF-16.*save it as "CSV UTF-8/],
      [Buffer.from(`\u0000\u0000${HEADER}`), /line 1: binary data \(control characters\)/],
    ];
    for (const [bytes, message] of cases) {
      const err = await refusal(run(store, [bytes]));
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).name).toBe('CoursemailError');
      expect((err as Error).message).toMatch(message);
    }
    expect(await everyone(store)).toEqual([]);
  });

  it('a 10 MB line with no newline: "record longer than 64 KiB" at its line, the rows around it imported, memory bounded by the limit', async () => {
    const store = await sqlite();
    const size = 10 * 1024 * 1024;
    const block = Buffer.alloc(64 * 1024, 'x');
    let peak = 0;
    const base = process.memoryUsage().heapUsed;
    // The file as a disk stream would give it: 64 KB chunks. The source holds one block,
    // so heap growth is the import's own.
    async function* file(trailer: string): AsyncGenerator<Buffer> {
      yield Buffer.from(`${HEADER}${good('before')}long@example.com,`);
      for (let sent = 0; sent < size; sent += block.length) {
        peak = Math.max(peak, process.memoryUsage().heapUsed - base);
        yield block;
      }
      yield Buffer.from(trailer);
    }
    const result = await run(store, file(`\n${good('after')}`));
    expect(result.bad).toEqual([{ line: 3, reason: `record longer than 64 KiB (${size + 'long@example.com,'.length} bytes on one line): skipped` }]);
    expect(result.imported).toBe(2);
    expect((await everyone(store)).map((s) => s.email).sort()).toEqual(['after@example.com', 'before@example.com']);
    // A generous bound (GC timing varies): holding the line would take 10 MB and more.
    expect(peak).toBeLessThan(32 * 1024 * 1024);

    // The same line last in the file, with no newline at all.
    const store2 = await sqlite();
    const last = await run(store2, file(''));
    expect(last.bad).toEqual([{ line: 3, reason: expect.stringMatching(/^record longer than 64 KiB/) }]);
    expect(last.imported).toBe(1);

    // A whole file that is one 10 MB line: no header to read.
    const err = await refusal(run(store2, [Buffer.alloc(size, 'y')]));
    expect(err.message).toMatch(/line 1: the line is 10485760 bytes long, over the 64 KiB limit: is this a CSV file\?/);
    expect(MAX_RECORD_BYTES).toBe(64 * 1024);
  });

  it('an unterminated quote: reported at the line it opens; the import recovers at the next row and keeps the good rows after it; in the header nothing can be read', async () => {
    const store = await sqlite();
    const r = await run(store, [`${HEADER}${good('a')}"b@example.com,B,UTC,yes\n${good('c')}${good('d')}`]);
    expect(r.imported).toBe(3);
    expect(r.bad).toEqual([
      {
        line: 3,
        reason: 'a quoted value opened on this line is never closed (within 100 lines or 64 KiB): the line is skipped and reading goes on from the next',
      },
    ]);
    // A multi-line value that does close, a quote left open over 100 lines, and one left open to the end.
    const many = await run(store, [
      `${HEADER}${good('e')}"g@example.com","G\nH""",UTC,yes\ne2@example.com,"Ed\n${Array.from({ length: 150 }, (_, i) => good(`h${i}`)).join('')}i@example.com,"I\n${good('j')}${good('k')}`,
    ]);
    expect(many.bad.map((b) => b.line)).toEqual([5, 156]);
    expect(many.imported).toBe(1 + 1 + 150 + 2);
    const emails = (await everyone(store)).map((s) => s.email);
    expect(emails).toEqual(expect.arrayContaining(['g@example.com', 'h0@example.com', 'h149@example.com', 'j@example.com', 'k@example.com']));
    expect(emails).not.toContain('e2@example.com');
    const err = await refusal(run(store, [`"email,first_name\n${good('x')}`]));
    expect(err.message).toMatch(/no readable header line[\s\S]*line 1: a quoted value is never closed; no line of the file was read/);
    expect((await everyone(store)).map((s) => s.email)).not.toContain('x@example.com');
  });

  it('a header-only file imports nothing and says so; a wrong delimiter is named', async () => {
    const store = await sqlite();
    for (const text of [HEADER, HEADER.trimEnd(), `\ufeff${HEADER.replace('\n', '\r\n')}\r\n\r\n`]) {
      expect(await run(store, [text])).toMatchObject({ rows: 0, imported: 0, bad: [] });
    }
    const semicolon = await refusal(run(store, ['email;first_name;timezone\na@example.com;A;UTC\n']));
    expect(semicolon.message).toContain(
      'line 1: the header is ["email;first_name;timezone"]; the values are separated by ";": save the file as comma-separated CSV',
    );
    const tabs = await refusal(run(store, ['email\tfirst_name\na@example.com\tA\n']));
    expect(tabs.message).toContain('separated by tabs');
    expect(await everyone(store)).toEqual([]);
  });

  it('extremely many columns: a wide header still finds its columns; a row wider than the header is bad; a header over 64 KiB is refused', async () => {
    const store = await sqlite();
    const wide = Array.from({ length: 5000 }, (_, i) => `c${i}`);
    const header = `${wide.join(',')},email,first_name\n`;
    const row = (email: string, name: string) => `${wide.map(() => '').join(',')},${email},${name}\n`;
    const r = await run(store, [
      header,
      row('a@example.com', 'Ann'),
      `${row('b@example.com', 'Bo').trimEnd()}${',z'.repeat(30_000)}\n`,
      row('c@example.com', 'Cy'),
    ]);
    expect(r.imported).toBe(2);
    expect(r.bad).toEqual([{ line: 3, reason: '35002 values where the header has 5002 (a comma in a value that is not in quotes?)' }]);
    expect((await store.subscribers.findByEmail('a@example.com'))?.firstName).toBe('Ann');
    const huge = await refusal(run(store, [`${Array.from({ length: 20_000 }, (_, i) => `col${i}`).join(',')},email\n`]));
    expect(huge.message).toMatch(/line 1: the line is \d+ bytes long, over the 64 KiB limit/);
  });

  it('valid UTF-8 split across reads is decoded whole; control characters in a value are escaped in the reason', async () => {
    const store = await sqlite();
    const bytes = Buffer.from(`${HEADER}mu@example.com,Müller 👩‍⚕️,Europe/Berlin,yes\ntz@example.com,T,\u001b[2JMars/\u202eX,yes\n`);
    // Three bytes at a time: every multi-byte character and the CRLF-free lines are cut.
    const r = await importCsv(store, Readable.from(Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) => bytes.subarray(i * 3, i * 3 + 3))), { now });
    expect((await store.subscribers.findByEmail('mu@example.com'))?.firstName).toBe('Müller 👩‍⚕️');
    expect(r.bad).toHaveLength(1);
    expect(r.bad[0]!.line).toBe(3);
    expect(r.bad[0]!.reason).toContain('\\u001b[2JMars/\\u202eX');
    expect(r.bad[0]!.reason).not.toMatch(/[\u001b\u202e]/);
  });
});

describe('the import command with hostile files', () => {
  const saved = process.env.DATABASE_URL;
  beforeAll(() => {
    delete process.env.DATABASE_URL;
  });
  afterAll(() => {
    if (saved !== undefined) process.env.DATABASE_URL = saved;
  });

  it('a directory, a missing file, a PNG, a header-only file: exit codes and one clear line each, never a stack trace', async () => {
    const root = tempProject();
    mkdirSync(join(root, 'folder.csv'));
    writeFileSync(join(root, 'image.csv'), Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    writeFileSync(join(root, 'header.csv'), HEADER);
    writeFileSync(
      join(root, 'mixed.csv'),
      Buffer.concat([Buffer.from(HEADER + good('ok')), junk(2000, 11, { quotes: false }), Buffer.from(`\n${good('ok2')}`)]),
    );
    const cli = (file: string) => runCli(['subscribers', 'import', join(root, file), '--root', root]);

    const dir = await cli('folder.csv');
    expect(dir).toMatchObject({ code: 1, out: '' });
    expect(dir.err).toBe(`coursemail: Cannot read ${join(root, 'folder.csv')}: it is a directory, not a CSV file.`);
    expect((await cli('missing.csv')).err).toMatch(/Cannot read .*missing\.csv: ENOENT\./);
    const png = await cli('image.csv');
    expect(png.code).toBe(1);
    expect(png.err).toContain('line 1: bytes that are not UTF-8');
    const header = await cli('header.csv');
    expect(header.code).toBe(0);
    expect(header.out).toContain('has a header line and no rows after it: nothing to import.');
    const mixed = await cli('mixed.csv');
    expect(mixed.code).toBe(0);
    expect(mixed.out).toMatch(/2 imported \(2 active, 0 pending\)/);
    expect(mixed.out).toMatch(/^line 3: /m);
    // Terminal-safe: no raw control characters, no stack frames, on either stream.
    for (const r of [dir, png, header, mixed]) {
      expect(`${r.out}${r.err}`).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(r.err).not.toMatch(/unexpected error|\n\s+at .*:\d+:\d+/);
    }
  });
});

describe('formula injection on export, and the export → import round trip', () => {
  const saved = process.env.DATABASE_URL;
  beforeAll(() => {
    delete process.env.DATABASE_URL;
  });
  afterAll(() => {
    if (saved !== undefined) process.env.DATABASE_URL = saved;
  });

  const names = ["=cmd|' /C calc'!A0", '+1', '-2', '@SUM(1)', '\tTab', '\rReturn', "'=already quoted", "O'Neil", "'Quote", 'Plain'];
  const emails = ['=1+1@example.com', '+33@example.com', '-x@example.com', "'=q@example.com"];

  it('CSV cells that a spreadsheet would run are prefixed with a quote; JSON keeps them verbatim; a re-import gives back the same names and addresses, and not those who left', async () => {
    const root = tempProject();
    const store = await openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });
    try {
      // Written through the store directly: the sign-up path would have stripped the tab and CR.
      for (const [i, firstName] of names.entries()) {
        const r = await store.subscribers.createPending({ email: `n${i}@example.com`, firstName, timezone: 'UTC', consentSource: 'form', now });
        if (r.outcome !== 'created') throw new Error(r.outcome);
        await store.subscribers.activate(r.subscriber.id, { now, seriesId: 'physician-coaching' });
      }
      for (const email of emails) {
        const r = await store.subscribers.createPending({ email, firstName: 'E', timezone: null, consentSource: 'form', now });
        if (r.outcome !== 'created') throw new Error(r.outcome);
        await store.subscribers.activate(r.subscriber.id, { now, seriesId: 'physician-coaching' });
      }
      const gone = await store.subscribers.createPending({ email: 'gone@example.com', firstName: 'Gone', timezone: null, consentSource: 'form', now });
      if (gone.outcome !== 'created') throw new Error(gone.outcome);
      await store.subscribers.activate(gone.subscriber.id, { now, seriesId: 'physician-coaching' });
      await store.subscribers.unsubscribe(gone.subscriber.id, now);

      let json = '';
      for await (const chunk of exportSubscribers(store, { format: 'json' })) json += chunk;
      const held = JSON.parse(json) as { email: string; firstName: string }[];
      expect(held.slice(0, names.length).map((s) => s.firstName)).toEqual(names);
      expect(held.slice(names.length, names.length + emails.length).map((s) => s.email)).toEqual(emails);
    } finally {
      await store.close();
    }

    const out = join(root, 'export.csv');
    const exported = await runCli(['subscribers', 'export', '--out', out, '--root', root]);
    expect(exported.code, exported.err).toBe(0);
    const rows = parse(readFileSync(out)) as string[][];
    const nameCells = rows.slice(1, 1 + names.length).map((r) => r[2]);
    expect(nameCells).toEqual(["'=cmd|' /C calc'!A0", "'+1", "'-2", "'@SUM(1)", "'\tTab", "'\rReturn", "''=already quoted", "O'Neil", "'Quote", 'Plain']);
    expect(rows.slice(1 + names.length, 1 + names.length + emails.length).map((r) => r[1])).toEqual(emails.map((e) => `'${e}`));
    // No cell of the whole file starts a formula.
    expect(rows.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);

    // Into a fresh project: the names and addresses come back as they were written (a name's
    // leading tab or CR is dropped, as every imported name is cleaned), and the unsubscribed
    // reader stays out.
    const fresh = tempProject();
    const imported = await runCli(['subscribers', 'import', out, '--root', fresh]);
    expect(imported.code, imported.err).toBe(0);
    expect(imported.out).toContain(`${names.length + emails.length} imported (${names.length + emails.length} active, 0 pending)`);
    expect(imported.out).toContain('1 who had left (status unsubscribed, bounced…) skipped');
    const again = await openStore({ sqlitePath: join(fresh, 'data/coursemail.sqlite') });
    try {
      const back = await again.subscribers.list({ limit: 100 });
      const byEmail = new Map(back.map((s) => [s.email, s.firstName]));
      expect(names.map((_, i) => byEmail.get(`n${i}@example.com`))).toEqual(names.map((n) => n.replace(/^[\t\r]/, '')));
      for (const email of emails) expect(byEmail.get(email), email).toBe('E');
      expect(byEmail.has('gone@example.com')).toBe(false);
      expect(back).toHaveLength(names.length + emails.length);
    } finally {
      await again.close();
    }
  });

  it('neutralize and unneutralize are exact inverses on any leading run of quotes', () => {
    for (const value of ['=A1', "'=A1", "''=A1", "'", "''", "'x", 'x', '', '-', "'-", '\t', "O'Neil"]) {
      expect(unneutralize(neutralizeFormula(value)), JSON.stringify(value)).toBe(value);
      expect(neutralizeFormula(value)).not.toMatch(/^[=+\-@\t\r]/);
    }
  });
});
