import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CoursemailError } from '../shared/index.ts';
import { schemaStatus } from './schema-status.ts';

export interface BackupSummary {
  file: string;
  bytes: number;
  subscribers: number;
  deliveries: number;
}

function counts(file: string): { subscribers: number; deliveries: number } {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const n = (table: string) => (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    return { subscribers: n('subscribers'), deliveries: n('deliveries') };
  } finally {
    db.close();
  }
}

/**
 * A consistent copy of the SQLite store while workers keep sending: `VACUUM INTO` reads one
 * snapshot (WAL lets writers go on meanwhile), leases and batch keys included, so what was
 * in flight is reclaimed after a restore and resent under the same idempotency key.
 */
export function backupSqlite(source: string, target: string, opts: { force: boolean }): BackupSummary {
  if (!existsSync(source)) throw new CoursemailError('backup.no-store', `No database at ${source}: nothing to back up.`);
  if (existsSync(target) && !opts.force)
    throw new CoursemailError('backup.exists', `${target} already exists: choose another name, or pass --force to replace it.`);
  // Written beside the target, then renamed: a half-written file never has the target's name.
  const partial = join(dirname(target), `.${basename(target)}.${process.pid}.partial`);
  mkdirSync(dirname(target), { recursive: true });
  rmSync(partial, { force: true });
  const db = new BetterSqlite3(source, { fileMustExist: true, timeout: 10_000 });
  try {
    db.prepare('vacuum into ?').run(partial);
  } catch (err) {
    rmSync(partial, { force: true });
    throw new CoursemailError('backup.failed', `The backup of ${source} failed: ${(err as Error).message}`);
  } finally {
    db.close();
  }
  renameSync(partial, target);
  return { file: target, bytes: statSync(target).size, ...counts(target) };
}

/** Deliveries a worker is sending right now: claimed, lease not yet run out. */
export function activeLeases(file: string, now: Date): number {
  if (!existsSync(file)) return 0;
  const db = new BetterSqlite3(file, { fileMustExist: true, timeout: 10_000 });
  try {
    const hasTable = db.prepare("select 1 from sqlite_master where type = 'table' and name = 'deliveries'").get();
    if (!hasTable) return 0;
    return (db.prepare("select count(*) as n from deliveries where status = 'sending' and lease_until > ?").get(now.getTime()) as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * Puts a backup in place of the store, through SQLite's backup API so that a process with the
 * file open sees the whole new content or none of it. Refuses while a worker holds leases:
 * its outcomes would be written into rows the backup has replaced.
 */
export async function restoreSqlite(backup: string, target: string, now: Date): Promise<BackupSummary> {
  if (!existsSync(backup)) throw new CoursemailError('restore.missing', `${backup} does not exist.`);
  const status = await schemaStatus({ sqlitePath: backup });
  if (status.state !== 'ready' || status.pending.includes('0001_initial')) {
    throw new CoursemailError(
      'restore.unreadable',
      `${backup} is not a coursemail SQLite database${status.state === 'unreachable' ? ` (${status.error})` : ''}.`,
    );
  }
  if (status.unknown.length)
    throw new CoursemailError(
      'restore.newer',
      `${backup} was made by a newer coursemail (migrations ${status.unknown.join(', ')}): upgrade before restoring it.`,
    );
  const source = new BetterSqlite3(backup, { readonly: true, fileMustExist: true });
  try {
    const check = source.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new CoursemailError('restore.corrupt', `${backup} fails SQLite's integrity check (${String(check)}): it cannot be restored.`);
    const leased = activeLeases(target, now);
    if (leased > 0) {
      throw new CoursemailError(
        'restore.leased',
        `A worker holds leases on ${leased} deliveries in ${target}: stop every worker (and serve, dev) first; a stopped worker's leases run out within --lease-ms.`,
      );
    }
    await source.backup(target);
  } finally {
    source.close();
  }
  return { file: target, bytes: statSync(target).size, ...counts(target) };
}
