import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/store/index.ts';
import { freshDatabase } from '../../support/databases.ts';
import { duplicates, startFakeResend, type FakeResend, type FakeResendFaults } from '../../support/fake-resend.ts';
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
 * The provider misbehaves in four storms, one after another as the run goes, 30 % of
 * requests answered 500 throughout: a 429 burst with `retry-after`, answers held past the
 * client's timeout (2.5 s against 1 s here, RESEND_TIMEOUT_MS), connections reset after the
 * emails were accepted (sent, but the worker never hears), another 429 burst. Two worker processes on Postgres, one
 * with two loops. Each delivery must end sent once or failed with a reason.
 */
const DUE = 1_200;
const RETRY_AFTER_S = 1;
const STORMS: [atFraction: number, faults: FakeResendFaults][] = [
  [0, { error500Rate: 0.3, rateLimitBurst: 3, retryAfterSeconds: RETRY_AFTER_S }],
  [0.25, { error500Rate: 0.3, delayMs: 2_500 }],
  [0.5, { error500Rate: 0.3, resetRate: 0.3, resetBurst: 2 }],
  [0.75, { error500Rate: 0.3, rateLimitBurst: 3, retryAfterSeconds: RETRY_AFTER_S }],
];

let server: FakeResend | undefined;
afterEach(async () => {
  await killWorkers();
  await server?.close();
  server = undefined;
});

describe('provider storms', () => {
  it('500s, 429 bursts, answers past the timeout, resets: every delivery sent once or failed with a reason', { timeout: 180_000 }, async () => {
    const root = await built(resendProject());
    const options = await freshDatabase('postgres');
    const store = await openStore(options);
    await seedDueLessons(store, DUE);
    await store.close();
    server = await startFakeResend({ requestsPerSecond: null, keepEmails: false, faults: STORMS[0]![1], seed: 7 });
    const env = { RESEND_TIMEOUT_MS: '1000' };
    const workers = [
      spawnWorker({ root, resendUrl: server.url, databaseUrl: options.databaseUrl, name: 'one', env, args: ['--lease-ms', '20000', '--idle-ms', '200'] }),
      spawnWorker({
        root,
        resendUrl: server.url,
        databaseUrl: options.databaseUrl,
        name: 'two',
        env,
        args: ['--lease-ms', '20000', '--idle-ms', '200', '--concurrency', '2'],
      }),
    ];

    const settled = async () => {
      const c = await statusCounts(options);
      return (c.sent ?? 0) + (c.failed ?? 0) === DUE;
    };
    for (const [at, faults] of STORMS.slice(1)) {
      await waitFor(
        async () => server!.received.length >= at * DUE || (await settled()),
        `${at * 100} % accepted`,
        60_000,
        async () => JSON.stringify(await statusCounts(options)),
      );
      server.setFaults(faults);
    }
    // A batch that exhausts the transport's retries waits a minute (the worker's first retry step).
    await waitFor(
      settled,
      'every delivery sent or failed',
      130_000,
      async () => `${JSON.stringify(await statusCounts(options))}\n${workers.map((w) => w.err()).join('\n')}`,
    );
    server.setFaults({});
    for (const w of await Promise.all(workers.map(stopWorker))) expect(w).toEqual({ code: 0, signal: null });

    // Every storm really happened.
    const log = server.requests;
    expect(log.filter((r) => r.status === 500).length).toBeGreaterThan(0);
    expect(log.filter((r) => r.error === 'rate_limit_exceeded').length).toBeGreaterThanOrEqual(2 * 3);
    expect(log.filter((r) => r.status === 'reset').length).toBeGreaterThanOrEqual(2);
    // Held past the timeout: the worker gave up and asked again under the same key while the
    // provider was still on it.
    const impatient = log.filter(
      (r) => r.result === 'accepted' && log.some((n) => n.idempotencyKey === r.idempotencyKey && n.at > r.at && n.at < r.answeredAt!),
    );
    expect(impatient.length).toBeGreaterThan(0);
    // What arrived under that key while the first was in flight was never accepted as new: the
    // provider answered 409 concurrent_idempotent_requests (or the storm's 500/429 got it first).
    const overlapping = log.filter((n) => impatient.some((r) => n.idempotencyKey === r.idempotencyKey && n.at > r.at && n.at < r.answeredAt!));
    expect(overlapping.length).toBeGreaterThan(0);
    expect(overlapping.filter((n) => n.result === 'accepted')).toEqual([]);
    expect(log.filter((r) => r.result === 'replayed').length).toBeGreaterThan(0);
    // A worker told to wait obeys: after a 429 nothing more of that process arrives within
    // retry-after, except what its other loop had already sent before the answer came back.
    const loops = new Map(workers.map((w, i) => [w.apiKey, i + 1]));
    for (const r of log.filter((x) => x.error === 'rate_limit_exceeded')) {
      const soon = log.filter((n) => n.apiKey === r.apiKey && n.at > r.at && n.at < r.at + RETRY_AFTER_S * 1000 - 50);
      expect(soon.length).toBeLessThanOrEqual(loops.get(r.apiKey!)! - 1);
    }

    expect(duplicates(server)).toBe(0);
    const providerIds = providerIdsByRow(server.received);
    const rows = await deliveryRows(options);
    expect(rows).toHaveLength(DUE);
    const wrong = rows.filter((r) => !(r.status === 'sent' ? r.providerId === providerIds.get(r.id) : r.status === 'failed' && (r.error ?? '').length > 0));
    expect(wrong).toEqual([]);
    // These storms pass: nothing needed to fail.
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(DUE);
  });
});
