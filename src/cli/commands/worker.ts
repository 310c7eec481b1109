import { defineCommand } from 'citty';
import { buildCatalog, Worker } from '../../send/index.ts';
import type { CliIO } from '../output.ts';
import { openRuntime } from '../runtime.ts';
import { rootArg } from './args.ts';

/** `worker`: send what is due — drip lessons, confirmations, broadcasts — then keep watching. */
export const workerCommand = (io: CliIO) =>
  defineCommand({
    meta: { name: 'worker', description: 'send what is due (drip steps, confirmations, broadcasts); --once to stop when done' },
    args: {
      ...rootArg,
      once: { type: 'boolean', description: 'send what is due now, then exit' },
      now: { type: 'string', description: 'replay time: run as if it were this ISO date-time (the Date header too)' },
      'idle-ms': { type: 'string', description: 'pause between passes when nothing is due (ms)', default: '5000' },
    },
    run: async ({ args }) => {
      const rt = await openRuntime({ root: args.root, now: args.now, allowEphemeralSecret: false });
      const worker = new Worker({
        store: rt.store,
        transport: rt.transport,
        catalog: await buildCatalog(rt.project),
        config: rt.project.config,
        secret: rt.secret,
        owner: rt.owner,
        clock: rt.clock,
        onBatch: (b) => io.out(`batch: ${b.sent} sent, ${b.failed} failed, ${b.retried} to retry${b.reclaimed ? ' (reclaimed from an expired lease)' : ''}`),
      });
      // Graceful: finish the batch in flight, release leases, exit.
      const stop = () => {
        io.err('stopping after the batch in flight…');
        worker.stop();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        if (args.once) {
          const s = await worker.runOnce();
          io.out(`done: ${s.enqueued} lessons scheduled, ${s.sent} sent, ${s.failed} failed, ${s.retried} to retry`);
        } else {
          io.out(`worker ${rt.owner} running (transport: ${rt.transport.name}); Ctrl-C to stop`);
          await worker.run(Number(args['idle-ms']));
        }
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        await rt.close();
      }
      return 0;
    },
  });
