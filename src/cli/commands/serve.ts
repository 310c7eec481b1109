import { defineCommand } from 'citty';
import { startHttpServer, assertBindable } from '../../server/http.ts';
import { openServeApp } from '../../server/serve-app.ts';
import { webhookLogLine } from '../../server/webhooks/index.ts';
import { CoursemailError } from '../../shared/index.ts';
import { signingSecret } from '../../tokens/index.ts';
import type { CliIO } from '../output.ts';
import { rootArg } from './args.ts';
import { openListRuntime } from './subscribers.ts';

/**
 * `serve`: the public endpoints. Without `admins` it holds no transport and no provider key —
 * the process facing the internet cannot send mail; `coursemail worker` does, beside it.
 * With `admins`, the console under /admin (sign-in links and test sends need the transport).
 */
export const serveCommand = (io: CliIO) =>
  defineCommand({
    meta: { name: 'serve', description: 'public endpoints only: sign-up, confirm, one-click unsubscribe, preferences (run `coursemail worker` beside it)' },
    args: {
      ...rootArg,
      port: { type: 'string', description: 'port (default 8080)', default: '8080' },
      host: { type: 'string', description: 'address to listen on (default 127.0.0.1; put a TLS proxy in front)', default: '127.0.0.1' },
      'allow-remote': { type: 'boolean', description: 'allow a non-loopback --host', default: false },
      'trust-proxy': { type: 'boolean', description: 'behind a reverse proxy: rate-limit by the last X-Forwarded-For hop', default: false },
    },
    run: async ({ args }) => {
      const port = Number(args.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CoursemailError('args', `--port must be a port number, not "${args.port}"`);
      assertBindable({ host: args.host, allowRemote: args['allow-remote'] });
      const secret = signingSecret(process.env, { allowEphemeral: false });
      const rt = await openListRuntime(args.root);
      try {
        if (rt.series.size === 0) io.err('note: no series loads, so every sign-up page answers 404 (run `coursemail check`).');
        const app = await openServeApp({
          root: rt.root,
          store: rt.store,
          config: rt.config,
          secret,
          series: rt.series,
          trustProxy: args['trust-proxy'],
          webhookSecret: process.env.RESEND_WEBHOOK_SECRET,
          webhookLog: (e) => (e.level === 'info' ? io.out : io.err)(webhookLogLine(e)),
          log: io.err,
        });
        const server = await startHttpServer(app, { host: args.host, port, allowRemote: args['allow-remote'] });
        io.out(`coursemail public endpoints on ${server.url} (links in emails use ${rt.config.publicUrl})`);
        for (const id of rt.series.keys()) io.out(`  sign-up: ${server.url}/subscribe/${id}`);
        io.out(
          app.webhooks
            ? `  Resend webhooks: ${server.url}/webhooks/resend (point the dashboard at ${rt.config.publicUrl}/webhooks/resend)`
            : '  Resend webhooks off: set RESEND_WEBHOOK_SECRET to receive bounces and complaints',
        );
        io.out(
          app.console
            ? `  console: ${rt.config.publicUrl.replace(/\/+$/, '')}/admin (sign-in links go to ${rt.config.admins!.join(', ')}; serve it over https only)`
            : '  console off: list addresses in `admins` in coursemail.config.json to serve it under /admin',
        );
        io.out('  confirmations and lessons are sent by `coursemail worker`: run it beside this. Ctrl-C to stop.');
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await server.close();
        await app.close();
      } finally {
        await rt.close();
      }
      return 0;
    },
  });
