/**
 * A separate process that claims until the queue is empty, for the cross-process claim
 * test: prints the claimed delivery ids as JSON. Usage: run-ts.mjs claim-worker.ts OPTIONS_JSON OWNER NOW_ISO
 */
import { openStore } from '../../src/store/index.ts';

const [options, owner, now] = process.argv.slice(2);
const store = await openStore(JSON.parse(options!));
const ids: string[] = [];
for (;;) {
  const batch = await store.deliveries.claim({ owner: owner!, limit: 7, leaseMs: 3_600_000, now: new Date(now!) });
  if (!batch) break;
  ids.push(...batch.deliveries.map((d) => d.id));
}
await store.close();
process.stdout.write(JSON.stringify(ids));
