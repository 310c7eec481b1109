import { resolve } from 'node:path';
import { defineCommand } from 'citty';
import { CoursemailError } from '../../shared/index.ts';
import { backupSqlite, restoreSqlite, storeOptionsFromEnv } from '../../store/index.ts';
import type { CliIO } from '../output.ts';
import { rootArg } from './args.ts';

/** The SQLite file these commands work on; Postgres has its own tools. */
function sqliteStore(root: string, verb: 'backup' | 'restore'): string {
  const options = storeOptionsFromEnv(process.env, resolve(root));
  if (!options.sqlitePath) {
    const tool = verb === 'backup' ? 'pg_dump -Fc "$DATABASE_URL" > FILE' : 'pg_restore --clean -d "$DATABASE_URL" FILE';
    throw new CoursemailError(
      `${verb}.postgres`,
      `DATABASE_URL is set: coursemail ${verb} works on the SQLite store; for Postgres use \`${tool}\` (docs/deploy.md).`,
    );
  }
  return options.sqlitePath;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export const backupCommand = (io: CliIO) =>
  defineCommand({
    meta: { name: 'backup', description: 'copy the SQLite store to FILE, consistent while the worker sends (VACUUM INTO)' },
    args: {
      ...rootArg,
      file: { type: 'positional', description: 'where to write the copy', required: true },
      force: { type: 'boolean', description: 'replace FILE if it exists', default: false },
    },
    run: async ({ args }) => {
      const summary = backupSqlite(sqliteStore(args.root, 'backup'), resolve(args.file), { force: args.force });
      io.out(`backed up ${summary.subscribers} subscribers and ${summary.deliveries} deliveries to ${summary.file} (${mb(summary.bytes)})`);
      return 0;
    },
  });

export const restoreCommand = (io: CliIO) =>
  defineCommand({
    meta: { name: 'restore', description: 'put a backup FILE in place of the SQLite store; refuses while a worker holds leases' },
    args: {
      ...rootArg,
      file: { type: 'positional', description: 'a file written by `coursemail backup`', required: true },
    },
    run: async ({ args }) => {
      const summary = await restoreSqlite(resolve(args.file), sqliteStore(args.root, 'restore'), new Date());
      io.out(`restored ${summary.subscribers} subscribers and ${summary.deliveries} deliveries into ${summary.file}`);
      io.out(
        'batches in flight when the backup was taken are resent under their idempotency key (Resend drops the repeat within 24 h); mail sent after it is not in it.',
      );
      return 0;
    },
  });
