import { spawn } from 'node:child_process';
import { defineCommand } from 'citty';
import { assertBindable, isLoopbackHost } from '../../server/http.ts';
import { CoursemailError, formatProblem } from '../../shared/index.ts';
import type { CliIO } from '../output.ts';
import { repeated, rootArg } from './args.ts';

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
    meta: {
      name: 'dev',
      description: 'the whole flow on localhost: preview with live reload, sign-up and confirm pages, /status, and a worker sending to the outbox',
    },
    args: {
      ...rootArg,
      port: { type: 'string', description: 'port (default 3000)', default: '3000' },
      host: { type: 'string', description: 'address to listen on (default 127.0.0.1)', default: '127.0.0.1' },
      'allow-remote': {
        type: 'boolean',
        description: 'allow a non-loopback --host (exposes the preview, its send buttons and the sign-up form); it widens the bind, not the Host check',
        default: false,
      },
      'allowed-host': {
        type: 'string',
        description: 'a host name the preview answers to besides localhost and publicUrl\'s (repeatable; or "allowedHosts" in the config)',
      },
      open: { type: 'boolean', description: 'open the preview in the system browser, if there is one', default: false },
      'idle-ms': { type: 'string', description: "the worker's pause when nothing is due (ms; a sign-up or a send wakes it at once)", default: '5000' },
    },
    run: async ({ args, rawArgs }) => {
      const port = Number(args.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CoursemailError('args', `--port must be a port number, not "${args.port}"`);
      const idleMs = Number(args['idle-ms']);
      if (!Number.isInteger(idleMs) || idleMs < 50)
        throw new CoursemailError('args', `--idle-ms must be a whole number of milliseconds (50 or more), not "${args['idle-ms']}"`);
      // Before loading the store and the templates: a refused address is said at once.
      assertBindable({ host: args.host, allowRemote: args['allow-remote'] });
      const { startDev } = await import('../../server/dev/index.ts');
      const dev = await startDev({
        root: args.root,
        port,
        host: args.host,
        allowRemote: args['allow-remote'],
        allowedHosts: repeated(rawArgs, 'allowed-host'),
        idleMs,
        log: (line) => io.out(`  ${line}`),
      });
      const { builder, info } = dev;
      io.out(`coursemail dev: ${dev.url}`);
      const problems = [...builder.projectProblems, ...[...builder.series.values()].flatMap((s) => s.problems)];
      io.out(
        `  ${builder.series.size} series, ${builder.broadcasts.size} broadcast(s)${problems.length ? `, ${problems.length} problem(s) shown in the page` : ''}; watching for changes (Ctrl-C to stop)`,
      );
      for (const p of problems.slice(0, 10)) io.err(`  ✗ ${formatProblem(p)}`);
      for (const id of builder.series.keys()) io.out(`  sign-up: ${dev.url}/subscribe/${id}`);
      io.out(
        `  worker: sending through ${info.transport}${info.transport === 'outbox' ? ` (${dev.url}/outbox)` : ''}; data in ${info.database}; status at ${dev.url}/status`,
      );
      // Said once, when made: later starts reuse it silently.
      if (info.secret.source === 'made')
        io.out(
          `  COURSEMAIL_SECRET is not set: links are signed with a secret made now and kept in ${info.secret.file} (git-ignored), so those in the outbox keep working after a restart. serve and worker need COURSEMAIL_SECRET.`,
        );
      const publicUrl = builder.project?.config.publicUrl;
      // A loopback publicUrl meant this machine anyway; a public one is worth a word.
      if (publicUrl && dev.linksUrl() !== publicUrl && !isLoopbackHost(new URL(publicUrl).hostname)) {
        io.out(`  links in emails point at ${dev.linksUrl()} (this server), not publicUrl ${publicUrl}: with the outbox nobody else can follow them`);
      }
      if (info.webhooks) io.out(`  webhooks: ${dev.url}/webhooks/resend (RESEND_WEBHOOK_SECRET is set)`);
      if (args['allow-remote'])
        io.out(
          `  remote: listening on ${args.host}, answering only to Host localhost${[...dev.allowedHosts()].map((h) => `, ${h}`).join('')}; any other name gets 403 (add one with --allowed-host NAME)`,
        );
      builder.onChange((event, data) => {
        if (event === 'outbox') io.out(`  outbox: ${data}`);
        else if (event === 'version' && builder.last) io.out(`  rebuilt ${builder.last.scope} in ${builder.last.ms.toFixed(0)} ms`);
      });
      if (args.open && !(await openBrowser(dev.url))) io.out('  (no browser to open here: visit the URL above)');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      io.out('  stopping: the worker finishes its batch in flight…');
      await dev.close();
      io.out('  stopped.');
      return 0;
    },
  });
