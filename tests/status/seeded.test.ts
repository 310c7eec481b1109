/**
 * The status report, the CLI's JSON and the /status page against the database itself: a
 * seeded course in every delivery state, each figure recounted with plain SQL.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStatusPage } from '../../src/server/preview/status-page.ts';
import { startHttpServer } from '../../src/server/http.ts';
import { readStatus, type Figures, type StatusReport } from '../../src/status/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { runCli } from '../support/project.ts';

const t0 = new Date('2026-04-01T12:00:00Z');
const t1 = new Date(t0.getTime() + 86_400_000);
const NOW = new Date(t1.getTime() + 2 * 3_600_000);
const at = (base: Date, minutes: number) => new Date(base.getTime() + minutes * 60_000);

let root: string;
let store: Store;
let report: StatusReport;

async function seed(store: Store) {
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) {
    const r = await store.subscribers.createPending({ email: `r${i}@example.com`, firstName: null, timezone: null, consentSource: 'test', now: t0 });
    if (r.outcome !== 'created') throw new Error(r.outcome);
    await store.subscribers.activate(r.subscriber.id, { now: t0, seriesId: 'coaching' });
    ids.push(r.subscriber.id);
  }
  const lesson = (slug: string, step: number, subscriberId: string, dueAt: Date) => ({
    kind: 'lesson' as const,
    subscriberId,
    seriesId: 'coaching',
    stepSlug: slug,
    stepNumber: step,
    dueAt,
  });
  const event = (eventId: string, providerId: string, effect: 'delivered' | 'delayed' | 'bounce' | 'complaint', when: Date) =>
    store.deliveries.applyProviderEvent({ eventId, type: `email.${effect}`, providerId, at: when, effect });

  // Lesson 1 to all twelve: nine accepted, three refused.
  await store.deliveries.enqueue(
    ids.map((id) => lesson('one', 1, id, t0)),
    t0,
  );
  const one = (await store.deliveries.claim({ owner: 'seed', limit: 100, leaseMs: 60_000, now: t0 }))!.deliveries;
  await store.deliveries.recordOutcomes(
    one.map((d, i) =>
      i < 9 ? { id: d.id, status: 'sent' as const, providerId: `p1-${i}`, at: t0 } : { id: d.id, status: 'failed' as const, reason: 'rejected', at: t0 },
    ),
  );
  for (let i = 0; i < 6; i++) await event(`e-d${i}`, `p1-${i}`, 'delivered', at(t0, 5));
  await event('e-b6', 'p1-6', 'bounce', at(t0, 6));
  await event('e-c7', 'p1-7', 'complaint', at(t0, 7));
  await event('e-y8', 'p1-8', 'delayed', at(t0, 8));

  // Lesson 2: four due tomorrow (three go, one still in flight), two scheduled later.
  await store.deliveries.enqueue(
    [...ids.slice(0, 4).map((id) => lesson('two', 2, id, t1)), ...ids.slice(4, 6).map((id) => lesson('two', 2, id, at(t1, 3 * 1440)))],
    t0,
  );
  const two = (await store.deliveries.claim({ owner: 'seed', limit: 100, leaseMs: 60_000, now: t1, kinds: ['lesson'] }))!.deliveries;
  expect(two).toHaveLength(4);
  await store.deliveries.recordOutcomes(two.slice(0, 3).map((d, i) => ({ id: d.id, status: 'sent' as const, providerId: `p2-${i}`, at: t1 })));
  await event('e-2d0', 'p2-0', 'delivered', at(t1, 1));

  // Three leave: after lesson 2, with lesson 2 still to come, and before lesson 1 went.
  await store.subscribers.unsubscribe(ids[1]!, at(t1, 10));
  await store.subscribers.unsubscribe(ids[4]!, at(t1, 10));
  await store.subscribers.unsubscribe(ids[9]!, at(t1, 10));

  // A broadcast to who is left: three go (one complaint), one refused, three still due.
  const b = await store.broadcasts.create({ slug: 'spring-news', contentHash: 'h', subject: 'Spring news', now: t1 });
  await store.broadcasts.snapshotRecipients(b.id, { seriesId: null }, at(t1, 20));
  const sent = (await store.deliveries.claim({ owner: 'seed', limit: 4, leaseMs: 60_000, now: at(t1, 21), kinds: ['broadcast'] }))!.deliveries;
  await store.deliveries.recordOutcomes(
    sent.map((d, i) =>
      i < 3
        ? { id: d.id, status: 'sent' as const, providerId: `pb-${i}`, at: at(t1, 21) }
        : { id: d.id, status: 'failed' as const, reason: 'rejected', at: at(t1, 21) },
    ),
  );
  await event('e-bd0', 'pb-0', 'delivered', at(t1, 25));
  await event('e-bc1', 'pb-1', 'complaint', at(t1, 26));

  // Lesson 3 for the first reader, due an hour before the report.
  await store.deliveries.enqueue([lesson('three', 3, ids[0]!, at(t1, 60))], t1);
}

/** Every figure for the rows matching `where`, counted straight from the table. */
function recount(db: Database.Database, where: string, params: unknown[]): Omit<Figures, 'unsubscribed'> {
  const n = (cond: string) =>
    db
      .prepare(`select count(*) from deliveries where ${where} and ${cond}`)
      .pluck()
      .get(...params) as number;
  return {
    sent: n(`status = 'sent'`),
    delivered: n('delivered_at is not null'),
    bounced: n('bounced_at is not null'),
    complained: n('complained_at is not null'),
    failed: n(`status = 'failed'`),
    due: n(`status = 'queued' and due_at <= ${NOW.getTime()}`),
    scheduled: n(`status = 'queued' and due_at > ${NOW.getTime()}`),
    sending: n(`status = 'sending'`),
    cancelled: n(`status = 'cancelled'`),
  };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'coursemail-status-'));
  mkdirSync(join(root, 'data'));
  store = await openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });
  await seed(store);
  report = await readStatus(store, NOW);
});
afterAll(async () => {
  await store.close();
  rmSync(root, { recursive: true, force: true });
});

describe('status figures equal the counts in the database', () => {
  it('per lesson, every figure; unsubscribed = readers whose last lesson it was', () => {
    const db = new Database(join(root, 'data/coursemail.sqlite'), { readonly: true });
    try {
      const slugs = db.prepare(`select distinct step_slug from deliveries where kind = 'lesson' order by step_number`).pluck().all();
      const lessons = report.series.find((s) => s.seriesId === 'coaching')!.lessons;
      expect(lessons.map((l) => l.stepSlug)).toEqual(slugs);
      for (const l of lessons) {
        const { stepNumber: _n, stepSlug: _s, ...figures } = l;
        const left = db
          .prepare(
            `select count(*) from enrollments e join subscribers s on s.id = e.subscriber_id where e.series_id = 'coaching' and e.last_step_slug = ? and s.status = 'unsubscribed'`,
          )
          .pluck()
          .get(l.stepSlug);
        expect(figures, l.stepSlug).toEqual({
          ...recount(db, `kind = 'lesson' and series_id = 'coaching' and step_slug = ?`, [l.stepSlug]),
          unsubscribed: left,
        });
      }
      const before = db
        .prepare(`select count(*) from enrollments e join subscribers s on s.id = e.subscriber_id where e.last_step_slug is null and s.status = 'unsubscribed'`)
        .pluck()
        .get();
      expect(report.series[0]!.unsubscribedBeforeFirstLesson).toBe(before);
      // The scenario really covers every state.
      const one = lessons[0]!;
      expect([one.sent, one.delivered, one.bounced, one.complained, one.failed, one.unsubscribed]).toEqual([9, 6, 1, 1, 3, 1]);
      expect(lessons[1]).toMatchObject({ sent: 3, sending: 1, cancelled: 1, scheduled: 1, unsubscribed: 1 });
      expect(lessons[2]).toMatchObject({ due: 1 });
    } finally {
      db.close();
    }
  });

  it('per broadcast, and the totals, subscribers and complaint rate', () => {
    const db = new Database(join(root, 'data/coursemail.sqlite'), { readonly: true });
    try {
      const [b] = report.broadcasts;
      const { broadcastId, slug, subject, status, recipients, unsubscribed, ...figures } = b!;
      expect(figures).toEqual(recount(db, 'kind = ? and broadcast_id = ?', ['broadcast', Number(broadcastId)]));
      expect([slug, subject, recipients, unsubscribed]).toEqual(['spring-news', 'Spring news', 7, null]);
      expect(figures).toMatchObject({ sent: 3, failed: 1, complained: 1 });

      const { unsubscribed: people, ...total } = report.total;
      expect(total).toEqual(recount(db, `kind in ('lesson', 'broadcast') and 1 = ?`, [1]));
      const byStatus = Object.fromEntries(
        db
          .prepare('select status, count(*) as n from subscribers group by status')
          .all()
          .map((r) => [(r as { status: string }).status, (r as { n: number }).n]),
      );
      expect(people).toBe(byStatus.unsubscribed);
      expect(Object.fromEntries(Object.entries(report.subscribers).filter(([, n]) => n > 0))).toEqual(byStatus);
      const complained = db.prepare('select count(*) from deliveries where complained_at is not null').pluck().get() as number;
      const delivered = db.prepare('select count(*) from deliveries where delivered_at is not null').pluck().get() as number;
      expect(report.complaintRate).toMatchObject({ complained, of: delivered, basis: 'delivered', rate: complained / delivered, level: 'over' });
    } finally {
      db.close();
    }
  });

  it('`coursemail status --json` prints the same report; the table prints the same numbers', async () => {
    expect(process.env.DATABASE_URL).toBeUndefined();
    const json = await runCli(['status', '--root', root, '--json', '--now', NOW.toISOString()]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual(JSON.parse(JSON.stringify(report)));
    const table = await runCli(['status', '--root', root, '--now', NOW.toISOString()]);
    expect(table.code).toBe(0);
    const one = report.series[0]!.lessons[0]!;
    expect(table.out).toMatch(
      new RegExp(`1\\. one\\s+${one.sent}\\s+${one.delivered}\\s+${one.bounced}\\s+${one.complained}\\s+${one.unsubscribed}\\s+${one.failed}\\s+${one.due}\\n`),
    );
    expect(table.out).toContain('OVER THE LIMIT');
  });

  it('the /status page shows the same numbers', async () => {
    const server = await startHttpServer(createStatusPage({ store, clock: () => NOW }));
    try {
      const res = await fetch(`${server.url}/`);
      expect(res.status).toBe(200);
      const page = await res.text();
      for (const l of report.series[0]!.lessons) {
        const row = new RegExp(`<tr data-step="${l.stepSlug}">(.*?)</tr>`, 's').exec(page)?.[1] ?? '';
        const shown = Object.fromEntries([...row.matchAll(/data-col="(\w+)">([^<]*)</g)].map((m) => [m[1], m[2]]));
        expect(shown, l.stepSlug).toEqual({
          sent: String(l.sent),
          delivered: String(l.delivered),
          bounced: String(l.bounced),
          complained: String(l.complained),
          unsubscribed: String(l.unsubscribed),
          failed: String(l.failed),
          due: String(l.due),
        });
      }
      expect(page).toMatch(/data-broadcast="spring-news"/);
      expect(page).toMatch(/data-testid="complaint-rate" data-level="over"/);
      expect(page).not.toMatch(/\bopened\b|\bclicked\b/);
    } finally {
      await server.close();
    }
  });
});
