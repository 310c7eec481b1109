import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { DEFAULT_SQLITE_PATH } from './open.ts';
import { migrations } from './migrations.ts';
import type { StoreOptions } from './types.ts';

export type SchemaStatus =
  /** SQLite only: the file is made, and migrated, by the first `serve` or `worker`. */
  | { state: 'absent'; where: string }
  | { state: 'unreachable'; where: string; error: string }
  /** `pending`: migrations this version has that the database has not run; `unknown`: ones it ran that this version does not know (a newer coursemail). */
  | { state: 'ready'; where: string; pending: string[]; unknown: string[] };

const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

/** Where the database stands, read-only: unlike `openStore`, nothing is created or migrated. */
export async function schemaStatus(options: StoreOptions): Promise<SchemaStatus> {
  let db: Kysely<any>;
  let where: string;
  let dialect: 'sqlite' | 'postgres';
  if (options.databaseUrl) {
    where = redact(options.databaseUrl);
    dialect = 'postgres';
    const pg = (await import('pg')).default;
    db = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: options.databaseUrl, max: 1, connectionTimeoutMillis: 5000 }) }) });
  } else {
    const file = resolve(options.sqlitePath ?? DEFAULT_SQLITE_PATH);
    where = file;
    dialect = 'sqlite';
    if (!existsSync(file)) return { state: 'absent', where };
    try {
      db = new Kysely({ dialect: new SqliteDialect({ database: new BetterSqlite3(file, { readonly: true, fileMustExist: true, timeout: 5000 }) }) });
    } catch (err) {
      return { state: 'unreachable', where, error: (err as Error).message };
    }
  }
  try {
    const known = await new Migrator({ db, provider: migrations(dialect) }).getMigrations();
    const pending = known.filter((m) => !m.executedAt).map((m) => m.name);
    const ran = await db
      .selectFrom('kysely_migration')
      .select('name')
      .execute()
      .catch(() => [] as { name: string }[]);
    const unknown = ran.map((r) => r.name as string).filter((n) => !known.some((m) => m.name === n));
    return { state: 'ready', where, pending, unknown };
  } catch (err) {
    return { state: 'unreachable', where, error: (err as Error).message };
  } finally {
    await db.destroy();
  }
}
