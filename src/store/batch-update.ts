import { sql, type Compilable, type Expression, type UpdateQueryBuilder, type UpdateResult } from 'kysely';
import type { Ctx, Executor } from './rows.ts';
import type { Database } from './schema.ts';

type Column = 'bigint' | 'text';
type Value = string | number | null;
type Table = 'deliveries' | 'enrollments';
class RowValue {
  constructor(readonly name: string) {}
}

type Update<T extends Table> = UpdateQueryBuilder<Database, T, T, UpdateResult>;

/**
 * One UPDATE applied to every row of a batch with that row's own values (`v('name')` in the
 * builder); the number of rows changed, and the rows returned when the builder asks for them.
 *
 * SQLite: the statement prepared once and run per row, by primary key, inside the
 * transaction Kysely holds. One statement for the batch would need a `case id when … end`
 * per column, which SQLite tries branch by branch for every row, or an `update … from
 * json_each(?)`, which it drives from the target table, reading the JSON again for every row.
 * Postgres: one statement joined to the rows as a JSON record set `v`, one round trip.
 */
export async function updateEach<T extends Table, K extends string, R = never>(
  ctx: Ctx,
  trx: Executor,
  table: T,
  columns: Record<K, Column>,
  rows: Record<NoInfer<K>, Value>[],
  // biome-ignore lint/suspicious/noExplicitAny: a row's value may go in any column; Kysely checks the update builder itself.
  build: (update: Update<T>, v: (name: K) => Expression<any>) => Compilable<any>,
): Promise<{ changed: number; returned: R[] }> {
  if (rows.length === 0) return { changed: 0, returned: [] };
  if (ctx.sqlite) {
    // Compiled once with a marker where each row's value goes, then run per row: building
    // the query per row cost ~400 µs a row, more than sending the message.
    const compiled = build(trx.updateTable(table) as Update<T>, (name) => sql.val(new RowValue(name))).compile();
    const stmt = ctx.sqlite.prepare(compiled.sql);
    let changed = 0;
    const returned: R[] = [];
    for (const row of rows) {
      const params = compiled.parameters.map((p) => (p instanceof RowValue ? row[p.name as K] : p));
      if (stmt.reader) returned.push(...(stmt.all(params) as R[]));
      else changed += Number(stmt.run(params).changes);
    }
    return { changed: stmt.reader ? returned.length : changed, returned };
  }
  const defs = (Object.keys(columns) as K[]).map((n) => sql`${sql.ref(n)} ${sql.raw(columns[n])}`);
  const v = sql`(select * from jsonb_to_recordset(cast(${JSON.stringify(rows)} as jsonb)) as r(${sql.join(defs)}))`.as('v');
  const r = await trx.executeQuery<R>(build((trx.updateTable(table) as Update<T>).from(v) as unknown as Update<T>, (name) => sql.ref(`v.${name}`)));
  return { changed: Number(r.numAffectedRows ?? BigInt(r.rows.length)), returned: r.rows };
}
