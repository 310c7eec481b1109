import { chunks, enrollmentFrom, ms, toId, type Ctx, type Executor } from './rows.ts';
import type { ActiveEnrollment, Enrollment, EnrollmentStore, SubscriberStatus } from './types.ts';

/** Inside the caller's transaction: idempotent, and a stopped enrollment resumes where it was. */
export async function enrollIn(trx: Executor, subscriberId: number, seriesId: string, now: number): Promise<{ enrollment: Enrollment; created: boolean }> {
  const inserted = await trx
    .insertInto('enrollments')
    .values({ subscriber_id: subscriberId, series_id: seriesId, started_at: now, status: 'active' })
    .onConflict((oc) => oc.columns(['subscriber_id', 'series_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { enrollment: enrollmentFrom(inserted), created: true };
  await trx
    .updateTable('enrollments')
    .set({ status: 'active' })
    .where('subscriber_id', '=', subscriberId)
    .where('series_id', '=', seriesId)
    .where('status', '=', 'stopped')
    .execute();
  const existing = await trx
    .selectFrom('enrollments')
    .selectAll()
    .where('subscriber_id', '=', subscriberId)
    .where('series_id', '=', seriesId)
    .executeTakeFirstOrThrow();
  return { enrollment: enrollmentFrom(existing), created: false };
}

export function enrollmentStore({ db }: Ctx): EnrollmentStore {
  /** One query a chunk of ids; an id that is not a number holds nothing. */
  async function listForSubscribers(subscriberIds: readonly string[]): Promise<Enrollment[]> {
    const keys = subscriberIds.map(toId).filter((k): k is number => k !== null);
    const out: Enrollment[] = [];
    for (const part of chunks(keys)) {
      const rows = await db.selectFrom('enrollments').selectAll().where('subscriber_id', 'in', part).orderBy('id').execute();
      out.push(...rows.map(enrollmentFrom));
    }
    return out;
  }
  const one = async (subscriberId: string, seriesId: string) => {
    const key = toId(subscriberId);
    if (key === null) return undefined;
    return db.selectFrom('enrollments').selectAll().where('subscriber_id', '=', key).where('series_id', '=', seriesId).executeTakeFirst();
  };

  return {
    async enroll(subscriberId, seriesId, now) {
      const key = toId(subscriberId);
      if (key === null) throw new Error(`no subscriber ${subscriberId}`);
      return db.transaction().execute((trx) => enrollIn(trx, key, seriesId, ms(now)));
    },

    async get(subscriberId, seriesId) {
      const row = await one(subscriberId, seriesId);
      return row ? enrollmentFrom(row) : null;
    },

    listForSubscriber: (subscriberId) => listForSubscribers([subscriberId]),
    listForSubscribers,

    async pause(subscriberId, seriesId, now) {
      const key = toId(subscriberId);
      if (key === null) return null;
      const t = ms(now);
      return db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('enrollments').selectAll().where('subscriber_id', '=', key).where('series_id', '=', seriesId).executeTakeFirst();
        if (!row) return null;
        if (row.paused_at !== null) return enrollmentFrom(row);
        // A lesson already queued would go out during the pause; it is re-queued after resume.
        await trx
          .updateTable('deliveries')
          .set({ status: 'cancelled', error: 'paused' })
          .where('subscriber_id', '=', key)
          .where('series_id', '=', seriesId)
          .where('kind', '=', 'lesson')
          .where('status', '=', 'queued')
          .execute();
        const updated = await trx.updateTable('enrollments').set({ paused_at: t }).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
        return enrollmentFrom(updated);
      });
    },

    async resume(subscriberId, seriesId, now) {
      const key = toId(subscriberId);
      if (key === null) return null;
      const t = ms(now);
      return db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('enrollments').selectAll().where('subscriber_id', '=', key).where('series_id', '=', seriesId).executeTakeFirst();
        if (!row) return null;
        if (row.paused_at === null) return enrollmentFrom(row);
        const held = Math.max(0, Math.round((t - Number(row.paused_at)) / 60_000));
        const updated = await trx
          .updateTable('enrollments')
          .set({ paused_at: null, paused_minutes: Number(row.paused_minutes) + held })
          .where('id', '=', row.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return enrollmentFrom(updated);
      });
    },

    async complete(enrollmentIds) {
      let changed = 0;
      for (const part of chunks(enrollmentIds.flatMap((id) => toId(id) ?? []))) {
        const r = await db.updateTable('enrollments').set({ status: 'completed' }).where('id', 'in', part).where('status', '=', 'active').executeTakeFirst();
        changed += Number(r.numUpdatedRows);
      }
      return changed;
    },

    async listActiveEnrollments({ seriesId, limit, after }) {
      const from = toId(after) ?? 0;
      const rows = await db
        .selectFrom('enrollments as e')
        .innerJoin('subscribers as s', 's.id', 'e.subscriber_id')
        // A suppressed address would have each lesson queued, cancelled at claim, queued again.
        .leftJoin('suppressions as x', 'x.email_hash', 's.email_hash')
        .selectAll('e')
        .select('s.timezone')
        .where('e.status', '=', 'active')
        .where('s.status', '=', 'active')
        .where('x.email_hash', 'is', null)
        .where('e.id', '>', from)
        .$if(seriesId !== undefined, (q) => q.where('e.series_id', '=', seriesId!))
        .orderBy('e.id')
        .limit(limit)
        .execute();
      if (rows.length === 0) return [];
      const lessons = [];
      for (const part of chunks([...new Set(rows.map((r) => r.subscriber_id))])) {
        lessons.push(
          ...(await db
            .selectFrom('deliveries')
            .select(['subscriber_id', 'series_id', 'step_slug', 'status'])
            .where('kind', '=', 'lesson')
            .where('status', 'in', ['queued', 'sending', 'sent'])
            .where('subscriber_id', 'in', part)
            .execute()),
        );
      }
      const slugs = new Map<string, { sent: string[]; pending: string[] }>();
      for (const d of lessons) {
        if (d.step_slug === null) continue;
        const k = `${d.subscriber_id}\u0000${d.series_id}`;
        const entry = slugs.get(k) ?? { sent: [], pending: [] };
        (d.status === 'sent' ? entry.sent : entry.pending).push(d.step_slug);
        slugs.set(k, entry);
      }
      return rows.map((r): ActiveEnrollment => {
        const s = slugs.get(`${r.subscriber_id}\u0000${r.series_id}`);
        // Added to the mapped row, not spread into a new one: the spread literal cost ~3 KB an enrollment, a million times a pass.
        return Object.assign(enrollmentFrom(r), {
          timezone: r.timezone,
          sentSlugs: s?.sent ?? [],
          pendingSlugs: s?.pending ?? [],
        });
      });
    },

    async countByStep() {
      const rows = await db
        .selectFrom('enrollments as e')
        .innerJoin('subscribers as s', 's.id', 'e.subscriber_id')
        .select(['e.series_id', 'e.last_step_slug', 's.status as subscriber_status', 'e.status as enrollment_status'])
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .groupBy(['e.series_id', 'e.last_step_slug', 's.status', 'e.status'])
        .orderBy('e.series_id')
        .execute();
      return rows.map((r) => ({
        seriesId: r.series_id,
        lastStepSlug: r.last_step_slug,
        subscriberStatus: r.subscriber_status as SubscriberStatus,
        enrollmentStatus: r.enrollment_status,
        count: Number(r.n),
      }));
    },
  };
}
