import { spawn } from 'node:child_process';
import { defineCommand } from 'citty';
import { startPreview } from '../../server/preview/index.ts';
import { formatProblem } from '../../shared/index.ts';
import { CoursemailError } from '../../shared/index.ts';
import type { CliIO } from '../output.ts';
import { rootArg } from './args.ts';

/**
 * Asks the desktop to open `url`; resolves false when there is no opener (a server, CI).
 * Never throws: the URL is printed either way.
 */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform): Promise<boolean> {
  const [cmd, args] = platform === 'darwin' ? ['open', [url]] : platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  return new Promise((resolve) => {
    try {
      const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}

export const devCommand = (io: CliIO) =>
  defineCommand({
    meta: { name: 'dev', description: 'preview every email in the browser, with live reload and send-test' },
    args: {
      ...rootArg,
      port: { type: 'string', description: 'port (default 3000)', default: '3000' },
      host: { type: 'string', description: 'address to listen on (default 127.0.0.1)', default: '127.0.0.1' },
      'allow-remote': { type: 'boolean', description: 'allow a non-loopback --host (exposes the preview and its send button)', default: false },
      open: { type: 'boolean', description: 'open the preview in the system browser, if there is one', default: false },
    },
    run: async ({ args }) => {
      const port = Number(args.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CoursemailError('args', `--port must be a port number, not "${args.port}"`);
      const preview = await startPreview({ root: args.root, port, host: args.host, allowRemote: args['allow-remote'] });
      const { builder } = preview;
      io.out(`coursemail preview: ${preview.url}`);
      const problems = [...builder.projectProblems, ...[...builder.series.values()].flatMap((s) => s.problems)];
      io.out(`  ${builder.series.size} series, ${builder.broadcasts.size} broadcast draft(s)${problems.length ? `, ${problems.length} problem(s) shown in the page` : ''}; watching for changes (Ctrl-C to stop)`);
      for (const p of problems.slice(0, 10)) io.err(`  ✗ ${formatProblem(p)}`);
      builder.onChange((event, data) => {
        if (event === 'outbox') io.out(`  outbox: ${data}`);
        else if (builder.last) io.out(`  rebuilt ${builder.last.scope} in ${builder.last.ms.toFixed(0)} ms`);
      });
      if (args.open && !(await openBrowser(preview.url))) io.out('  (no browser to open here: visit the URL above)');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await preview.close();
      return 0;
    },
  });
