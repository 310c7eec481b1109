import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { simpleParser } from 'mailparser';
import { expect, it } from 'vitest';
import { loadProject } from '../../src/build/index.ts';
import { createOutboxTransport } from '../../src/deliver/index.ts';
import { buildCatalog, Worker, type BatchSummary } from '../../src/send/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { tempProject } from '../support/project.ts';
import { sqlRows } from '../support/worker-process.ts';

const SECRET = 'h'.repeat(40);
const ZONE = 'America/Chicago';
const SERIES = 'physician-coaching';
const chicago = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toJSDate();
const local = (d: Date) => DateTime.fromJSDate(d, { zone: ZONE }).toFormat('ccc HH:mm');

/**
 * Lesson 2 falls due inside the 08:00–11:00 window and is queued, but the worker stops before
 * sending it and next claims at 11:30, after the window closed: it is not sent but put back for
 * the next opening, and goes then. A confirmation claimed in the same batch is not held.
 */
forEachDatabase((db) => {
  it('a lesson claimed after its window closed waits for the next opening; a confirmation beside it goes', async () => {
    const root = tempProject();
    const project = await loadProject(root);
    const { store, options } = await db.fresh();
    const lesson2 = async () => {
      const [row] = await sqlRows<{ id: number | string }>(
        options,
        "select id from deliveries where kind = 'lesson' and step_slug = 'what-the-evidence-shows'",
      );
      return store.deliveries.getById(String(row!.id));
    };
    const outbox = join(root, 'outbox');
    let now = chicago('2026-12-01T19:30'); // Tue, outside the window: lesson 1 (no delay) goes at once anyway
    const batches: BatchSummary[] = [];
    const worker = new Worker({
      store,
      transport: createOutboxTransport({ dir: outbox }),
      catalog: await buildCatalog(project),
      config: project.config,
      secret: SECRET,
      owner: 'hold',
      clock: () => now,
      onBatch: (b) => batches.push(b),
    });
    const mails = async () =>
      Promise.all(
        readdirSync(outbox)
          .filter((f) => f.endsWith('.eml'))
          .sort()
          .map(async (f) => simpleParser(readFileSync(join(outbox, f)))),
      );
    const created = await store.subscribers.createPending({ email: 'ana@example.com', firstName: 'Ana', timezone: ZONE, consentSource: 'test', now });
    if (created.outcome !== 'created') throw new Error(created.outcome);
    await store.subscribers.activate(created.subscriber.id, { now, seriesId: SERIES });
    await worker.runOnce();
    expect((await mails()).map((m) => local(m.date!))).toEqual(['Tue 19:30']);

    // Fri 08:00: lesson 2 (2 days later, moved into the window) is queued, then the worker stops.
    now = chicago('2026-12-04T08:00');
    expect(await worker.plan()).toBe(1);
    // Fri 11:30: it claims lesson 2 together with a new reader's confirmation.
    now = chicago('2026-12-04T11:30');
    const other = await store.subscribers.createPending({ email: 'bo@example.com', firstName: 'Bo', timezone: ZONE, consentSource: 'test', now });
    if (other.outcome !== 'created') throw new Error(other.outcome);
    expect(await store.subscribers.requestConfirmation(other.subscriber.id, { seriesId: SERIES, now, quietSince: now })).toBe(true);
    const late = await worker.runOnce();
    expect(late).toMatchObject({ sent: 1, held: 1 });
    expect(batches.at(-1)).toMatchObject({ sent: 1, held: 1 });
    const afterLate = await mails();
    expect(afterLate.map((m) => [m.to && 'text' in m.to ? m.to.text : '', local(m.date!)])).toEqual([
      ['ana@example.com', 'Tue 19:30'],
      ['bo@example.com', 'Fri 11:30'],
    ]);
    const held = await lesson2();
    expect(held).toMatchObject({ status: 'queued', leaseOwner: null, batchKey: null });
    expect(DateTime.fromJSDate(held!.dueAt, { zone: ZONE }).toFormat('ccc yyyy-LL-dd HH:mm')).toBe('Sat 2026-12-05 08:00');

    // Not before the window opens; at the opening it goes.
    now = chicago('2026-12-05T07:59');
    expect((await worker.runOnce()).sent).toBe(0);
    now = chicago('2026-12-05T08:00');
    expect((await worker.runOnce()).sent).toBe(1);
    const last = (await mails()).at(-1)!;
    expect(last.subject).toBe('What the trials of physician coaching found');
    expect(local(last.date!)).toBe('Sat 08:00');
    expect((await lesson2())?.status).toBe('sent');
  });
});
