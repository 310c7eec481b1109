/**
 * SMTP has no webhooks: a permanent refusal of the recipient at send time is the hard
 * bounce, and suppresses the address the same way. Refusals that are about the sender or
 * the message (5.7.x policy) and temporary ones (4xx) suppress nothing.
 */
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadProject } from '../../src/build/index.ts';
import { createSmtpTransport } from '../../src/deliver/index.ts';
import { buildCatalog, Worker } from '../../src/send/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { tempProject } from '../support/project.ts';
import { startSmtpServer, type SmtpReply, type TestSmtpServer } from '../support/smtp.ts';

const SERIES = 'physician-coaching';
const NOW = new Date('2026-12-02T01:30:00Z');
const hours = (h: number) => new Date(NOW.getTime() + h * 3_600_000);

const REPLIES: Record<string, SmtpReply> = {
  'dead@example.com': { code: 550, message: '5.1.1 No such user here' },
  'gone@example.com': { code: 550, message: 'Mailbox unavailable' },
  'policy@example.com': { code: 554, message: '5.7.1 Message refused by policy' },
  'full@example.com': { code: 452, message: '4.2.2 Mailbox full, try later' },
};

let smtp: TestSmtpServer | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  await smtp?.close();
  store = smtp = undefined;
});

it('a 5xx refusal of the recipient marks the subscriber bounced and suppresses the address; policy and 4xx refusals do not', async () => {
  const root = tempProject();
  const project = await loadProject(root);
  const catalog = await buildCatalog(project, [SERIES]);
  store = await openStore({ sqlitePath: join(root, 'data/test.sqlite') });
  smtp = await startSmtpServer();
  smtp.refuse((to) => REPLIES[to]);
  const transport = createSmtpTransport({ host: smtp.host, port: smtp.port, pool: false });
  let now = NOW;
  const worker = new Worker({
    store,
    transport,
    catalog,
    config: project.config,
    secret: 's'.repeat(40),
    owner: 'smtp-worker',
    clock: () => now,
    broadcasts: async () => catalog.lesson(SERIES, catalog.courses.get(SERIES)!.steps[0]!.slug),
  });

  const ids: Record<string, string> = {};
  for (const email of [...Object.keys(REPLIES), 'ok@example.com']) {
    const r = await store.subscribers.createPending({ email, firstName: null, timezone: 'America/Chicago', consentSource: 'test', now });
    if (r.outcome !== 'created') throw new Error(r.outcome);
    await store.subscribers.activate(r.subscriber.id, { now, seriesId: SERIES });
    ids[email] = r.subscriber.id;
  }
  // A broadcast to everyone, due in an hour: queued while lesson 1 goes out now.
  const b = await store.broadcasts.create({ slug: 'news', contentHash: 'h', subject: 'News', sendAt: hours(1), now });
  await store.broadcasts.snapshotRecipients(b.id, { seriesId: null }, hours(1));

  await worker.runOnce();
  const status = async (email: string) => (await store!.subscribers.getById(ids[email]!))!.status;
  const rows = async (email: string) =>
    (await store!.subscribers.dataHeld(ids[email]!))!.deliveries
      .map((d) => [d.kind, d.status, d.error])
      .sort((a, b) => String(b[0]).localeCompare(String(a[0])));

  expect(await status('dead@example.com')).toBe('bounced');
  expect(await status('gone@example.com')).toBe('bounced');
  expect(await store.suppressions.isSuppressed('dead@example.com')).toBe(true);
  expect(await store.suppressions.isSuppressed('gone@example.com')).toBe(true);
  expect(await rows('dead@example.com')).toEqual([
    ['lesson', 'failed', '550 5.1.1 No such user here'],
    ['broadcast', 'cancelled', 'subscriber bounced'],
  ]);

  expect(await status('policy@example.com')).toBe('active');
  expect(await store.suppressions.isSuppressed('policy@example.com')).toBe(false);
  expect(await rows('policy@example.com')).toEqual([
    ['lesson', 'failed', '554 5.7.1 Message refused by policy'],
    ['broadcast', 'queued', null],
  ]);
  expect(await status('full@example.com')).toBe('active');
  expect(await rows('full@example.com')).toEqual([
    ['lesson', 'queued', '452 4.2.2 Mailbox full, try later'],
    ['broadcast', 'queued', null],
  ]);
  expect(await status('ok@example.com')).toBe('active');

  // The servers stop refusing; the broadcast goes, but never to the suppressed addresses.
  smtp.refuse(undefined);
  now = hours(2);
  await worker.runOnce();
  const got = (email: string) => smtp!.messages.filter((m) => m.to.includes(email)).length;
  expect(got('dead@example.com')).toBe(0);
  expect(got('gone@example.com')).toBe(0);
  expect(got('policy@example.com')).toBe(1);
  expect(got('ok@example.com')).toBe(2);
  await transport.close();
});
