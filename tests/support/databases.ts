import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, inject } from 'vitest';
import { openStore, type Store, type StoreOptions } from '../../src/store/index.ts';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface DatabaseContext {
  kind: DatabaseKind;
  /** A new, empty database and a store open on it; the store is closed after the test. */
  fresh(): Promise<{ store: Store; options: StoreOptions }>;
  /** Another store on an existing database (a second worker), closed after the test. */
  open(options: StoreOptions): Promise<Store>;
}

let sqliteDir: string | undefined;
let counter = 0;

/** Options for a new, empty database of the given kind (nothing opened yet). */
export async function freshDatabase(kind: DatabaseKind): Promise<StoreOptions> {
  counter += 1;
  if (kind === 'sqlite') {
    sqliteDir ??= mkdtempSync(join(tmpdir(), 'coursemail-sqlite-'));
    return { sqlitePath: join(sqliteDir, `db-${counter}.sqlite`) };
  }
  const info = inject('postgres');
  const name = `cm_${process.pid}_${counter}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ ...info, database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)} TEMPLATE ${admin.escapeIdentifier(info.template)}`);
  } finally {
    await admin.end();
  }
  return { databaseUrl: `postgres://${info.user}:${encodeURIComponent(info.password)}@${info.host}:${info.port}/${name}` };
}

afterAll(() => {
  if (sqliteDir) rmSync(sqliteDir, { recursive: true, force: true });
  sqliteDir = undefined;
});

/**
 * Runs the same tests on SQLite and on Postgres: `body` is called inside a
 * `describe` per kind and gets a context that makes fresh databases.
 */
export function forEachDatabase(body: (ctx: DatabaseContext) => void, kinds: DatabaseKind[] = ['sqlite', 'postgres']): void {
  describe.each(kinds)('%s', (kind) => {
    const opened: Store[] = [];
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });
    const open = async (options: StoreOptions) => {
      const store = await openStore(options);
      opened.push(store);
      return store;
    };
    body({
      kind,
      open,
      async fresh() {
        const options = await freshDatabase(kind);
        return { store: await open(options), options };
      },
    });
  });
}
