import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { defineCommand } from 'citty';
import cliProgress from 'cli-progress';
import { linkResolver, loadConfig, type Config } from '../../config/index.ts';
import { listSeries, loadSeries } from '../../content/index.ts';
import type { Course } from '../../course/types.ts';
import { CoursemailError } from '../../shared/index.ts';
import { openStore, storeOptionsFromEnv, type Enrollment, type Store, type SubscriberStatus } from '../../store/index.ts';
import {
  exportSubscribers,
  forgetSubscriber,
  importReaders,
  nameProblem,
  queueConfirmations,
  sanitizeName,
  validateTimezone,
  type ImportProgress,
} from '../../subscribers/index.ts';
import { processIO, type CliIO } from '../output.ts';
import { emailArg, rootArg } from './args.ts';

/**
 * What the subscriber commands (and `serve`, `enroll`) need: config, the store and the
 * series that load. No transport and no signing secret — these commands send nothing.
 */
export interface ListRuntime {
  root: string;
  config: Config;
  store: Store;
  /** Series that load, by id: titles, lessons, zone and window (a reader's pages name them and say when lesson 1 comes). */
  series: Map<string, Pick<Course, 'title' | 'description' | 'steps' | 'timezone' | 'sendWindow'>>;
  close(): Promise<void>;
}

export async function openListRuntime(rootArg: string, env: NodeJS.ProcessEnv = process.env): Promise<ListRuntime> {
  const root = resolve(rootArg);
  const config = loadConfig(root);
  const series: ListRuntime['series'] = new Map();
  for (const id of listSeries(root)) {
    const { course } = loadSeries(root, id, linkResolver(config));
    if (course) series.set(id, course);
  }
  const store = await openStore(storeOptionsFromEnv(env, root));
  return { root, config, store, series, close: () => store.close() };
}

/** `--series ID` when given (it must exist), else the project's only series. */
export function pickSeries(rt: ListRuntime, given: string | undefined, required: boolean): string | null {
  const ids = [...rt.series.keys()];
  if (given) {
    if (!rt.series.has(given))
      throw new CoursemailError('args.series', `No series "${given}" (series/${given}/series.yaml must exist and load). Series: ${ids.join(', ') || 'none'}.`);
    return given;
  }
  if (ids.length === 1) return ids[0]!;
  if (required) throw new CoursemailError('args.series', `Name the series with --series (one of: ${ids.join(', ') || 'none — create one under series/'}).`);
  return null;
}

export async function withRuntime<T>(root: string, body: (rt: ListRuntime) => Promise<T>): Promise<T> {
  const rt = await openListRuntime(root);
  try {
    return await body(rt);
  } finally {
    await rt.close();
  }
}

const SUPPRESSED = 'is suppressed (a bounce, a complaint or a request to be forgotten): it can never be added again.';

const add = (io: CliIO) =>
  defineCommand({
    meta: { name: 'add', description: 'add one subscriber: active and enrolled with --consent, else pending with a confirmation email queued' },
    args: {
      ...rootArg,
      email: { type: 'positional', description: 'email address', required: true },
      name: { type: 'string', description: 'first name' },
      tz: { type: 'string', description: 'IANA time zone, e.g. America/Chicago' },
      series: { type: 'string', description: 'series to enroll in (default: the only one)' },
      consent: { type: 'string', description: 'where consent was given (e.g. "paper form 2026-03-01"): the subscriber is active at once' },
    },
    run: ({ args }) =>
      withRuntime(args.root, async (rt) => {
        const email = emailArg(args.email);
        const zone = validateTimezone(args.tz);
        if ('problem' in zone) throw new CoursemailError('args.tz', `--tz: ${zone.problem.message}.`);
        const firstName = sanitizeName(args.name);
        const badName = nameProblem(firstName);
        if (badName) throw new CoursemailError('args.name', `--name: ${badName}.`);
        const seriesId = pickSeries(rt, args.series, true)!;
        const now = new Date();
        const r = await rt.store.subscribers.createPending({ email, firstName, timezone: zone.timezone, consentSource: args.consent ?? 'cli', now });
        if (r.outcome === 'suppressed') throw new CoursemailError('subscribers.suppressed', `${email} ${SUPPRESSED}`);
        if (r.outcome === 'reopened') io.err(`note: ${email} had unsubscribed or bounced; added again on your word.`);
        const id = r.subscriber.id;
        if (args.consent || r.outcome === 'active') {
          const activated = await rt.store.subscribers.activate(id, { now, seriesId });
          if (activated.outcome !== 'activated' && activated.outcome !== 'already-active')
            throw new CoursemailError('subscribers.add', `${email} could not be activated (${activated.outcome}).`);
          io.out(`${email}: active, enrolled in ${seriesId}${r.outcome === 'active' ? ' (was already active)' : ''}; lesson 1 goes with the next worker run.`);
          return 0;
        }
        const queued = await queueConfirmations(rt.store, [id], seriesId, now);
        io.out(
          `${email}: pending${queued ? '; a confirmation email is queued (sent by `coursemail worker`)' : '; a confirmation email is already waiting to go'}.`,
        );
        return 0;
      }),
  });

const importCmd = (io: CliIO) =>
  defineCommand({
    meta: { name: 'import', description: 'import a CSV (email, first_name, timezone, consent): streams, reports bad rows by line' },
    args: {
      ...rootArg,
      file: { type: 'positional', description: 'CSV file with a header line', required: true },
      series: { type: 'string', description: 'series to enroll in (default: the only one)' },
      source: { type: 'string', description: 'consent source recorded for each row (default: import:FILE)' },
    },
    run: ({ args }) =>
      withRuntime(args.root, async (rt) => {
        let size: number;
        try {
          const st = statSync(args.file);
          if (!st.isFile()) throw new Error(st.isDirectory() ? 'it is a directory, not a CSV file' : 'not a regular file');
          size = st.size;
        } catch (err) {
          throw new CoursemailError('import.read', `Cannot read ${args.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
        }
        const seriesId = pickSeries(rt, args.series, false);
        const now = new Date();
        const progress = progressReporter(io, size);
        const result = await importReaders(rt.store, createReadStream(args.file), {
          now,
          seriesId,
          source: args.source ?? `import:${basename(args.file)}`,
          file: basename(args.file),
          onProgress: progress.update,
        });
        progress.stop();
        if (result.rows === 0 && result.bad.length === 0) io.out(`${args.file} has a header line and no rows after it: nothing to import.`);
        const left = result.left ? `, ${result.left} who had left (status unsubscribed, bounced…) skipped` : '';
        io.out(
          `${result.rows} rows read: ${result.imported} imported (${result.active} active, ${result.pending} pending), ${result.duplicates} duplicates skipped, ${result.suppressed} suppressed skipped${left}, ${result.bad.length} bad.`,
        );
        if (result.pending) {
          io.out(
            seriesId
              ? `${result.queued} confirmation emails queued (sent by \`coursemail worker\`).`
              : `No series chosen (--series): the ${result.pending} pending subscribers get no confirmation email yet.`,
          );
        }
        if (result.active && seriesId) io.out(`${result.active} active subscribers enrolled in ${seriesId}.`);
        for (const b of result.bad) io.out(`line ${b.line}: ${b.reason}`);
        return 0;
      }),
  });

/** A bar on a terminal; elsewhere (pipes, CI, logs) a plain line every 10 000 rows. */
function progressReporter(io: CliIO, totalBytes: number) {
  if (io === processIO && process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: 'importing [{bar}] {percentage}% | {rows} rows, {imported} imported, {bad} bad', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.max(totalBytes, 1), 0, { rows: 0, imported: 0, bad: 0 });
    return {
      update: (p: ImportProgress) => bar.update(Math.min(p.bytes, totalBytes), { rows: p.rows, imported: p.imported, bad: p.bad }),
      stop: () => bar.stop(),
    };
  }
  let next = 10_000;
  return {
    update: (p: ImportProgress) => {
      if (p.rows < next) return;
      next = p.rows + 10_000;
      io.err(`… ${p.rows} rows read, ${p.imported} imported, ${p.bad} bad`);
    },
    stop: () => undefined,
  };
}

const STATUSES: SubscriberStatus[] = ['pending', 'active', 'unsubscribed', 'bounced', 'complained'];

const list = (io: CliIO) =>
  defineCommand({
    meta: { name: 'list', description: 'list subscribers (id, status, email, name, time zone, since, where they are in each course)' },
    args: { ...rootArg, status: { type: 'string', description: `only this status: ${STATUSES.join(', ')}` } },
    run: ({ args }) =>
      withRuntime(args.root, async (rt) => {
        const status = args.status as SubscriberStatus | undefined;
        if (status !== undefined && !STATUSES.includes(status)) throw new CoursemailError('args.status', `--status must be one of ${STATUSES.join(', ')}.`);
        let after: string | undefined;
        for (;;) {
          const page = await rt.store.subscribers.list({ limit: 500, after, status });
          const enrollments = new Map<string, Enrollment[]>();
          for (const e of await rt.store.enrollments.listForSubscribers(page.map((s) => s.id)))
            enrollments.set(e.subscriberId, [...(enrollments.get(e.subscriberId) ?? []), e]);
          for (const s of page) {
            const course = (enrollments.get(s.id) ?? []).map((e) => progress(e, rt.series.get(e.seriesId))).join(', ') || '-';
            io.out(
              [s.id.padStart(6), s.status.padEnd(12), s.email, s.firstName ?? '-', s.timezone ?? '-', s.createdAt.toISOString().slice(0, 10), course].join(
                '  ',
              ),
            );
          }
          if (page.length < 500) break;
          after = page[page.length - 1]!.id;
        }
        const counts = await rt.store.subscribers.countByStatus();
        io.out(`total: ${STATUSES.map((s) => `${counts[s]} ${s}`).join(', ')}`);
        return 0;
      }),
  });

/**
 * Where a reader is in a course, for the coach: "physician-coaching 2/5" (lessons sent of
 * the series' count), with "paused", "done" or "stopped" after it when so.
 */
function progress(e: Enrollment, course: Pick<Course, 'steps'> | undefined): string {
  const steps = course?.steps ?? [];
  const at = e.lastStepSlug === null ? 0 : steps.findIndex((s) => s.slug === e.lastStepSlug) + 1;
  const where = `${e.seriesId} ${at > 0 || e.lastStepSlug === null ? at : '?'}/${steps.length || '?'}`;
  const state = e.status === 'completed' ? ' done' : e.status === 'stopped' ? ' stopped' : e.pausedAt ? ' paused' : '';
  return `${where}${state}`;
}

const exportCmd = (io: CliIO) =>
  defineCommand({
    meta: { name: 'export', description: 'everything held about one subscriber (EMAIL) or all, as CSV or JSON' },
    args: {
      ...rootArg,
      email: { type: 'positional', description: 'one subscriber (default: all)', required: false },
      format: { type: 'string', description: 'csv or json', default: 'csv' },
      out: { type: 'string', description: 'write to this file (mode 600) instead of stdout' },
    },
    run: ({ args }) =>
      withRuntime(args.root, async (rt) => {
        if (args.format !== 'csv' && args.format !== 'json') throw new CoursemailError('args.format', '--format must be csv or json.');
        const email = args.email ? emailArg(args.email) : undefined;
        if (email && !(await rt.store.subscribers.findByEmail(email))) throw new CoursemailError('export.none', `No subscriber with the address ${email}.`);
        const chunks = exportSubscribers(rt.store, { email, format: args.format });
        if (args.out) {
          // Personal data: readable by the owner only.
          await pipeline(Readable.from(chunks), createWriteStream(args.out, { mode: 0o600 }));
          io.err(`written to ${args.out} (personal data: keep it safe, delete it when done)`);
          return 0;
        }
        let pending = '';
        for await (const chunk of chunks) {
          const lines = (pending + chunk).split(/\r?\n/);
          pending = lines.pop()!;
          for (const l of lines) io.out(l);
        }
        if (pending) io.out(pending);
        return 0;
      }),
  });

const forget = (io: CliIO) =>
  defineCommand({
    meta: { name: 'forget', description: 'erase a subscriber (GDPR-style); keeps only a hash so they are never mailed again' },
    args: {
      ...rootArg,
      email: { type: 'positional', description: 'email address', required: true },
      yes: { type: 'boolean', description: 'yes, erase it (cannot be undone)' },
    },
    run: ({ args }) =>
      withRuntime(args.root, async (rt) => {
        const email = emailArg(args.email);
        if (!args.yes) throw new CoursemailError('forget.confirm', `This erases everything held about ${email} and cannot be undone. Run it again with --yes.`);
        const r = await forgetSubscriber(rt.store, email, new Date(), { outboxDir: join(rt.root, 'outbox') });
        if ('problem' in r) throw new CoursemailError('args.email', r.problem.message);
        io.out(
          r.found
            ? `${r.email}: erased; only a one-way hash remains, so no import or sign-up can add it again.`
            : `${r.email}: not a subscriber; suppressed all the same, so it is never mailed.`,
        );
        if (r.outboxFiles) io.out(`  ${r.outboxFiles} message file(s) to it removed from outbox/.`);
        return 0;
      }),
  });

const unsubscribe = (io: CliIO) =>
  defineCommand({
    meta: { name: 'unsubscribe', description: 'unsubscribe an address and cancel everything queued for it' },
    args: { ...rootArg, email: { type: 'positional', description: 'email address', required: true } },
    run: ({ args }) =>
      withRuntime(args.root, async (rt) => {
        const email = emailArg(args.email);
        const s = await rt.store.subscribers.findByEmail(email);
        if (!s) throw new CoursemailError('subscribers.none', `No subscriber with the address ${email}.`);
        const r = await rt.store.subscribers.unsubscribe(s.id, new Date());
        io.out(r?.changed ? `${email}: unsubscribed; ${r.cancelled} queued message(s) cancelled.` : `${email}: already ${s.status}; nothing to change.`);
        return 0;
      }),
  });

export const subscribersCommand = (io: CliIO) => {
  const subCommands = { add: add(io), import: importCmd(io), list: list(io), export: exportCmd(io), forget: forget(io), unsubscribe: unsubscribe(io) };
  const usage = `Usage: coursemail subscribers <${Object.keys(subCommands).join('|')}> …`;
  return defineCommand({
    meta: { name: 'subscribers', description: 'add | import | list | export | forget | unsubscribe' },
    subCommands,
    // citty runs this after a sub-command too, and throws its own error before it for an
    // unknown one: it only has to answer a bare `coursemail subscribers`.
    run: ({ rawArgs }) => {
      if (rawArgs.some((a) => Object.hasOwn(subCommands, a))) return undefined;
      io.err(usage);
      return 2;
    },
  });
};
