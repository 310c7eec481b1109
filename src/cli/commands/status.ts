import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineCommand } from 'citty';
import { CONFIG_FILE, loadConfig } from '../../config/index.ts';
import { listSeries, loadSeries } from '../../content/index.ts';
import { CoursemailError } from '../../shared/index.ts';
import { formatStatus, readStatus } from '../../status/index.ts';
import { openStore, storeOptionsFromEnv } from '../../store/index.ts';
import type { CliIO } from '../output.ts';
import { rootArg } from './args.ts';

/** `status`: what went out and what came back, per series, lesson and broadcast. No opens or clicks. */
export const statusCommand = (io: CliIO) =>
  defineCommand({
    meta: { name: 'status', description: 'per lesson and broadcast: sent, delivered, bounced, complained, unsubscribed, failed, due; and the complaint rate' },
    args: {
      ...rootArg,
      json: { type: 'boolean', description: 'print the report as JSON', default: false },
      now: { type: 'string', description: 'count what is due as of this ISO date-time (default: now)' },
    },
    run: async ({ args }) => {
      const now = args.now ? new Date(args.now) : new Date();
      if (Number.isNaN(now.getTime())) throw new CoursemailError('args', `--now "${args.now}" is not an ISO date-time`);
      const root = resolve(args.root);
      // Titles and subjects from the series files; a series that does not load is shown by slugs.
      const courses = listSeries(root).flatMap((id) => loadSeries(root, id, () => undefined).course ?? []);
      const store = await openStore(storeOptionsFromEnv(process.env, root));
      try {
        // Which columns the transport can fill; a store read without its project fills all.
        const reach = existsSync(join(root, CONFIG_FILE))
          ? { transport: loadConfig(root).transport, webhooks: !!process.env.RESEND_WEBHOOK_SECRET }
          : undefined;
        const report = await readStatus(store, now, courses, reach);
        if (args.json) io.out(JSON.stringify(report, null, 2));
        else for (const line of formatStatus(report)) io.out(line);
      } finally {
        await store.close();
      }
      return 0;
    },
  });
