import { StringDecoder } from 'node:string_decoder';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, type CsvError } from 'csv-parse';
import { CoursemailError } from '../shared/index.ts';
import type { ImportRow, Store } from '../store/index.ts';
import { sanitizeName } from './name.ts';
import { normalizeEmail } from './normalize-email.ts';
import { validateTimezone } from './timezone.ts';

export interface ImportOptions {
  now: Date;
  /** Consented (active) imports are enrolled in this series at once. */
  seriesId?: string | null;
  /** Recorded as each subscriber's consent source. */
  source?: string;
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
  bad: BadRow[];
  needConfirmation: string[];
}

const COLUMNS: Record<string, 'email' | 'firstName' | 'timezone' | 'consent'> = {
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
};

/** Longest record accepted: an unclosed quote must not swallow the whole file into memory. */
const MAX_RECORD_BYTES = 64 * 1024;

/**
 * Imports a CSV of subscribers, streaming: rows are validated one by one and written in
 * batches (one transaction each), so memory stays flat whatever the file size. A bad row
 * is reported with its line and reason and never stops the good ones.
 *
 * The first line is the header: `email` is required; `first_name`, `timezone` and `consent`
 * are optional. A consent value (`yes`/`true`/`1`, or the date it was given) makes the
 * subscriber active; without one they are pending and listed in `needConfirmation`.
 * Addresses already known are duplicates; suppressed addresses (bounced, complained,
 * forgotten) are refused.
 */
export async function importCsv(
  store: Store,
  input: NodeJS.ReadableStream | AsyncIterable<string | Buffer>,
  options: ImportOptions,
): Promise<ImportResult> {
  const { now, seriesId = null, source = 'import', batchSize = 1000, onProgress } = options;
  const result: ImportResult = { rows: 0, imported: 0, active: 0, pending: 0, duplicates: 0, suppressed: 0, bad: [], needConfirmation: [] };
  const lines = new LineEndings();
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
      bytes: lines.bytes,
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
    result.bad.push({
      line: lastLine + 1,
      reason:
        error.code === 'CSV_QUOTE_NOT_CLOSED' || error.code === 'CSV_MAX_RECORD_SIZE'
          ? `a quoted value is never closed (or the row is over 64 KiB); nothing after line ${lastLine} could be read`
          : `unreadable CSV: ${error.message}`,
    });
  });

  // A throw inside the last stage tears the pipeline down, and with a file stream pipeline
  // rejects with the teardown's AbortError: keep our own error to report instead.
  let headerError: unknown;
  await pipeline(input, lines, parser, async (records: AsyncIterable<string[]>) => {
    for await (const record of records) {
      const line = starts.shift()!;
      if (!header) {
        try {
          header = readHeader(record);
        } catch (err) {
          headerError = err;
          throw err;
        }
        width = record.length;
        continue;
      }
      result.rows += 1;
      const parsed = readRow(record, header, width, now, source);
      if ('reason' in parsed) result.bad.push({ line, reason: parsed.reason });
      else batch.push({ line, row: parsed });
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  }).catch((err: unknown) => {
    throw headerError ?? err;
  });
  if (!header) throw new CoursemailError('import.empty', 'The CSV file is empty: it needs a header line with an "email" column.');
  progress();
  return result;
}

function readHeader(record: string[]): Map<number, string> {
  const header = new Map<number, string>();
  record.forEach((name, i) => {
    const key = COLUMNS[name.trim().toLowerCase().replace(/[\s-]+/g, '_')];
    if (key && ![...header.values()].includes(key)) header.set(i, key);
  });
  if (![...header.values()].includes('email')) {
    throw new CoursemailError('import.header', 'The first line of the CSV must be a header naming an "email" column.', [
      { code: 'import.header', message: `header is ${JSON.stringify(record.slice(0, 8))}`, line: 1 },
    ]);
  }
  return header;
}

function readRow(record: string[], header: Map<number, string>, width: number, now: Date, source: string): ImportRow | { reason: string } {
  if (record.length > width) {
    return { reason: `${record.length} values where the header has ${width} (a comma in a value that is not in quotes?)` };
  }
  const field: Record<string, string> = {};
  for (const [i, key] of header) field[key] = record[i] ?? '';
  const email = normalizeEmail(field.email ?? '');
  if ('problem' in email) return { reason: `email: ${email.problem.message}` };
  const zone = validateTimezone(field.timezone ?? '');
  if ('problem' in zone) return { reason: `timezone: ${zone.problem.message}` };
  const consent = readConsent(field.consent ?? '', now);
  if (consent instanceof Error) return { reason: `consent: ${consent.message}` };
  return { email: email.email, firstName: sanitizeName(field.firstName ?? ''), timezone: zone.timezone, consentAt: consent, consentSource: source };
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

function countBreaks(value: string): number {
  let n = 0;
  for (let i = value.indexOf('\n'); i !== -1; i = value.indexOf('\n', i + 1)) n += 1;
  return n;
}

/**
 * CRLF and lone CR become LF before parsing, a leading BOM is dropped, and input bytes are
 * counted. csv-parse counts a CRLF inside a quoted value as two lines; with LF only, its
 * line numbers are the file's.
 */
class LineEndings extends Transform {
  bytes = 0;
  readonly #decoder = new StringDecoder('utf8');
  #pendingCR = false;
  #started = false;

  override _transform(chunk: Buffer | string, _enc: BufferEncoding, done: TransformCallback): void {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.bytes += buffer.length;
    done(null, this.#normalize(this.#decoder.write(buffer)));
  }

  override _flush(done: TransformCallback): void {
    const rest = this.#normalize(this.#decoder.end());
    done(null, this.#pendingCR ? `${rest}\n` : rest);
  }

  #normalize(text: string): string {
    let s = this.#pendingCR ? `\r${text}` : text;
    if (!this.#started && s.length > 0) {
      this.#started = true;
      if (s.startsWith('\ufeff')) s = s.slice(1);
    }
    // A CR at the end of a chunk may be the first half of a CRLF split across chunks.
    this.#pendingCR = s.endsWith('\r');
    if (this.#pendingCR) s = s.slice(0, -1);
    return s.replace(/\r\n?/g, '\n');
  }
}
