/**
 * The browser preview (`coursemail dev`): builds every series in memory, serves the pages,
 * watches the project and live-reloads open pages. `startPreview` is what the CLI and the
 * e2e tests call; `createPreviewApp` is the bare Hono app, for mounting beside other routes.
 */
import { resolve } from 'node:path';
import type { Hono } from 'hono';
import { configuredTransport } from '../../deliver/index.ts';
import type { Transport } from '../../send/transport.ts';
import { assertBindable, startHttpServer, type ListenOptions } from '../http.ts';
import { createPreviewApp } from './app.ts';
import type { DevHooks } from './broadcast-routes.ts';
import { PreviewBuilder } from './state.ts';
import { watchProject } from './watch.ts';

export interface PreviewOptions extends ListenOptions {
  root: string;
  /** Default true; off for a static server (tests of single pages). */
  watch?: boolean;
  /** Default: the transport the config names. */
  transport?: () => Transport;
  /**
   * Adds routes beside the preview's (public endpoints, `/status`): they sit behind its Host
   * check and security headers. Called once, before the server listens.
   */
  extend?: (app: Hono, builder: PreviewBuilder) => void;
  /** A builder already built once (`coursemail dev` wires the worker to it first); default: a fresh one. */
  builder?: PreviewBuilder;
  /** Broadcast status and sending, /status: the store and in-process worker of `coursemail dev`. */
  dev?: DevHooks;
  now?: () => Date;
  /** Host names answered besides loopback (see `createPreviewApp`); default publicUrl's and the config's allowedHosts. */
  allowedHosts?: () => readonly string[];
}

export interface RunningPreview {
  url: string;
  builder: PreviewBuilder;
  close(): Promise<void>;
}

export async function startPreview(opts: PreviewOptions): Promise<RunningPreview> {
  assertBindable(opts);
  const root = resolve(opts.root);
  let builder = opts.builder;
  if (!builder) {
    builder = new PreviewBuilder(root);
    await builder.rebuild({ config: true });
  }
  const built = builder;
  const transport =
    opts.transport ??
    (() => {
      if (!built.project) throw new Error('the project does not build; fix its problems first');
      return configuredTransport(built.project.config, root);
    });
  const allowedHosts = opts.allowedHosts ?? (() => configHosts(built.project?.config));
  const app = createPreviewApp({ builder, transport, allowedHosts, dev: opts.dev, now: opts.now });
  opts.extend?.(app, builder);
  const server = await startHttpServer(app, opts);
  const watcher = opts.watch === false ? undefined : await watchProject(builder);
  return {
    url: server.url,
    builder,
    close: async () => {
      await watcher?.close();
      await server.close();
    },
  };
}

/** publicUrl's host and the config's `allowedHosts`: the names this project is reached by. */
export function configHosts(config: { publicUrl: string; allowedHosts?: readonly string[] } | undefined): string[] {
  if (!config) return [];
  let own: string[] = [];
  try {
    own = [new URL(config.publicUrl).host];
  } catch {
    // An unparsable publicUrl is the config's problem, reported there; it names no host.
  }
  return [...own, ...(config.allowedHosts ?? [])];
}

export { createPreviewApp } from './app.ts';
export { PreviewBuilder } from './state.ts';
export { planFor, watchProject } from './watch.ts';
