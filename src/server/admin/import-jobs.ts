import { CoursemailError } from '../../shared/index.ts';
import type { Store } from '../../store/index.ts';
import { importReaders, type ImportProgress, type ReadersImport } from '../../subscribers/index.ts';
import { randomId } from './secrets.ts';

export interface ImportJob {
  id: string;
  /** The admin who uploaded it. */
  by: string;
  file: string;
  size: number;
  /** Lines after the header: the most rows the file can hold (a quoted value may span lines). */
  lines: number;
  seriesId: string | null;
  startedAt: Date;
  progress: ImportProgress;
  /** Without the pending readers' ids: queued already, and a big file's would sit in memory. */
  result?: Omit<ReadersImport, 'needConfirmation'>;
  failed?: { message: string; problems: string[] };
}

/** Finished imports kept for their summary page (a big file's bad rows weigh); running ones are never dropped. */
const KEEP = 5;
/** Fed to the import a piece at a time, so its byte count moves as the rows are read. */
const PIECE = 64 * 1024;

async function* pieces(bytes: Buffer): AsyncIterable<Buffer> {
  for (let i = 0; i < bytes.length; i += PIECE) yield bytes.subarray(i, i + PIECE);
}

function countLines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) n += 1;
  return Math.max(0, n + (bytes.length && bytes[bytes.length - 1] !== 0x0a ? 1 : 0) - 1);
}

const importSummary = (r: Omit<ReadersImport, 'needConfirmation'>) =>
  `${r.rows} rows read: ${r.imported} imported (${r.active} active, ${r.pending} pending, ${r.queued} confirmation${r.queued === 1 ? '' : 's'} queued), ${r.duplicates} duplicates, ${r.suppressed} suppressed and ${r.left} who had left skipped, ${r.bad.length} bad`;

/**
 * Console imports, run in this process after the upload's answer: the page polls a job for
 * its progress and shows its summary. Each is audited when it starts and when it ends.
 */
export class ImportJobs {
  readonly #jobs = new Map<string, ImportJob>();

  constructor(private readonly deps: { store: Store; clock: () => Date; log?: (line: string) => void }) {}

  get(id: string): ImportJob | undefined {
    return this.#jobs.get(id);
  }

  /** Newest first. */
  list(): ImportJob[] {
    return [...this.#jobs.values()].reverse();
  }

  async start(input: { by: string; file: string; bytes: Buffer; seriesId: string | null }): Promise<ImportJob> {
    const { store, clock } = this.deps;
    const now = clock();
    const job: ImportJob = {
      id: randomId(),
      by: input.by,
      file: input.file,
      size: input.bytes.length,
      lines: countLines(input.bytes),
      seriesId: input.seriesId,
      startedAt: now,
      progress: { rows: 0, bytes: 0, imported: 0, duplicates: 0, suppressed: 0, bad: 0 },
    };
    this.#jobs.set(job.id, job);
    this.#prune();
    await store.admin.audit(
      { actor: job.by, action: 'readers.import', detail: `${job.file} (${job.size} bytes${job.seriesId ? `, into ${job.seriesId}` : ''}): started` },
      now,
    );
    void this.#run(job, input.bytes);
    return job;
  }

  async #run(job: ImportJob, bytes: Buffer): Promise<void> {
    const { store, clock } = this.deps;
    let result: ReadersImport | undefined;
    let failed: ImportJob['failed'];
    try {
      result = await importReaders(store, pieces(bytes), {
        now: job.startedAt,
        seriesId: job.seriesId,
        source: `import:${job.file}`,
        file: job.file,
        onProgress: (p) => void (job.progress = p),
      });
    } catch (err) {
      const known = err instanceof CoursemailError;
      failed = {
        message: known ? err.message.split('\n')[0]! : 'The import stopped on an unexpected error (the server log has it).',
        problems: known ? err.problems.map((p) => p.message) : [],
      };
      if (!known) this.deps.log?.(`console: the import of ${job.file} failed: ${(err as Error).stack ?? err}`);
    }
    const detail = result ? importSummary(result) : `failed after ${job.progress.rows} rows, ${job.progress.imported} imported: ${failed?.message}`;
    await store.admin
      .audit({ actor: job.by, action: 'readers.import', detail: `${job.file}: ${detail}` }, clock())
      .catch((err: Error) => this.deps.log?.(`console: the import of ${job.file} was not audited: ${err.message}`));
    // Finished only once audited: whoever sees the summary finds the entry in the log.
    if (result) {
      const { needConfirmation: _queued, ...kept } = result;
      Object.assign(job, { result: kept, progress: { ...job.progress, bytes: job.size } });
    } else job.failed = failed;
  }

  #prune(): void {
    const done = [...this.#jobs.values()].filter((j) => j.result || j.failed);
    for (const j of done.slice(0, Math.max(0, done.length - KEEP))) this.#jobs.delete(j.id);
  }
}
