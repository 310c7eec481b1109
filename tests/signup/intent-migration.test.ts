import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { openStore, type StoreOptions } from '../../src/store/index.ts';
import { migrations } from '../../src/store/migrations.ts';
import { confirmUrl } from '../../src/tokens/index.ts';
import { requestedSeries } from '../../src/signup/index.ts';
import { forEachDatabase, type DatabaseKind } from '../support/databases.ts';
import { formPost, harness, SECRET, SERIES } from '../server/public/support.ts';

/** An empty database (no schema at all), so the test chooses which migrations run. */
async function emptyDatabase(kind: DatabaseKind): Promise<StoreOptions> {
  if (kind === 'sqlite') return { sqlitePath: join(mkdtempSync(join(tmpdir(), 'coursemail-intent-')), 'old.sqlite') };
  const info = inject('postgres');
  const name = `cm_intent_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ ...info, database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)} TEMPLATE template0`).finally(() => admin.end());
  return { databaseUrl: `postgres://${info.user}:${encodeURIComponent(info.password)}@${info.host}:${info.port}/${name}` };
}

const t0 = Date.parse('2026-12-02T01:00:00Z');

/**
 * The schema as it was before `0027_signup_intent`, with what sign-ups left then: a reader who
 * first asked for another course, then for this one (two confirmation rows), and a reader
 * whose only confirmation went out three minutes before the upgrade.
 */
async function oldStore(kind: DatabaseKind, options: StoreOptions) {
  const db = new Kysely<any>({
    dialect:
      kind === 'sqlite'
        ? new SqliteDialect({ database: new BetterSqlite3(options.sqlitePath!) })
        : new PostgresDialect({ pool: new pg.Pool({ connectionString: options.databaseUrl }) }),
  });
  try {
    const { error } = await new Migrator({ db, provider: migrations(kind) }).migrateTo('0026_admin_sessions');
    if (error) throw error;
    const reader = (email: string, nonce: string) => ({
      email,
      email_hash: `hash-${email}`,
      status: 'pending',
      consent_source: `form:${SERIES}`,
      confirm_nonce: nonce,
      created_at: t0,
      updated_at: t0,
    });
    const [ann, bo] = await db
      .insertInto('subscribers')
      .values([reader('ann@example.com', 'ann-nonce'), reader('bo@example.com', 'bo-nonce')])
      .returning('id')
      .execute();
    const confirm = (subscriber_id: number, series_id: string, at: number) => ({
      kind: 'confirm',
      subscriber_id,
      series_id,
      status: 'sent',
      due_at: at,
      created_at: at,
      sent_at: at,
    });
    await db
      .insertInto('deliveries')
      .values([confirm(ann!.id, 'sleep-basics', t0), confirm(ann!.id, SERIES, t0 + 20 * 60_000), confirm(bo!.id, SERIES, t0 + 27 * 60_000)])
      .execute();
    return { ann: String(ann!.id), bo: String(bo!.id) };
  } finally {
    await db.destroy();
  }
}

describe.each(['sqlite', 'postgres'] as const)('a sign-up made before 0027_signup_intent, on %s', (kind) => {
  it('is still confirmed after the upgrade, into the series its latest email named, and its cooldown still holds', async () => {
    const options = await emptyDatabase(kind);
    const { ann, bo } = await oldStore(kind, options);
    const store = await openStore(options);
    try {
      const h = await harness({ store });
      h.now = new Date(t0 + 30 * 60_000);
      expect(await store.subscribers.signUpIntent(ann)).toEqual({ seriesId: SERIES, requestedAt: new Date(t0 + 20 * 60_000) });

      const link = new URL(confirmUrl('http://localhost', SECRET, ann, 'ann-nonce', new Date(t0))).pathname;
      const pressed = await h.app.request(link, formPost({ confirm: '1' }));
      expect(pressed.status).toBe(200);
      expect(await pressed.text()).toContain('You are in');
      expect((await store.enrollments.listForSubscriber(ann)).map((e) => e.seriesId)).toEqual([SERIES]);

      // Bo's email went three minutes ago: asking for a fresh link sends nothing yet…
      const boLink = new URL(confirmUrl('http://localhost', SECRET, bo, 'bo-nonce', new Date(t0))).pathname;
      const confirms = async () => (await store.subscribers.dataHeld(bo))!.deliveries.filter((d) => d.kind === 'confirm').length;
      expect((await h.app.request(boLink, formPost({ fresh: '1' }))).status).toBe(200);
      expect(await confirms()).toBe(1);
      // …and once the cooldown is over, one for the same series.
      h.advance(10);
      expect((await h.app.request(boLink, formPost({ fresh: '1' }))).status).toBe(200);
      const held = (await store.subscribers.dataHeld(bo))!.deliveries.filter((d) => d.kind === 'confirm');
      expect(held.map((d) => d.seriesId)).toEqual([SERIES, SERIES]);
    } finally {
      await store.close();
    }
  });
});

forEachDatabase((db) => {
  it('a confirmation queued in bulk (`subscribers add` and import) stores the intent too, and erasure removes it', async () => {
    const { store } = await db.fresh();
    const now = new Date(t0);
    const r = await store.subscribers.createPending({ email: 'cy@example.com', firstName: null, timezone: null, consentSource: 'cli', now });
    if (r.outcome !== 'created') throw new Error(r.outcome);
    const lesson = { kind: 'lesson' as const, subscriberId: r.subscriber.id, seriesId: 'sleep-basics', stepSlug: 'one', stepNumber: 1, dueAt: now };
    await store.deliveries.enqueue([lesson, { kind: 'confirm', subscriberId: r.subscriber.id, seriesId: SERIES, dueAt: now }], now);
    expect(await store.subscribers.signUpIntent(r.subscriber.id)).toEqual({ seriesId: SERIES, requestedAt: now });
    const activated = await store.subscribers.activate(r.subscriber.id, {
      now,
      seriesId: await requestedSeries(store.subscribers, r.subscriber.id),
      nonce: r.subscriber.confirmNonce!,
    });
    expect(activated.outcome === 'activated' && activated.enrollment?.seriesId).toBe(SERIES);
    // Erasure takes the intent with the reader.
    await store.subscribers.forget('cy@example.com', now);
    expect(await store.subscribers.signUpIntent(r.subscriber.id)).toBeNull();
  });
});
