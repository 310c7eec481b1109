import type { Selectable } from 'kysely';
import { ms, toId, type Ctx } from './rows.ts';
import type { BroadcastDraftsTable } from './schema.ts';
import type { BroadcastDraftFields, BroadcastDraftStore, StoredBroadcastDraft } from './types.ts';

const columns = (f: BroadcastDraftFields) => ({
  slug: f.slug,
  subject: f.subject,
  preheader: f.preheader,
  series_id: f.seriesId,
  send_at: f.sendAt,
  cta_text: f.ctaText,
  cta_href: f.ctaHref,
  body: f.body,
});

const draftFrom = (r: Selectable<BroadcastDraftsTable>): StoredBroadcastDraft => ({
  id: String(r.id),
  slug: r.slug,
  subject: r.subject,
  preheader: r.preheader,
  seriesId: r.series_id,
  sendAt: r.send_at,
  ctaText: r.cta_text,
  ctaHref: r.cta_href,
  body: r.body,
  revision: Number(r.revision),
  createdAt: new Date(Number(r.created_at)),
  createdBy: r.created_by,
  updatedAt: new Date(Number(r.updated_at)),
  updatedBy: r.updated_by,
});

/** A rename racing another draft to the same slug loses on the unique index (SQLite or Postgres wording). */
const isUniqueViolation = (err: unknown) => {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || /UNIQUE constraint failed/i.test(e?.message ?? '') || e?.code === 'SQLITE_CONSTRAINT_UNIQUE';
};

export function broadcastDraftStore({ db }: Ctx): BroadcastDraftStore {
  const get = async (id: string) => {
    const n = toId(id);
    if (n === null) return null;
    const r = await db.selectFrom('broadcast_drafts').selectAll().where('id', '=', n).executeTakeFirst();
    return r ? draftFrom(r) : null;
  };
  return {
    async create(fields, by, now) {
      const r = await db
        .insertInto('broadcast_drafts')
        .values({ ...columns(fields), revision: 1, created_at: ms(now), created_by: by, updated_at: ms(now), updated_by: by })
        .onConflict((oc) => oc.column('slug').doNothing())
        .returningAll()
        .executeTakeFirst();
      return r ? { ok: true, draft: draftFrom(r) } : { ok: false, reason: 'slug-taken' };
    },

    get,

    async getBySlug(slug) {
      const r = await db.selectFrom('broadcast_drafts').selectAll().where('slug', '=', slug).executeTakeFirst();
      return r ? draftFrom(r) : null;
    },

    async list() {
      return (await db.selectFrom('broadcast_drafts').selectAll().orderBy('updated_at', 'desc').orderBy('id', 'desc').execute()).map(draftFrom);
    },

    async update(id, fields, opts) {
      const n = toId(id);
      if (n === null) return { ok: false, reason: 'missing' };
      try {
        // The revision in the condition makes the save conditional in one statement: of two
        // saves from the same revision, one changes the row and the other is told.
        const r = await db
          .updateTable('broadcast_drafts')
          .set({ ...columns(fields), revision: opts.revision + 1, updated_at: ms(opts.now), updated_by: opts.by })
          .where('id', '=', n)
          .where('revision', '=', opts.revision)
          .returningAll()
          .executeTakeFirst();
        if (r) return { ok: true, draft: draftFrom(r) };
      } catch (err) {
        if (isUniqueViolation(err)) return { ok: false, reason: 'slug-taken' };
        throw err;
      }
      return { ok: false, reason: (await get(id)) ? 'conflict' : 'missing' };
    },

    async remove(id) {
      const n = toId(id);
      if (n === null) return false;
      const r = await db.deleteFrom('broadcast_drafts').where('id', '=', n).executeTakeFirst();
      return Number(r.numDeletedRows) === 1;
    },
  };
}
