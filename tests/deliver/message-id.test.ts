import { simpleParser } from 'mailparser';
import { expect, it } from 'vitest';
import { composeMime } from '../../src/deliver/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { sampleMessage } from './sample.ts';

const messageIdOf = async (seed: string, over = {}) => (await simpleParser(await composeMime(sampleMessage(1, over), seed))).messageId;

forEachDatabase((db) => {
  it('two fresh stores give delivery 1 different Message-IDs; one store gives a retry the same one, after reopening too', async () => {
    const a = await db.fresh();
    const b = await db.fresh();
    const seedA = await a.store.messageIdSeed();
    const seedB = await b.store.messageIdSeed();
    expect(seedA).toMatch(/^[0-9a-f]{24}$/);
    expect(seedA).not.toBe(seedB);

    const first = await messageIdOf(seedA);
    // Opaque: neither the delivery id nor the install's seed can be read off it.
    expect(first).toMatch(/^<[0-9a-f]{32}@coach\.example\.com>$/);
    expect(first).not.toContain('delivery-1');
    expect(first).not.toContain(seedA);
    expect(await messageIdOf(seedB)).not.toBe(first);
    // Another delivery under the same seed gets its own.
    expect(await messageIdOf(seedA, { id: 'delivery-2' })).not.toBe(first);
    // A retry: another date, the same delivery, the store opened again.
    const reopened = await db.open(a.options);
    expect(await messageIdOf(await reopened.messageIdSeed(), { date: new Date('2025-03-09T09:00:00Z') })).toBe(first);
  });
});
