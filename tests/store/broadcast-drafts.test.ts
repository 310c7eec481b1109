import { expect, it } from 'vitest';
import type { BroadcastDraftFields } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';

const t0 = new Date('2026-03-02T15:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const fields = (slug: string, over: Partial<BroadcastDraftFields> = {}): BroadcastDraftFields => ({
  slug,
  subject: 'A new article',
  preheader: 'Five minutes, nothing to do.',
  seriesId: null,
  sendAt: null,
  ctaText: null,
  ctaHref: null,
  body: 'Hello,\n\nA new article is out.\n',
  ...over,
});

forEachDatabase((db) => {
  it('a draft is created once per slug, read back by id and slug, and listed newest edit first', async () => {
    const { store } = await db.fresh();
    const a = await store.broadcastDrafts.create(
      fields('spring-note', { seriesId: 'physician-coaching', ctaText: 'Read it', ctaHref: 'link:article', sendAt: '2026-04-01T09:00:00-05:00' }),
      'coach@example.com',
      t0,
    );
    expect(a.ok).toBe(true);
    const b = await store.broadcastDrafts.create(fields('summer-note'), 'other@example.com', at(1));
    expect(await store.broadcastDrafts.create(fields('spring-note'), 'other@example.com', at(2))).toEqual({ ok: false, reason: 'slug-taken' });
    if (!a.ok || !b.ok) throw new Error('not created');
    expect(await store.broadcastDrafts.get(a.draft.id)).toEqual({
      ...fields('spring-note', { seriesId: 'physician-coaching', ctaText: 'Read it', ctaHref: 'link:article', sendAt: '2026-04-01T09:00:00-05:00' }),
      id: a.draft.id,
      revision: 1,
      createdAt: t0,
      createdBy: 'coach@example.com',
      updatedAt: t0,
      updatedBy: 'coach@example.com',
    });
    expect((await store.broadcastDrafts.getBySlug('summer-note'))?.id).toBe(b.draft.id);
    expect(await store.broadcastDrafts.getBySlug('nothing')).toBeNull();
    expect(await store.broadcastDrafts.get('not-an-id')).toBeNull();
    expect((await store.broadcastDrafts.list()).map((d) => d.slug)).toEqual(['summer-note', 'spring-note']);
  });

  it('a save names the revision it was made from: a second save from the same one is a conflict, and a taken slug is refused', async () => {
    const { store } = await db.fresh();
    const made = await store.broadcastDrafts.create(fields('note'), 'coach@example.com', t0);
    await store.broadcastDrafts.create(fields('taken'), 'coach@example.com', t0);
    if (!made.ok) throw new Error('not created');
    const id = made.draft.id;
    const [one, two] = await Promise.all([
      store.broadcastDrafts.update(id, fields('note', { subject: 'First' }), { revision: 1, by: 'coach@example.com', now: at(5) }),
      store.broadcastDrafts.update(id, fields('note', { subject: 'Second' }), { revision: 1, by: 'other@example.com', now: at(5) }),
    ]);
    expect([one, two].filter((r) => r.ok)).toHaveLength(1);
    expect([one, two].filter((r) => !r.ok)).toEqual([{ ok: false, reason: 'conflict' }]);
    const saved = (await store.broadcastDrafts.get(id))!;
    expect(saved.revision).toBe(2);
    expect(saved.updatedAt).toEqual(at(5));
    expect(['First', 'Second']).toContain(saved.subject);

    expect(await store.broadcastDrafts.update(id, fields('taken'), { revision: 2, by: 'coach@example.com', now: at(6) })).toEqual({
      ok: false,
      reason: 'slug-taken',
    });
    const renamed = await store.broadcastDrafts.update(id, fields('renamed', { body: 'New body\n' }), { revision: 2, by: 'other@example.com', now: at(7) });
    expect(renamed.ok && [renamed.draft.slug, renamed.draft.body, renamed.draft.revision, renamed.draft.updatedBy, renamed.draft.createdBy]).toEqual([
      'renamed',
      'New body\n',
      3,
      'other@example.com',
      'coach@example.com',
    ]);
    expect(await store.broadcastDrafts.update('999999', fields('x'), { revision: 1, by: 'coach@example.com', now: at(8) })).toEqual({
      ok: false,
      reason: 'missing',
    });
  });

  it('a removed draft is gone, and its slug free again', async () => {
    const { store } = await db.fresh();
    const made = await store.broadcastDrafts.create(fields('note'), 'coach@example.com', t0);
    if (!made.ok) throw new Error('not created');
    expect(await store.broadcastDrafts.remove(made.draft.id)).toBe(true);
    expect(await store.broadcastDrafts.remove(made.draft.id)).toBe(false);
    expect(await store.broadcastDrafts.get(made.draft.id)).toBeNull();
    expect((await store.broadcastDrafts.create(fields('note'), 'coach@example.com', at(1))).ok).toBe(true);
  });
});
