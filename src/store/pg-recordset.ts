import { sql, type RawBuilder } from 'kysely';

type Column = 'bigint' | 'text';

/**
 * Postgres: a batch's per-row values as one table for a statement's FROM, bound as a single
 * JSON parameter, so `update … from <this> as v where target.id = v.id` writes every row its
 * own values in one round trip. The statement's text is the same whatever the batch size.
 */
export function pgRecordset<K extends string>(alias: string, columns: Record<K, Column>, rows: Record<NoInfer<K>, string | number | null>[]): RawBuilder<unknown> {
  const defs = (Object.keys(columns) as K[]).map((n) => sql`${sql.ref(n)} ${sql.raw(columns[n])}`);
  return sql`jsonb_to_recordset(cast(${JSON.stringify(rows)} as jsonb)) as ${sql.ref(alias)}(${sql.join(defs)})`;
}
