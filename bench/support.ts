import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { DEFAULT_SQLITE_PATH, emailHash } from '../src/store/index.ts';
import { startLocalPostgres } from '../tests/support/embedded-postgres.ts';
import { realIdentity } from '../tests/support/identity.ts';

/** Shared by the suites: child processes, the fake Resend server in its own process, bulk seeding. */

export const REPO = new URL('..', import.meta.url).pathname;
export const SECRET = 'bench-secret-'.padEnd(40, 'x');
export const MB = 2 ** 20;
/** `--quick`: every suite at small sizes, to try the bench itself in a minute or two. */
export const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export const loadPerCore = () => loadavg()[0]! / cpus().length;
export const k = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1000 ? `${n / 1000}k` : String(n));

/**
 * Spawns `bench/child.ts MODE …args` and resolves with the JSON it prints last. A child
 * started with `--wait-go` prints `ready` once set up and starts on `go()`, so several
 * workers begin at the same moment whatever their start-up time.
 */
export function runChild<T>(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  nodeArgs: string[] = [],
): { child: ChildProcess; ready: Promise<void>; go(): void; result: Promise<T> } {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(REPO, 'bench/child.ts'), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const result = new Promise<T>((resolve, reject) => {
    let last = '';
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('{')) last = line;
      else if (line.trim() === 'ready') onReady();
    });
    child.once('exit', (code) => {
      if (code === 0 && last) resolve(JSON.parse(last) as T);
      else reject(new Error(`bench child ${args[0]} exited with ${code}`));
    });
  });
  return { child, ready, go: () => child.stdin!.write('go\n'), result };
}

/**
 * A project for the real CLI under `dir`: the repo's config sending through Resend (paced at
 * 10,000 requests/s, i.e. not at all at these rates), its series, and the SQLite file the
 * worker opens by default. Returns the root and that database's path, to seed.
 */
export function cliProject(dir: string, name: string): { root: string; sqlitePath: string } {
  const root = join(dir, `project-${name}`);
  mkdirSync(root, { recursive: true });
  const config = JSON.parse(readFileSync(join(REPO, 'coursemail.config.json'), 'utf8')) as Record<string, unknown>;
  config.transport = 'resend';
  config.resend = { requestsPerSecond: 10_000 };
  // A real send refuses the example's placeholder identity (src/config/identity.ts).
  realIdentity(config);
  writeFileSync(join(root, 'coursemail.config.json'), JSON.stringify(config, null, 2));
  symlinkSync(join(REPO, 'series'), join(root, 'series'));
  const sqlitePath = join(root, DEFAULT_SQLITE_PATH);
  mkdirSync(dirname(sqlitePath), { recursive: true });
  return { root, sqlitePath };
}

/**
 * CPU time (user + system, ms) of each thread of a process, from /proc/PID/task/TID/stat;
 * empty if the process is gone. Fields 14 and 15 count clock ticks (USER_HZ, 100 a second
 * on Linux), after the command name, which may itself hold spaces.
 */
export function threadCpuMs(pid: number): Map<string, number> {
  const cpu = new Map<string, number>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return cpu;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpu.set(tid, (Number(f[11]) + Number(f[12])) * 10);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return cpu;
}

export interface ServerStats {
  /** Emails accepted (an idempotent replay adds none). */
  received: number;
  /** Delivery ids received more than once. */
  duplicates: number;
  /** Requests answered 200 with new emails, and their arrival times (epoch ms), in order. */
  acceptedAt: number[];
  /** Requests refused 429. */
  refused429: number;
}

export interface FakeServer {
  url: string;
  stats(): Promise<ServerStats>;
  /** CPU time the server process has used so far (ms, all its threads). */
  cpuMs(): number;
  close(): void;
}

/** The fake Resend server (tests/support/fake-resend.ts) in a process of its own, so it does not share the sender's event loop. */
export async function serverProcess(requestsPerSecond: number | null): Promise<FakeServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'bench/child.ts'), 'serve', String(requestsPerSecond ?? 'none')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: Interface = createInterface({ input: child.stdout! });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`fake Resend server exited (${code})`));
      child.once('exit', onExit);
      lines.once('line', (line) => {
        child.off('exit', onExit);
        resolve(line.trim());
      });
    });
  const url = await next();
  return {
    url,
    async stats() {
      const answer = next();
      child.stdin!.write('stats\n');
      return JSON.parse(await answer) as ServerStats;
    },
    cpuMs: () => [...threadCpuMs(child.pid!).values()].reduce((a, b) => a + b, 0),
    close: () => child.kill(),
  };
}

/** RSS and heap high-water marks of this process, sampled every 20 ms. */
export function memorySampler() {
  let rss = process.memoryUsage.rss();
  let heap = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    rss = Math.max(rss, process.memoryUsage.rss());
    heap = Math.max(heap, process.memoryUsage().heapUsed);
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      rss = Math.max(rss, process.memoryUsage.rss());
      heap = Math.max(heap, process.memoryUsage().heapUsed);
      return { peakRss: rss, peakHeap: heap };
    },
  };
}

export type Db = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };
export const dbArg = (db: Db) => (db.kind === 'sqlite' ? `sqlite:${db.path}` : db.url);
export const parseDb = (arg: string): Db => (arg.startsWith('sqlite:') ? { kind: 'sqlite', path: arg.slice(7) } : { kind: 'postgres', url: arg });

export interface SeedOptions {
  subscribers: number;
  /** Enroll every subscriber in this series, started at `startedAt` (lesson 1 then due at once). */
  enrollIn?: string;
  now: Date;
}

/**
 * Active subscribers `reader1@example.com` … in one INSERT … SELECT (and their enrollments
 * in another): the store's own import path costs ~20 s per 100k, which would dominate the
 * run without being what is measured. The schema must already exist (openStore migrates).
 */
export async function seed(db: Db, o: SeedOptions): Promise<void> {
  const t = o.now.getTime();
  if (db.kind === 'sqlite') {
    const d = new BetterSqlite3(db.path);
    d.pragma('journal_mode = WAL');
    d.function('bench_email_hash', { deterministic: true }, (email: unknown) => emailHash(String(email)));
    d.transaction(() => {
      d.prepare(
        `with recursive n(i) as (select 1 union all select i + 1 from n where i < ?)
         insert into subscribers (email, email_hash, first_name, timezone, status, consent_at, consent_source, created_at, updated_at)
         select 'reader' || i || '@example.com', bench_email_hash('reader' || i || '@example.com'),
                case when i % 3 = 0 then null else 'Reader' || i end, null, 'active', ?, 'bench', ?, ?
         from n`,
      ).run(o.subscribers, t, t, t);
      if (o.enrollIn) {
        d.prepare(`insert into enrollments (subscriber_id, series_id, started_at, paused_minutes, status) select id, ?, ?, 0, 'active' from subscribers`).run(
          o.enrollIn,
          t,
        );
      }
    })();
    d.pragma('wal_checkpoint(TRUNCATE)');
    d.exec('analyze');
    d.close();
    return;
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query(
      `insert into subscribers (email, email_hash, first_name, timezone, status, consent_at, consent_source, created_at, updated_at)
       select e, encode(sha256(convert_to(e, 'UTF8')), 'hex'), case when i % 3 = 0 then null else 'Reader' || i end, null, 'active', $2, 'bench', $2, $2
       from generate_series(1, $1::int) i, lateral (select 'reader' || i || '@example.com' as e) x`,
      [o.subscribers, t],
    );
    if (o.enrollIn) {
      await client.query(
        `insert into enrollments (subscriber_id, series_id, started_at, paused_minutes, status) select id, $1, $2, 0, 'active' from subscribers`,
        [o.enrollIn, t],
      );
    }
    await client.query('analyze');
  } finally {
    await client.end();
  }
}

/** A throwaway Postgres (the `embedded-postgres` package), durability off as in the tests; `stop` deletes it. */
export async function startPostgres(): Promise<{
  url: (database: string) => string;
  createDatabase(name: string): Promise<void>;
  dropDatabase(name: string): Promise<void>;
  quiet(): Promise<void>;
  stop(): Promise<void>;
}> {
  const server = await startLocalPostgres({ name: 'bench-pg', password: 'coursemail-bench', flags: ['-c', 'max_wal_size=4GB'] });
  // Before a measured window: no autovacuum of an earlier case's million rows running beside it.
  const quiet = async (limitMs = 120_000) => {
    const client = new pg.Client({ connectionString: server.url('postgres') });
    await client.connect();
    try {
      for (const until = Date.now() + limitMs; Date.now() < until; await new Promise((r) => setTimeout(r, 1000))) {
        const { rows } = await client.query(`select count(*)::int as n from pg_stat_activity where backend_type = 'autovacuum worker'`);
        if (rows[0].n === 0) return;
      }
    } finally {
      await client.end();
    }
  };
  // dropDatabase: a finished case's database goes at once, so its autovacuum (1M rows updated) does not run beside the next case.
  return { url: server.url, createDatabase: server.createDatabase, dropDatabase: server.dropDatabase, quiet, stop: server.close };
}
