import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.ts';
import { runCli } from '../support/project.ts';

const now = new Date('2026-03-02T15:00:00Z');
let root: string | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  if (root) rmSync(root, { recursive: true, force: true });
  root = store = undefined;
});

async function setup() {
  root = mkdtempSync(join(tmpdir(), 'coursemail-suppressions-'));
  mkdirSync(join(root, 'data'));
  store = await openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });
  const ids: Record<string, string> = {};
  for (const email of ['ana@example.com', 'ben@example.com', 'cy@example.com']) {
    const r = await store.subscribers.createPending({ email, firstName: null, timezone: null, consentSource: 'test', now });
    if (r.outcome !== 'created') throw new Error(r.outcome);
    await store.subscribers.activate(r.subscriber.id, { now, seriesId: 'coaching' });
    ids[email] = r.subscriber.id;
  }
  await store.subscribers.markBounced(ids['ben@example.com']!, now);
  await store.subscribers.forget('cy@example.com', now);
  await store.deliveries.enqueue(
    [{ kind: 'lesson', subscriberId: ids['ana@example.com']!, seriesId: 'coaching', stepSlug: 'one', stepNumber: 1, dueAt: now }],
    now,
  );
  return { store, root, ids };
}

it('list shows each suppression with its reason, by address where one is still held', async () => {
  const { root } = await setup();
  const { code, out } = await runCli(['suppressions', 'list', '--root', root]);
  expect(code).toBe(0);
  const lines = out.split('\n');
  expect(lines).toHaveLength(2);
  expect(lines).toContainEqual(expect.stringMatching(/^2026-03-02 {2}bounced\s+ben@example\.com$/));
  expect(lines).toContainEqual(expect.stringMatching(/\(erased; hash [0-9a-f]{12}…\)$/));
  // Bare `suppressions` lists too.
  expect((await runCli(['suppressions', '--root', root])).out).toBe(out);
});

it('add suppresses the address and cancels what was queued for it; a second add says so', async () => {
  const { store, root, ids } = await setup();
  const r = await runCli(['suppressions', 'add', ' Ana@Example.com ', '--root', root]);
  expect(r).toMatchObject({ code: 0, out: 'Ana@example.com is suppressed: nothing more will be sent to it.' });
  expect(await store.suppressions.isSuppressed('ana@example.com')).toBe(true);
  expect((await store.subscribers.dataHeld(ids['ana@example.com']!))!.deliveries.map((d) => d.status)).toEqual(['cancelled']);
  expect((await runCli(['suppressions', 'add', 'ana@example.com', '--root', root])).out).toBe('ana@example.com was already suppressed.');
  expect((await runCli(['suppressions', 'list', '--root', root])).out).toMatch(/manual\s+ana@example\.com/);
});

it('add refuses what is not an address', async () => {
  const { root } = await setup();
  const r = await runCli(['suppressions', 'add', 'not-an-address', '--root', root]);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/"not-an-address" is not an address coursemail can use/);
});

it('remove needs --yes and says the person must have asked to return', async () => {
  const { store, root } = await setup();
  const refused = await runCli(['suppressions', 'remove', 'ben@example.com', '--root', root]);
  expect(refused.code).toBe(1);
  expect(refused.err).toContain('only if that person asked to receive mail again');
  expect(refused.err).toContain('--yes');
  expect(await store.suppressions.isSuppressed('ben@example.com')).toBe(true);

  const done = await runCli(['suppressions', 'remove', 'ben@example.com', '--yes', '--root', root]);
  expect(done.code).toBe(0);
  expect(done.out).toContain('on the understanding that they asked to return');
  expect(done.out).toContain('sign up again and confirm');
  expect(await store.suppressions.isSuppressed('ben@example.com')).toBe(false);
  // Not re-subscribed by this: still bounced until they sign up again.
  expect((await store.subscribers.findByEmail('ben@example.com'))!.status).toBe('bounced');
  expect((await runCli(['suppressions', 'remove', 'ben@example.com', '--yes', '--root', root])).out).toBe('ben@example.com was not suppressed.');
});
