import { expect, it } from 'vitest';
import { forEachDatabase } from '../support/databases.ts';

const t0 = new Date('2026-03-02T15:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const HOUR = 3600_000;

forEachDatabase((db) => {
  it('a sign-in link is used once, and not after it expires', async () => {
    const { store } = await db.fresh();
    await store.admin.addSignIn({ idHash: 'a', email: 'coach@example.com', browserHash: 'b', expiresAt: at(15) }, t0);
    await store.admin.addSignIn({ idHash: 'late', email: 'coach@example.com', browserHash: 'b', expiresAt: at(15) }, t0);
    expect(await store.admin.pendingSignIn('a', at(1))).toEqual({ email: 'coach@example.com', browserHash: 'b' });
    const [one, two] = await Promise.all([store.admin.useSignIn('a', at(1)), store.admin.useSignIn('a', at(1))]);
    expect([one, two].filter(Boolean)).toHaveLength(1);
    expect(await store.admin.pendingSignIn('a', at(2))).toBeUndefined();
    expect(await store.admin.useSignIn('late', at(16))).toBeUndefined();
  });

  it('sessions expire when idle, end one at a time or all of one address', async () => {
    const { store } = await db.fresh();
    await store.admin.addSession('s1', 'coach@example.com', t0);
    await store.admin.addSession('s2', 'coach@example.com', t0);
    await store.admin.addSession('s3', 'other@example.com', t0);
    expect(await store.admin.touchSession('s1', at(60), 12 * HOUR)).toBe('coach@example.com');
    // s2 idle for 12 h and a minute: gone; s1, seen an hour in, still there at 12 h 30.
    expect(await store.admin.touchSession('s2', at(12 * 60 + 1), 12 * HOUR)).toBeUndefined();
    expect(await store.admin.touchSession('s1', at(12 * 60 + 30), 12 * HOUR)).toBe('coach@example.com');
    await store.admin.endSession('s1');
    expect(await store.admin.touchSession('s1', at(12 * 60 + 31), 12 * HOUR)).toBeUndefined();
    await store.admin.addSession('s4', 'coach@example.com', t0);
    await store.admin.addSession('s5', 'coach@example.com', t0);
    expect(await store.admin.endSessionsOf('coach@example.com')).toBe(2);
    expect(await store.admin.touchSession('s3', at(1), 12 * HOUR)).toBe('other@example.com');
  });

  it('forgetting a reader takes their address out of the audit log, and keeps the entries', async () => {
    const { store } = await db.fresh();
    await store.subscribers.importBatch([{ email: 'ana_b@example.org', firstName: 'Ana', timezone: null, consentAt: t0, consentSource: 'test' }], { now: t0 });
    await store.admin.audit({ actor: 'coach@example.com', action: 'reader.unsubscribe', detail: 'ana_b@example.org: 0 queued cancelled' }, at(1));
    await store.admin.audit({ actor: 'coach@example.com', action: 'reader.unsubscribe', detail: 'anaxb@example.org: no change' }, at(2));
    await store.subscribers.forget('ana_b@example.org', at(3));
    const details = (await store.admin.auditLog({ limit: 10, offset: 0 })).entries.map((e) => e.detail);
    // The underscore is taken literally: anaxb@… is someone else, and keeps their entry as it was.
    expect(details).toEqual(['anaxb@example.org: no change', '[a forgotten reader]: 0 queued cancelled']);
  });

  it('the audit log lists newest first, paged, with its total', async () => {
    const { store } = await db.fresh();
    for (let i = 0; i < 5; i++) await store.admin.audit({ actor: 'coach@example.com', action: 'sign-in', detail: `n${i}` }, at(i));
    const first = await store.admin.auditLog({ limit: 2, offset: 0 });
    expect(first.total).toBe(5);
    expect(first.entries.map((e) => e.detail)).toEqual(['n4', 'n3']);
    expect((await store.admin.auditLog({ limit: 2, offset: 4 })).entries.map((e) => [e.detail, e.at.toISOString()])).toEqual([['n0', t0.toISOString()]]);
  });

  it('reader search: address or name, any case, % _ and \\ literal, by status, paged newest first', async () => {
    const { store } = await db.fresh();
    const rows = [
      ['a_b@example.com', 'Ann'],
      ['axb@example.com', 'Bo'],
      ['p%q@example.com', null],
      ['back\\slash@example.com', 'Zed'],
      ['other@example.com', 'Annika'],
    ] as const;
    await store.subscribers.importBatch(
      rows.map(([email, firstName]) => ({ email, firstName, timezone: null, consentAt: t0, consentSource: 'test' })),
      { now: t0, seriesId: null },
    );
    const emails = async (query: string, extra: { status?: 'active' | 'unsubscribed'; limit?: number; offset?: number } = {}) =>
      (await store.readers.search({ query, limit: extra.limit ?? 10, offset: extra.offset ?? 0, status: extra.status })).readers.map((r) => r.email);
    expect(await emails('A_B')).toEqual(['a_b@example.com']);
    expect(await emails('%')).toEqual(['p%q@example.com']);
    expect(await emails('\\')).toEqual(['back\\slash@example.com']);
    expect(await emails('ann')).toEqual(['other@example.com', 'a_b@example.com']);
    const first = await store.readers.search({ limit: 2, offset: 0 });
    expect([first.total, first.readers.map((r) => r.email)]).toEqual([5, ['other@example.com', 'back\\slash@example.com']]);
    const axb = (await store.subscribers.findByEmail('axb@example.com'))!;
    await store.subscribers.unsubscribe(axb.id, t0);
    expect(await emails('', { status: 'unsubscribed' })).toEqual(['axb@example.com']);
    expect(await emails('example', { status: 'active', limit: 1, offset: 3 })).toEqual(['a_b@example.com']);
  });

  it('reader search by course step: enrolled, no lesson yet, or last lesson sent', async () => {
    const { store } = await db.fresh();
    await store.subscribers.importBatch(
      ['one@example.com', 'two@example.com', 'none@example.com'].map((email) => ({
        email,
        firstName: null,
        timezone: null,
        consentAt: t0,
        consentSource: 'test',
      })),
      { now: t0, seriesId: null },
    );
    const one = (await store.subscribers.findByEmail('one@example.com'))!;
    const two = (await store.subscribers.findByEmail('two@example.com'))!;
    await store.enrollments.enroll(one.id, 'coaching', t0);
    await store.enrollments.enroll(two.id, 'coaching', t0);
    await store.deliveries.enqueue([{ kind: 'lesson', subscriberId: one.id, seriesId: 'coaching', stepSlug: 'first', dueAt: t0 }], t0);
    const batch = await store.deliveries.claim({ owner: 'w', limit: 10, leaseMs: 60_000, now: at(1) });
    await store.deliveries.recordOutcomes(batch!.deliveries.map((d) => ({ id: d.id, status: 'sent' as const, providerId: 'p', at: at(1) })));
    const emails = async (course: { seriesId: string; stepSlug?: string | null }) =>
      (await store.readers.search({ course, limit: 10, offset: 0 })).readers.map((r) => r.email);
    expect(await emails({ seriesId: 'coaching' })).toEqual(['two@example.com', 'one@example.com']);
    expect(await emails({ seriesId: 'coaching', stepSlug: 'first' })).toEqual(['one@example.com']);
    expect(await emails({ seriesId: 'coaching', stepSlug: null })).toEqual(['two@example.com']);
    expect(await emails({ seriesId: 'other' })).toEqual([]);
  });
});
