import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { defineCommand } from 'citty';
import cliProgress from 'cli-progress';
import {
  broadcastMessages,
  broadcastStatuses,
  cancelBroadcast,
  loadBroadcast,
  planSend,
  progressOf,
  runBroadcast,
  sendBroadcastTest,
  slugOf,
  startSend,
  type BroadcastProgress,
  type BroadcastStatus,
  type SendPlan,
} from '../../broadcast/index.ts';
import { loadProject } from '../../build/index.ts';
import { configuredTransport } from '../../deliver/index.ts';
import { StopRunError, workerId } from '../../send/index.ts';
import { CoursemailError } from '../../shared/index.ts';
import { openStore, storeOptionsFromEnv } from '../../store/index.ts';
import { signingSecret } from '../../tokens/index.ts';
import { EXIT, printProblems, type CliIO } from '../output.ts';
import { rootArg } from './args.ts';

const ACTIONS = ['preview', 'test', 'send', 'status', 'cancel'] as const;
type Action = (typeof ACTIONS)[number];

const n = (v: number) => v.toLocaleString('en-US');
const when = (d: Date) => `${d.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
const isTTY = () => !!process.stdout.isTTY && !!process.stdin.isTTY;

function describePlan(io: CliIO, plan: SendPlan): void {
  const a = plan.action;
  const who = plan.seriesId ? `subscribers of series "${plan.seriesId}"` : 'every active subscriber';
  io.out(plan.draft.file);
  io.out(`  subject:    ${plan.subject || '(none)'}`);
  io.out(
    `  recipients: ${n(plan.recipients)} ${a.kind === 'resume' || a.kind === 'done' ? 'still to go' : `(${who}, not unsubscribed, bounced or suppressed)`}`,
  );
  io.out(`  sample:     ${plan.sample.length ? plan.sample.join(', ') : '(nobody)'}`);
  if (plan.htmlBytes) io.out(`  size:       ${(plan.htmlBytes / 1024).toFixed(1)} KB of HTML, filled (Gmail clips past 102 KB)`);
  const failed = plan.checks.filter((c) => !c.ok);
  io.out(
    `  guard:      ${plan.checks.length === 0 ? '✗ not rendered' : failed.length ? `✗ ${failed.length} of ${plan.checks.length} checks fail` : `✓ all ${plan.checks.length} checks pass`}`,
  );
  for (const c of failed) io.out(`                ✗ ${c.rule}: ${c.why}`);
  if (plan.replaces)
    io.out(
      `  replaces:   broadcast ${plan.replaces.broadcast.id} (${n(plan.replaces.sent)} of ${n(plan.replaces.total)} sent); its ${n(plan.replaces.queued)} unsent copies are cancelled`,
    );
  const next =
    a.kind === 'start'
      ? 'a new broadcast, sent now'
      : a.kind === 'schedule'
        ? `a new broadcast, scheduled for ${when(a.sendAt)} (recipients are fixed then)`
        : a.kind === 'resume'
          ? `resume broadcast ${a.broadcast.id} (${n(plan.existing?.sent ?? 0)} of ${n(plan.existing?.total ?? 0)} sent); nobody gets a second copy`
          : a.kind === 'wait'
            ? `nothing: broadcast ${a.broadcast.id} is scheduled for ${when(a.broadcast.sendAt!)}`
            : a.kind === 'done'
              ? `nothing: broadcast ${a.broadcast.id} was already sent`
              : 'refused (see below)';
  io.out(`  send would: ${next}`);
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

/** A bar on a terminal; elsewhere (logs, CI) a plain line at most once a second and at the end. */
function progressReporter(io: CliIO, subject: string) {
  const started = Date.now();
  let firstSent: number | undefined;
  let lastLine = 0;
  const bar = isTTY()
    ? new cliProgress.SingleBar(
        { format: ' {bar} {value}/{total} done | {sent} sent, {failed} failed | {rate}/s | ETA {eta_formatted}', hideCursor: true, etaBuffer: 50 },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const rate = (p: BroadcastProgress) => {
    firstSent ??= p.sent;
    const s = (Date.now() - started) / 1000;
    return s > 0 ? Math.round((p.sent - firstSent) / s) : 0;
  };
  return {
    update(p: BroadcastProgress, final = false) {
      const done = p.sent + p.failed + p.cancelled;
      const r = rate(p);
      if (bar) {
        if (!bar.isActive) bar.start(p.total, done, { sent: p.sent, failed: p.failed, rate: r });
        else bar.update(done, { sent: p.sent, failed: p.failed, rate: r });
        if (final) bar.stop();
        return;
      }
      if (!final && Date.now() - lastLine < 1000) return;
      lastLine = Date.now();
      const left = p.total - done;
      const eta = r > 0 && left > 0 ? `, about ${Math.ceil(left / r)} s left` : '';
      const held = p.sending > 0 && !final ? `, ${n(p.sending)} in flight or held by another run` : '';
      const later = p.queued - p.due > 0 ? `, ${n(p.queued - p.due)} waiting to retry` : '';
      const pct = p.total ? Math.floor((done / p.total) * 100) : 100;
      io.out(`“${subject}”: ${n(p.sent)}/${n(p.total)} sent (${pct} %), ${n(p.failed)} failed, ${r}/s${eta}${held}${later}`);
    },
  };
}

/** `broadcast preview|test|send|status|cancel`: one-off messages from broadcasts/<slug>.md. */
export const broadcastCommand = (io: CliIO) =>
  defineCommand({
    meta: { name: 'broadcast', description: 'one-off messages from broadcasts/: preview | test | send | status | cancel FILE' },
    args: {
      ...rootArg,
      action: { type: 'positional', description: ACTIONS.join(' | '), required: true },
      file: { type: 'positional', description: 'broadcasts/<slug>.md (optional for status)', required: false },
      to: { type: 'string', description: 'test: recipient (default: testAddress in the config)' },
      'dry-run': { type: 'boolean', description: 'send: print count, sample, subject, size and guard result; send nothing' },
      yes: { type: 'boolean', description: 'send: do not ask for confirmation (needed when not on a terminal)' },
      'force-new': {
        type: 'boolean',
        description: 'send: start a new broadcast even though this file was sent or started before (cancels the unsent rest of an unfinished one)',
      },
      lease: { type: 'string', description: 'send: seconds a claimed batch is held; after a crash the next run takes it over once they pass', default: '300' },
      port: { type: 'string', description: 'preview: port of `coursemail dev`', default: '3000' },
    },
    run: async ({ args }) => {
      const action = args.action as Action;
      if (!ACTIONS.includes(action)) throw new CoursemailError('args', `broadcast: unknown action "${args.action}" (use ${ACTIONS.join(', ')})`);
      const root = resolve(args.root);
      const file = args.file as string | undefined;
      if (!file && action !== 'status')
        throw new CoursemailError('args', `broadcast ${action} needs FILE, e.g. coursemail broadcast ${action} broadcasts/new-article.md`);
      const slug = file ? slugOf(root, file) : undefined;
      const now = () => new Date();

      if (action === 'preview') {
        const project = await loadProject(root);
        const draft = await loadBroadcast(project, slug!);
        io.out(`http://127.0.0.1:${args.port}/broadcasts/${encodeURIComponent(slug!)}`);
        io.out('  (served by `coursemail dev`; start it if it is not running)');
        if (draft.problems.length) printProblems(io, draft.problems, `${draft.file} cannot be sent yet`);
        return draft.problems.length ? 1 : 0;
      }

      if (action === 'test') {
        const project = await loadProject(root);
        const draft = await loadBroadcast(project, slug!);
        const transport = configuredTransport(project.config, root);
        try {
          const { outcome, sent } = await sendBroadcastTest({ draft, config: project.config, transport, now: now(), to: args.to });
          io.out(`Sent “${sent.subject}” to ${sent.to} via ${transport.name}: ${outcome.providerId}`);
        } finally {
          await transport.close();
        }
        return 0;
      }

      const store = await openStore(storeOptionsFromEnv(process.env, root));
      try {
        if (action === 'status') return printStatus(io, await broadcastStatuses({ root, store }, now(), slug));
        if (action === 'cancel') {
          const { broadcast, cancelled } = await cancelBroadcast(store, slug!, now());
          io.out(
            broadcast.total === null
              ? `Cancelled broadcast ${broadcast.id} (broadcasts/${slug}.md) before it went: nothing will be sent.`
              : `Cancelled broadcast ${broadcast.id} (broadcasts/${slug}.md): ${n(cancelled)} cop${cancelled === 1 ? 'y' : 'ies'} will not go. Copies already in flight may still arrive.`,
          );
          return 0;
        }

        const project = await loadProject(root);
        const draft = await loadBroadcast(project, slug!);
        const forceNew = !!args['force-new'];
        const plan = await planSend({ project, store }, draft, { now: now(), forceNew });
        describePlan(io, plan);
        const a = plan.action;
        if (a.kind === 'refused') {
          if (a.problems.length) printProblems(io, a.problems, a.reason);
          else io.err(a.reason);
          return 1;
        }
        if (args['dry-run']) {
          io.out('Dry run: nothing was sent.');
          return 0;
        }
        if (a.kind === 'done' || a.kind === 'wait') return 0;

        const leaseSeconds = Number(args.lease);
        if (!(leaseSeconds > 0)) throw new CoursemailError('args', `--lease must be a number of seconds, not "${args.lease}"`);
        // Everything that can refuse is checked before the broadcast row is written.
        const secret = signingSecret(process.env, { allowEphemeral: false });
        const transport = configuredTransport(project.config, root);
        try {
          if (!args.yes) {
            if (!isTTY()) {
              io.err(
                `Not sent: confirmation needed. Run this in a terminal, or pass --yes to send “${plan.subject}” to ${n(plan.recipients)} recipients without asking.`,
              );
              return 1;
            }
            const verb = a.kind === 'schedule' ? `Schedule for ${when(a.sendAt)}` : a.kind === 'resume' ? 'Resume sending' : 'Send';
            if (!(await confirm(`${verb} “${plan.subject}” to ${n(plan.recipients)} recipients? [y/N] `))) {
              io.out('Not sent.');
              return 1;
            }
          }
          const started = await startSend({ project, store }, draft, { now: now(), forceNew });
          if (started.outcome === 'already-sent') {
            io.out(`Broadcast ${started.broadcast.id} was already sent; nothing to do.`);
            return 0;
          }
          if (started.replaced)
            io.out(`Cancelled broadcast ${started.replaced.broadcast.id}: ${n(started.replaced.cancelled)} unsent copies of the earlier version will not go.`);
          if (started.outcome === 'scheduled') {
            io.out(
              `Scheduled broadcast ${started.broadcast.id} for ${when(started.broadcast.sendAt!)}; \`coursemail worker\` sends it then (recipients are fixed when it goes).`,
            );
            return 0;
          }
          io.out(
            `${started.resumed ? 'Resuming' : 'Sending'} broadcast ${started.broadcast.id} to ${n(started.total)} recipients via ${transport.name}${started.resumed ? '; copies already sent are not sent again' : ''}.`,
          );
          const messages = broadcastMessages(store);
          const controller = new AbortController();
          const interrupt = () => {
            io.err('stopping after the batch in flight… (run the same command again to resume)');
            controller.abort();
          };
          process.once('SIGINT', interrupt);
          process.once('SIGTERM', interrupt);
          const reporter = progressReporter(io, plan.subject);
          let last: BroadcastProgress;
          let stopped = false;
          try {
            last = await runBroadcast({
              store,
              transport,
              config: project.config,
              secret,
              owner: workerId(),
              clock: now,
              messages,
              broadcastId: started.broadcast.id,
              leaseMs: leaseSeconds * 1000,
              signal: controller.signal,
              onProgress: (p) => reporter.update(p),
            });
          } catch (err) {
            // The provider said stop (quota, key): the copies not sent stay queued for a later run.
            if (!(err instanceof StopRunError)) throw err;
            io.err(`coursemail: stopped: ${err.message}`);
            stopped = true;
            last = await progressOf(store, started.broadcast, now());
          } finally {
            process.off('SIGINT', interrupt);
            process.off('SIGTERM', interrupt);
          }
          reporter.update(last, true);
          const left = last.queued + last.sending;
          io.out(
            `${left ? 'Stopped' : 'Done'}: ${n(last.sent)} sent, ${n(last.failed)} failed, ${n(last.cancelled)} skipped (left or cancelled during the send)${left ? `, ${n(left)} still to go: run the same command again to resume` : ''}.`,
          );
          return stopped ? EXIT.providerStop : left || last.failed ? 1 : 0;
        } finally {
          await transport.close();
        }
      } finally {
        await store.close();
      }
    },
  });

function printStatus(io: CliIO, list: BroadcastStatus[]): number {
  if (!list.length) {
    io.out('No broadcasts: write one in broadcasts/<slug>.md.');
    return 0;
  }
  for (const s of list) {
    const p = s.progress;
    const detail = !p
      ? 'never sent'
      : p.broadcast.status === 'scheduled'
        ? `broadcast ${p.broadcast.id}, for ${when(p.broadcast.sendAt!)}`
        : p.broadcast.total === null
          ? `broadcast ${p.broadcast.id}, ${p.broadcast.status} before it went`
          : `broadcast ${p.broadcast.id}: ${n(p.sent)}/${n(p.total)} sent, ${n(p.failed)} failed, ${n(p.cancelled)} skipped${p.queued + p.sending ? `, ${n(p.queued + p.sending)} to go` : ''}`;
    const state = s.state === 'sending' && p ? `sending ${n(p.sent)}/${n(p.total)}` : s.state;
    const notes = [s.file ? '' : s.drafted ? 'written in the console' : 'file gone', s.changed ? 'file changed since it was started' : '']
      .filter(Boolean)
      .join('; ');
    io.out(`${s.slug.padEnd(28)} ${state.padEnd(18)} ${detail}${notes ? `  (${notes})` : ''}`);
  }
  return 0;
}
