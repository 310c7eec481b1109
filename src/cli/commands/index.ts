import type { ArgsDef, CommandDef } from 'citty';
import type { CliIO } from '../output.ts';

/**
 * Every CLI command, one file each. A command is either a citty definition or a factory
 * taking the IO to print to (so tests can capture output in-process).
 */
export type CommandEntry = CommandDef<ArgsDef> | ((io: CliIO) => CommandDef<ArgsDef>);

export interface RegistryEntry {
  /** Shown by `coursemail --help`; equal to the command's own `meta.description` (tested). */
  description: string;
  /** Loaded only when the command runs: `build` pulls in React and MJML, `subscribers` the store — `status` needs neither. */
  load(): Promise<CommandEntry>;
}

const entry = (description: string, load: () => Promise<unknown>): RegistryEntry => ({ description, load: load as () => Promise<CommandEntry> });

export const registry: Record<string, RegistryEntry> = {
  backup: entry('copy the SQLite store to FILE, consistent while the worker sends (VACUUM INTO)', () => import('./backup.ts').then((m) => m.backupCommand)),
  broadcast: entry('one-off messages from broadcasts/: preview | test | send | status | cancel FILE', () =>
    import('./broadcast.ts').then((m) => m.broadcastCommand),
  ),
  build: entry('compile series into previews/<id>/NN-slug.{html,txt} and manifest.json', () => import('./build.ts').then((m) => m.buildCommand)),
  check: entry('validate content and compliance of every message; non-zero exit with every problem listed', () =>
    import('./check.ts').then((m) => m.checkCommand),
  ),
  dev: entry('the whole flow on localhost: preview with live reload, sign-up and confirm pages, /status, and a worker sending to the outbox', () =>
    import('./dev.ts').then((m) => m.devCommand),
  ),
  doctor: entry('check what a launch needs (config, secrets, Resend, DNS, database, Node); non-zero exit when something is not ready', () =>
    import('./doctor.ts').then((m) => m.doctorCommand),
  ),
  embed: entry('print an HTML sign-up form for your own site (posts to publicUrl/subscribe/SERIES)', () => import('./embed.ts').then((m) => m.embedCommand)),
  enroll: entry('enroll an active subscriber in a series (lesson 1 goes with the next worker run)', () => import('./enroll.ts').then((m) => m.enrollCommand)),
  init: entry('write coursemail.config.json (asked on a terminal, or from flags) and .env.example with a fresh COURSEMAIL_SECRET', () =>
    import('./init.ts').then((m) => m.initCommand),
  ),
  'migrate-store': entry('copy the SQLite store (subscribers, consent, enrollments, suppressions, history) into an empty Postgres: --to postgres://…', () =>
    import('./migrate-store.ts').then((m) => m.migrateStoreCommand),
  ),
  new: entry('draft series/<id>/ from an article (Markdown, HTML or plain text)', () => import('./new.ts').then((m) => m.newCommand)),
  restore: entry('put a backup FILE in place of the SQLite store; refuses while a worker holds leases', () =>
    import('./backup.ts').then((m) => m.restoreCommand),
  ),
  'send-test': entry('send one lesson (or the confirmation) to the test address, marked [TEST]', () => import('./send-test.ts').then((m) => m.sendTestCommand)),
  serve: entry('public endpoints only: sign-up, confirm, one-click unsubscribe, preferences (run `coursemail worker` beside it)', () =>
    import('./serve.ts').then((m) => m.serveCommand),
  ),
  simulate: entry('timeline of what one subscriber would get, and when', () => import('./simulate.ts').then((m) => m.simulateCommand)),
  status: entry('per lesson and broadcast: sent, delivered, bounced, complained, unsubscribed, failed, due; and the complaint rate', () =>
    import('./status.ts').then((m) => m.statusCommand),
  ),
  subscribers: entry('add | import | list | export | forget | unsubscribe', () => import('./subscribers.ts').then((m) => m.subscribersCommand)),
  suppressions: entry('addresses never mailed (bounces, complaints, manual): list | add EMAIL | remove EMAIL --yes', () =>
    import('./suppressions.ts').then((m) => m.suppressionsCommand),
  ),
  worker: entry('send what is due (drip steps, confirmations, broadcasts); --once to stop when done', () => import('./worker.ts').then((m) => m.workerCommand)),
};
