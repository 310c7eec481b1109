import { pipeline } from 'node:stream/promises';
import { parse, type CsvError } from 'csv-parse';
import { CoursemailError } from '../shared/index.ts';
import type { ImportRow, Store } from '../store/index.ts';
import { nameProblem, sanitizeName } from './name.ts';
import { normalizeEmail } from './normalize-email.ts';
import { validateTimezone } from './timezone.ts';

export interface ImportOptions {
  now: Date;
  /** Consented (active) imports are enrolled in this series at once. */
  seriesId?: string | null;
  /** Recorded as each subscriber's consent source. */
  source?: string;
  /** The file's name: the consent log records it with each row's line. */
  file?: string;
  /** Rows per transaction. */
  batchSize?: number;
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportProgress {
  /** Data rows read so far (the header excluded). */
  rows: number;
  /** Input bytes read so far: against the file size, a progress bar. */
  bytes: number;
  imported: number;
  duplicates: number;
  suppressed: number;
  bad: number;
}

export interface BadRow {
  /** 1-based line in the file where the row starts. */
  line: number;
  /** The column at fault, as the export's header names it; absent when the row as a whole is (too long, too many values). */
  field?: string;
  reason: string;
}

export interface ImportResult {
  rows: number;
  imported: number;
  /** Imported with consent: active now. */
  active: number;
  /** Imported without consent: pending, each needs a confirmation email (`needConfirmation`). */
  pending: number;
  duplicates: number;
  suppressed: number;
  /**
   * Rows whose `status` column says the person left (unsubscribed, bounced, complained): a
   * list exported from coursemail, or another tool, must not resubscribe them. Not imported.
   */
  left: number;
  bad: BadRow[];
  needConfirmation: string[];
}

type Column = 'email' | 'firstName' | 'timezone' | 'consent' | 'status';

const COLUMNS: Record<string, Column> = {
  email: 'email',
  e_mail: 'email',
  email_address: 'email',
  first_name: 'firstName',
  firstname: 'firstName',
  first: 'firstName',
  name: 'firstName',
  timezone: 'timezone',
  time_zone: 'timezone',
  tz: 'timezone',
  consent: 'consent',
  consent_at: 'consent',
  consented: 'consent',
  consent_date: 'consent',
  status: 'status',
};

/** How a column is named in messages: as the export's header names it. */
const COLUMN_NAMES: Record<Column, string> = { email: 'email', firstName: 'first_name', timezone: 'timezone', consent: 'consent', status: 'status' };

/** `status` values (coursemail's own and other tools') that mean the person left the list. */
const LEFT = new Set(['unsubscribed', 'bounced', 'complained', 'cancelled', 'canceled', 'cleaned', 'suppressed', 'blocked', 'spam']);

/**
 * Longest line, and longest record, accepted. A longer line is cut off before the parser
 * sees it (so a 10 MB line of junk costs 64 KiB of memory, not 10 MB) and reported; an
 * unclosed quote stops the parser at this size instead of swallowing the file.
 */
export const MAX_RECORD_BYTES = 64 * 1024;

/**
 * Stands in for an over-long line in the text handed to the parser: `\uFFFF<bytes>\uFFFF`.
 * U+FFFF is a noncharacter; any in the file itself is replaced before parsing, so a row
 * cannot forge this mark.
 */
const LONG = '\uFFFF';
const LONG_LINE = /\uFFFF(\d+)\uFFFF/;

/**
 * Imports a CSV of subscribers, streaming, in batches of one transaction each so memory stays flat; a bad row is reported and never stops the good ones.
 * Header: `email` required; `first_name`, `timezone`, `consent` optional. A consent value (`yes`/`true`/`1`, or a date) makes the subscriber active,
 * else pending (in `needConfirmation`). Known addresses are duplicates; suppressed ones (bounced, complained, forgotten) are refused.
 */
export async function importCsv(store: Store, input: NodeJS.ReadableStream | AsyncIterable<string | Buffer>, options: ImportOptions): Promise<ImportResult> {
  const { now, seriesId = null, source = 'import', file, batchSize = 1000, onProgress } = options;
  const result: ImportResult = { rows: 0, imported: 0, active: 0, pending: 0, duplicates: 0, suppressed: 0, left: 0, bad: [], needConfirmation: [] };
  const reading: Reading = { bytes: 0 };
  let header: Map<number, string> | undefined;
  let width = 0;
  // Where the last record the parser produced ended: a skipped one starts after it.
  let lastLine = 0;
  // Start lines of parsed records not yet consumed, in order (the parser runs a little ahead).
  const starts: number[] = [];
  let batch: { line: number; row: ImportRow }[] = [];

  const progress = () =>
    onProgress?.({
      rows: result.rows,
      bytes: reading.bytes,
      imported: result.imported,
      duplicates: result.duplicates,
      suppressed: result.suppressed,
      bad: result.bad.length,
    });

  const flush = async () => {
    if (batch.length === 0) return;
    const outcomes = await store.subscribers.importBatch(
      batch.map((b) => b.row),
      { now, seriesId },
    );
    for (const o of outcomes) {
      if (o.outcome === 'imported') {
        result.imported += 1;
        if (o.status === 'active') result.active += 1;
        else {
          result.pending += 1;
          result.needConfirmation.push(o.id);
        }
      } else if (o.outcome === 'duplicate') result.duplicates += 1;
      else result.suppressed += 1;
    }
    batch = [];
    progress();
  };

  const parser = parse({
    relax_column_count: true,
    // A stray quote inside a value is kept as text (the row is then judged on its fields).
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_BYTES,
    // Called in parse order, before records queue up for the loop below; `lines` is where
    // the record ends, so its start is that less the line breaks inside its quoted values.
    on_record: (record: string[], context) => {
      lastLine = context.lines;
      starts.push(context.lines - record.reduce((n, v) => n + countBreaks(v), 0));
      return record;
    },
  });
  parser.on('skip', (error: CsvError) => {
    result.bad.push({ line: lastLine + 1, reason: printable(`unreadable CSV: ${error.message}`) });
  });
  // A throw inside the last stage tears the pipeline down, and with a file stream pipeline
  // rejects with the teardown's AbortError: keep our own error to report instead.
  let fatal: unknown;
  const onBroken = (line: number, beforeHeader: boolean) => {
    // A broken first line leaves no header to read the rest by: nothing can be recovered.
    if (beforeHeader) throw (fatal = noHeader([{ line, reason: 'a quoted value is never closed; no line of the file was read' }]));
    result.bad.push({
      line,
      reason: `a quoted value opened on this line is never closed (within ${MAX_RECORD_LINES} lines or ${MAX_RECORD_BYTES / 1024} KiB): the line is skipped and reading goes on from the next`,
    });
  };

  await pipeline(
    input,
    (source: AsyncIterable<Buffer | string>) => csvText(source, reading, onBroken),
    parser,
    async (parsed: AsyncIterable<string[]>) => {
      for await (const record of parsed) {
        const line = starts.shift()!;
        if (!header) {
          try {
            header = readHeader(record, line, result.bad);
          } catch (err) {
            fatal = err;
            throw err;
          }
          width = record.length;
          continue;
        }
        result.rows += 1;
        const parsed = readRow(record, line, header, width, now, source);
        if (parsed === 'left') result.left += 1;
        else if ('reason' in parsed) result.bad.push({ line, ...(parsed.field ? { field: parsed.field } : {}), reason: printable(parsed.reason) });
        else batch.push({ line, row: file === undefined ? parsed : { ...parsed, origin: { file, row: line } } });
        if (batch.length >= batchSize) await flush();
      }
      await flush();
    },
  ).catch((err: unknown) => {
    if (fatal ?? reading.fatal) throw fatal ?? reading.fatal;
    // The file failed under us (EISDIR, EIO…): say so, and how far the import got.
    const code = (err as NodeJS.ErrnoException)?.code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
      throw new CoursemailError(
        'import.read',
        `Reading the CSV failed after line ${lastLine} (${code}); ${result.imported} subscribers were imported before that.`,
      );
    }
    throw err;
  });
  if (!header) {
    // Nothing readable before the end: an empty file, or a first line the parser gave up on.
    if (result.bad.length) throw noHeader(result.bad);
    throw new CoursemailError('import.empty', 'The CSV file is empty: it needs a header line with an "email" column.');
  }
  // Lines skipped for an unclosed quote are found before the rows after them are parsed.
  result.bad.sort((a, b) => a.line - b.line);
  progress();
  return result;
}

/** A refusal of the file for its header, naming each line at fault. */
const headerError = (message: string, lines: Omit<BadRow, 'field'>[]) =>
  new CoursemailError(
    'import.header',
    message,
    lines.map((b) => ({ code: 'import.header', line: b.line, message: `line ${b.line}: ${b.reason}` })),
  );
const noHeader = (lines: Omit<BadRow, 'field'>[]) => headerError('The CSV has no readable header line (it must name an "email" column):', lines);

function readHeader(record: string[], line: number, earlier: BadRow[]): Map<number, string> {
  const refuse = (message: string) => {
    // Lines the parser skipped before this one explain a header that is not on line 1.
    return headerError('The first line of the CSV must be a header naming an "email" column.', [...earlier, { line, reason: message }]);
  };
  const long = record.join(',').match(LONG_LINE);
  if (long) throw refuse(`the line is ${long[1]} bytes long, over the ${MAX_RECORD_BYTES / 1024} KiB limit: is this a CSV file?`);
  if (record.some((v) => /[\u0000-\u0008\u000e-\u001f]/.test(v))) throw refuse('binary data (control characters), not text: is this a CSV file?');
  if (record.some((v) => v.includes('\ufffd'))) throw refuse('bytes that are not UTF-8 (binary data, or a file not saved as "CSV UTF-8")');
  const header = new Map<number, string>();
  record.forEach((name, i) => {
    const key =
      COLUMNS[
        name
          .trim()
          .toLowerCase()
          .replace(/[\s-]+/g, '_')
      ];
    if (key && ![...header.values()].includes(key)) header.set(i, key);
  });
  if (![...header.values()].includes('email')) {
    const only = record.length === 1 ? /[;\t|]/.exec(record[0]!)?.[0] : undefined;
    const hint = only ? `; the values are separated by ${only === '\t' ? 'tabs' : `"${only}"`}: save the file as comma-separated CSV` : '';
    throw refuse(
      `the header is ${printable(JSON.stringify(record.slice(0, 8))).slice(0, 300)}${record.length > 8 ? ` and ${record.length - 8} more` : ''}${hint}`,
    );
  }
  return header;
}

function readRow(
  record: string[],
  line: number,
  header: Map<number, string>,
  width: number,
  now: Date,
  source: string,
): ImportRow | 'left' | { field?: string; reason: string } {
  const long = record.some((v) => v.includes(LONG)) ? LONG_LINE.exec(record.join(',')) : null;
  if (long) {
    // The mark's own line: the record's first, plus the line breaks inside quotes before it.
    const at = line + countBreaks(record.join(',').slice(0, long.index));
    return {
      reason: `${at === line ? '' : `line ${at} of this row: `}record longer than ${MAX_RECORD_BYTES / 1024} KiB (${long[1]} bytes on one line): skipped`,
    };
  }
  if (record.length > width) {
    return { reason: `${record.length} values where the header has ${width} (a comma in a value that is not in quotes?)` };
  }
  const fields: Partial<Record<Column, string>> = {};
  for (const [i, key] of header) {
    const value = record[i] ?? '';
    // Junk in a column that is stored must not be stored half-readable.
    const field = COLUMN_NAMES[key as Column];
    if (value.includes('\u0000')) return { field, reason: `${field}: binary data (NUL bytes), not text` };
    if (value.includes('\ufffd')) return { field, reason: `${field}: bytes that are not UTF-8 (save the file as "CSV UTF-8")` };
    fields[key as Column] = unneutralize(value);
  }
  if (LEFT.has((fields.status ?? '').trim().toLowerCase())) return 'left';
  const email = normalizeEmail(fields.email ?? '');
  if ('problem' in email) return { field: 'email', reason: `email: ${email.problem.message}` };
  const zone = validateTimezone(fields.timezone ?? '');
  if ('problem' in zone) return { field: 'timezone', reason: `timezone: ${zone.problem.message}` };
  const consent = readConsent(fields.consent ?? '', now);
  if (consent instanceof Error) return { field: 'consent', reason: `consent: ${consent.message}` };
  const firstName = sanitizeName(fields.firstName ?? '');
  const badName = nameProblem(firstName);
  if (badName) return { field: 'first_name', reason: `first_name: ${badName}` };
  return { email: email.email, firstName, timezone: zone.timezone, consentAt: consent, consentSource: source };
}

/**
 * Undoes the export's formula guard (`neutralizeFormula`): a cell it prefixed with `'`
 * comes back as it was, so export → import keeps `=Ann` and `'=Ann` apart and intact.
 */
export function unneutralize(cell: string): string {
  return /^'+[=+\-@\t\r\n]/.test(cell) ? cell.slice(1) : cell;
}

function readConsent(value: string, now: Date): Date | null | Error {
  const v = value.trim().toLowerCase();
  if (v === '' || ['no', 'n', 'false', '0'].includes(v)) return null;
  if (['yes', 'y', 'true', '1', 'x'].includes(v)) return now;
  if (/^\d{4}-\d{2}-\d{2}([t ][\d:.]+(z|[+-]\d{2}:?\d{2})?)?$/.test(v)) {
    const at = new Date(v.length === 10 ? `${v}T00:00:00Z` : v.replace(' ', 'T').toUpperCase());
    if (Number.isNaN(at.getTime())) return new Error(`"${value}" is not a date`);
    if (at.getTime() > now.getTime() + 86_400_000) return new Error(`"${value}" is in the future`);
    return at;
  }
  return new Error(`"${value.slice(0, 40)}" is neither yes/no nor a date (YYYY-MM-DD)`);
}

const countBreaks = (value: string) => value.split('\n').length - 1;

/** Reasons quote the file's values: control and bidi characters are shown escaped, never sent to a terminal. */
function printable(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A quoted value may hold line breaks, but a subscriber's fields never hold this many. */
const MAX_RECORD_LINES = 100;

/** What reading the input reports besides its text: bytes read, and a file it cannot read at all (the pipeline's own error may hide it). */
interface Reading {
  bytes: number;
  fatal?: CoursemailError;
}

/** The text the parser reads: the input's lines (`splitLines`) grouped into records by their quotes (`recordGrouper`). */
async function* csvText(
  source: AsyncIterable<Buffer | string>,
  reading: Reading,
  onBroken: (line: number, beforeHeader: boolean) => void,
): AsyncGenerator<string> {
  const records = recordGrouper(onBroken);
  for await (const lines of splitLines(source, reading)) {
    const out = records.take(lines);
    if (out) yield out;
  }
  const out = records.finish();
  if (out) yield out;
}

/**
 * Groups lines into records by the quotes before the parser sees them. A quote left open for MAX_RECORD_LINES or MAX_RECORD_BYTES, or to the end,
 * would make the parser swallow every later row, so that record's first line is reported (`onBroken`, which throws for a broken header) and blanked
 * (keeping line numbers), and the lines after it are read again as new records: the import recovers at the next row.
 */
function recordGrouper(onBroken: (line: number, beforeHeader: boolean) => void) {
  let open: string[] = [];
  let bytes = 0;
  /** The line number of `open[0]`. */
  let first = 1;
  let emitted = false;

  const take = (lines: string[]): string => {
    let out = '';
    for (const line of lines) {
      open.push(line);
      bytes += line.length + 1;
      out += settle();
    }
    return out;
  };
  /** Emits the open lines once they close a record; gives up on its first line when they cannot. */
  const settle = (): string => {
    let out = '';
    while (open.length) {
      if (!quoteOpen(open)) {
        out += `${open.join('\n')}\n`;
        emitted ||= open.some((l) => l.trim() !== '');
        first += open.length;
        open = [];
        bytes = 0;
      } else if (open.length >= MAX_RECORD_LINES || bytes > MAX_RECORD_BYTES) out += broken();
      else break;
    }
    return out;
  };
  const broken = (): string => {
    const rest = open.slice(1);
    onBroken(first, !emitted);
    first += 1;
    open = [];
    bytes = 0;
    return `\n${take(rest)}`;
  };
  // At the end of the input, a quote still open is broken.
  const finish = () => {
    let out = '';
    while (open.length) out += broken();
    return out;
  };
  return { take, finish };
}

/** Whether these lines, read as one record, end inside a quoted value (a quote opens only at a field's start). */
function quoteOpen(lines: string[]): boolean {
  const text = lines.join('\n');
  let quoted = false;
  let fieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') i += 1;
        else quoted = false;
      }
    } else if (c === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else fieldStart = c === ',' || c === '\n';
  }
  return quoted;
}

/**
 * Splits the input into lines at the byte level before decoding: CRLF and lone CR end a line as LF does, so csv-parse's line numbers are the file's; a BOM is dropped.
 * A line over MAX_RECORD_BYTES is skipped without being kept or decoded (the parser gets a mark in its place). Each line is decoded on its own
 * (a newline byte is never inside a UTF-8 character); invalid bytes become U+FFFD and the row is refused. UTF-16 is refused whole.
 */
async function* splitLines(source: AsyncIterable<Buffer | string>, reading: Reading): AsyncGenerator<string[]> {
  let parts: Buffer[] = [];
  let length = 0;
  /** Bytes of the current line once it is over the limit (then nothing of it is kept). */
  let skipped = 0;
  let pendingCR = false;
  let started = false;
  let firstLineDone = false;

  const append = (part: Buffer) => {
    if (part.length === 0) return;
    if (skipped) skipped += part.length;
    else if (length + part.length > MAX_RECORD_BYTES) {
      skipped = length + part.length;
      parts = [];
      length = 0;
    } else {
      parts.push(part);
      length += part.length;
    }
  };
  const endLine = (): string => {
    let text: string;
    if (skipped) text = `${LONG}${skipped}${LONG}`;
    else {
      text = (parts.length === 1 ? parts[0]! : Buffer.concat(parts, length)).toString('utf8');
      if (text.includes(LONG)) text = text.replaceAll(LONG, '\ufffd');
      if (!firstLineDone && text.startsWith('\ufeff')) text = text.slice(1);
    }
    firstLineDone = true;
    parts = [];
    length = 0;
    skipped = 0;
    return text;
  };

  for await (const chunk of source) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (!started && buffer.length > 0) {
      started = true;
      if ((buffer[0] === 0xff && buffer[1] === 0xfe) || (buffer[0] === 0xfe && buffer[1] === 0xff)) {
        throw (reading.fatal = new CoursemailError(
          'import.encoding',
          'The file is UTF-16 text (Excel\'s "Unicode Text"): save it as "CSV UTF-8 (comma delimited)" and import that.',
        ));
      }
    }
    reading.bytes += buffer.length;
    const lines: string[] = [];
    let pos = 0;
    if (pendingCR) {
      pendingCR = false;
      if (buffer[0] === 0x0a) pos = 1;
    }
    // The next CR is searched again only once passed: an LF-only file would rescan the rest of the chunk on every line.
    let cr = -2;
    while (pos < buffer.length) {
      const lf = buffer.indexOf(0x0a, pos);
      if (cr !== -1 && cr < pos) cr = buffer.indexOf(0x0d, pos);
      const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      append(buffer.subarray(pos, end === -1 ? buffer.length : end));
      if (end === -1) break;
      lines.push(endLine());
      // A CR at the end of a chunk may be the first half of a CRLF split across chunks.
      if (buffer[end] === 0x0d && end + 1 === buffer.length) pendingCR = true;
      pos = end + (buffer[end] === 0x0d && buffer[end + 1] === 0x0a ? 2 : 1);
    }
    yield lines;
  }
  if (length || skipped) {
    const last = endLine();
    if (last !== '') yield [last];
  }
}
