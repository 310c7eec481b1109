import { ms, type Ctx } from './rows.ts';
import type { AdminStore } from './types.ts';

export function adminStore({ db }: Ctx): AdminStore {
  const pending = (idHash: string, now: Date) =>
    db
      .selectFrom('admin_sign_ins')
      .select(['email', 'browser_hash'])
      .where('id_hash', '=', idHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', ms(now));
  return {
    async addSignIn(link, now) {
      await db
        .insertInto('admin_sign_ins')
        .values({ id_hash: link.idHash, email: link.email, browser_hash: link.browserHash, created_at: ms(now), expires_at: ms(link.expiresAt), used_at: null })
        .execute();
      // Spent and expired links are of no use to anyone: they go as new ones come.
      await db
        .deleteFrom('admin_sign_ins')
        .where('expires_at', '<', ms(now) - 24 * 3600_000)
        .execute();
    },

    async pendingSignIn(idHash, now) {
      const r = await pending(idHash, now).executeTakeFirst();
      return r && { email: r.email, browserHash: r.browser_hash };
    },

    async useSignIn(idHash, now) {
      return db.transaction().execute(async (trx) => {
        // The update's own condition makes it single-use: of two racing posts, one changes the row.
        const r = await trx
          .updateTable('admin_sign_ins')
          .set({ used_at: ms(now) })
          .where('id_hash', '=', idHash)
          .where('used_at', 'is', null)
          .where('expires_at', '>', ms(now))
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) return undefined;
        const row = await trx.selectFrom('admin_sign_ins').select(['email', 'browser_hash']).where('id_hash', '=', idHash).executeTakeFirstOrThrow();
        return { email: row.email, browserHash: row.browser_hash };
      });
    },

    async addSession(idHash, email, now) {
      await db
        .insertInto('admin_sessions')
        .values({ id_hash: idHash, email, created_at: ms(now), last_seen_at: ms(now) })
        .execute();
    },

    async touchSession(idHash, now, idleMs) {
      const r = await db
        .updateTable('admin_sessions')
        .set({ last_seen_at: ms(now) })
        .where('id_hash', '=', idHash)
        .where('last_seen_at', '>', ms(now) - idleMs)
        .returning('email')
        .executeTakeFirst();
      if (!r) await db.deleteFrom('admin_sessions').where('id_hash', '=', idHash).execute();
      return r?.email;
    },

    async endSession(idHash) {
      await db.deleteFrom('admin_sessions').where('id_hash', '=', idHash).execute();
    },

    async endSessionsOf(email) {
      const r = await db.deleteFrom('admin_sessions').where('email', '=', email).executeTakeFirst();
      return Number(r.numDeletedRows);
    },

    async audit(entry, now) {
      await db
        .insertInto('admin_audit')
        .values({ at: ms(now), actor: entry.actor, action: entry.action, detail: entry.detail })
        .execute();
    },

    async auditLog({ limit, offset }) {
      const rows = await db.selectFrom('admin_audit').selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute();
      const total = await db
        .selectFrom('admin_audit')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return {
        entries: rows.map((r) => ({ id: String(r.id), at: new Date(Number(r.at)), actor: r.actor, action: r.action, detail: r.detail })),
        total: Number(total.n),
      };
    },
  };
}
