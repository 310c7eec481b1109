/**
 * Shared by the webhook tests: a store seeded with one reader whose first lesson went out
 * through the provider (email id `prov-1`) and whose second is queued, and the webhook app
 * on a real HTTP server on 127.0.0.1.
 */
import { createWebhookApp, type WebhookLogEntry } from '../../src/server/webhooks/index.ts';
import { startHttpServer } from '../../src/server/http.ts';
import type { Store } from '../../src/store/index.ts';
import { newWebhookSecret, svixHeaders, type SignOptions } from '../support/svix.ts';

export const t0 = new Date('2026-03-02T15:00:00Z');
export const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

export async function seedReader(store: Store, email = 'reader@example.com', providerId = 'prov-1') {
  const r = await store.subscribers.createPending({ email, firstName: null, timezone: null, consentSource: 'test', now: t0 });
  if (r.outcome !== 'created') throw new Error(r.outcome);
  const id = r.subscriber.id;
  await store.subscribers.activate(id, { now: t0, seriesId: 'coaching' });
  await store.deliveries.enqueue([{ kind: 'lesson', subscriberId: id, seriesId: 'coaching', stepSlug: 'one', stepNumber: 1, dueAt: t0 }], t0);
  const batch = await store.deliveries.claim({ owner: 'seed', limit: 1, leaseMs: 60_000, now: t0 });
  const first = batch!.deliveries[0]!.id;
  await store.deliveries.recordOutcomes([{ id: first, status: 'sent', providerId, at: t0 }]);
  await store.deliveries.enqueue([{ kind: 'lesson', subscriberId: id, seriesId: 'coaching', stepSlug: 'two', stepNumber: 2, dueAt: later(60) }], t0);
  return { id, first };
}

/** Everything a webhook could change about one reader. */
export async function stateOf(store: Store, subscriberId: string) {
  const held = await store.subscribers.dataHeld(subscriberId);
  return {
    status: held?.subscriber.status,
    suppressions: await store.suppressions.list(),
    deliveries: held?.deliveries.map((d) => ({
      slug: d.stepSlug,
      status: d.status,
      error: d.error,
      deliveredAt: d.deliveredAt,
      bouncedAt: d.bouncedAt,
      complainedAt: d.complainedAt,
      event: d.providerEvent,
    })),
  };
}

export async function startWebhooks(store: Store) {
  const secret = newWebhookSecret();
  const logs: WebhookLogEntry[] = [];
  let now = later(5);
  const app = createWebhookApp({ store, secret, clock: () => now, log: (e) => logs.push(e) });
  const server = await startHttpServer(app);
  const url = `${server.url}/webhooks/resend`;
  return {
    url,
    secret,
    logs,
    setNow: (d: Date) => {
      now = d;
    },
    /** Posts `body` signed with this server's secret (or as `opts` say). */
    post: (body: string, opts: SignOptions & { secret?: string; headers?: Record<string, string> } = {}) =>
      fetch(url, { method: 'POST', body, headers: { ...svixHeaders(opts.secret ?? secret, body, opts), ...opts.headers } }),
    close: () => server.close(),
  };
}
