import { defineCommand } from 'citty';
import { broadcastMessages } from '../../broadcast/messages.ts';
import { releaseScheduledBroadcasts } from '../../broadcast/release.ts';
import { sourceCatalog, type Catalog } from '../../send/catalog.ts';
import { Worker, type RunSummary } from '../../send/worker.ts';
import { OUTPUT_DIR } from '../../build/write-output.ts';
import { CoursemailError } from '../../shared/index.ts';
import type { CliIO } from '../output.ts';
import { openRuntime } from '../runtime.ts';
import { rootArg } from './args.ts';

function positiveInt(name: string, raw: string, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new CoursemailError('args', `--${name} must be a whole number from 1 to ${max}, not "${raw}"`);
  return n;
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
      // Sending only fills compiled messages: lessons from the build output, broadcasts from their rows.
      let catalog: Catalog;
      const broadcasts = broadcastMessages(rt.store).lookup;
      try {
        catalog = await sourceCatalog(rt.root, rt.config, (stale) =>
          io.err(
            `building ${stale.join(', ')} in this process: ${OUTPUT_DIR}/ is missing or older than the sources (run \`coursemail build\` before starting workers to keep the renderers out of their memory)`,
          ),
        );
      } catch (err) {
        await rt.close();
        throw err;
      }
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
            broadcasts,
            beforePass: (now) => releaseScheduledBroadcasts(rt.store, now),
            plans: i === 0,
            onBatch: (b) =>
              io.out(
                `batch: ${b.sent} sent, ${b.failed} failed, ${b.retried} to retry${heldNote(b.held)}${b.reclaimed ? ' (reclaimed from an expired lease)' : ''}`,
              ),
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
          const s: RunSummary = { enqueued, sent: 0, failed: 0, retried: 0, held: 0, batches: 0 };
          for (const d of drained) for (const k of Object.keys(s) as (keyof RunSummary)[]) s[k] += d[k];
          io.out(`done: ${s.enqueued} lessons scheduled, ${s.sent} sent, ${s.failed} failed, ${s.retried} to retry${heldNote(s.held)}`);
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

/** A batch of lessons claimed after their window closed reads "0 sent": say where they went. */
const heldNote = (held: number) => (held ? `, ${held} held for the next send window` : '');
