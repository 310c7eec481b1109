/**
 * The processes the suites measure, one mode each, so a figure is the memory and time of
 * the process that does the work (not of the bench driving it):
 *   serve RPS|none                        the fake Resend server; `stats` on stdin → JSON
 *   work DB URL RPS|none [flags]          Worker instances sending through the Resend transport,
 *                                         in this process under tsx with the renderers loaded:
 *                                         for sending windows and several synchronized processes
 *                                         (scale, drip at the limit); the drip memory figure is
 *                                         of the real `coursemail worker` (support.ts runWorkerCli)
 *   snapshot DB                           enqueue the example broadcast to everyone (startSend)
 *   import DB FILE stream|slurp           CSV import, streaming or the whole file in memory
 * Each work mode prints one JSON line last. Modules are imported by the mode that needs
 * them, so a process's memory is that of what it runs (an import loads no templates).
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { openStore, type Store } from '../src/store/index.ts';
import { memorySampler, parseDb, REPO, SECRET } from './support.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const [mode, ...args] = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
};
const rpsOf = (v: string | undefined) => (v === undefined || v === 'none' ? null : Number(v));
const open = (arg: string): Promise<Store> => {
  const db = parseDb(arg);
  return openStore(db.kind === 'sqlite' ? { sqlitePath: db.path } : { databaseUrl: db.url });
};
const print = (o: unknown) => console.log(JSON.stringify(o));

if (mode === 'serve') {
  const { startFakeResend } = await import('../tests/support/fake-resend.ts');
  const server = await startFakeResend({ requestsPerSecond: rpsOf(args[0]), keepEmails: false });
  console.log(server.url);
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() !== 'stats') return;
    let duplicates = 0;
    for (const n of server.countByDelivery().values()) if (n > 1) duplicates++;
    const accepted = server.requests.filter((r) => r.result === 'accepted');
    print({
      received: server.received.length,
      duplicates,
      acceptedAt: accepted.map((r) => r.at),
      refused429: server.requests.filter((r) => r.status === 429).length,
    });
  });
} else if (mode === 'work' || mode === 'snapshot' || mode === 'import') {
  await { work, snapshot, import: importMode }[mode]();
  // stdin may still be open (`--wait-go`); the run is over.
  process.exit(0);
} else {
  console.error(`bench/child.ts: unknown mode ${mode}`);
  process.exit(2);
}

/**
 * `work DB URL RPS [--loops N] [--plan] [--kinds a,b] [--seconds S] [--max N] [--wait-go]`:
 * `--loops` Worker instances in this process sharing one transport (the CLI's --concurrency),
 * the first planning (`--plan`: the scheduler pass is part of the run, as in `worker --once`);
 * stops when nothing is due, after S seconds, or once N messages are sent.
 */
async function work(): Promise<void> {
  const { broadcastMessages } = await import('../src/broadcast/index.ts');
  const { loadProject } = await import('../src/build/index.ts');
  const { createResendTransport } = await import('../src/deliver/index.ts');
  const { buildCatalog, Worker } = await import('../src/send/index.ts');
  type Worker = InstanceType<typeof Worker>;
  type RunSummary = Awaited<ReturnType<Worker['drain']>>;
  const [dbArg, url, rps] = args;
  const loops = Number(flag('loops') ?? 1);
  const seconds = flag('seconds') ? Number(flag('seconds')) : undefined;
  const max = flag('max') ? Number(flag('max')) : undefined;
  const kinds = flag('kinds')?.split(',') as ('lesson' | 'broadcast')[] | undefined;
  const project = await loadProject(REPO);
  const store = await open(dbArg!);
  const catalog = await buildCatalog(project);
  const transport = createResendTransport({ apiKey: 're_bench', baseUrl: url, requestsPerSecond: rpsOf(rps) });
  let sent = 0;
  const workers: Worker[] = Array.from(
    { length: loops },
    (_, i) =>
      new Worker({
        store,
        transport,
        catalog,
        config: project.config,
        secret: SECRET,
        owner: `bench-${process.pid}-${i}`,
        clock: () => new Date(),
        kinds,
        broadcasts: broadcastMessages(store).lookup,
        plans: i === 0,
        onBatch: (b) => {
          sent += b.sent;
          if (max !== undefined && sent >= max) for (const w of workers) w.stop();
        },
      }),
  );
  if (args.includes('--wait-go')) {
    console.log('ready');
    await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
  }
  gc();
  const baseRss = process.memoryUsage.rss();
  const baseHeap = process.memoryUsage().heapUsed;
  const memory = memorySampler();
  const startedAt = Date.now();
  const t0 = performance.now();
  let planMs = 0;
  if (args.includes('--plan')) {
    await workers[0]!.plan();
    planMs = performance.now() - t0;
  }
  // The window counts sending only: it starts once the scheduler pass is done.
  const timer =
    seconds === undefined
      ? undefined
      : setTimeout(() => {
          for (const w of workers) w.stop();
        }, seconds * 1000);
  const summaries: RunSummary[] = await Promise.all(workers.map((w) => w.drain()));
  const ms = performance.now() - t0;
  const endedAt = Date.now();
  clearTimeout(timer);
  const peaks = memory.stop();
  for (let i = 0; i < loops; i++) await store.deliveries.releaseLeases(`bench-${process.pid}-${i}`);
  await transport.close();
  await store.close();
  print({
    sent: summaries.reduce((n, s) => n + s.sent, 0),
    failed: summaries.reduce((n, s) => n + s.failed, 0),
    retried: summaries.reduce((n, s) => n + s.retried, 0),
    batches: summaries.reduce((n, s) => n + s.batches, 0),
    ms,
    planMs,
    startedAt,
    endedAt,
    baseRss,
    baseHeap,
    ...peaks,
  });
}

/** `snapshot DB`: the example broadcast started to every active subscriber (one INSERT … SELECT in the store). */
async function snapshot(): Promise<void> {
  const { loadBroadcast, startSend } = await import('../src/broadcast/index.ts');
  const { loadProject } = await import('../src/build/index.ts');
  const project = await loadProject(REPO);
  const store = await open(args[0]!);
  const draft = await loadBroadcast(project, 'welcome-new-article');
  gc();
  const baseRss = process.memoryUsage.rss();
  const memory = memorySampler();
  const t0 = performance.now();
  const started = await startSend({ project, store }, draft, { now: new Date() });
  const ms = performance.now() - t0;
  const peaks = memory.stop();
  await store.close();
  if (started.outcome !== 'sending') throw new Error(`snapshot: ${started.outcome}`);
  print({ ms, total: started.total, broadcastId: started.broadcast.id, baseRss, ...peaks });
}

/**
 * `import DB FILE stream|slurp`: `stream` is `importCsv` on a file stream (what `subscribers
 * import` runs); `slurp` is the slow way it replaces — the whole file read, parsed into one
 * array, validated into another, then written in the same 1,000-row batches.
 * Live heap: after a full GC every 10 batches (stream), or with every row held (slurp).
 */
async function importMode(): Promise<void> {
  const { importCsv, normalizeEmail, sanitizeName, validateTimezone } = await import('../src/subscribers/index.ts');
  type ImportRow = Parameters<Store['subscribers']['importBatch']>[0][number];
  const [dbArg, file, how] = args;
  const store = await open(dbArg!);
  const now = new Date();
  gc();
  const baseRss = process.memoryUsage.rss();
  const baseHeap = process.memoryUsage().heapUsed;
  let liveHeap = baseHeap;
  const live = () => {
    gc();
    liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed);
  };
  const memory = memorySampler();
  const t0 = performance.now();
  let counts: { rows: number; imported: number; duplicates: number; bad: number };
  if (how === 'stream') {
    const { createReadStream } = await import('node:fs');
    let batches = 0;
    const r = await importCsv(store, createReadStream(file!), { now, source: 'bench', onProgress: () => ++batches % 10 === 0 && live() });
    counts = { rows: r.rows, imported: r.imported, duplicates: r.duplicates, bad: r.bad.length };
  } else {
    const { parse } = await import('csv-parse/sync');
    const text = readFileSync(file!, 'utf8').replace(/^\ufeff/, '');
    const records = parse(text, { relax_column_count: true, relax_quotes: true, skip_empty_lines: true }) as string[][];
    const [header, ...data] = records;
    const col = (name: string) => header!.indexOf(name);
    const rows: ImportRow[] = [];
    let bad = 0;
    for (const rec of data) {
      const email = normalizeEmail(rec[col('email')] ?? '');
      const zone = validateTimezone(rec[col('timezone')] ?? '');
      if ('problem' in email || 'problem' in zone || rec.length > header!.length) bad++;
      else
        rows.push({
          email: email.email,
          firstName: sanitizeName(rec[col('first_name')] ?? ''),
          timezone: zone.timezone,
          consentAt: now,
          consentSource: 'bench',
        });
    }
    live();
    let imported = 0;
    let duplicates = 0;
    for (let i = 0; i < rows.length; i += 1000) {
      for (const o of await store.subscribers.importBatch(rows.slice(i, i + 1000), { now })) {
        if (o.outcome === 'imported') imported++;
        else duplicates++;
      }
    }
    counts = { rows: data.length, imported, duplicates, bad };
  }
  const ms = performance.now() - t0;
  const peaks = memory.stop();
  await store.close();
  print({ ms, ...counts, baseRss, baseHeap, liveHeap, ...peaks });
}
