import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/build/index.ts';
import { createOutboxTransport } from '../../src/deliver/index.ts';
import { buildCatalog, Worker } from '../../src/send/index.ts';
import { openStore } from '../../src/store/index.ts';
import { runCli, tempProject } from '../support/project.ts';
import { sqlRows } from '../support/worker-process.ts';

const SERIES = 'physician-coaching';
const ZONE = 'America/Chicago';
const HOUR = 3_600_000;
const SECRET = 'w'.repeat(40);

/**
 * `worker --once --now …` run every hour on the hour, as the README's "cron-friendly"
 * suggests, for a reader in Chicago who confirmed at 10:51: every lesson after the first
 * (which goes at confirmation) goes out inside the 08:00–11:00 window in their zone.
 */
describe('hourly `worker --once` passes keep lessons inside the send window', () => {
  let root: string;
  const saved = process.env.COURSEMAIL_SECRET;
  beforeAll(() => {
    process.env.COURSEMAIL_SECRET = SECRET;
    root = tempProject();
    // Three lessons a day apart: lesson 2 falls due at 10:51, nine minutes before the window closes.
    const dir = join(root, 'series', SERIES);
    for (const f of ['04-why-records-matter.md', '05-the-bottom-line.md']) rmSync(join(dir, f));
    for (const f of ['02-what-the-evidence-shows.md', '03-coaching-vs-therapy.md'])
      writeFileSync(join(dir, f), readFileSync(join(dir, f), 'utf8').replace(/^delay: .*$/m, 'delay: 1d'));
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.COURSEMAIL_SECRET;
    else process.env.COURSEMAIL_SECRET = saved;
  });

  it('sends lesson 1 at confirmation and the later ones in the next window, never after it closed', { timeout: 600_000 }, async () => {
    const confirmedAt = DateTime.fromISO('2026-12-01T10:51', { zone: ZONE }).toJSDate();
    const store = await openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });
    const [added] = await store.subscribers.importBatch(
      [{ email: 'late@example.com', firstName: 'Lee', timezone: ZONE, consentAt: confirmedAt, consentSource: 'test' }],
      { now: confirmedAt, seriesId: SERIES },
    );
    expect(added?.outcome).toBe('imported');
    await store.close();

    // Every hourly pass is the worker's own `runOnce` with the hour as its clock (what
    // `worker --once --now` runs); the two passes that decide lesson 2 go through the CLI itself.
    const project = await loadProject(root);
    const catalog = await buildCatalog(project);
    let now = confirmedAt;
    const passStore = await openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });
    const worker = new Worker({
      store: passStore,
      transport: createOutboxTransport({ dir: join(root, 'outbox') }),
      catalog,
      config: project.config,
      secret: SECRET,
      owner: 'hourly',
      clock: () => now,
    });
    const viaCli = new Set(['Wed 11:00', 'Thu 08:00']);
    const pass = async (at: Date) => {
      now = at;
      if (!viaCli.has(DateTime.fromJSDate(at, { zone: ZONE }).toFormat('ccc HH:mm'))) return worker.runOnce();
      const run = await runCli(['worker', '--once', '--now', at.toISOString(), '--root', root]);
      expect(run.code, run.err).toBe(0);
    };
    await pass(confirmedAt);
    const firstHour = Math.ceil(confirmedAt.getTime() / HOUR) * HOUR;
    for (let t = firstHour; t <= firstHour + 70 * HOUR; t += HOUR) await pass(new Date(t));
    await passStore.close();

    const rows = await sqlRows<{ step_slug: string; sent_at: number | string }>(
      { sqlitePath: join(root, 'data/coursemail.sqlite') },
      "select step_slug, sent_at from deliveries where kind = 'lesson' and status = 'sent' order by sent_at",
    );
    const local = rows.map((r) => ({ slug: r.step_slug, at: DateTime.fromMillis(Number(r.sent_at), { zone: ZONE }) }));
    expect(local.map((l) => l.slug)).toEqual(['what-coaching-is', 'what-the-evidence-shows', 'coaching-vs-therapy']);
    expect(local[0]!.at.toFormat('ccc HH:mm')).toBe('Tue 10:51');
    // Due Wed 10:51; the 11:00 pass found the window closed, so Thursday's 08:00 pass sent it.
    expect(local[1]!.at.toFormat('ccc HH:mm')).toBe('Thu 08:00');
    for (const later of local.slice(1)) expect(later.at.hour, later.at.toISO()!).toBeGreaterThanOrEqual(8);
    for (const later of local.slice(1)) expect(later.at.hour, later.at.toISO()!).toBeLessThan(11);
  });
});
