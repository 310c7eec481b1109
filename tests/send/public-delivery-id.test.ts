import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { beforeAll, expect, it } from 'vitest';
import { loadProject, type Project } from '../../src/build/index.ts';
import { createOutboxTransport } from '../../src/deliver/index.ts';
import { buildCatalog, Worker, type Catalog } from '../../src/send/index.ts';
import { rowIdOf } from '../../src/tokens/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { tempProject } from '../support/project.ts';

/**
 * Issue 22 (6): what a sent message carries out names its delivery only opaquely. The
 * X-Coursemail-Delivery header is the delivery's public id, which this server (and only a
 * holder of the secret) maps back to the row; the Message-ID and the MIME boundary are keyed
 * digests, so neither the row id nor the install's seed can be read off the headers.
 */
const SERIES = 'physician-coaching';
const SECRET = 'p'.repeat(40);
const t0 = new Date('2026-12-02T15:00:00Z');

let project: Project;
let catalog: Catalog;
beforeAll(async () => {
  project = await loadProject(tempProject());
  catalog = await buildCatalog(project, [SERIES]);
});

forEachDatabase((db) => {
  it('the delivery header and Message-ID of sent messages hide the row id; the header maps back to the right delivery', async () => {
    const { store } = await db.fresh();
    const rows = ['ana', 'ben', 'cy'].map((n) => ({ email: `${n}@example.com`, firstName: n, timezone: 'UTC', consentAt: t0, consentSource: 'test' }));
    const ids = (await store.subscribers.importBatch(rows, { now: t0, seriesId: SERIES })).map((r) => (r.outcome === 'imported' ? r.id : ''));
    const slug = catalog.courses.get(SERIES)!.steps[0]!.slug;
    await store.deliveries.enqueue(
      ids.map((subscriberId) => ({ kind: 'lesson' as const, subscriberId, seriesId: SERIES, stepSlug: slug, stepNumber: 1, dueAt: t0 })),
      t0,
    );

    const dir = mkdtempSync(join(tmpdir(), 'cm-public-id-'));
    const seed = await store.messageIdSeed();
    const transport = createOutboxTransport({ dir, messageIdSeed: seed });
    const worker = new Worker({ store, transport, catalog, config: project.config, secret: SECRET, owner: 'w', clock: () => t0, kinds: ['lesson'] });
    expect(await worker.drain()).toMatchObject({ sent: 3, failed: 0 });

    const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(3);
    const seen = new Set<string>();
    for (const file of files) {
      const mail = await simpleParser(readFileSync(join(dir, file)));
      const to = mail.to && !Array.isArray(mail.to) ? mail.to.value[0]!.address! : '';
      const header = mail.headers.get('x-coursemail-delivery') as string;
      const rowId = rowIdOf(SECRET, 'delivery', header);
      expect(rowId).not.toBeNull();
      const delivery = await store.deliveries.getById(rowId!);
      // The header names the delivery of this very message, and nothing but the secret decodes it.
      expect(delivery).toMatchObject({ subscriberId: ids[rows.findIndex((r) => r.email === to)], status: 'sent' });
      expect(rowIdOf('q'.repeat(40), 'delivery', header)).toBeNull();
      expect(header).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(header).not.toBe(rowId);

      const local = /^<([^@]+)@/.exec(mail.messageId ?? '')?.[1] ?? '';
      expect(local).toMatch(/^[0-9a-f]{32}$/);
      expect(local.startsWith(`${rowId}.`)).toBe(false);
      expect(local).not.toContain(seed);
      // No header at all is the bare row id (the boundary and Message-ID were sha256/“id.seed” of it before).
      for (const h of mail.headerLines) expect(h.line.slice(h.line.indexOf(':') + 1).trim()).not.toBe(rowId);
      seen.add(local);
    }
    expect(seen.size).toBe(3);
    await transport.close();
  });
});
