import { join } from 'node:path';
import type { Config } from '../config/index.ts';
import type { Store } from '../store/index.ts';
import { openConsole, type OpenConsoleOptions } from './admin/index.ts';
import { createPublicApp, type PublicDeps } from './public/index.ts';
import { createWebhookApp, type WebhookDeps } from './webhooks/index.ts';

export interface ServeAppOptions {
  root: string;
  store: Store;
  config: Config;
  secret: string;
  series: PublicDeps['series'];
  clock?: () => Date;
  trustProxy?: boolean;
  /** RESEND_WEBHOOK_SECRET: without it /webhooks/resend does not exist (404), so nothing unsigned is applied. */
  webhookSecret?: string;
  webhookLog?: WebhookDeps['log'];
  log?: (line: string) => void;
  /** Tests: the console's transport and file watching. */
  console?: Pick<OpenConsoleOptions, 'transport' | 'watch' | 'limits'>;
}

/**
 * What `serve` answers: the public endpoints, the webhooks when their secret is set, and
 * the console under /admin only when `admins` is set — without it /admin is the public
 * app's 404, like any unknown path.
 */
export async function openServeApp(opts: ServeAppOptions) {
  const clock = opts.clock ?? (() => new Date());
  const publicApp = createPublicApp({ ...opts, clock, outboxDir: join(opts.root, 'outbox') });
  const webhooks = opts.webhookSecret
    ? createWebhookApp({ store: opts.store, secret: opts.webhookSecret, clock, log: opts.webhookLog ?? (() => undefined) })
    : undefined;
  const console_ = opts.config.admins?.length ? await openConsole({ ...opts, clock, ...opts.console }) : undefined;
  return {
    webhooks: webhooks !== undefined,
    console: console_ !== undefined,
    fetch: (req: Request, env?: unknown): Response | Promise<Response> => {
      const path = new URL(req.url).pathname;
      if (console_ && (path === '/admin' || path.startsWith('/admin/'))) return console_.app.fetch(req, env);
      return webhooks && path === '/webhooks/resend' ? webhooks.fetch(req, env) : publicApp.fetch(req, env);
    },
    close: async () => console_?.close(),
  };
}
