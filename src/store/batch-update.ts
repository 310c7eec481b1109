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
 * One UPDATE applied to every row of a batch with that row's own values (`v('name')`); the count, and the rows when the builder asks for them.
 * SQLite runs one prepared statement per row by primary key, since its one-statement forms (`case id when`, `update … from json_each`) redo work per row;
 * Postgres joins one statement to the rows as a JSON record set `v`, one round trip.
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
