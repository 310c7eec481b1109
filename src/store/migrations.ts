import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

/**
 * Schema by migrations, in code (no files to find at run time), applied on open. A new
 * migration is a new entry; an applied one is never edited.
 */
export function migrations(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return {
        '0001_initial': initial(dialect),
        '0002_lean_delivery_indexes': leanDeliveryIndexes(),
        '0021_install_value': installValue(),
        '0022_consent_log': consentLog(dialect),
        '0026_admin_sessions': adminSessions(dialect),
        '0027_signup_intent': signupIntent(),
        '0028_broadcast_drafts': broadcastDrafts(dialect),
        '0029_broadcast_message': broadcastMessage(),
      };
    },
  };
}

function initial(dialect: Dialect): Migration {
  // SQLite AUTOINCREMENT never reuses an id: a signed link to a forgotten subscriber must
  // not come to point at a newer one. Postgres sequences never reuse either.
  const id = dialect === 'sqlite' ? ('integer' as const) : ('serial' as const);
  const idColumn = (c: import('kysely').ColumnDefinitionBuilder) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey());
  const oneOf = (column: string, values: string[]) => sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);

  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('subscribers')
        .addColumn('id', id, idColumn)
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('email_hash', 'text', (c) => c.notNull().unique())
        .addColumn('first_name', 'text')
        .addColumn('timezone', 'text')
        .addColumn('status', 'text', (c) => c.notNull().check(oneOf('status', ['pending', 'active', 'unsubscribed', 'bounced', 'complained'])))
        .addColumn('consent_at', 'bigint')
        .addColumn('consent_source', 'text')
        .addColumn('confirm_nonce', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('subscribers_status').on('subscribers').columns(['status', 'id']).execute();

      await db.schema
        .createTable('enrollments')
        .addColumn('id', id, idColumn)
        .addColumn('subscriber_id', 'integer', (c) => c.notNull().references('subscribers.id').onDelete('cascade'))
        .addColumn('series_id', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('paused_at', 'bigint')
        .addColumn('paused_minutes', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('status', 'text', (c) => c.notNull().check(oneOf('status', ['active', 'completed', 'stopped'])))
        .addColumn('last_step_slug', 'text')
        .addColumn('last_sent_at', 'bigint')
        .addUniqueConstraint('enrollments_once', ['subscriber_id', 'series_id'])
        .execute();
      await db.schema.createIndex('enrollments_series').on('enrollments').columns(['series_id', 'status']).execute();

      await db.schema
        .createTable('broadcasts')
        .addColumn('id', id, idColumn)
        .addColumn('slug', 'text', (c) => c.notNull())
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('series_id', 'text')
        .addColumn('status', 'text', (c) => c.notNull().check(oneOf('status', ['draft', 'scheduled', 'sending', 'sent', 'cancelled'])))
        .addColumn('send_at', 'bigint')
        .addColumn('total', 'integer')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('started_at', 'bigint')
        .addColumn('finished_at', 'bigint')
        .execute();
      await db.schema.createIndex('broadcasts_slug').on('broadcasts').columns(['slug', 'id']).execute();

      await db.schema
        .createTable('deliveries')
        .addColumn('id', id, idColumn)
        .addColumn('kind', 'text', (c) => c.notNull().check(oneOf('kind', ['lesson', 'broadcast', 'confirm', 'test'])))
        .addColumn('subscriber_id', 'integer', (c) => c.references('subscribers.id').onDelete('set null'))
        .addColumn('to_email', 'text')
        .addColumn('series_id', 'text')
        .addColumn('step_slug', 'text')
        .addColumn('step_number', 'integer')
        .addColumn('broadcast_id', 'integer', (c) => c.references('broadcasts.id'))
        .addColumn('status', 'text', (c) => c.notNull().check(oneOf('status', ['queued', 'sending', 'sent', 'failed', 'cancelled'])))
        .addColumn('due_at', 'bigint', (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'bigint')
        .addColumn('batch_key', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('provider_id', 'text')
        .addColumn('sent_at', 'bigint')
        .addColumn('error', 'text')
        .addColumn('delivered_at', 'bigint')
        .addColumn('bounced_at', 'bigint')
        .addColumn('complained_at', 'bigint')
        .addColumn('provider_event', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      // At most once: one live lesson row per (subscriber, series, step) — a cancelled one
      // (unsubscribed, paused) may be replaced when they come back, it was never sent —
      // and one row per (broadcast, subscriber) whatever happens to it.
      await sql`create unique index deliveries_lesson_once on deliveries (subscriber_id, series_id, step_slug)
        where kind = 'lesson' and status <> 'cancelled'`.execute(db);
      await sql`create unique index deliveries_broadcast_once on deliveries (broadcast_id, subscriber_id)
        where kind = 'broadcast'`.execute(db);
      // A double submit of the sign-up form leaves one confirmation waiting, not two.
      await sql`create unique index deliveries_confirm_pending on deliveries (subscriber_id)
        where kind = 'confirm' and status in ('queued', 'sending')`.execute(db);
      await db.schema.createIndex('deliveries_due').on('deliveries').columns(['status', 'due_at']).execute();
      await db.schema.createIndex('deliveries_lease').on('deliveries').columns(['status', 'lease_until']).execute();
      await db.schema.createIndex('deliveries_batch').on('deliveries').column('batch_key').execute();
      await db.schema.createIndex('deliveries_subscriber').on('deliveries').columns(['subscriber_id', 'status']).execute();
      await db.schema.createIndex('deliveries_broadcast').on('deliveries').columns(['broadcast_id', 'status']).execute();
      await db.schema.createIndex('deliveries_provider').on('deliveries').column('provider_id').execute();

      await db.schema
        .createTable('suppressions')
        .addColumn('email_hash', 'text', (c) => c.primaryKey())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('webhook_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}

/**
 * Each delivery row is written three times (queued, sending, sent) and every index over a changed column is rewritten with it, so each index
 * holds only the rows its queries look for (partial on status). The claim names those statuses as literals (see claim.ts): a partial index is used
 * only when the query's own condition implies the index's, which a bound parameter cannot.
 */
function leanDeliveryIndexes(): Migration {
  return {
    async up(db: Kysely<any>) {
      for (const name of ['deliveries_due', 'deliveries_lease', 'deliveries_batch', 'deliveries_subscriber', 'deliveries_broadcast', 'deliveries_provider']) {
        await db.schema.dropIndex(name).execute();
      }
      await sql`create index deliveries_queue on deliveries (due_at) where status = 'queued'`.execute(db);
      await sql`create index deliveries_leased on deliveries (lease_until) where status = 'sending'`.execute(db);
      await sql`create index deliveries_batch on deliveries (batch_key) where batch_key is not null`.execute(db);
      // Per subscriber only: a subscriber has a handful of rows, so status need not be in the key.
      await sql`create index deliveries_subscriber on deliveries (subscriber_id)`.execute(db);
      // Status stays in this key: "anything left of broadcast B?" must not step over its sent rows.
      await sql`create index deliveries_broadcast on deliveries (broadcast_id, status) where broadcast_id is not null`.execute(db);
      await sql`create index deliveries_provider on deliveries (provider_id) where provider_id is not null`.execute(db);
    },
  };
}

/**
 * One row of values per database, drawn on first use (store.messageIdSeed), not here: a
 * database copied from a migrated template must still draw its own. With the delivery id,
 * the seed makes each Message-ID unique across installs and stable per delivery.
 */
function installValue(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('install')
        .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
        .addColumn('message_id_seed', 'text', (c) => c.notNull())
        .execute();
    },
  };
}

/**
 * The consent log: an append-only history per subscriber, erased with them. And re-sign-ups waiting for their confirmation, kept apart from
 * the subscriber's row so what someone asked for an unsubscribed address applies only when the inbox's owner presses the button.
 */
function consentLog(dialect: Dialect): Migration {
  const id = dialect === 'sqlite' ? ('integer' as const) : ('serial' as const);
  const idColumn = (c: import('kysely').ColumnDefinitionBuilder) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey());
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('consent_log')
        .addColumn('id', id, idColumn)
        .addColumn('subscriber_id', 'integer', (c) => c.notNull().references('subscribers.id').onDelete('cascade'))
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull().check(sql`event in ('signed-up', 'confirmed', 'unsubscribed', 're-subscribed', 'imported')`))
        .addColumn('detail', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('consent_log_subscriber').on('consent_log').columns(['subscriber_id', 'id']).execute();
      await db.schema
        .createTable('resignups')
        .addColumn('subscriber_id', 'integer', (c) => c.primaryKey().references('subscribers.id').onDelete('cascade'))
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('first_name', 'text')
        .addColumn('timezone', 'text')
        .addColumn('consent_source', 'text', (c) => c.notNull())
        .addColumn('client_hash', 'text')
        .addColumn('requested_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}

/**
 * The console (issue 26): single-use sign-in links bound to the asking browser, sessions
 * kept only as hashes (a copy of the database signs nobody in), and an append-only audit log.
 */
function adminSessions(dialect: Dialect): Migration {
  const id = dialect === 'sqlite' ? ('integer' as const) : ('serial' as const);
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('admin_sign_ins')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('browser_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .execute();
      await db.schema
        .createTable('admin_sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('admin_sessions_email').on('admin_sessions').column('email').execute();
      await db.schema
        .createTable('admin_audit')
        .addColumn('id', id, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .execute();
    },
  };
}

/**
 * Sign-ups' intent, stored (it was inferred from the newest confirmation row). Filled from
 * that same row, so a link mailed before the upgrade still enrolls in the series it named.
 */
function signupIntent(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('signup_intents')
        .addColumn('subscriber_id', 'integer', (c) => c.primaryKey().references('subscribers.id').onDelete('cascade'))
        .addColumn('series_id', 'text', (c) => c.notNull())
        .addColumn('requested_at', 'bigint', (c) => c.notNull())
        .addColumn('confirm_delivery_id', 'integer')
        .execute();
      await sql`insert into signup_intents (subscriber_id, series_id, requested_at, confirm_delivery_id)
        select d.subscriber_id, d.series_id, d.created_at, d.id from deliveries d
        where d.kind = 'confirm' and d.subscriber_id is not null and d.series_id is not null
          and not exists (select 1 from deliveries n
            where n.subscriber_id = d.subscriber_id and n.kind = 'confirm' and n.series_id is not null
              and (n.created_at > d.created_at or (n.created_at = d.created_at and n.id > d.id)))`.execute(db);
    },
  };
}

/**
 * Broadcasts written in the console (issue 26), kept in the database so every host serving
 * the console edits the same draft. `revision` counts saves: a save names the revision it
 * was made from, so two coaches editing at once never overwrite each other unseen.
 */
function broadcastDrafts(dialect: Dialect): Migration {
  const id = dialect === 'sqlite' ? ('integer' as const) : ('serial' as const);
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('broadcast_drafts')
        .addColumn('id', id, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('slug', 'text', (c) => c.notNull().unique())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('preheader', 'text', (c) => c.notNull())
        .addColumn('series_id', 'text')
        .addColumn('send_at', 'text')
        .addColumn('cta_text', 'text')
        .addColumn('cta_href', 'text')
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();
    },
  };
}

/** A broadcast keeps the message it was confirmed with, compiled: workers send it without rendering. */
function broadcastMessage(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('broadcasts').addColumn('message', 'text').execute();
    },
  };
}
