import type { Context, Hono } from 'hono';
import {
  broadcastStatuses,
  cancelBroadcast,
  listBroadcastSlugs,
  loadBroadcast,
  planSend,
  progressOf,
  sendBroadcastTest,
  startSend,
  type BroadcastStatus,
  type SendPlan,
} from '../../broadcast/index.ts';
import type { Transport } from '../../send/transport.ts';
import type { Store } from '../../store/index.ts';
import { actionError } from './action-error.ts';
import { broadcastsTable, confirmPage, n, sendFacts, POLL_SCRIPT, sendingCard, testConfirmInput, when, type ConfirmPageInput } from './broadcast-pages.ts';
import type { FormGuard } from './csrf.ts';
import { html, type SafeHtml } from '../html.ts';
import type { Notices } from './notices.ts';
import type { PreviewBuilder } from './state.ts';

/**
 * What the preview needs to send for real (`coursemail dev` passes it): the store and a way
 * to wake the in-process worker.
 */
export interface DevHooks {
  store: Store;
  /** Wakes the in-process worker: a started send goes out now, not after its idle pause. */
  kick(): void;
  /** The public sign-up form is served beside the preview: the series page links to it. */
  signUp?: boolean;
  /** Why the in-process worker is not sending now (no key, a refused login); every page shows it. */
  workerProblem?: () => string | undefined;
  /** Resend's webhooks are received: delivered, bounced and complained can be counted. */
  webhooks?: boolean;
  /** The delivery row behind a sent message's opaque X-Coursemail-Delivery id (the Outbox names its kind). */
  deliveryRowId?: (publicId: string) => string | null;
}

export type PageStatus = 200 | 400 | 403 | 404 | 409 | 503;

export interface BroadcastRoutesContext {
  builder: PreviewBuilder;
  hooks?: DevHooks;
  guard: FormGuard;
  notices: Notices;
  now: () => Date;
  transport: () => Transport;
  render: (c: Context, title: string, body: SafeHtml, opts?: { script?: string; status?: PageStatus }) => Response | Promise<Response>;
}

/** Newest broadcast per slug with its counts; undefined without a store (a bare preview). */
export async function statusesOf(ctx: Pick<BroadcastRoutesContext, 'builder' | 'hooks' | 'now'>): Promise<Map<string, BroadcastStatus> | undefined> {
  if (!ctx.hooks) return undefined;
  const list = await broadcastStatuses({ root: ctx.builder.root, store: ctx.hooks.store }, ctx.now());
  return new Map(list.map((s) => [s.slug, s]));
}

function plannedAs(plan: SendPlan): { nextStep: string; button: string; confirm: string } {
  const a = plan.action;
  const to = `${n(plan.recipients)} recipient${plan.recipients === 1 ? '' : 's'}`;
  const subject = `“${plan.subject}”`;
  switch (a.kind) {
    case 'schedule':
      return {
        nextStep: `a new broadcast, scheduled for ${when(a.sendAt)}: the recipients are fixed then (${to} if it went now)`,
        button: `Schedule for ${when(a.sendAt)}`,
        confirm: `Yes, schedule ${subject} (${to} now)`,
      };
    case 'resume':
      return {
        nextStep: `resume broadcast ${a.broadcast.id}: ${n(plan.existing?.sent ?? 0)} of ${n(plan.existing?.total ?? 0)} sent; nobody gets a second copy`,
        button: `Resume: ${to} to go`,
        confirm: `Yes, send ${subject} to the ${to} still to go`,
      };
    default:
      return { nextStep: 'a new broadcast, sent now by the worker inside coursemail dev', button: `Send to ${to}`, confirm: `Yes, send ${subject} to ${to}` };
  }
}

/**
 * The preview's broadcast pages: the list with statuses and three actions (test, send or resume, cancel), each behind a confirmation page
 * whose form POSTs with the token and a required checkbox. Every action is checked again on POST against the file and database as they are then.
 */
export function broadcastRoutes(app: Hono, ctx: BroadcastRoutesContext): void {
  const { builder, guard, notices } = ctx;
  const pageOf = (slug: string) => `/broadcasts/${encodeURIComponent(slug)}`;
  const message = (c: Context, status: PageStatus, title: string, text: string, slug?: string) =>
    ctx.render(
      c,
      title,
      html`<h1>${title}</h1><p class="notice bad" data-testid="refused">${text}</p>${slug ? html`<p><a href="${pageOf(slug)}">Back to the broadcast</a></p>` : ''}`,
      { status },
    );

  app.get('/broadcasts', async (c) => {
    const table = broadcastsTable(builder.broadcasts, await statusesOf(ctx), ctx.now());
    if (c.req.query('part') === 'table') return c.html(table.value);
    const notice = notices.get(c.req.query('notice'));
    return ctx.render(
      c,
      'Broadcasts',
      html`<h1>Broadcasts</h1>
        <p class="muted">One-off messages in broadcasts/. ${ctx.hooks ? 'Open one to send a test, send it to subscribers, or cancel a scheduled one.' : 'Sending and status need the store: run coursemail dev.'}</p>
        ${notice ? html`<p class="notice ${notice.ok ? 'ok' : 'bad'}" data-testid="notice">${notice.text}</p>` : ''}
        ${table}`,
      { script: POLL_SCRIPT },
    );
  });

  const hooks = ctx.hooks;
  if (!hooks) return;
  const { store } = hooks;

  /** A draft must be a file in broadcasts/ (names come from the directory, never from the URL alone). */
  const draftSlug = (c: Context) => {
    const slug = c.req.param('name') ?? '';
    return listBroadcastSlugs(builder.root).includes(slug) ? slug : undefined;
  };
  const after = (c: Context, slug: string, ok: boolean, text: string) => {
    const id = notices.add({ ok, text });
    return c.redirect(builder.broadcasts.has(slug) ? `${pageOf(slug)}?notice=${id}` : `/broadcasts?notice=${id}`, 303);
  };

  app.get('/broadcasts/:name/progress', async (c) => {
    const slug = c.req.param('name');
    const statuses = await statusesOf(ctx);
    if (!builder.broadcasts.has(slug) && !statuses?.has(slug)) return c.text('No such broadcast', 404);
    return c.html(sendingCard(slug, statuses?.get(slug), builder.broadcasts.get(slug), builder.project?.config.testAddress, ctx.now()).value);
  });

  /** Runs a POST's common checks: same origin + token, then the ticked box. */
  const gate = async (c: Context, slug: string | undefined): Promise<{ form: Record<string, unknown>; slug: string } | Response> => {
    // Origin and token come from the headers and the URL: refused before the body is read.
    const refused = guard.refusal(c);
    if (refused) return c.text(refused, 403);
    const form = (await c.req.parseBody()) as Record<string, unknown>;
    if (!slug) return message(c, 404, 'No such broadcast', `There is no ${c.req.param('name')}.md in broadcasts/.`);
    if (form.confirm !== 'yes') return message(c, 400, 'Not confirmed', 'Nothing was done: tick the confirmation box to go ahead.', slug);
    return { form, slug };
  };

  // Send or resume.
  app.get('/broadcasts/:name/send', async (c) => {
    const slug = draftSlug(c);
    const project = builder.project;
    if (!slug || !project)
      return message(c, 404, 'No such broadcast', `There is no broadcasts/${c.req.param('name')}.md${project ? '' : ', or the project does not load'}.`);
    const draft = await loadBroadcast(project, slug);
    const plan = await planSend({ project, store }, draft, { now: ctx.now() });
    const a = plan.action;
    const planned = plannedAs(plan);
    const input: ConfirmPageInput = {
      slug,
      action: 'send',
      title: a.kind === 'resume' ? `Resume sending “${plan.subject}”?` : `Send “${plan.subject}”?`,
      facts: sendFacts(plan, project.config.transport, planned.nextStep),
      hidden: { hash: draft.hash },
      confirmText: planned.confirm,
      button: planned.button,
      guard,
    };
    if (a.kind === 'refused') input.refusal = { reason: a.reason, problems: a.problems };
    if (a.kind === 'done') input.nothingToDo = `Broadcast ${a.broadcast.id} was already sent in full: nothing to do.`;
    if (a.kind === 'wait')
      input.nothingToDo = `Broadcast ${a.broadcast.id} is scheduled for ${when(a.broadcast.sendAt)}: the worker sends it then. Cancel it from its page to stop it.`;
    return ctx.render(c, input.title, confirmPage(input), { status: a.kind === 'refused' ? 409 : 200 });
  });

  /**
   * A confirmed POST for a draft: the gate (token, same origin, the confirm box), then the
   * file as it is now, refused unless it is exactly the version the coach reviewed.
   */
  const reviewedDraft = async (c: Context) => {
    const checked = await gate(c, draftSlug(c));
    if (checked instanceof Response) return checked;
    const { form, slug } = checked;
    const project = builder.project;
    if (!project) return message(c, 503, 'The project does not load', 'Fix coursemail.config.json or the templates first.', slug);
    const draft = await loadBroadcast(project, slug);
    if (draft.hash !== form.hash) {
      return message(
        c,
        409,
        'Not sent: the file changed',
        `Nothing was sent: ${draft.file} changed after you reviewed it. Review it again and confirm what is in it now.`,
        slug,
      );
    }
    return { project, draft, slug };
  };

  app.post('/broadcasts/:name/send', async (c) => {
    const reviewed = await reviewedDraft(c);
    if (reviewed instanceof Response) return reviewed;
    const { project, draft, slug } = reviewed;
    try {
      const started = await startSend({ project, store }, draft, { now: ctx.now() });
      builder.signal('broadcasts', slug);
      if (started.outcome === 'already-sent') return after(c, slug, true, `Broadcast ${started.broadcast.id} was already sent; nothing to do.`);
      if (started.outcome === 'scheduled') {
        hooks.kick();
        return after(
          c,
          slug,
          true,
          `Scheduled broadcast ${started.broadcast.id} for ${when(started.broadcast.sendAt)}: the worker sends it then, if coursemail dev (or a worker) is running. Recipients are fixed when it goes.`,
        );
      }
      hooks.kick();
      return after(
        c,
        slug,
        true,
        `${started.resumed ? 'Resumed' : 'Started'} broadcast ${started.broadcast.id} to ${n(started.total)} recipients; where it stands is below.`,
      );
    } catch (err) {
      return message(c, 409, 'Not sent', actionError(err), slug);
    }
  });

  // A test to the author.
  app.get('/broadcasts/:name/test', async (c) => {
    const slug = draftSlug(c);
    const project = builder.project;
    if (!slug || !project)
      return message(c, 404, 'No such broadcast', `There is no broadcasts/${c.req.param('name')}.md${project ? '' : ', or the project does not load'}.`);
    const draft = await loadBroadcast(project, slug);
    const to = project.config.testAddress;
    const input = testConfirmInput(draft, project.config.transport, to, to ?? 'no testAddress in coursemail.config.json', { slug, guard });
    if (!draft.built) input.refusal = { reason: `Not sendable: ${draft.file} does not pass the checks.`, problems: draft.problems };
    else if (!to) input.refusal = { reason: 'No test address: set "testAddress" in coursemail.config.json.', problems: [] };
    return ctx.render(c, input.title, confirmPage(input), { status: input.refusal ? 409 : 200 });
  });

  app.post('/broadcasts/:name/test', async (c) => {
    const reviewed = await reviewedDraft(c);
    if (reviewed instanceof Response) return reviewed;
    const { project, draft, slug } = reviewed;
    // Made inside the try: a transport that cannot start (no RESEND_API_KEY) is a notice, not a 500.
    let transport: Transport | undefined;
    try {
      transport = ctx.transport();
      const { outcome, sent } = await sendBroadcastTest({ draft, config: project.config, transport, now: ctx.now() });
      return after(c, slug, true, `Sent “${sent.subject}” to ${sent.to} via ${transport.name} (${outcome.providerId}).`);
    } catch (err) {
      return after(c, slug, false, actionError(err));
    } finally {
      await transport?.close();
    }
  });

  // Cancel what has not gone (a scheduled broadcast, or the rest of one being sent).
  const cancellable = async (c: Context) => {
    const slug = c.req.param('name') ?? '';
    const b = await store.broadcasts.getBySlug(slug);
    return b ? { slug, b } : undefined;
  };

  app.get('/broadcasts/:name/cancel', async (c) => {
    const found = await cancellable(c);
    if (!found) return message(c, 404, 'Nothing to cancel', `broadcasts/${c.req.param('name')}.md has not been sent or scheduled.`);
    const { slug, b } = found;
    const p = await progressOf(store, b, ctx.now());
    const open = b.status === 'scheduled' || b.status === 'sending' || b.status === 'draft';
    const stopped = b.total === null ? await store.broadcasts.countRecipients({ seriesId: b.seriesId }) : p.queued + p.sending;
    const input: ConfirmPageInput = {
      slug,
      action: 'cancel',
      title: `Cancel “${b.subject}”?`,
      facts: [
        ['Subject', b.subject, 'confirm-subject'],
        ['Broadcast', `${b.id}, ${b.status}${b.sendAt ? `, sendAt ${when(b.sendAt)}` : ''}`],
        [
          'Recipients',
          b.total === null
            ? html`<b data-testid="confirm-count">${n(stopped)}</b> would get it if it went now; after cancelling, nobody will`
            : html`<b data-testid="confirm-count">${n(stopped)}</b> of ${n(p.total)} not sent yet will not get it (${n(p.sent)} already sent; copies in flight may still arrive)`,
        ],
      ],
      hidden: { broadcast: b.id },
      confirmText: `Yes, cancel “${b.subject}” (${n(stopped)} recipient${stopped === 1 ? '' : 's'} will not get it)`,
      button: 'Cancel the broadcast',
      guard,
    };
    if (!open) input.nothingToDo = `Broadcast ${b.id} is ${b.status === 'sent' ? 'already sent in full' : 'already cancelled'}: nothing to cancel.`;
    return ctx.render(c, input.title, confirmPage(input));
  });

  app.post('/broadcasts/:name/cancel', async (c) => {
    const found = await cancellable(c);
    const checked = await gate(c, found?.slug);
    if (checked instanceof Response) return checked;
    const { form, slug } = checked;
    if (found!.b.id !== form.broadcast) {
      return message(
        c,
        409,
        'Not cancelled',
        `Nothing was cancelled: the newest broadcast of broadcasts/${slug}.md is now ${found!.b.id}, not the one you reviewed. Review it again.`,
        slug,
      );
    }
    try {
      const { broadcast, cancelled } = await cancelBroadcast(store, slug, ctx.now());
      builder.signal('broadcasts', slug);
      return after(
        c,
        slug,
        true,
        broadcast.total === null
          ? `Cancelled broadcast ${broadcast.id} before it went: nothing will be sent.`
          : `Cancelled broadcast ${broadcast.id}: ${n(cancelled)} cop${cancelled === 1 ? 'y' : 'ies'} will not go.`,
      );
    } catch (err) {
      return message(c, 409, 'Not cancelled', actionError(err), slug);
    }
  });
}
