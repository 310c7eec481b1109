import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import {
  broadcastMessages,
  draftFileText,
  exportDraft,
  loadBroadcast,
  renderStoredDraft,
  runBroadcast,
  startSend,
  storedDraftSource,
} from '../../src/broadcast/index.ts';
import { loadProject } from '../../src/build/index.ts';
import { parseMessageFile } from '../../src/content/index.ts';
import { createOutboxTransport } from '../../src/deliver/index.ts';
import { openStore, type BroadcastDraftFields, type Store } from '../../src/store/index.ts';
import { subscriberLinks } from '../../src/tokens/index.ts';
import { tempProject } from '../support/project.ts';
import { SECRET } from './support.ts';

const t0 = new Date('2026-05-04T14:00:00Z');
const fields = (over: Partial<BroadcastDraftFields> = {}): BroadcastDraftFields => ({
  slug: 'spring-note',
  subject: 'News for {{#if firstName}}{{firstName}}{{else}}you{{/if}}: "spring" #1',
  preheader: 'A short note: nothing to do.',
  seriesId: null,
  sendAt: null,
  ctaText: null,
  ctaHref: null,
  body: '{{#if firstName}}Hi {{firstName}},{{else}}Hello,{{/if}}\r\n\r\nA new article is out.',
  ...over,
});

let stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.map((s) => s.close()));
  stores = [];
});

describe('a console draft is a broadcast file kept in the database', () => {
  it('stands for a broadcasts/<slug>.md text that the file parser reads back field for field', () => {
    const d = fields({ seriesId: 'physician-coaching', sendAt: '2026-06-01T09:00:00-05:00', ctaText: 'Read it: now', ctaHref: 'https://example.org/a?b=c#d' });
    const text = draftFileText(d);
    expect(text).not.toContain('\r');
    const { message, problems } = parseMessageFile(text, 'x.md', 'broadcast');
    expect(problems).toEqual([]);
    expect(message).toMatchObject({
      subject: d.subject,
      preheader: d.preheader,
      series: 'physician-coaching',
      sendAt: new Date('2026-06-01T14:00:00Z'),
      cta: { text: 'Read it: now', href: 'https://example.org/a?b=c#d' },
      body: '\n{{#if firstName}}Hi {{firstName}},{{else}}Hello,{{/if}}\n\nA new article is out.\n',
    });
  });

  it('cannot add a frontmatter key or a header line through a field: a typed line break is a problem, not a key', () => {
    const text = draftFileText(fields({ subject: 'Hello\nseries: other-course\nBcc: all@example.com', preheader: 'x\r\nsendAt: 2020-01-01T00:00:00Z' }));
    const { message, problems } = parseMessageFile(text, 'x.md', 'broadcast');
    expect(message).toBeUndefined();
    expect(problems.map((p) => [p.field, p.message])).toEqual([
      ['subject', 'subject must be one line'],
      ['preheader', 'preheader must be one line'],
    ]);
  });

  it('exports to broadcasts/<slug>.md as the same bytes (same hash), never over an existing file unless asked, and never outside broadcasts/', async () => {
    const root = tempProject();
    const project = await loadProject(root);
    const d = fields();
    expect(exportDraft(root, d, { overwrite: false })).toEqual({ written: 'broadcasts/spring-note.md' });
    expect((await loadBroadcast(project, 'spring-note')).hash).toBe(storedDraftSource(d).hash);
    expect(exportDraft(root, d, { overwrite: false })).toEqual({ exists: 'broadcasts/spring-note.md', same: true });
    const edited = fields({ body: 'Edited.' });
    expect(exportDraft(root, edited, { overwrite: false })).toEqual({ exists: 'broadcasts/spring-note.md', same: false });
    expect(readFileSync(join(root, 'broadcasts/spring-note.md'), 'utf8')).toBe(draftFileText(d));
    expect(exportDraft(root, edited, { overwrite: true })).toEqual({ written: 'broadcasts/spring-note.md' });
    expect(readFileSync(join(root, 'broadcasts/spring-note.md'), 'utf8')).toBe(draftFileText(edited));
    expect(readdirSync(join(root, 'broadcasts'))).toEqual(['spring-note.md']);
    for (const slug of ['../escape', 'a/b', 'Upper', '-lead', '', 'x'.repeat(65), 'dot.md']) {
      expect(() => exportDraft(root, fields({ slug }), { overwrite: true }), slug).toThrow(/not a usable name/);
    }
    expect(existsSync(join(root, 'escape.md'))).toBe(false);
  });

  it('is sent through the file broadcasts’ pipeline: a worker that never saw it sends the message stored with the broadcast, and an edit after the start changes nothing', async () => {
    const root = tempProject();
    const project = await loadProject(root);
    const store = await openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });
    stores.push(store);
    const readers = ['ann@example.com', 'bob@example.com', 'cara@example.com'];
    await store.subscribers.importBatch(
      readers.map((email) => ({ email, firstName: null, timezone: null, consentAt: t0, consentSource: 'test' })),
      { now: t0, seriesId: null },
    );
    const saved = await store.broadcastDrafts.create(fields(), 'coach@example.com', t0);
    if (!saved.ok) throw new Error('not saved');
    const draft = await renderStoredDraft(project, saved.draft);
    expect(draft.problems).toEqual([]);
    const started = await startSend({ project, store }, draft, { now: t0 });
    if (started.outcome !== 'sending') throw new Error(started.outcome);
    expect(started.broadcast.contentHash).toBe(storedDraftSource(saved.draft).hash);

    // Another process: no file in broadcasts/, nothing remembered; it sends the message stored with the broadcast.
    const outbox = createOutboxTransport({ dir: join(root, 'outbox') });
    const progress = await runBroadcast({
      store,
      transport: outbox,
      config: project.config,
      secret: SECRET,
      owner: 'w1',
      clock: () => t0,
      messages: broadcastMessages(store),
      broadcastId: started.broadcast.id,
      pollMs: 1,
    });
    expect([progress.sent, progress.failed]).toEqual([3, 0]);
    const mails = await Promise.all(readdirSync(join(root, 'outbox')).map((f) => simpleParser(readFileSync(join(root, 'outbox', f)))));
    expect(mails.map((m) => [m.to].flat()[0]?.text).sort()).toEqual(readers);
    for (const m of mails) {
      const reader = (await store.subscribers.findByEmail([m.to].flat()[0]!.text))!;
      expect(m.subject).toBe('News for you: "spring" #1');
      expect(m.text).toContain(project.config.postalAddress);
      expect(m.text).toContain(subscriberLinks(project.config.publicUrl, SECRET, reader.id).unsubscribeUrl);
    }

    await store.broadcastDrafts.update(saved.draft.id, fields({ body: 'Edited after the send started.' }), { revision: 1, by: 'coach@example.com', now: t0 });
    // What was confirmed is what the rest of the send carries: the message stored with the broadcast.
    expect(typeof (await broadcastMessages(store).lookup(started.broadcast.id))).not.toBe('string');
    const stored = (await store.broadcasts.messageOf(started.broadcast.id))!;
    expect(stored.text).toContain('A new article is out.');
    expect(`${stored.html}${stored.text}`).not.toContain('Edited after the send started.');
  });
});
