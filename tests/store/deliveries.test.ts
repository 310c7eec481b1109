import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import type { NewDelivery, Store } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';

const t0 = new Date('2026-03-02T15:00:00Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

/** `n` active subscribers enrolled in `coaching` (one import batch); returns their ids. */
async function subscribers(store: Store, n: number, prefix = 's'): Promise<string[]> {
  const rows = Array.from({ length: n }, (_, i) => ({
    email: `${prefix}${i}@example.com`,
    firstName: `N${i}`,
    timezone: 'UTC',
    consentAt: t0,
    consentSource: 'test',
  }));
  const results = await store.subscribers.importBatch(rows, { now: t0, seriesId: 'coaching' });
  return results.map((r) => {
    if (r.outcome !== 'imported') throw new Error(r.outcome);
    return r.id;
  });
}

const lesson = (subscriberId: string, step: number, dueAt = t0): NewDelivery => ({
  kind: 'lesson',
  subscriberId,
  seriesId: 'coaching',
  stepSlug: `step-${step}`,
  stepNumber: step,
  dueAt,
});

async function drain(store: Store, owner: string, now: Date, limit = 5): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const batch = await store.deliveries.claim({ owner, limit, leaseMs: 3_600_000, now });
    if (!batch) return ids;
    ids.push(...batch.deliveries.map((d) => d.id));
  }
}

forEachDatabase((db) => {
  it('the unique keys stop a second enqueue of the same lesson or broadcast copy', async () => {
    const { store } = await db.fresh();
    const [a, b] = await subscribers(store, 2);
    const bc = await store.broadcasts.create({ slug: 'x', contentHash: 'h', subject: 'S', now: t0 });
    const rows: NewDelivery[] = [lesson(a!, 1), lesson(b!, 1), { kind: 'broadcast', subscriberId: a!, broadcastId: bc.id, dueAt: t0 }];
    expect(await store.deliveries.enqueue(rows, t0)).toBe(3);
    expect(await store.deliveries.enqueue([...rows, lesson(a!, 2)], t0)).toBe(1);
    const counts = await store.deliveries.counts(t0);
    expect(counts.lessons.map((c) => [c.stepSlug, c.queued])).toEqual([
      ['step-1', 2],
      ['step-2', 1],
    ]);
    expect(counts.broadcasts).toMatchObject([{ broadcastId: bc.id, queued: 1, due: 1 }]);
  });

  it('a sent lesson can never be queued again, a cancelled one can', async () => {
    const { store } = await db.fresh();
    const [a] = await subscribers(store, 1);
    await store.deliveries.enqueue([lesson(a!, 1), lesson(a!, 2)], t0);
    const batch = await store.deliveries.claim({ owner: 'w', limit: 1, leaseMs: 60_000, now: t0 });
    await store.deliveries.recordOutcomes([{ id: batch!.deliveries[0]!.id, status: 'sent', providerId: 'p-1', at: t0 }]);
    await store.enrollments.pause(a!, 'coaching', later(1));
    expect(await store.deliveries.enqueue([lesson(a!, 1), lesson(a!, 2)], later(2))).toBe(1);
  });

  it('two stores claiming at once never get the same row, and together get every due row', async () => {
    const { store, options } = await db.fresh();
    const other = await db.open(options);
    const ids = await subscribers(store, 60);
    await store.deliveries.enqueue(
      ids.flatMap((id) => [lesson(id, 1), lesson(id, 2, later(10))]),
      t0,
    );
    const [x, y] = await Promise.all([drain(store, 'a', later(5)), drain(other, 'b', later(5))]);
    expect(x.length).toBeGreaterThan(0);
    expect(y.length).toBeGreaterThan(0);
    expect(x.filter((id) => y.includes(id))).toEqual([]);
    expect(x.length + y.length).toBe(60);
  });

  it('a separate process claiming at the same time never gets the same row', async () => {
    const { store, options } = await db.fresh();
    const ids = await subscribers(store, 100);
    await store.deliveries.enqueue(
      ids.flatMap((id) => [lesson(id, 1), lesson(id, 2)]),
      t0,
    );
    // stderr shown, not piped: an unread pipe that fills would stall the child, and its words say why it failed.
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/store/claim-worker.ts', JSON.stringify(options), 'child', later(1).toISOString()], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    // Listened for now: the child may finish its share and close before this side's loop ends
    // (on a loaded machine it did, and a listener added afterwards waited forever).
    const closed = new Promise((resolve) => child.once('close', resolve));
    let out = '';
    child.stdout.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        if (out.startsWith('ready\n')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`claim worker exited early (${code})`)));
    });
    child.stdin.write('go\n');
    const mine: string[] = [];
    for (;;) {
      const batch = await store.deliveries.claim({ owner: 'main', limit: 5, leaseMs: 3_600_000, now: later(1) });
      if (!batch) break;
      mine.push(...batch.deliveries.map((d) => d.id));
      await sleep(2);
    }
    await closed;
    const theirs = JSON.parse(out.slice('ready\n'.length)) as string[];
    expect(mine.length).toBeGreaterThan(0);
    expect(theirs.length).toBeGreaterThan(0);
    expect(mine.filter((id) => theirs.includes(id))).toEqual([]);
    expect(mine.length + theirs.length).toBe(200);
  }, 30_000);

  it('a batch whose lease expired is reclaimed whole under its old key; a live lease is not', async () => {
    const { store } = await db.fresh();
    const ids = await subscribers(store, 4);
    await store.deliveries.enqueue(
      ids.map((id) => lesson(id, 1)),
      t0,
    );
    const first = await store.deliveries.claim({ owner: 'crashed', limit: 3, leaseMs: 5 * 60_000, now: t0 });
    expect(first?.deliveries).toHaveLength(3);
    expect(first?.reclaimed).toBe(false);
    // Within the lease only the fourth row is claimable.
    const second = await store.deliveries.claim({ owner: 'other', limit: 10, leaseMs: 5 * 60_000, now: later(1) });
    expect(second?.deliveries).toHaveLength(1);
    expect(second?.batchKey).not.toBe(first?.batchKey);
    expect(await store.deliveries.claim({ owner: 'other', limit: 10, leaseMs: 5 * 60_000, now: later(4) })).toBeNull();
    // After it, the crashed worker's three come back, same key, for the new owner.
    const again = await store.deliveries.claim({ owner: 'other', limit: 1, leaseMs: 5 * 60_000, now: later(6) });
    expect(again?.reclaimed).toBe(true);
    expect(again?.batchKey).toBe(first?.batchKey);
    expect(again?.deliveries.map((d) => d.id).sort()).toEqual(first?.deliveries.map((d) => d.id).sort());
    expect(again?.deliveries.every((d) => d.leaseOwner === 'other' && d.toEmail.endsWith('@example.com'))).toBe(true);
    const row = await store.deliveries.getById(first!.deliveries[0]!.id);
    expect(row).toMatchObject({ status: 'sending', leaseOwner: 'other', leaseUntil: later(11), batchKey: first!.batchKey });
  });

  it('outcomes: sent moves the enrollment clock, retry requeues with attempts + 1, failed is final', async () => {
    const { store } = await db.fresh();
    const [a, b, c] = await subscribers(store, 3);
    await store.enrollments.pause(a!, 'coaching', t0);
    await store.enrollments.resume(a!, 'coaching', later(90));
    expect((await store.enrollments.get(a!, 'coaching'))?.pausedMinutes).toBe(90);
    await store.deliveries.enqueue([lesson(a!, 1, later(90)), lesson(b!, 1, later(90)), lesson(c!, 1, later(90))], later(90));
    const batch = await store.deliveries.claim({ owner: 'w', limit: 10, leaseMs: 60_000, now: later(91) });
    const byEmail = new Map(batch!.deliveries.map((d) => [d.toEmail, d]));
    const [da, db_, dc] = ['s0@example.com', 's1@example.com', 's2@example.com'].map((e) => byEmail.get(e)!);
    expect(da?.firstName).toBe('N0');
    const changed = await store.deliveries.recordOutcomes([
      { id: da!.id, status: 'sent', providerId: 'prov-a', at: later(92) },
      { id: db_!.id, status: 'retry', reason: '429', retryAt: later(100) },
      { id: dc!.id, status: 'failed', reason: 'invalid recipient', at: later(92) },
    ]);
    expect(changed).toBe(3);
    expect(await store.enrollments.get(a!, 'coaching')).toMatchObject({ lastStepSlug: 'step-1', lastSentAt: later(92), pausedMinutes: 0 });
    expect(await store.deliveries.findByProviderId('prov-a')).toMatchObject({ id: da!.id, status: 'sent', sentAt: later(92), leaseOwner: null });
    expect(await store.deliveries.getById(db_!.id)).toMatchObject({
      status: 'queued',
      attempts: 1,
      dueAt: later(100),
      batchKey: batch!.batchKey,
      error: '429',
    });
    expect(await store.deliveries.getById(dc!.id)).toMatchObject({ status: 'failed', error: 'invalid recipient' });
    // Recording again changes nothing: only rows still being sent take an outcome.
    expect(await store.deliveries.recordOutcomes([{ id: da!.id, status: 'failed', reason: 'late', at: later(93) }])).toBe(0);
    expect(await store.deliveries.claim({ owner: 'w', limit: 10, leaseMs: 60_000, now: later(99) })).toBeNull();
    expect((await store.deliveries.claim({ owner: 'w', limit: 10, leaseMs: 60_000, now: later(100) }))?.deliveries.map((d) => d.id)).toEqual([db_!.id]);
    const counts = await store.deliveries.counts(later(100));
    expect(counts.lessons).toEqual([
      {
        seriesId: 'coaching',
        stepSlug: 'step-1',
        stepNumber: 1,
        queued: 0,
        due: 0,
        sending: 1,
        sent: 1,
        failed: 1,
        cancelled: 0,
        delivered: 0,
        bounced: 0,
        complained: 0,
      },
    ]);
  });

  it('releaseLeases puts only that owner’s rows back in the queue, as one batch under its key', async () => {
    const { store } = await db.fresh();
    const ids = await subscribers(store, 4);
    await store.deliveries.enqueue(
      ids.map((id) => lesson(id, 1)),
      t0,
    );
    const mine = await store.deliveries.claim({ owner: 'me', limit: 2, leaseMs: 3_600_000, now: t0 });
    await store.deliveries.claim({ owner: 'you', limit: 2, leaseMs: 3_600_000, now: t0 });
    expect(await store.deliveries.releaseLeases('me')).toBe(2);
    const next = await store.deliveries.claim({ owner: 'third', limit: 10, leaseMs: 3_600_000, now: later(1) });
    expect(next?.deliveries.map((d) => d.id).sort()).toEqual(mine?.deliveries.map((d) => d.id).sort());
    // An attempt under that key may have reached the provider before the worker stopped:
    // only the same key makes the resend safe.
    expect(next?.batchKey).toBe(mine?.batchKey);
  });

  it('claim cancels rows that may no longer go: paused, unsubscribed, suppressed; confirm only while pending', async () => {
    const { store } = await db.fresh();
    const [a, b, c, d] = await subscribers(store, 4);
    const p = await store.subscribers.createPending({ email: 'new@example.com', firstName: null, timezone: null, consentSource: 'form', now: t0 });
    if (p.outcome !== 'created') throw new Error(p.outcome);
    await store.deliveries.enqueue(
      [
        lesson(a!, 1),
        lesson(b!, 1),
        lesson(c!, 1),
        lesson(d!, 1),
        { kind: 'confirm', subscriberId: p.subscriber.id, dueAt: t0 },
        { kind: 'confirm', subscriberId: p.subscriber.id, dueAt: t0 },
        { kind: 'test', toEmail: 'author@example.org', dueAt: t0 },
      ],
      t0,
    );
    // Paused, unsubscribed or suppressed after the rows were queued, by paths that do not cancel them here.
    await store.enrollments.pause(a!, 'coaching', t0);
    await store.suppressions.add('s2@example.com', 'manual', t0);
    await store.subscribers.update(d!, { firstName: 'Dee' }, t0);
    const batch = await store.deliveries.claim({ owner: 'w', limit: 10, leaseMs: 60_000, now: later(1) });
    expect(batch?.deliveries.map((x) => [x.kind, x.toEmail, x.firstName]).sort()).toEqual([
      ['confirm', 'new@example.com', null],
      ['lesson', 's1@example.com', 'N1'],
      ['lesson', 's3@example.com', 'Dee'],
      ['test', 'author@example.org', null],
    ]);
    const rows = await Promise.all([a!, c!].map((id) => store.subscribers.dataHeld(id)));
    expect(rows.map((r) => r?.deliveries[0]?.status)).toEqual(['cancelled', 'cancelled']);
  });

  it('a test delivery needs an address and other kinds a subscriber', async () => {
    const { store } = await db.fresh();
    await expect(store.deliveries.enqueue([{ kind: 'test', dueAt: t0 }], t0)).rejects.toThrow(/toEmail/);
    await expect(store.deliveries.enqueue([{ kind: 'lesson', dueAt: t0 }], t0)).rejects.toThrow(/subscriberId/);
  });
});
