import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../src/build/index.ts';
import { createOutboxTransport } from '../../src/deliver/index.ts';
import { buildCatalog, Worker } from '../../src/send/index.ts';
import { openStore } from '../../src/store/index.ts';
import { tempProject } from '../support/project.ts';

/**
 * A message the transport refuses outright (its floor: a valid single address, both parts,
 * the one-click headers) must not hold the rest of its batch hostage, nor come back every
 * time its lease expires: it fails, with the transport's reason, and the others go.
 */
describe('a message the transport refuses', () => {
  it('fails alone with the reason; the rest of its batch is sent; nothing is left leased or queued', async () => {
    const root = tempProject();
    const project = await loadProject(root);
    const dbPath = join(root, 'data/test.sqlite');
    const store = await openStore({ sqlitePath: dbPath });
    const now = new Date('2026-12-02T15:00:00Z');
    const ids: string[] = [];
    for (const email of ['ana@example.com', 'ben@example.com', 'cy@example.com']) {
      const created = await store.subscribers.createPending({ email, firstName: null, timezone: 'America/New_York', consentSource: 'test', now });
      if (created.outcome !== 'created') throw new Error(created.outcome);
      await store.subscribers.activate(created.subscriber.id, { now, seriesId: 'physician-coaching' });
      ids.push(created.subscriber.id);
    }
    // An address that got past validation some other way (an old import, a hand edit).
    const raw = new BetterSqlite3(dbPath);
    raw.prepare('update subscribers set email = ? where id = ?').run('ben at example.com', Number(ids[1]));
    raw.close();

    const outbox = join(root, 'outbox');
    const worker = new Worker({
      store,
      transport: createOutboxTransport({ dir: outbox }),
      catalog: await buildCatalog(project),
      config: project.config,
      secret: 's'.repeat(40),
      owner: 'test-worker',
      clock: () => now,
    });
    const summary = await worker.runOnce();
    expect(summary.sent).toBe(2);
    expect(summary.failed).toBe(1);
    expect(readdirSync(outbox).filter((f) => f.endsWith('.eml'))).toHaveLength(2);

    const check = new BetterSqlite3(dbPath, { readonly: true });
    const rows = check.prepare('select subscriber_id, status, error, lease_owner from deliveries order by subscriber_id').all() as {
      subscriber_id: number;
      status: string;
      error: string | null;
      lease_owner: string | null;
    }[];
    check.close();
    expect(rows.map((r) => r.status)).toEqual(['sent', 'failed', 'sent']);
    expect(rows[1]!.error).toContain('"ben at example.com" is not a single valid address');
    expect(rows.every((r) => r.lease_owner === null)).toBe(true);
    // A second pass finds nothing to do: the refused message does not come back.
    expect((await worker.runOnce()).batches).toBe(0);
    await store.close();
  });
});
