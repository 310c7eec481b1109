import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore, type StoreOptions } from '../../src/store/index.ts';
import { duplicates, startFakeResend, type FakeResend } from '../support/fake-resend.ts';
import { runCli } from '../support/project.ts';
import { deliveryRows, killWorkers, resendProject, seedDueLessons, spawnWorker, statusCounts, stopWorker, waitFor } from '../support/worker-process.ts';

/**
 * A backup taken while a worker is sending, then the disk lost, then a restore: every
 * delivery still goes out exactly once. The batch in flight at the backup is in it as
 * claimed rows with their batch key, so the next worker reclaims them and resends under
 * that key, and the provider answers with what it sent the first time.
 */
const DUE = 300;

let server: FakeResend | undefined;
afterEach(async () => {
  await killWorkers();
  await server?.close();
  server = undefined;
  vi.unstubAllEnvs();
});

describe('backup and restore of the SQLite store', () => {
  it('a backup taken mid-send restores with no delivery lost or sent twice; restore refuses while a worker holds leases', { timeout: 90_000 }, async () => {
    vi.stubEnv('DATABASE_URL', undefined);
    const root = resendProject();
    const live = join(root, 'data/coursemail.sqlite');
    const options: StoreOptions = { sqlitePath: live };
    const store = await openStore(options);
    await seedDueLessons(store, DUE);
    await store.close();
    // Slow answers keep a batch in flight most of the time, so the backup lands inside one.
    server = await startFakeResend({ requestsPerSecond: null, keepEmails: false, faults: { delayMs: 300 } });
    const common = { root, resendUrl: server.url, args: ['--lease-ms', '6000', '--idle-ms', '100'] };

    const first = spawnWorker({ ...common, name: 'first' });
    const inFlight = () => server!.requests.find((r) => r.apiKey === first.apiKey && !r.answered);
    await waitFor(
      () => server!.received.length >= 100 && inFlight() !== undefined,
      'a batch in flight after the first sends',
      40_000,
      () => first.err(),
    );
    const keyInFlight = inFlight()!.idempotencyKey;
    // Frozen, not dead: it holds its leases while the backup is taken and the restore is tried.
    first.signal('SIGSTOP');

    const file = join(root, 'backups/mid-send.sqlite');
    const backup = await runCli(['backup', file, '--root', root]);
    expect(backup.err).toBe('');
    expect(backup.out).toContain(`${DUE} deliveries`);
    const inBackup = await deliveryRows({ sqlitePath: file });
    expect(inBackup.filter((r) => r.status === 'sending' && r.batchKey === keyInFlight).length).toBeGreaterThan(0);
    expect(inBackup.filter((r) => r.status === 'sent').length).toBeGreaterThan(0);
    expect(inBackup.filter((r) => r.status === 'sent').length).toBeLessThan(DUE);

    const refused = await runCli(['restore', file, '--root', root]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('holds leases');
    expect(await backupRefusesExisting(file, root)).toBe(true);

    // The box is lost: the worker with it, and the database files.
    first.signal('SIGKILL');
    await first.exited;
    for (const suffix of ['', '-wal', '-shm']) rmSync(live + suffix, { force: true });
    expect(existsSync(live)).toBe(false);

    const restored = await runCli(['restore', file, '--root', root]);
    expect(restored.err).toBe('');
    expect(restored.code).toBe(0);
    expect(await deliveryRows(options)).toEqual(inBackup);

    const second = spawnWorker({ ...common, name: 'second' });
    await waitFor(
      async () => (await statusCounts(options)).sent === DUE,
      `all ${DUE} sent`,
      60_000,
      async () => JSON.stringify(await statusCounts(options)),
    );
    expect(await stopWorker(second)).toEqual({ code: 0, signal: null });

    expect(server.countByDelivery().size).toBe(DUE);
    expect(duplicates(server)).toBe(0);
    expect(server.requests.some((r) => r.idempotencyKey === keyInFlight && r.apiKey === second.apiKey && r.result === 'replayed')).toBe(true);
  });

  it('says what to use with Postgres, and refuses a file that is not a coursemail store', async () => {
    const root = resendProject();
    vi.stubEnv('DATABASE_URL', 'postgres://u:p@127.0.0.1:1/db');
    const pg = await runCli(['backup', join(root, 'b.sqlite'), '--root', root]);
    expect(pg.code).toBe(1);
    expect(pg.err).toContain('pg_dump');
    vi.stubEnv('DATABASE_URL', undefined);
    const none = await runCli(['backup', join(root, 'b.sqlite'), '--root', root]);
    expect(none.err).toContain('nothing to back up');
    const bogus = join(root, 'coursemail.config.json');
    const notStore = await runCli(['restore', bogus, '--root', root]);
    expect(notStore.code).toBe(1);
    expect(notStore.err).toContain('is not a coursemail SQLite database');
  });
});

async function backupRefusesExisting(file: string, root: string): Promise<boolean> {
  const again = await runCli(['backup', file, '--root', root]);
  return again.code === 1 && again.err.includes('--force');
}
