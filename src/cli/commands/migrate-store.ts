import { resolve } from 'node:path';
import { defineCommand } from 'citty';
import { CoursemailError } from '../../shared/index.ts';
import { copySqliteToPostgres, DEFAULT_SQLITE_PATH } from '../../store/index.ts';
import type { CliIO } from '../output.ts';
import { rootArg } from './args.ts';

/** `migrate-store --to postgres://…`: the move from one box on SQLite to several workers on Postgres. */
export const migrateStoreCommand = (io: CliIO) =>
  defineCommand({
    meta: {
      name: 'migrate-store',
      description: 'copy the SQLite store (subscribers, consent, enrollments, suppressions, history) into an empty Postgres: --to postgres://…',
    },
    args: {
      ...rootArg,
      to: { type: 'string', description: 'the Postgres to copy into (postgres://user:password@host/db), empty', required: true },
      from: { type: 'string', description: `the SQLite file (default ${DEFAULT_SQLITE_PATH} under --root)` },
    },
    run: async ({ args }) => {
      if (!/^postgres(ql)?:\/\//.test(args.to))
        throw new CoursemailError('args', `--to must be a postgres:// URL, not "${args.to.replace(/\/\/[^@]*@/, '//…@')}"`);
      const from = resolve(args.root, args.from ?? DEFAULT_SQLITE_PATH);
      const counts = await copySqliteToPostgres(from, args.to, new Date());
      const width = Math.max(...counts.map((c) => c.table.length));
      for (const c of counts)
        io.out(`  ${c.table.padEnd(width)}  ${String(c.source).padStart(8)} → ${String(c.target).padStart(8)}${c.source === c.target ? '' : '  ✗ differs'}`);
      const differ = counts.filter((c) => c.source !== c.target);
      if (differ.length) {
        io.err(`coursemail: ${differ.length} table(s) differ after the copy: ${differ.map((c) => c.table).join(', ')}`);
        return 1;
      }
      io.out(`copied ${from} into Postgres: every table's count matches. Next: set DATABASE_URL for serve and every worker (docs/deploy.md).`);
      return 0;
    },
  });
