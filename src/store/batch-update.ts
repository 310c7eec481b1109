import { sql } from 'kysely';
import type { Ctx, Executor } from './rows.ts';

type Column = 'bigint' | 'text';
type Value = string | number | null;

export interface BatchUpdate {
  table: 'deliveries' | 'enrollments';
  /** `{name}` stands for the row's own value of that name, in `set` and `where` alike. */
  set: string;
  /** Name the target's columns with the table (`deliveries.id = {id}`): on Postgres the rows' table `v` is joined beside it. */
  where: string;
  returning?: string;
}

/**
 * One UPDATE applied to every row of a batch with that row's own values; the number of
 * rows changed, and what `returning` names of them.
 *
 * SQLite: the statement prepared once and run per row, by primary key, inside the
 * transaction Kysely holds — a few microseconds a row. One statement for the batch would
 * need a `case id when … end` per column, which SQLite tries branch by branch for every
 * row (100 × 50 comparisons a column), or an `update … from json_each(?)`, which it drives
 * from the target table, reading the JSON again for every row.
 * Postgres: one statement joined to the rows as a JSON record set `v`, one round trip; its
 * text is the same whatever the batch size.
 */
export async function updateEach<K extends string, R = never>(
  ctx: Ctx,
  trx: Executor,
  update: BatchUpdate,
  columns: Record<K, Column>,
  rows: Record<NoInfer<K>, Value>[],
): Promise<{ changed: number; returned: R[] }> {
  if (rows.length === 0) return { changed: 0, returned: [] };
  const returning = update.returning ? ` returning ${update.returning}` : '';
  const names: K[] = [];
  const placeholder = (as: (name: K) => string) => (_: string, name: string) => {
    if (!(name in columns)) throw new Error(`{${name}} in an update of ${update.table} is not one of the batch's columns`);
    return as(name as K);
  };
  if (ctx.sqlite) {
    const text = `update ${update.table} set ${update.set} where ${update.where}${returning}`.replace(
      /\{(\w+)\}/g,
      placeholder((name) => (names.push(name), '?')),
    );
    const stmt = ctx.sqlite.prepare(text);
    let changed = 0;
    const returned: R[] = [];
    for (const row of rows) {
      const params = names.map((n) => row[n]);
      if (returning) returned.push(...(stmt.all(params) as R[]));
      else changed += Number(stmt.run(params).changes);
    }
    return { changed: returning ? returned.length : changed, returned };
  }
  const v = (s: string) => sql.raw(s.replace(/\{(\w+)\}/g, placeholder((name) => `v.${name}`)));
  const defs = (Object.keys(columns) as K[]).map((n) => sql`${sql.ref(n)} ${sql.raw(columns[n])}`);
  const r = await sql<R>`update ${sql.table(update.table)} set ${v(update.set)}
    from jsonb_to_recordset(cast(${JSON.stringify(rows)} as jsonb)) as v(${sql.join(defs)})
    where ${v(update.where)}${sql.raw(returning)}`.execute(trx);
  return { changed: Number(r.numAffectedRows ?? BigInt(r.rows.length)), returned: r.rows };
}
