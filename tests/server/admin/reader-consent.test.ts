import { expect, it } from 'vitest';
import { forEachDatabase } from '../../support/databases.ts';
import { signedInConsole, tableRows } from './support.ts';

const at = (minutes: number) => new Date(Date.UTC(2026, 10, 2, 9, minutes, 30));

forEachDatabase((db) => {
  it('a reader’s page lists their consent log in order: sign-up with its hashed client, confirm, unsubscribe and how, re-sign-up', async () => {
    const { store } = await db.fresh();
    const con = await signedInConsole(store);
    const first = await store.subscribers.createPending({
      email: 'ida@example.com',
      firstName: 'Ida',
      timezone: null,
      consentSource: 'form:coaching',
      clientHash: 'k3yedHashOfClient-A',
      now: at(0),
    });
    if (first.outcome !== 'created') throw new Error(first.outcome);
    const id = first.subscriber.id;
    await store.subscribers.activate(id, { now: at(1), nonce: first.subscriber.confirmNonce!, seriesId: 'coaching' });
    await store.subscribers.unsubscribe(id, at(2), 'one-click');
    await store.subscribers.createPending({
      email: 'ida@example.com',
      firstName: 'Ida',
      timezone: null,
      consentSource: 'embed:coaching',
      clientHash: 'k3yedHashOfClient-B',
      now: at(3),
    });
    await store.subscribers.activate(id, { now: at(4), nonce: (await store.subscribers.getById(id))!.confirmNonce!, seriesId: 'coaching' });

    const page = await con.request(`/admin/readers/${id}`);
    expect(page.status).toBe(200);
    const client = (h: string) => `client: ${h} (a keyed hash of the network address; the address itself is not kept)`;
    expect(tableRows(await page.text(), 'consent-log')).toEqual([
      ['2026-11-02 09:00:30', 'signed-up', 'form:coaching', client('k3yedHashOfClient-A')],
      ['2026-11-02 09:01:30', 'confirmed', 'form:coaching', '—'],
      ['2026-11-02 09:02:30', 'unsubscribed', '—', 'how: one-click'],
      ['2026-11-02 09:03:30', 'signed-up', 'embed:coaching', client('k3yedHashOfClient-B')],
      ['2026-11-02 09:04:30', 're-subscribed', 'embed:coaching', '—'],
    ]);
  });

  it('an imported reader’s log names the file and line; a bounce says so', async () => {
    const { store } = await db.fresh();
    const con = await signedInConsole(store);
    const [row] = await store.subscribers.importBatch(
      [{ email: 'jo@example.com', firstName: 'Jo', timezone: null, consentAt: at(0), consentSource: 'import:list.csv', origin: { file: 'list.csv', row: 7 } }],
      { now: at(1) },
    );
    if (row?.outcome !== 'imported') throw new Error(row?.outcome);
    await store.subscribers.markBounced(row.id, at(5));
    expect(tableRows(await (await con.request(`/admin/readers/${row.id}`)).text(), 'consent-log')).toEqual([
      ['2026-11-02 09:00:30', 'imported', 'import:list.csv', 'file: list.csv; line 7; consent: given'],
      ['2026-11-02 09:05:30', 'unsubscribed', '—', 'how: bounce'],
    ]);
  });
});
