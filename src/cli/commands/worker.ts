import { defineCommand } from 'citty';
import { getHeapStatistics } from 'node:v8';
import { resourceLimits } from 'node:worker_threads';
// Narrow modules, not the stage indexes: this command is the worker bundle's whole import
// graph (src/cli/worker-main.ts), and nothing in it may load a renderer.
import { broadcastMessages } from '../../broadcast/messages.ts';
import { releaseScheduledBroadcasts } from '../../broadcast/release.ts';
import { catalogFromData, messageChars, type Catalog, type CatalogData } from '../../send/catalog-data.ts';
import { catalogDataInChild, renderBroadcastInChild } from '../../send/render-process.ts';
import { Worker, type BroadcastLookup, type RunSummary } from '../../send/worker.ts';
import { CoursemailError } from '../../shared/index.ts';
import type { CliIO } from '../output.ts';
import { openRuntime, type Runtime } from '../runtime.ts';
import { rootArg } from './args.ts';

function positiveInt(name: string, raw: string, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new CoursemailError('args', `--${name} must be a whole number from 1 to ${max}, not "${raw}"`);
  return n;
}

const MB = 2 ** 20;

/**
 * The heap the loops need for what they keep in flight: each holds a batch of filled
 * messages and its request body, in several copies a character (V8 keeps a message with an
 * em dash or a curly quote in two bytes a character; the fill, the flattened string, the
 * SDK's JSON body and the HTTP client's well-formed copy of it each take their own). ~16 MB
 * of code and catalog besides. Measured through the Resend SDK, against the old
 * generation's cap (heapCapBytes): 100 messages of 66 K characters ran out of 76 MB; of
 * 142 K characters, out of 128 MB and not of 140 MB; at 48 MB, batches of 26 such messages
 * ran out and of 23 did not. So ~8–9 bytes a character of a batch; 12 leaves a margin.
 */
const HEAP_BYTES_A_CHARACTER = 12;
/** Code, catalog and the rest of the thread's heap, besides the batches in flight. */
const HEAP_BASE = 16 * MB;
function heapNeedMb(data: CatalogData, broadcastLargest: number, loops: number, batchSize: number): { needMb: number; largest: number } {
  const largest = Math.max(broadcastLargest, ...[...Object.values(data.lessons), ...Object.values(data.confirms)].map((e) => messageChars(e.message)));
  return { needMb: Math.ceil((HEAP_BASE + loops * batchSize * largest * HEAP_BYTES_A_CHARACTER) / MB), largest };
}

/**
 * The heap the batches live in: the old generation's cap (COURSEMAIL_WORKER_HEAP_MB, or the
 * launcher's default). A message's strings are large objects, which only the old generation
 * holds; the young generation (counted in V8's `heap_size_limit`) takes none of them. Run
 * outside the launcher's thread (tests, in process), the whole heap.
 */
function heapCapBytes(): number {
  const old = resourceLimits.maxOldGenerationSizeMb;
  return old ? old * MB : getHeapStatistics().heap_size_limit;
}

/**
 * The characters of message one loop's batch may hold within this thread's heap: the same
 * figure as the check at start, the other way round. What was known at start fits full
 * batches (the check saw to that); a longer broadcast started later goes in smaller ones.
 */
function batchCharsForHeap(loops: number): number {
  return Math.max(1, Math.floor((heapCapBytes() - HEAP_BASE) / (loops * HEAP_BYTES_A_CHARACTER)));
}

/** The heap this thread's cap (set by bin/coursemail.mjs) is too small for; `needMb` is the cap to ask for. */
export class HeapTooSmall extends CoursemailError {
  readonly needMb: number;
  constructor(needMb: number, message: string) {
    super('worker.heap', message);
    this.needMb = needMb;
  }
}

/**
 * Refuses to start when the heap may not hold the loops' batches: better told now, with the
 * figure, than out of memory mid-batch on every restart. Under bin/coursemail.mjs with no
 * cap set, the launcher then starts the thread again with the figure (worker-main.ts), so
 * only a cap the operator chose is ever refused.
 */
function checkHeap(data: CatalogData, broadcastLargest: number, loops: number, batchSize: number): void {
  const { needMb, largest } = heapNeedMb(data, broadcastLargest, loops, batchSize);
  const limitMb = Math.floor(heapCapBytes() / MB);
  if (needMb > limitMb) {
    throw new HeapTooSmall(
      needMb,
      `${loops} loop${loops === 1 ? '' : 's'} of ${batchSize} messages of up to ${Math.ceil(largest / 1024)} KB need about ${needMb} MB of heap, and the worker's is capped at ${limitMb} MB: set COURSEMAIL_WORKER_HEAP_MB=${needMb} (or use fewer loops)`,
    );
  }
}

/**
 * Compiles the broadcasts this worker may send next, sending or scheduled, through the
 * lookup its loops use, which keeps each for the run: so each is rendered once, and the heap
 * check at start counts its messages. A broadcast longer than every lesson must fit the heap
 * too: its first full batch would otherwise run the thread out of memory, and the batch,
 * claimed again after a restart under the same key, every time after.
 */
async function compileBroadcastsInFlight(store: Runtime['store'], lookup: BroadcastLookup): Promise<void> {
  for (const b of await store.broadcasts.list()) {
    // One that no longer renders is refused copy by copy when sent (broadcast/messages.ts).
    if (b.status === 'sending' || b.status === 'scheduled') await lookup(b.id).catch(() => undefined);
  }
}

/**
 * `worker`: send what is due — drip lessons, confirmations, broadcasts — then keep watching.
 * Any number of these may run against one Postgres: they share the queue through leases.
 */
export const workerCommand = (io: CliIO) =>
  defineCommand({
    meta: { name: 'worker', description: 'send what is due (drip steps, confirmations, broadcasts); --once to stop when done' },
    args: {
      ...rootArg,
      once: { type: 'boolean', description: 'send what is due now, then exit' },
      now: { type: 'string', description: 'replay time: run as if it were this ISO date-time (the Date header too)' },
      'idle-ms': { type: 'string', description: 'pause between passes when nothing is due (ms)', default: '5000' },
      concurrency: { type: 'string', description: 'claim-and-send loops in this process, sharing one transport (default 1)', default: '1' },
      'lease-ms': { type: 'string', description: 'how long a claimed batch is held before another worker may take it over (ms)', default: '300000' },
    },
    run: async ({ args }) => {
      const concurrency = positiveInt('concurrency', args.concurrency, 64);
      const leaseMs = positiveInt('lease-ms', args['lease-ms'], 24 * 3600_000);
      const idleMs = Number(args['idle-ms']);
      const rt = await openRuntime({ root: args.root, now: args.now, allowEphemeralSecret: false });
      // Lessons and broadcasts are rendered in short-lived child processes, and only their
      // Handlebars is compiled here: the renderers never load into the process that sends.
      let broadcastLargest = 0;
      const broadcasts = broadcastMessages({ root: rt.root }, rt.store, async (slug) => {
        const rendered = await renderBroadcastInChild(rt.root, slug);
        if (rendered.entry) broadcastLargest = Math.max(broadcastLargest, messageChars(rendered.entry.message));
        return rendered;
      }).lookup;
      let catalog: Catalog;
      try {
        const data = await catalogDataInChild(rt.root);
        await compileBroadcastsInFlight(rt.store, broadcasts);
        checkHeap(data, broadcastLargest, concurrency, rt.transport.maxBatch);
        catalog = catalogFromData(data);
      } catch (err) {
        await rt.close();
        throw err;
      }
      const batchChars = batchCharsForHeap(concurrency);
      const workers = Array.from(
        { length: concurrency },
        (_, i) =>
          new Worker({
            store: rt.store,
            transport: rt.transport,
            catalog,
            config: rt.config,
            secret: rt.secret,
            owner: concurrency === 1 ? rt.owner : `${rt.owner}#${i}`,
            clock: rt.clock,
            leaseMs,
            batchChars,
            broadcasts,
            beforePass: (now) => releaseScheduledBroadcasts(rt.store, now),
            plans: i === 0,
            onBatch: (b) => io.out(`batch: ${b.sent} sent, ${b.failed} failed, ${b.retried} to retry${b.reclaimed ? ' (reclaimed from an expired lease)' : ''}`),
            onError: (e, wait) => io.err(`pass failed: ${e instanceof Error ? e.message : String(e)}${wait ? `; trying again in ${wait / 1000} s` : ''}`),
          }),
      );
      // Graceful: finish the batches in flight, release leases, exit.
      const stop = () => {
        io.err('stopping after the batch in flight…');
        for (const w of workers) w.stop();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        const loops = concurrency > 1 ? `, ${concurrency} loops` : '';
        if (args.once) {
          io.out(`worker ${rt.owner} sending what is due (transport: ${rt.transport.name}${loops})`);
          // Plan once, then every loop drains the queue together.
          const enqueued = await workers[0]!.plan();
          const drained = await Promise.all(workers.map((w) => w.drain()));
          const s = drained.reduce<RunSummary>(
            (a, b) => ({ enqueued: a.enqueued + b.enqueued, sent: a.sent + b.sent, failed: a.failed + b.failed, retried: a.retried + b.retried, batches: a.batches + b.batches }),
            { enqueued, sent: 0, failed: 0, retried: 0, batches: 0 },
          );
          io.out(`done: ${s.enqueued} lessons scheduled, ${s.sent} sent, ${s.failed} failed, ${s.retried} to retry`);
        } else {
          io.out(`worker ${rt.owner} running (transport: ${rt.transport.name}${loops}); Ctrl-C to stop`);
          await Promise.all(workers.map((w) => w.run(idleMs)));
        }
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        await rt.close();
      }
      return 0;
    },
  });
