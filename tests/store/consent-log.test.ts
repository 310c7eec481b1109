import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { expect, it } from 'vitest';
import type { StoreOptions } from '../../src/store/index.ts';
import { exportSubscribers } from '../../src/subscribers/index.ts';
import { forEachDatabase } from '../support/databases.ts';

const at = (minutes: number) => new Date(Date.UTC(2026, 11, 1, 12, minutes));

/** The subscriber's row exactly as the database holds it (every column, raw). */
async function rawRow(options: StoreOptions, email: string): Promise<unknown> {
  if (options.sqlitePath) {
    const db = new BetterSqlite3(options.sqlitePath, { readonly: true });
    try {
      return db.prepare('select * from subscribers where email = ?').get(email);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    return (await client.query('select * from subscribers where email = $1', [email])).rows[0];
  } finally {
    await client.end();
  }
}

forEachDatabase((db) => {
  it('one reader through sign-up, confirm, unsubscribe and re-sign-up: the row is untouched until the button, and the log exports in order', async () => {
    const { store, options } = await db.fresh();
    const first = await store.subscribers.createPending({
      email: 'ida@example.com',
      firstName: 'Ida',
      timezone: 'America/Chicago',
      consentSource: 'form:coaching',
      clientHash: 'client-a',
      now: at(0),
    });
    if (first.outcome !== 'created') throw new Error(first.outcome);
    const id = first.subscriber.id;
    await store.subscribers.activate(id, { now: at(1), nonce: first.subscriber.confirmNonce!, seriesId: 'coaching' });
    await store.subscribers.unsubscribe(id, at(2), 'one-click');
    const before = await rawRow(options, 'ida@example.com');

    // Anyone may type the address in again: nothing stored about Ida changes.
    const again = await store.subscribers.createPending({
      email: 'ida@example.com',
      firstName: 'Mallory',
      timezone: 'Asia/Tokyo',
      consentSource: 'form:coaching',
      clientHash: 'client-b',
      now: at(3),
    });
    expect(again.outcome).toBe('reopened');
    expect(await rawRow(options, 'ida@example.com')).toEqual(before);
    expect((await store.subscribers.dataHeld(id))!.consent.map((e) => e.event)).toEqual(['signed-up', 'confirmed', 'unsubscribed']);
    // A wrong nonce changes nothing either.
    expect((await store.subscribers.activate(id, { now: at(4), nonce: 'guess' })).outcome).toBe('used');
    expect(await rawRow(options, 'ida@example.com')).toEqual(before);

    // The inbox's owner presses the button: the new name and zone apply, both events are logged.
    const nonce = (await store.subscribers.getById(id))!.confirmNonce!;
    expect((await store.subscribers.activate(id, { now: at(5), nonce, seriesId: 'coaching' })).outcome).toBe('activated');
    expect(await store.subscribers.getById(id)).toMatchObject({
      status: 'active',
      firstName: 'Mallory',
      timezone: 'Asia/Tokyo',
      consentAt: at(5),
      confirmNonce: null,
    });

    let json = '';
    for await (const chunk of exportSubscribers(store, { email: 'ida@example.com', format: 'json' })) json += chunk;
    const [record] = JSON.parse(json) as { consent: { at: string; event: string; detail: Record<string, string> }[] }[];
    expect(record!.consent).toEqual([
      { at: at(0).toISOString(), event: 'signed-up', detail: { source: 'form:coaching', client: 'client-a' } },
      { at: at(1).toISOString(), event: 'confirmed', detail: { source: 'form:coaching' } },
      { at: at(2).toISOString(), event: 'unsubscribed', detail: { how: 'one-click' } },
      { at: at(3).toISOString(), event: 'signed-up', detail: { source: 'form:coaching', client: 'client-b' } },
      { at: at(5).toISOString(), event: 're-subscribed', detail: { source: 'form:coaching' } },
    ]);
    let csv = '';
    for await (const chunk of exportSubscribers(store, { format: 'csv' })) csv += chunk;
    expect(csv).toContain('consent');
    expect(csv).toMatch(/signed-up .*confirmed .*unsubscribed .*signed-up .*re-subscribed/);

    // Erasure takes the log with it; only the suppression hash stays.
    await store.subscribers.forget('ida@example.com', at(6));
    expect(await store.subscribers.dataHeld(id)).toBeNull();
    expect(await store.suppressions.isSuppressed('ida@example.com')).toBe(true);
  });

  it('bounced and complained addresses: a sign-up stores and queues nothing; imports log their file and row; bounces log how', async () => {
    const { store, options } = await db.fresh();
    const [bounced, complained] = await store.subscribers.importBatch(
      [
        { email: 'b@example.com', firstName: 'B', timezone: null, consentAt: at(0), consentSource: 'import:list.csv', origin: { file: 'list.csv', row: 2 } },
        { email: 'c@example.com', firstName: 'C', timezone: null, consentAt: at(0), consentSource: 'import:list.csv', origin: { file: 'list.csv', row: 3 } },
      ],
      { now: at(1) },
    );
    if (bounced?.outcome !== 'imported' || complained?.outcome !== 'imported') throw new Error('not imported');
    await store.subscribers.markBounced(bounced.id, at(2));
    await store.subscribers.markComplained(complained.id, at(2));
    await store.suppressions.remove('b@example.com');
    await store.suppressions.remove('c@example.com');
    const rows = [await rawRow(options, 'b@example.com'), await rawRow(options, 'c@example.com')];
    for (const email of ['b@example.com', 'c@example.com']) {
      expect((await store.subscribers.createPending({ email, firstName: 'X', timezone: null, consentSource: 'form:x', now: at(3) })).outcome).toBe(
        'suppressed',
      );
    }
    expect([await rawRow(options, 'b@example.com'), await rawRow(options, 'c@example.com')]).toEqual(rows);
    const held = await store.subscribers.dataHeld(bounced.id);
    expect(held!.deliveries).toEqual([]);
    expect(held!.consent).toEqual([
      { at: at(0), event: 'imported', detail: { source: 'import:list.csv', file: 'list.csv', row: 2, consent: 'given' } },
      { at: at(2), event: 'unsubscribed', detail: { how: 'bounce' } },
    ]);
    expect((await store.subscribers.dataHeld(complained.id))!.consent.at(-1)).toEqual({ at: at(2), event: 'unsubscribed', detail: { how: 'complaint' } });
  });
});
