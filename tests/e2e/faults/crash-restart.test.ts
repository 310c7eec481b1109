import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type StoreOptions } from '../../../src/store/index.ts';
import { freshDatabase } from '../../support/databases.ts';
import { duplicates, startFakeResend, type FakeResend } from '../../support/fake-resend.ts';
import {
  deliveryRows,
  killWorkers,
  providerIdsByRow,
  built,
  resendProject,
  seedDueLessons,
  spawnWorker,
  statusCounts,
  stopWorker,
  waitFor,
} from '../../support/worker-process.ts';

/**
 * Issue 7's crash test: a worker process is SIGKILLed while a batch request is in flight at
 * the provider, then a new worker is started. The dead worker's batch is reclaimed when its
 * lease expires and resent under the same idempotency key, so the provider answers with the
 * stored response instead of sending again.
 */
const DUE = 600;

let server: FakeResend | undefined;
afterEach(async () => {
  await killWorkers();
  await server?.close();
  server = undefined;
});

describe.each(['sqlite', 'postgres'] as const)('a worker killed mid-batch and restarted (%s)', (kind) => {
  it('sends every due delivery exactly once', { timeout: 60_000 }, async () => {
    const root = await built(resendProject());
    const options: StoreOptions = kind === 'sqlite' ? { sqlitePath: join(root, 'data/coursemail.sqlite') } : await freshDatabase('postgres');
    const store = await openStore(options);
    await seedDueLessons(store, DUE);
    await store.close();
    // Slow answers keep a request in flight most of the time, so the kill lands inside one.
    server = await startFakeResend({ requestsPerSecond: null, keepEmails: false, faults: { delayMs: 300 } });
    const common = { root, resendUrl: server.url, databaseUrl: options.databaseUrl, args: ['--lease-ms', '2000', '--idle-ms', '100'] };

    const first = spawnWorker({ ...common, name: 'first' });
    const inFlight = () => server!.requests.find((r) => r.apiKey === first.apiKey && !r.answered);
    await waitFor(
      () => server!.received.length >= 100 && inFlight() !== undefined,
      'the first worker to have a batch in flight after its first sends',
      40_000,
      () => first.err(),
    );
    const killedKey = inFlight()!.idempotencyKey;
    first.signal('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    // Mid-batch: the dead process still holds a claimed batch, and not everything went out.
    const atKill = await deliveryRows(options);
    const orphaned = atKill.filter((r) => r.status === 'sending' && first.owns(r.leaseOwner));
    expect(orphaned.length).toBeGreaterThan(0);
    expect(atKill.filter((r) => r.status === 'sent').length).toBeLessThan(DUE);
    server.setFaults({});

    const second = spawnWorker({ ...common, name: 'second' });
    await waitFor(
      async () => (await statusCounts(options)).sent === DUE,
      `all ${DUE} sent`,
      40_000,
      async () => JSON.stringify(await statusCounts(options)),
    );
    expect(await stopWorker(second)).toEqual({ code: 0, signal: null });

    const counts = server.countByDelivery();
    expect(counts.size).toBe(DUE);
    expect(duplicates(server)).toBe(0);
    // The batch that was in flight at the kill was sent again under its key and deduplicated.
    expect(server.requests.some((r) => r.idempotencyKey === killedKey && r.apiKey === second.apiKey && r.result === 'replayed')).toBe(true);
    expect(second.out()).toContain('(reclaimed from an expired lease)');
    // The database agrees with the provider: every row sent, with the id the provider gave it.
    const providerIds = providerIdsByRow(server.received);
    const rows = await deliveryRows(options);
    expect(rows.every((r) => r.status === 'sent' && r.providerId === providerIds.get(r.id))).toBe(true);
  });
});
