/**
 * The store: the only code that knows SQL. Kysely over SQLite (default, a file under
 * `data/`) or Postgres (`DATABASE_URL`), schema by migrations run on open. Every state
 * change is one transaction. The API speaks camelCase, `Date` and string ids (types.ts).
 */
export { openStore, storeOptionsFromEnv, DEFAULT_SQLITE_PATH } from './open.ts';
export { emailHash } from './email-hash.ts';
export type * from './types.ts';
export { schemaStatus, type SchemaStatus } from './schema-status.ts';
export { backupSqlite, restoreSqlite, type BackupSummary } from './backup.ts';
export { copySqliteToPostgres, type TableCount } from './copy-store.ts';
