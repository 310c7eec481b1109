/**
 * `coursemail worker` as real processes, for the fault tests in tests/e2e/faults/: spawn
 * them against a project that sends through the fake Resend server, signal them (SIGKILL,
 * SIGSTOP/SIGCONT, SIGTERM), seed due deliveries, and read the database back with plain SQL.
 *
 * Every process spawned here is remembered until it exits; `killWorkers()` (call it in
 * afterEach) SIGKILLs whatever is left, stopped ones included, so a failed test leaves
 * nothing running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { startLocalPostgres, type LocalPostgres } from './embedded-postgres.ts';
import pg from 'pg';
import type { Store, StoreOptions } from '../../src/store/index.ts';
import { rowIdOf } from '../../src/tokens/index.ts';
import { REPO, realIdentity, runCli, tempProject } from './project.ts';

export const SECRET = 'fault-tests-secret-'.padEnd(40, 'x');
export const SERIES = 'physician-coaching';
export const FIRST_LESSON = { slug: 'what-coaching-is', step: 1 };

/**
 * The provider's id per delivery row, the row read back from each email's X-Coursemail-Delivery
 * (a public id under SECRET, as the webhooks' side would decode it); anything else throws.
 */
export function providerIdsByRow(received: { id: string; deliveryId: string | undefined }[]): Map<string, string> {
  return new Map(
    received.map((r) => {
      const row = rowIdOf(SECRET, 'delivery', r.deliveryId ?? '');
      if (row === null) throw new Error(`X-Coursemail-Delivery "${r.deliveryId}" is not a delivery's public id`);
      return [row, r.id];
    }),
  );
}

export interface WorkerProcess {
  readonly name: string;
  readonly pid: number;
  /** The bearer token it sends with: the fake server's `apiKey` on what it received. */
  readonly apiKey: string;
  readonly child: ChildProcess;
  out(): string;
  err(): string;
  /** Resolves when the process has exited (by code or signal). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly running: boolean;
  signal(sig: NodeJS.Signals): void;
  /** True if this process's pid is in the lease owner (`host:pid:…`). */
  owns(leaseOwner: string | null): boolean;
}

const live = new Set<WorkerProcess>();

export interface SpawnOptions {
  root: string;
  resendUrl: string;
  /** Postgres; without it the worker uses the project's SQLite file. */
  databaseUrl?: string;
  name: string;
  args?: string[];
  /** Extra environment, e.g. RESEND_TIMEOUT_MS. */
  env?: Record<string, string>;
}

/** `node bin/coursemail.mjs worker --root ROOT …ARGS`, with its own Resend key `re_NAME`. */
export function spawnWorker(opts: SpawnOptions): WorkerProcess {
  const apiKey = `re_${opts.name}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    COURSEMAIL_SECRET: SECRET,
    RESEND_API_KEY: apiKey,
    RESEND_BASE_URL: opts.resendUrl,
    NO_COLOR: '1',
    ...opts.env,
  };
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  else delete env.DATABASE_URL;
  const child = spawn(process.execPath, [join(REPO, 'bin/coursemail.mjs'), 'worker', '--root', opts.root, ...(opts.args ?? [])], {
    cwd: opts.root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let running = true;
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      running = false;
      live.delete(w);
      resolve({ code, signal });
    }),
  );
  const w: WorkerProcess = {
    name: opts.name,
    pid: child.pid!,
    apiKey,
    child,
    out: () => out,
    err: () => err,
    exited,
    get running() {
      return running;
    },
    signal(sig) {
      if (running) child.kill(sig);
    },
    owns: (owner) => owner !== null && owner.split(':')[1] === String(child.pid),
  };
  live.add(w);
  return w;
}

/** SIGKILLs every worker still running (SIGKILL ends a stopped process too) and waits for them. */
export async function killWorkers(): Promise<void> {
  const left = [...live];
  for (const w of left) w.signal('SIGKILL');
  await Promise.all(left.map((w) => w.exited));
}

/** A graceful stop: SIGTERM, then the exit code. */
export async function stopWorker(w: WorkerProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  w.signal('SIGTERM');
  return w.exited;
}

/** A temp project sending through Resend, with pacing far above what the tests send. */
export function resendProject(): string {
  return tempProject({
    config: (c) => {
      c.transport = 'resend';
      c.resend = { requestsPerSecond: 10_000 };
      realIdentity(c);
    },
  });
}

/** `coursemail build`, as a deployment runs before starting workers: they read their catalog from its output. */
export async function built(root: string): Promise<string> {
  const r = await runCli(['build', '--root', root]);
  if (r.code !== 0) throw new Error(`coursemail build failed: ${r.err}`);
  return root;
}

export { waitFor } from './wait.ts';

/**
 * `n` active subscribers (reader`first`… onwards) enrolled in the course, each with lesson 1 queued and due now:
 * `n` due deliveries. The scheduler will owe them nothing more for days (lesson 2 waits
 * 2 days after lesson 1), so the queue holds exactly these.
 */
export async function seedDueLessons(store: Store, n: number, now = new Date(), first = 0): Promise<void> {
  const page = 1000;
  for (let i = first; i < first + n; i += page) {
    const rows = Array.from({ length: Math.min(page, first + n - i) }, (_, j) => ({
      email: `reader${i + j}@example.com`,
      firstName: (i + j) % 3 === 0 ? null : `Reader${i + j}`,
      timezone: null,
      consentAt: now,
      consentSource: 'fault-test',
    }));
    const results = await store.subscribers.importBatch(rows, { now, seriesId: SERIES });
    const ids = results.flatMap((r) => (r.outcome === 'imported' ? [r.id] : []));
    if (ids.length !== rows.length) throw new Error(`seed: ${rows.length - ids.length} subscribers not imported`);
    await store.deliveries.enqueue(
      ids.map((subscriberId) => ({
        kind: 'lesson',
        subscriberId,
        seriesId: SERIES,
        stepSlug: FIRST_LESSON.slug,
        stepNumber: FIRST_LESSON.step,
        dueAt: new Date(now.getTime() - 60_000),
      })),
      now,
    );
  }
}

/** One read-only query against the test's database, outside the store: plain SQL, as an operator would check. */
export async function sqlRows<T>(options: StoreOptions, query: string): Promise<T[]> {
  if (options.databaseUrl) {
    const client = new pg.Client({ connectionString: options.databaseUrl });
    await client.connect();
    try {
      return (await client.query(query)).rows as T[];
    } finally {
      await client.end();
    }
  }
  const db = new BetterSqlite3(options.sqlitePath!, { readonly: true, timeout: 10_000 });
  try {
    return db.prepare(query).all() as T[];
  } finally {
    db.close();
  }
}

export interface DeliveryRow {
  id: string;
  status: string;
  error: string | null;
  providerId: string | null;
  leaseOwner: string | null;
  batchKey: string | null;
  attempts: number;
}

/** Every delivery row. */
export async function deliveryRows(options: StoreOptions): Promise<DeliveryRow[]> {
  type Raw = {
    id: number | string;
    status: string;
    error: string | null;
    provider_id: string | null;
    lease_owner: string | null;
    batch_key: string | null;
    attempts: number | string;
  };
  const raw = await sqlRows<Raw>(options, 'select id, status, error, provider_id, lease_owner, batch_key, attempts from deliveries order by id');
  return raw.map((r) => ({
    id: String(r.id),
    status: r.status,
    error: r.error,
    providerId: r.provider_id,
    leaseOwner: r.lease_owner,
    batchKey: r.batch_key,
    attempts: Number(r.attempts),
  }));
}

/** Rows per status, e.g. `{ sent: 950, sending: 50 }`, in one aggregate query: cheap enough to poll. */
export async function statusCounts(options: StoreOptions): Promise<Record<string, number>> {
  const raw = await sqlRows<{ status: string; n: number | string }>(options, 'select status, count(*) as n from deliveries group by status');
  return Object.fromEntries(raw.map((r) => [r.status, Number(r.n)]));
}

/** A Postgres of the test's own, for tests that stop and start it (the run's shared one must stay up). */
export type OwnPostgres = LocalPostgres;

export function startOwnPostgres(): Promise<OwnPostgres> {
  return startLocalPostgres({ name: 'own-pg', password: 'coursemail-faults' });
}
