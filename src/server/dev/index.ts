/**
 * `coursemail dev`: the whole system in one process on localhost (preview, public endpoints, /status, the Resend webhook when configured, a worker loop).
 * The worker sends what the preview has built, so a saved edit is what goes out next.
 */
import { join, relative, resolve } from 'node:path';
import type { Hono } from 'hono';
import { broadcastMessages, releaseScheduledBroadcasts } from '../../broadcast/index.ts';
import type { Project } from '../../build/index.ts';
import type { Config } from '../../config/index.ts';
import { configuredTransport } from '../../deliver/index.ts';
import { Worker, workerId, type Transport } from '../../send/index.ts';
import { CoursemailError } from '../../shared/index.ts';
import { openStore, storeOptionsFromEnv, type Store } from '../../store/index.ts';
import { devSigningSecret, rowIdOf, type DevSecret } from '../../tokens/index.ts';
import { assertBindable, isLoopbackHost, type ListenOptions } from '../http.ts';
import { configHosts, PreviewBuilder, startPreview, type RunningPreview } from '../preview/index.ts';
import { createPublicApp } from '../public/index.ts';
import { createWebhookApp, webhookLogLine } from '../webhooks/index.ts';
import { liveCatalog } from './live-catalog.ts';
import { WorkerLoop } from './worker-loop.ts';

export interface DevOptions extends ListenOptions {
  root: string;
  /** COURSEMAIL_SECRET, DATABASE_URL, RESEND_* …; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Default true: rebuild and live-reload on save. */
  watch?: boolean;
  /** The worker's pause when nothing is due (a kick ends it sooner). Default 5 s. */
  idleMs?: number;
  clock?: () => Date;
  /** Lines about what happens while running (worker trouble, webhooks). */
  log?: (line: string) => void;
  /** `--allowed-host`: names the preview answers to besides localhost, publicUrl's and the config's allowedHosts. */
  allowedHosts?: readonly string[];
}

export interface RunningDev {
  url: string;
  builder: PreviewBuilder;
  store: Store;
  /** Where the links in emails point (this server, unless a real transport and a public publicUrl). */
  linksUrl(): string;
  /** How this run signs links and where it keeps data, for the start-up lines. */
  info: { secret: Omit<DevSecret, 'secret'>; database: string; transport: string; transportProblem?: string; webhooks: boolean };
  /** Wakes the worker now. */
  kick(): void;
  /** Host names answered besides localhost (publicUrl's, allowedHosts, --allowed-host), as now configured. */
  allowedHosts(): string[];
  /** Stops the worker after its batch in flight, then closes the server, the transport and the store. */
  close(): Promise<void>;
}

/**
 * Links in emails must reach the server that can verify them. With the outbox nobody else
 * ever sees a message, and a loopback publicUrl is this machine anyway: both point at this
 * server, whatever port it got. A real transport with a public publicUrl keeps it.
 */
function linksTarget(config: Pick<Config, 'transport' | 'publicUrl'>, serverUrl: string): string {
  if (config.transport === 'outbox') return serverUrl;
  let host = '';
  try {
    host = new URL(config.publicUrl).hostname;
  } catch {
    return serverUrl;
  }
  return isLoopbackHost(host) ? serverUrl : config.publicUrl;
}

const PUBLIC_PATHS = ['/subscribe/*', '/confirm/*', '/u/*', '/p/*'];

export async function startDev(opts: DevOptions): Promise<RunningDev> {
  assertBindable(opts);
  const env = opts.env ?? process.env;
  const root = resolve(opts.root);
  const clock = opts.clock ?? (() => new Date());
  const log = opts.log ?? ((line: string) => console.log(line));
  const devSecret = devSigningSecret(env, root);
  const { secret } = devSecret;

  const builder = new PreviewBuilder(root);
  await builder.rebuild({ config: true });
  const storeOptions = storeOptionsFromEnv(env, root);
  const store = await openStore(storeOptions);
  const messageIdSeed = await store.messageIdSeed();

  let preview: RunningPreview | undefined;
  let transport: Transport | undefined;
  try {
    const catalog = liveCatalog(builder);
    const projectNow = (): Project => {
      if (!builder.project)
        throw new CoursemailError('dev.project', 'The project does not load: fix coursemail.config.json and the templates (see the preview).');
      return builder.project;
    };
    const configNow = (): Config => projectNow().config;
    let serverUrl = `http://127.0.0.1:${opts.port ?? 0}`;
    const linksUrl = () => linksTarget(configNow(), serverUrl);
    // Read at every use: a config edit (sender, address) reaches the next message.
    const config = {
      get sender() {
        return configNow().sender;
      },
      get postalAddress() {
        return configNow().postalAddress;
      },
      get allowedOrigins() {
        return configNow().allowedOrigins;
      },
      get publicUrl() {
        return linksUrl();
      },
    };
    const messages = broadcastMessages(store);

    // The transport follows the config, checked before every pass (never during one), so a change takes effect without a restart.
    // One that cannot start holds back the worker, not the preview, so nothing goes out through the transport it was meant to replace.
    let transportProblem: string | undefined;
    let transportFor: string | undefined;
    const transportKey = (c: Config) => JSON.stringify([c.transport, c.transport === 'smtp' ? c.smtp : null, c.transport === 'resend' ? c.resend : null]);
    const transportReady = (): string | undefined => {
      const c = configNow();
      const key = transportKey(c);
      if (transport && key === transportFor) return undefined;
      let next: Transport;
      try {
        next = configuredTransport(c, root, env, messageIdSeed);
      } catch (err) {
        if (!(err instanceof CoursemailError)) throw err;
        return (transportProblem = `the ${c.transport} transport cannot start: ${err.message}`);
      }
      if (transport) {
        log(`worker: sending through ${c.transport} from now on (coursemail.config.json changed)`);
        void transport.close().catch(() => undefined);
      }
      transport = next;
      transportFor = key;
      transportProblem = undefined;
      return undefined;
    };
    if (builder.project) transportReady();
    const owner = workerId('dev-');
    const loop = new WorkerLoop({
      store,
      owner,
      idleMs: opts.idleMs ?? 5_000,
      notReady: () => catalog.notReady() ?? transportReady(),
      log,
      // One Worker per transport: a new one when the config switched it.
      worker: () => {
        if (!made || made.transport !== transport) made = { transport: transport!, worker: makeWorker(transport!) };
        return made.worker;
      },
    });
    let made: { transport: Transport; worker: Worker } | undefined;
    function makeWorker(through: Transport): Worker {
      return new Worker({
        store,
        transport: through,
        catalog,
        config,
        secret,
        owner,
        clock,
        broadcasts: messages.lookup,
        beforePass: (now) => releaseScheduledBroadcasts(store, now),
        onBatch: (b) => log(`worker: ${b.sent} sent${b.failed ? `, ${b.failed} failed` : ''}${b.retried ? `, ${b.retried} to retry` : ''}`),
      });
    }
    const kick = () => loop.kick();

    const publicApp = createPublicApp({ store, config, secret, clock, series: catalog.courses, kick, outboxDir: join(root, 'outbox') });
    const webhookSecret = env.RESEND_WEBHOOK_SECRET;
    const webhooks = webhookSecret ? createWebhookApp({ store, secret: webhookSecret, clock, log: (e) => log(webhookLogLine(e)) }) : undefined;
    const extend = (app: Hono) => {
      // Delegated whole, not merged with `app.route`: the public app's middleware (its CSP,
      // no-store) must not reach the preview's pages.
      // c.env carries the connection: the public app limits each client by its own address.
      for (const path of PUBLIC_PATHS) {
        app.all(path, (c) =>
          builder.project ? publicApp.fetch(c.req.raw, c.env) : c.text('The project does not load: fix it (see the preview) and try again.', 503),
        );
      }
      if (webhooks) app.post('/webhooks/resend', (c) => webhooks.fetch(c.req.raw, c.env));
    };

    const allowedHosts = () => [...new Set([...configHosts(builder.project?.config), ...(opts.allowedHosts ?? [])])];
    preview = await startPreview({
      ...opts,
      root,
      allowedHosts,
      builder,
      // Test sends from the preview use the config as it is now, with the same environment.
      transport: () => configuredTransport(configNow(), root, env, messageIdSeed),
      now: clock,
      extend,
      dev: { store, kick, signUp: true, webhooks: !!webhooks, workerProblem: () => loop.problem(), deliveryRowId: (id) => rowIdOf(secret, 'delivery', id) },
    });
    serverUrl = preview.url;
    loop.start();

    const running = preview;
    const database = storeOptions.databaseUrl
      ? 'Postgres (DATABASE_URL)'
      : `SQLite ${relative(process.cwd(), storeOptions.sqlitePath!) || storeOptions.sqlitePath}`;
    return {
      url: running.url,
      builder,
      store,
      linksUrl,
      info: {
        secret: { source: devSecret.source, file: devSecret.file },
        database,
        transport: builder.project?.config.transport ?? 'outbox',
        transportProblem,
        webhooks: !!webhooks,
      },
      kick,
      allowedHosts,
      close: async () => {
        await running.close();
        await loop.stop();
        await transport?.close();
        await store.close();
      },
    };
  } catch (err) {
    await preview?.close();
    await transport?.close();
    await store.close();
    throw err;
  }
}
