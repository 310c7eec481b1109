import { createAdaptorServer } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { CoursemailError } from '../shared/index.ts';

export interface ListenOptions {
  /** Default 127.0.0.1. Anything that is not loopback needs `allowRemote`. */
  host?: string;
  /** 0 picks a free port (tests). */
  port?: number;
  /** Exposes the preview and its send button to the network: only when asked for by name. */
  allowRemote?: boolean;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

/** `localhost`, 127.0.0.0/8 and ::1. `0.0.0.0` and `::` mean every interface, so they are not. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

/** Throws unless `host` is loopback or `allowRemote` is set: call before any slow setup. */
export function assertBindable(opts: ListenOptions): void {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopbackHost(host) && !opts.allowRemote) {
    throw new CoursemailError(
      'server.remote',
      `Refusing to listen on ${host}: it is reachable from other machines, and this server previews and sends mail. Use 127.0.0.1 (the default), or pass --allow-remote if you really mean it.`,
    );
  }
}

/**
 * Starts a Hono app (anything with `fetch`) on host:port and resolves once it listens.
 * Refuses a non-loopback host unless `allowRemote` is set: the preview can send mail.
 */
export async function startHttpServer(
  app: { fetch: (req: Request, env?: unknown) => Response | Promise<Response> },
  opts: ListenOptions = {},
): Promise<RunningServer> {
  assertBindable(opts);
  const host = opts.host ?? '127.0.0.1';
  const server = createAdaptorServer({ fetch: app.fetch as never, hostname: host });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new CoursemailError('server.port', `Port ${opts.port} on ${host} is in use. Pick another with --port.`)
          : new CoursemailError('server.listen', `Cannot listen on ${host}:${opts.port ?? 0}: ${err.message}`),
      );
    };
    server.once('error', onError);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}`,
    host: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Open event streams (live reload) would keep `close` waiting forever.
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
