import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/index.ts';
import { isMain, printFigures, type Figure } from './report.ts';
import { QUICK, runChild, seed, serverProcess, type Db } from './support.ts';

const LIMITED_SECONDS = QUICK ? 5 : 20;
const LIMITED_RPS = 5;
const SERIES = 'physician-coaching';

export interface WorkResult {
  sent: number;
  failed: number;
  retried: number;
  batches: number;
  ms: number;
  planMs: number;
  startedAt: number;
  endedAt: number;
  baseRss: number;
  baseHeap: number;
  peakRss: number;
  peakHeap: number;
}

/** A fresh SQLite database with `n` active subscribers enrolled in the course, lesson 1 due now. */
async function enrolledDatabase(dir: string, name: string, n: number, path = join(dir, `${name}.sqlite`)): Promise<Extract<Db, { kind: 'sqlite' }>> {
  const db: Extract<Db, { kind: 'sqlite' }> = { kind: 'sqlite', path };
  await (await openStore({ sqlitePath: db.path })).close();
  await seed(db, { subscribers: n, enrollIn: SERIES, now: new Date(Date.now() - 60_000) });
  return db;
}

/**
 * Issue #7, at the limit: the fake Resend server limited to 5 requests/s and the transport at
 * its default 5/s. Over 20 s of sending, the share of the limit used (one loop and two), the
 * 429s, and duplicates counted at the server (bench/child.ts's work mode, which can stop after
 * a window). Sending speed and memory without a limit: bench/worker.ts (issue 23).
 */
export async function benchDrip(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'coursemail-bench-drip-'));
  try {
    // Enough due lessons that the 20 s never run dry: 5 req/s × 100 × 20 s, and a margin.
    // One claim-and-send loop (the default) and two (`worker --concurrency 2`), each against
    // a fresh limited server: one loop waits for its batch's database work and fill between
    // requests, which costs it turns of the limiter whenever a cycle outlasts 200 ms.
    const atTheLimit = async (loops: number) => {
      const server = await serverProcess(LIMITED_RPS);
      try {
        const capacity = LIMITED_RPS * 100 * LIMITED_SECONDS;
        const db = await enrolledDatabase(dir, `limited-${loops}`, capacity + 2_000);
        const run = await runChild<WorkResult>([
          'work',
          `sqlite:${db.path}`,
          server.url,
          String(LIMITED_RPS),
          '--plan',
          '--loops',
          String(loops),
          '--seconds',
          String(LIMITED_SECONDS + 1),
        ]).result;
        const s = await server.stats();
        if (run.sent !== s.received) throw new Error(`limited drip: worker recorded ${run.sent} sent, server received ${s.received}`);
        const first = s.acceptedAt[0] ?? 0;
        const inWindow = s.acceptedAt.filter((t) => t >= first && t < first + LIMITED_SECONDS * 1000).length;
        return { sent: run.sent, duplicates: s.duplicates, refused429: s.refused429, utilisation: (100 * inWindow) / (LIMITED_RPS * LIMITED_SECONDS) };
      } finally {
        server.close();
      }
    };
    const oneLoop = await atTheLimit(1);
    const twoLoops = await atTheLimit(2);

    return [
      {
        issue: 7,
        name: `drip at the limit: server and transport at ${LIMITED_RPS} req/s, ${LIMITED_SECONDS} s of sending, worker --concurrency 2 — requests accepted in the first ${LIMITED_SECONDS} s vs ${LIMITED_RPS * LIMITED_SECONDS} possible (${twoLoops.sent} messages sent, ${twoLoops.refused429} answered 429 and retried)`,
        value: twoLoops.utilisation,
        unit: '% of the limit',
        slow: { name: `one loop, the default (${oneLoop.sent} messages, ${oneLoop.refused429} × 429)`, value: oneLoop.utilisation },
        ratio: twoLoops.utilisation / oneLoop.utilisation,
        target: '≥ 95 %',
        met: twoLoops.utilisation >= 95,
      },
      {
        issue: 7,
        name: 'drip at the limit: duplicates counted at the server (delivery ids received twice), both runs',
        value: oneLoop.duplicates + twoLoops.duplicates,
        unit: 'duplicates',
        target: '0',
        met: oneLoop.duplicates + twoLoops.duplicates === 0,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) printFigures(await benchDrip());
