import { resolve } from 'node:path';
import { loadConfig, type Config } from '../config/index.ts';
import { configuredTransport } from '../deliver/index.ts';
import { workerId, type Transport } from '../send/index.ts';
import { openStore, storeOptionsFromEnv, type Store } from '../store/index.ts';
import { signingSecret } from '../tokens/index.ts';

export interface Runtime {
  root: string;
  config: Config;
  store: Store;
  transport: Transport;
  secret: string;
  /** The clock every part of this run uses; `--now` shifts it. */
  clock: () => Date;
  owner: string;
  close(): Promise<void>;
}

/**
 * `--now ISO` replays time: the clock starts there and runs on at the real pace, so a
 * `--once` run sees one instant and a long run still moves forward.
 */
function clockFrom(nowArg?: string): () => Date {
  if (!nowArg) return () => new Date();
  const start = Date.parse(nowArg);
  if (Number.isNaN(start)) throw new Error(`--now "${nowArg}" is not an ISO date-time`);
  const realStart = Date.now();
  return () => new Date(start + (Date.now() - realStart));
}

/** Wires the edges for a command: the config, the store, the transport, the secret. */
export async function openRuntime(opts: {
  root: string;
  now?: string;
  env?: NodeJS.ProcessEnv;
  allowEphemeralSecret?: boolean;
  transport?: Transport;
}): Promise<Runtime> {
  const env = opts.env ?? process.env;
  const root = resolve(opts.root);
  const config = loadConfig(root);
  const secret = signingSecret(env, { allowEphemeral: opts.allowEphemeralSecret ?? false });
  const store = await openStore(storeOptionsFromEnv(env, root));
  let transport: Transport;
  try {
    transport = opts.transport ?? configuredTransport(config, root, env, await store.messageIdSeed());
  } catch (err) {
    await store.close();
    throw err;
  }
  return {
    root,
    config,
    store,
    transport,
    secret,
    clock: clockFrom(opts.now),
    owner: workerId(),
    close: async () => {
      await transport.close();
      await store.close();
    },
  };
}
