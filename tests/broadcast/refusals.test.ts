import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { broadcastMessages, broadcastStatuses, loadBroadcast, planSend, runBroadcast, startSend } from '../../src/broadcast/index.ts';
import { loadProject } from '../../src/build/index.ts';
import { personalize } from '../../src/personalize/index.ts';
import { Worker } from '../../src/send/index.ts';
import { CoursemailError } from '../../src/shared/index.ts';
import { openStore } from '../../src/store/index.ts';
import { startFakeResend, type FakeResend } from '../support/fake-resend.ts';
import { realIdentity, runCli, tempProject } from '../support/project.ts';
import { duplicates, populate, recipientsOf, resendTo, SECRET, writeBroadcast } from './support.ts';

const t0 = new Date('2026-05-04T14:00:00Z');
let server: FakeResend | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a broadcast is refused before a single message goes out', () => {
  it('when the layout has lost its compliance footer (CLI and API)', { timeout: 60_000 }, async () => {
    const root = tempProject({ emails: true });
    const layout = join(root, 'emails/Layout.tsx');
    writeFileSync(layout, readFileSync(layout, 'utf8').replace('<ComplianceFooter footer={footer} />', ''));
    writeBroadcast(root, 'news');
    const store = await openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });
    await populate(store, t0, 50);
    server = await startFakeResend({ requestsPerSecond: null });

    const project = await loadProject(root);
    const draft = await loadBroadcast(project, 'news');
    expect(draft.built).toBeUndefined();
    expect(draft.checks.filter((c) => !c.ok).map((c) => c.rule)).toEqual(expect.arrayContaining(['disclaimer', 'crisis-line', 'unsubscribe']));
    const err = await startSend({ project, store }, draft, { now: t0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CoursemailError);
    expect((err as CoursemailError).code).toBe('broadcast.refused');
    expect((err as CoursemailError).message).toContain('not a single message went out');
    expect((err as CoursemailError).problems.map((p) => p.code)).toContain('compliance.disclaimer');
    await store.close();

    const cli = await runCli(['broadcast', 'send', 'broadcasts/news.md', '--yes', '--root', root]);
    expect(cli.code).toBe(1);
    expect(cli.out).toMatch(/guard: {6}✗ \d+ of 10 checks fail/);
    expect(cli.err).toContain('compliance: ');
    expect(server.requests).toHaveLength(0);
    const after = await openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });
    expect(await after.broadcasts.list()).toEqual([]);
    expect((await after.deliveries.counts(t0)).broadcasts).toEqual([]);
    await after.close();
  });
});

describe('a broadcast promising a link the config has no URL for', () => {
  it('is refused for a real send, naming file:line and the key to set; through the outbox it may go', { timeout: 60_000 }, async () => {
    const real = tempProject({
      config: (c) => {
        realIdentity(c);
        c.transport = 'resend';
      },
    });
    writeBroadcast(real, 'news', { body: 'A new article.\n\nRead [the guide](link:new-guide) today.' });
    const store = await openStore({ sqlitePath: join(real, 'data/coursemail.sqlite') });
    await populate(store, t0, 20);
    const project = await loadProject(real);
    const draft = await loadBroadcast(project, 'news');
    expect(draft.built).toBeDefined();
    const err = await startSend({ project, store }, draft, { now: t0 }).catch((e: unknown) => e);
    expect((err as CoursemailError).code).toBe('broadcast.links');
    expect((err as CoursemailError).problems).toEqual([
      {
        code: 'link.missing',
        file: 'broadcasts/news.md',
        line: 10,
        field: 'links.new-guide',
        message: 'link:new-guide has no URL, so it shows as plain text: set its URL in coursemail.config.json',
      },
    ]);
    expect(await store.broadcasts.list()).toEqual([]);
    await store.close();
    const cli = await runCli(['broadcast', 'send', 'broadcasts/news.md', '--dry-run', '--root', real]);
    expect(cli.code).toBe(1);
    expect(cli.err).toContain('broadcasts/news.md:10: link:new-guide has no URL');

    const outbox = tempProject();
    writeBroadcast(outbox, 'news', { body: 'A new article.\n\nRead [the guide](link:new-guide) today.' });
    const local = await loadProject(outbox);
    const outboxStore = await openStore({ sqlitePath: join(outbox, 'data/coursemail.sqlite') });
    const plan = await planSend({ project: local, store: outboxStore }, await loadBroadcast(local, 'news'), { now: t0 });
    await outboxStore.close();
    expect(plan.action.kind).toBe('start');
  });
});

describe('editing the file mid-send', () => {
  it('the same file resumes; an edited one is refused with a clear message unless --force-new, which cancels the rest of the old one', {
    timeout: 60_000,
  }, async () => {
    const root = tempProject();
    writeBroadcast(root, 'news');
    const store = await openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });
    const pop = await populate(store, t0, 300);
    server = await startFakeResend({ requestsPerSecond: null });
    const project = await loadProject(root);
    const ctx = { project, store };
    const draft = await loadBroadcast(project, 'news');
    const started = await startSend(ctx, draft, { now: t0 });
    if (started.outcome !== 'sending') throw new Error(started.outcome);
    const id = started.broadcast.id;

    // This process sends one batch, then the author edits the file.
    const messages = broadcastMessages(store);
    const transport = resendTo(server);
    const worker: Worker = new Worker({
      store,
      transport,
      catalog: { courses: new Map(), lesson: () => undefined, confirm: () => undefined },
      config: project.config,
      secret: SECRET,
      owner: 'first',
      clock: () => t0,
      broadcasts: messages.lookup,
      kinds: ['broadcast'],
      batchSize: 100,
      onBatch: () => worker.stop(),
    });
    await worker.runOnce();
    expect(server.received).toHaveLength(100);

    // Same content: a second start resumes the same broadcast, adding no copy.
    const again = await startSend(ctx, draft, { now: t0 });
    expect(again).toMatchObject({ outcome: 'sending', resumed: true, total: pop.all.size, broadcast: { id } });

    writeBroadcast(root, 'news', { body: 'An edited paragraph.' });
    const edited = await loadBroadcast(project, 'news');
    const plan = await planSend(ctx, edited, { now: t0 });
    expect(plan.action).toMatchObject({ kind: 'refused', code: 'broadcast.changed' });
    const refusal = (await startSend(ctx, edited, { now: t0 }).catch((e: unknown) => e)) as CoursemailError;
    expect(refusal.code).toBe('broadcast.changed');
    expect(refusal.message).toBe(
      `Refused: broadcasts/news.md has changed since broadcast ${id} was started (100 of ${pop.all.size} sent). Restore the version it was started with to resume it, or pass --force-new to send the edited file as a new broadcast to everyone (the earlier one’s unsent copies are cancelled).`,
    );
    expect((await broadcastStatuses({ root, store }, t0, 'news'))[0]).toMatchObject({ state: 'sending', changed: true, progress: { sent: 100 } });

    // Every process, this one or a fresh one, sends what was confirmed: the message stored with the broadcast.
    for (const m of [messages, broadcastMessages(store)]) {
      const entry = await m.lookup(id);
      if (typeof entry !== 'object') throw new Error(String(entry));
      const text = personalize(entry.compiled, { firstName: 'Ana', unsubscribeUrl: 'https://x.test/u', preferencesUrl: 'https://x.test/p' }).text;
      expect(text).not.toContain('An edited paragraph.');
      expect(text).toContain('A new article is out.');
    }

    const forced = await startSend(ctx, edited, { now: t0, forceNew: true });
    expect(forced).toMatchObject({ outcome: 'sending', total: pop.all.size, replaced: { broadcast: { id }, cancelled: pop.all.size - 100 } });
    if (forced.outcome !== 'sending') throw new Error(forced.outcome);
    expect((await store.broadcasts.getById(id))?.status).toBe('cancelled');
    const fresh = broadcastMessages(store);
    const last = await runBroadcast({
      store,
      transport,
      config: project.config,
      secret: SECRET,
      owner: 'second',
      clock: () => t0,
      messages: fresh,
      broadcastId: forced.broadcast.id,
    });
    expect(last).toMatchObject({ sent: pop.all.size, failed: 0 });
    expect(server.received).toHaveLength(100 + pop.all.size);
    expect(duplicates(server)).toBe(0);
    expect(server.received.slice(100).every((r) => r.email!.text!.includes('An edited paragraph.'))).toBe(true);
    expect(new Set(recipientsOf(server).slice(100))).toEqual(pop.all);
    await transport.close();
    await store.close();
  });
});

describe('a lookup that fails', () => {
  it('is not kept: the next copy reads the broadcast again', { timeout: 60_000 }, async () => {
    const root = tempProject();
    writeBroadcast(root, 'news');
    const store = await openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });
    await populate(store, t0, 20);
    const project = await loadProject(root);
    const started = await startSend({ project, store }, await loadBroadcast(project, 'news'), { now: t0 });
    if (started.outcome !== 'sending') throw new Error(started.outcome);
    let reads = 0;
    const messages = broadcastMessages({
      broadcasts: {
        ...store.broadcasts,
        messageOf: async (id) => {
          reads++;
          if (reads === 1) throw new Error('database away');
          return store.broadcasts.messageOf(id);
        },
      },
    });
    await expect(messages.lookup(started.broadcast.id)).rejects.toThrow('database away');
    const entry = await messages.lookup(started.broadcast.id);
    expect(typeof entry).toBe('object');
    // …and a success is kept: no third read.
    expect(await messages.lookup(started.broadcast.id)).toBe(entry);
    expect(reads).toBe(2);
    await store.close();
  });

  it('a broadcast without a stored message is refused, naming what to do', { timeout: 60_000 }, async () => {
    const root = tempProject();
    const store = await openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });
    const b = await store.broadcasts.create({ slug: 'old', contentHash: 'h', subject: 'Old', now: t0 });
    expect(await broadcastMessages(store).lookup(b.id)).toBe(
      `broadcast ${b.id} was started by a coursemail that did not store its message: cancel it and send broadcasts/old.md again with --force-new`,
    );
    await store.close();
  });
});
