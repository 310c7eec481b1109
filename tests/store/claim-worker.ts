/**
 * A separate process that claims until the queue is empty, for the cross-process claim
 * test. Prints `ready` once its store is open, starts on a line on stdin (so both sides
 * claim at the same time), then prints the claimed delivery ids as JSON.
 * Usage: node --import tsx claim-worker.ts OPTIONS_JSON OWNER NOW_ISO
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { openStore } from '../../src/store/index.ts';

const [options, owner, now] = process.argv.slice(2);
const store = await openStore(JSON.parse(options!));
process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdin.pause();
const ids: string[] = [];
for (;;) {
  const batch = await store.deliveries.claim({ owner: owner!, limit: 5, leaseMs: 3_600_000, now: new Date(now!) });
  if (!batch) break;
  ids.push(...batch.deliveries.map((d) => d.id));
  // Spread the claims out so the two processes' claims interleave.
  await sleep(2);
}
await store.close();
process.stdout.write(`${JSON.stringify(ids)}\n`);
