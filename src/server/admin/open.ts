import { rowIdOf } from '../../tokens/index.ts';
import type { Config } from '../../config/index.ts';
import { configuredTransport } from '../../deliver/index.ts';
import type { Transport } from '../../send/transport.ts';
import { CoursemailError } from '../../shared/index.ts';
import type { Store } from '../../store/index.ts';
import { createPreviewApp, PreviewBuilder, watchProject } from '../preview/index.ts';
import { createConsoleApp } from './app.ts';
import type { ConsoleDeps } from './deps.ts';

export interface OpenConsoleOptions {
  root: string;
  store: Store;
  config: Config;
  secret: string;
  clock?: () => Date;
  trustProxy?: boolean;
  /** Default: the transport the config names (sign-in links and test sends). */
  transport?: () => Transport;
  /** Tests: sign-in request limits. */
  limits?: ConsoleDeps['limits'];
  /** Rebuild when files change (default true). */
  watch?: boolean;
  log?: (line: string) => void;
}

/**
 * The console as `serve` mounts it: the preview's app over this project (the very pages
 * `dev` shows, with the store behind broadcast status and sending) behind sign-in. The
 * worker beside `serve` sends what is started here, at its next pass.
 */
export async function openConsole(
  opts: OpenConsoleOptions,
): Promise<{ app: { fetch: (req: Request, env?: unknown) => Response | Promise<Response> }; close(): Promise<void> }> {
  if (!opts.config.admins?.length) throw new CoursemailError('console.admins', 'The console needs `admins` in coursemail.config.json.');
  const clock = opts.clock ?? (() => new Date());
  const builder = new PreviewBuilder(opts.root);
  await builder.rebuild({ config: true });
  if (!builder.project) throw new CoursemailError('console.project', 'The console cannot start: the project does not build (run `coursemail check`).');
  const transport = opts.transport ?? (() => configuredTransport(opts.config, opts.root));
  const preview = createPreviewApp({
    builder,
    transport,
    now: clock,
    dev: { store: opts.store, kick: () => undefined, deliveryRowId: (id) => rowIdOf(opts.secret, 'delivery', id) },
  });
  const app = createConsoleApp({
    ...opts,
    clock,
    transport,
    preview,
    project: () => builder.project,
    courses: () => [...builder.series.values()].flatMap((v) => (v.built ? [v.built.course] : [])),
  });
  const watcher = opts.watch === false ? undefined : await watchProject(builder);
  return { app, close: async () => void (await watcher?.close()) };
}
