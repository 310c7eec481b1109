import { emailHash } from './email-hash.ts';
import { addSuppression, cancelQueued, isSuppressedHash, settleBroadcasts } from './effects.ts';
import { ms, type Ctx } from './rows.ts';
import type { SuppressionStore } from './types.ts';

export function suppressionStore({ db }: Ctx): SuppressionStore {
  return {
    isSuppressed: (email) => isSuppressedHash(db, emailHash(email)),

    async add(email, reason, now) {
      const hash = emailHash(email);
      const t = ms(now);
      return db.transaction().execute(async (trx) => {
        const added = await addSuppression(trx, hash, reason, t);
        const subscriber = await trx.selectFrom('subscribers').select('id').where('email_hash', '=', hash).executeTakeFirst();
        if (subscriber) {
          await cancelQueued(trx, subscriber.id, 'address suppressed');
          await settleBroadcasts(trx, t);
        }
        return { added };
      });
    },

    async remove(email) {
      return db.transaction().execute(async (trx) => {
        const r = await trx.deleteFrom('suppressions').where('email_hash', '=', emailHash(email)).executeTakeFirst();
        return { removed: Number(r.numDeletedRows) > 0 };
      });
    },

    async list() {
      const rows = await db.selectFrom('suppressions').selectAll().orderBy('created_at').orderBy('email_hash').execute();
      return rows.map((r) => ({ emailHash: r.email_hash, reason: r.reason, createdAt: new Date(Number(r.created_at)) }));
    },
  };
}
