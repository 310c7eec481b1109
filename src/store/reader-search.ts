import { sql } from 'kysely';
import { subscriberFrom, type Ctx } from './rows.ts';
import type { ReaderSearch } from './types.ts';

/** `%`, `_` and the escape itself match literally: a search for "a_b" is not a pattern. */
const literal = (q: string) => `%${q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

export function readerSearch({ db }: Ctx): ReaderSearch {
  return {
    async search({ query, status, course, limit, offset }) {
      let q = db.selectFrom('subscribers');
      if (status) q = q.where('status', '=', status);
      // Where a reader is in a course: the last lesson sent (null step: enrolled, nothing sent yet).
      if (course) {
        q = q.where(({ exists, selectFrom }) =>
          exists(
            selectFrom('enrollments')
              .select('enrollments.id')
              .whereRef('enrollments.subscriber_id', '=', 'subscribers.id')
              .where('enrollments.series_id', '=', course.seriesId)
              .$if(course.stepSlug !== undefined, (e) =>
                course.stepSlug === null ? e.where('enrollments.last_step_slug', 'is', null) : e.where('enrollments.last_step_slug', '=', course.stepSlug!),
              ),
          ),
        );
      }
      const text = query?.trim();
      if (text) {
        const like = literal(text);
        // ESCAPE named: SQLite has no default escape character, Postgres has backslash.
        q = q.where(sql<boolean>`(lower(email) like ${like} escape '\\' or lower(coalesce(first_name, '')) like ${like} escape '\\')`);
      }
      const rows = await q.selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute();
      const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return { readers: rows.map(subscriberFrom), total: Number(total.n) };
    },
  };
}
