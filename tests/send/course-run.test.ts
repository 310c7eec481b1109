import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../src/build/index.ts';
import { createOutboxTransport } from '../../src/deliver/index.ts';
import { buildCatalog, Worker } from '../../src/send/index.ts';
import { openStore } from '../../src/store/index.ts';
import { FIXTURE, tempProject } from '../support/project.ts';

const SECRET = 's'.repeat(40);

async function setup() {
  const root = tempProject();
  const project = await loadProject(root);
  const store = await openStore({ sqlitePath: join(root, 'data/test.sqlite') });
  const outbox = join(root, 'outbox');
  let now = new Date('2026-12-02T01:30:00Z'); // Tue 2026-12-01 19:30 in Chicago
  const worker = new Worker({
    store,
    transport: createOutboxTransport({ dir: outbox }),
    catalog: await buildCatalog(project),
    config: project.config,
    secret: SECRET,
    owner: 'test-worker',
    clock: () => now,
  });
  const created = await store.subscribers.createPending({
    email: 'ana@example.com',
    firstName: 'Ana',
    timezone: 'America/Chicago',
    consentSource: 'test',
    now,
  });
  if (created.outcome !== 'created') throw new Error(created.outcome);
  const id = created.subscriber.id;
  await store.subscribers.activate(id, { now, seriesId: 'physician-coaching' });
  const advance = async (until: Date, stepMinutes = 30) => {
    while (now < until) {
      await worker.runOnce();
      now = new Date(now.getTime() + stepMinutes * 60_000);
    }
  };
  const emails = async () =>
    Promise.all(
      readdirSync(outbox)
        .filter((f) => f.endsWith('.eml'))
        .sort()
        .map(async (f) => simpleParser(readFileSync(join(outbox, f)))),
    );
  return { root, store, worker, advance, emails, id, getNow: () => now };
}

describe('a full course run through the outbox', () => {
  it('one subscriber, simulated clock over 11 days: exactly 5 lessons, in order, at the expected local times', async () => {
    const { advance, emails, store } = await setup();
    await advance(new Date('2026-12-13T06:00:00Z'));
    const mails = await emails();
    expect(mails).toHaveLength(5);
    const local = mails.map((m) => DateTime.fromJSDate(m.date!).setZone('America/Chicago').toFormat('ccc yyyy-LL-dd HH:mm'));
    expect(local).toEqual(['Tue 2026-12-01 19:30', 'Fri 2026-12-04 08:00', 'Sun 2026-12-06 08:00', 'Wed 2026-12-09 08:00', 'Sat 2026-12-12 08:00']);
    const subjects = mails.map((m) => m.subject);
    const manifestSubjects = readdirSync(join(FIXTURE, 'series/physician-coaching')).filter((f) => f.endsWith('.md')).length;
    expect(subjects).toHaveLength(manifestSubjects);
    expect(subjects[0]).toBe('What physician coaching is, and what it is not');
    expect(subjects[4]).toBe('The bottom line: which kind of support do you need?');
    for (const m of mails) {
      expect(m.to && 'text' in m.to ? m.to.text : '').toBe('ana@example.com');
      expect(m.text).toContain('Hi Ana,');
      expect(m.text).toContain('call or text 988');
      expect(m.html).toContain('988lifeline.org');
      const line = (key: string) => (m.headerLines.find((h) => h.key === key)?.line ?? '').replace(/\r\n\s+/g, ' ');
      expect(line('list-unsubscribe')).toMatch(/^List-Unsubscribe: <http:\/\/localhost:3000\/u\/[\w-]+\.[\w-]+>$/);
      expect(line('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    }
    const enrollment = await store.enrollments.get((await store.subscribers.findByEmail('ana@example.com'))!.id, 'physician-coaching');
    expect(enrollment!.status).toBe('completed');
    await store.close();
  });

  it('unsubscribing mid-course stops every later lesson', async () => {
    const { advance, emails, store, id, getNow } = await setup();
    await advance(new Date('2026-12-04T15:00:00Z')); // lessons 1 and 2 gone
    expect(await emails()).toHaveLength(2);
    await store.subscribers.unsubscribe(id, getNow());
    await advance(new Date('2026-12-14T00:00:00Z'));
    expect(await emails()).toHaveLength(2);
    await store.close();
  });

  it('running the worker twice at the same instant sends nothing twice', async () => {
    const { worker, emails, store } = await setup();
    await worker.runOnce();
    await worker.runOnce();
    expect(await emails()).toHaveLength(1);
    await store.close();
  });
});
