import { existsSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import { CoursemailError } from '../shared/index.ts';
import { activeLeases } from './backup.ts';
import { openStore } from './open.ts';

export interface TableCount {
  table: string;
  source: number;
  target: number;
}

/** Kysely's own bookkeeping: the target's migrations are run by `openStore`, not copied. */
const SKIP = /^(sqlite_|kysely_migration)/;

/** Tables in an order where every table comes after those its foreign keys point at. */
function insertOrder(db: BetterSqlite3.Database): string[] {
  const tables = (db.prepare("select name from sqlite_master where type = 'table' order by name").all() as { name: string }[])
    .map((t) => t.name)
    .filter((n) => !SKIP.test(n));
  const deps = new Map(
    tables.map((t) => [t, (db.pragma(`foreign_key_list("${t}")`) as { table: string }[]).map((fk) => fk.table).filter((d) => d !== t && tables.includes(d))]),
  );
  const ordered: string[] = [];
  const visit = (t: string, path: string[]) => {
    if (ordered.includes(t) || path.includes(t)) return;
    for (const d of deps.get(t) ?? []) visit(d, [...path, t]);
    ordered.push(t);
  };
  for (const t of tables) visit(t, []);
  return ordered;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Copies every table of a SQLite store into an empty Postgres one, in one transaction,
 * then moves each id sequence past the copied ids. Both schemas are brought up to date
 * first, so they match; a column the target lacks would be named, not dropped.
 */
export async function copySqliteToPostgres(sqlitePath: string, databaseUrl: string, now: Date): Promise<TableCount[]> {
  if (!existsSync(sqlitePath)) throw new CoursemailError('migrate-store.no-source', `No SQLite store at ${sqlitePath}.`);
  const leased = activeLeases(sqlitePath, now);
  if (leased > 0)
    throw new CoursemailError(
      'migrate-store.leased',
      `A worker holds leases on ${leased} deliveries in ${sqlitePath}: stop every worker, serve and dev first.`,
    );
  await (await openStore({ sqlitePath })).close();
  await (await openStore({ databaseUrl })).close();

  const source = new BetterSqlite3(sqlitePath, { readonly: true, fileMustExist: true });
  const driver = (await import('pg')).default;
  const target: pg.Client = new driver.Client({ connectionString: databaseUrl });
  await target.connect();
  try {
    const tables = insertOrder(source);
    for (const table of tables) {
      const columns = (
        await target.query('select column_name from information_schema.columns where table_schema = current_schema() and table_name = $1', [table])
      ).rows.map((r) => r.column_name as string);
      if (columns.length === 0) throw new CoursemailError('migrate-store.schema', `Postgres has no table "${table}": is it the same coursemail version?`);
      const { n } = (await target.query(`select count(*)::int as n from ${quote(table)}`)).rows[0] as { n: number };
      if (n > 0)
        throw new CoursemailError(
          'migrate-store.not-empty',
          `The target already holds ${n} row(s) in "${table}": migrate-store copies into an empty database only.`,
        );
      const missing = (source.pragma(`table_info(${quote(table)})`) as { name: string }[]).map((c) => c.name).filter((c) => !columns.includes(c));
      if (missing.length)
        throw new CoursemailError(
          'migrate-store.schema',
          `Postgres table "${table}" lacks column(s) ${missing.join(', ')}: is it the same coursemail version?`,
        );
    }
    await target.query('begin');
    for (const table of tables) {
      const names = (source.pragma(`table_info(${quote(table)})`) as { name: string }[]).map((c) => c.name);
      // Postgres takes at most 65535 parameters a statement.
      const perInsert = Math.max(1, Math.floor(60_000 / names.length));
      let rows: unknown[][] = [];
      const flush = async () => {
        if (!rows.length) return;
        const values = rows.map((_, r) => `(${names.map((_, c) => `$${r * names.length + c + 1}`).join(', ')})`).join(', ');
        await target.query(`insert into ${quote(table)} (${names.map(quote).join(', ')}) values ${values}`, rows.flat());
        rows = [];
      };
      for (const row of source
        .prepare(`select * from ${quote(table)}`)
        .raw()
        .iterate() as IterableIterator<unknown[]>) {
        rows.push(row);
        if (rows.length >= perInsert) await flush();
      }
      await flush();
      const sequence = names.includes('id') ? ((await target.query("select pg_get_serial_sequence($1, 'id') as s", [table])).rows[0].s as string | null) : null;
      if (sequence)
        await target.query(`select setval($1, coalesce((select max(id) from ${quote(table)}), 1), (select max(id) from ${quote(table)}) is not null)`, [
          sequence,
        ]);
    }
    await target.query('commit');
    const counts: TableCount[] = [];
    for (const table of tables) {
      const s = (source.prepare(`select count(*) as n from ${quote(table)}`).get() as { n: number }).n;
      const t = (await target.query(`select count(*)::int as n from ${quote(table)}`)).rows[0].n as number;
      counts.push({ table, source: s, target: t });
    }
    return counts;
  } catch (err) {
    await target.query('rollback').catch(() => {});
    throw err;
  } finally {
    source.close();
    await target.end();
  }
}
