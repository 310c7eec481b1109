import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase,
  type SqliteDialectConfig,
  type SqliteStatement,
} from 'kysely';
import { cached } from '../shared/index.ts';

/**
 * Keeps prepared statements by their text (LRU, `size`), because Kysely prepares every query afresh and compiling cost SQLite more than running it.
 * Safe to share: the one connection runs one query at a time (Kysely's mutex) and a statement is reset before each run.
 * Texts over `maxLength` (bulk inserts) are not kept: each holds a large compiled program, and they are few next to their rows.
 */
export function withStatementCache(database: SqliteDatabase, size = 32, maxLength = 16_384): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => {
      statements.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      if (sql.length > maxLength) return database.prepare(sql);
      let stmt = statements.get(sql);
      if (stmt) {
        statements.delete(sql);
      } else {
        stmt = database.prepare(sql);
        if (statements.size >= size) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, stmt);
      return stmt;
    },
  };
}

/**
 * SQLite with every transaction `BEGIN IMMEDIATE`, so two writers never both read and then fail to upgrade; a claim is one serialized select-then-update.
 * better-sqlite3 waits for a lock by blocking the thread, so two stores on one file in one process would deadlock: their transactions queue on
 * an in-process lock first; other processes are handled by busy_timeout.
 */
export function immediateSqliteDialect(config: SqliteDialectConfig, file: string): SqliteDialect {
  return new (class extends SqliteDialect {
    override createDriver(): Driver {
      return new ImmediateDriver(config, fileLock(file));
    }
  })(config);
}

class ImmediateDriver extends SqliteDriver {
  readonly #lock: FileLock;
  #held = false;

  constructor(config: SqliteDialectConfig, lock: FileLock) {
    super(config);
    this.#lock = lock;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await this.#lock.acquire();
    this.#held = true;
    try {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    } catch (error) {
      this.#release();
      throw error;
    }
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
    this.#release();
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await connection.executeQuery(CompiledQuery.raw('rollback'));
    } finally {
      this.#release();
    }
  }

  #release(): void {
    // A failed commit is followed by a rollback: release once.
    if (!this.#held) return;
    this.#held = false;
    this.#lock.release();
  }
}

interface FileLock {
  acquire(): Promise<void>;
  release(): void;
}

const locks = new Map<string, FileLock>();

const fileLock = (file: string): FileLock => cached(locks, file, createLock);

function createLock(): FileLock {
  let held = false;
  const waiters: (() => void)[] = [];
  return {
    acquire() {
      if (!held) {
        held = true;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    release() {
      const next = waiters.shift();
      if (next) next();
      else held = false;
    },
  };
}
