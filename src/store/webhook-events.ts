import { ms, type Ctx } from './rows.ts';
import type { WebhookEventStore } from './types.ts';

export function webhookEventStore({ db }: Ctx): WebhookEventStore {
  return {
    async recordOnce(id, type, now) {
      return db.transaction().execute(async (trx) => {
        const r = await trx
          .insertInto('webhook_events')
          .values({ id, type, received_at: ms(now) })
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirst();
        return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
      });
    },
  };
}
