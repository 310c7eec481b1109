import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { CoursemailError } from '../shared/index.ts';
import { broadcastDraftStore } from './broadcast-drafts.ts';
import { broadcastStore } from './broadcasts.ts';
import { deliveryStore } from './deliveries.ts';
import { enrollmentStore } from './enrollments.ts';
import { migrations } from './migrations.ts';
import type { Ctx } from './rows.ts';
import type { Database } from './schema.ts';
import { immediateSqliteDialect, withStatementCache } from './sqlite-dialect.ts';
import { subscriberStore } from './subscribers.ts';
import { suppressionStore } from './suppressions.ts';
import { adminStore } from './admin.ts';
import { readerSearch } from './reader-search.ts';
import type { Store, StoreOptions } from './types.ts';
import { webhookEventStore } from './webhook-events.ts';

export const DEFAULT_SQLITE_PATH = 'data/coursemail.sqlite';

/** Postgres when `DATABASE_URL` is set, else the SQLite file under `data/`. */
export function storeOptionsFromEnv(env: NodeJS.ProcessEnv, projectDir: string): StoreOptions {
  return env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { sqlitePath: resolve(projectDir, DEFAULT_SQLITE_PATH) };
}

/** Opens the database, brings its schema up to date, and returns the store. */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  // pg is loaded only for Postgres: a SQLite worker does not carry the driver in memory.
  const ctx = options.databaseUrl ? postgres((await import('pg')).default, options.databaseUrl) : sqlite(resolve(options.sqlitePath ?? DEFAULT_SQLITE_PATH));
  try {
    const { error, results } = await new Migrator({ db: ctx.db, provider: migrations(ctx.dialect) }).migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName;
      throw new CoursemailError(
        'store.migration',
        `The database schema could not be brought up to date${failed ? ` (migration ${failed})` : ''}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  } catch (error) {
    await ctx.db.destroy();
    throw error;
  }
  return {
    dialect: ctx.dialect,
    subscribers: subscriberStore(ctx),
    enrollments: enrollmentStore(ctx),
    deliveries: deliveryStore(ctx),
    suppressions: suppressionStore(ctx),
    broadcasts: broadcastStore(ctx),
    webhookEvents: webhookEventStore(ctx),
    messageIdSeed: () => messageIdSeed(ctx),
    admin: adminStore(ctx),
    readers: readerSearch(ctx),
    broadcastDrafts: broadcastDraftStore(ctx),
    close: () => ctx.db.destroy(),
  };
}

/** Drawn by the first caller; a concurrent first caller's draw loses and reads the winner's. */
async function messageIdSeed(ctx: Ctx): Promise<string> {
  await ctx.db
    .insertInto('install')
    .values({ id: 1, message_id_seed: randomBytes(12).toString('hex') })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return (await ctx.db.selectFrom('install').select('message_id_seed').where('id', '=', 1).executeTakeFirstOrThrow()).message_id_seed;
}

function sqlite(file: string): Ctx {
  const cached = withStatementCache(openSqlite(file));
  return { db: new Kysely<Database>({ dialect: immediateSqliteDialect({ database: cached }, file) }), dialect: 'sqlite', sqlite: cached };
}

/** The SQLite connection a store runs on, its pragmas set. */
export function openSqlite(file: string): BetterSqlite3.Database {
  mkdirSync(dirname(file), { recursive: true });
  const database = new BetterSqlite3(file, { timeout: 10_000 });
  // WAL: readers never wait for the writer. NORMAL is durable in WAL mode except for the
  // last commits on power loss, which the leases and unique keys tolerate.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  // 16 MB page cache, no mmap, checkpoint per 10000 pages; measured 100k→1M (bench at 79862b1): broadcast 444→479 µs a message, peak 261→260 MB; drip 488→548 µs, 290→239 MB (a 64 MB cache: +22 % CPU, +87 MB RSS in a 300k pass).
  database.pragma('cache_size = -16000');
  database.pragma('mmap_size = 0');
  database.pragma('wal_autocheckpoint = 10000');
  database.pragma('journal_size_limit = 67108864');
  database.pragma('foreign_keys = ON');
  // Deleted and rewritten rows are overwritten with zeros, not left in free space: an
  // erased subscriber's address must not stay readable in the file (see `forget`).
  database.pragma('secure_delete = ON');
  database.pragma('busy_timeout = 10000');
  return database;
}

function postgres(driver: typeof pg, connectionString: string): Ctx {
  // int8 (counts, epoch milliseconds) as numbers: every value we store is far below 2^53.
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === driver.types.builtins.INT8 ? (v: string) => Number(v) : driver.types.getTypeParser(oid, format as 'text')) as typeof driver.types.getTypeParser,
  };
  const pool = new driver.Pool({
    connectionString,
    types,
    max: 10,
    // A server that does not answer fails the query instead of hanging the worker.
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    // No transaction here waits on anything but the database; one left open is a frozen
    // process (SIGSTOP, a paused VM) holding row locks that other workers' reclaims need.
    idle_in_transaction_session_timeout: 60_000,
  });
  // A connection dropped by the server emits 'error' on the pool (idle) or the client (checked out); unheard, either would crash the process.
  // The query in flight is rejected, the broken client is discarded on release, and the next query connects again.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres' };
}
