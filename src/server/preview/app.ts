import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE } from 'hono/streaming';
import { fillMessage, isSampleId, sampleRecipient, sendTest, type SampleId } from '../../send/test-send.ts';
import type { Transport } from '../../send/transport.ts';
import { isLoopbackHost } from '../http.ts';
import { actionError } from './action-error.ts';
import { POLL_SCRIPT, sendingCard } from './broadcast-pages.ts';
import { broadcastRoutes, statusesOf, type DevHooks, type PageStatus } from './broadcast-routes.ts';
import { FormGuard, sameOriginPost } from './csrf.ts';
import { clientSupportCard, EMAIL_PAGE_SCRIPT, emailPage, headersPanel } from './email-page.ts';
import { frameDocument, isScheme } from './frame.ts';
import { html, type SafeHtml } from '../html.ts';
import { page, PAGE_CSP } from './layout.ts';
import { Notices } from './notices.ts';
import { claimsOf, resolveMessage, seriesRef, type MessageRef } from './messages.ts';
import { OUTBOX_PAGE_SCRIPT, outboxMessagePage, outboxPage, readOutboxMessage } from './outbox-page.ts';
import { seriesBroadcasts, seriesPage } from './series-page.ts';
import type { PreviewBuilder } from './state.ts';
import { createStatusPage } from './status-page.ts';

export interface PreviewAppOptions {
  builder: PreviewBuilder;
  /** Makes the configured transport for one test send; closed after it. */
  transport: () => Transport;
  /**
   * Host names answered besides loopback ones (publicUrl's, --allowed-host, allowedHosts),
   * read per request so a config edit applies. Every other Host gets 403: a DNS-rebinding
   * page names its own host, so it never reaches the send buttons, even with --allow-remote.
   */
  allowedHosts?: () => readonly string[];
  now?: () => Date;
  /** `coursemail dev`: the store and worker behind broadcast status and sending, and /status. */
  dev?: DevHooks;
}

/** Frames: the email, with no script at all. */
const FRAME_CSP = "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'";

/** The preview's forms hold a few short fields. */
const PREVIEW_BODY_BYTES = 64 * 1024;

/** `Host` without its port, lower-case; `[::1]:3000` → `[::1]`. */
const hostName = (host: string) => host.trim().toLowerCase().replace(/:\d+$/, '');

function pathRef(path: string): MessageRef | undefined {
  const s = /^\/series\/([^/]+)\/([^/]+)$/.exec(path);
  if (s) return seriesRef(decodeURIComponent(s[1]!), s[2]!);
  const b = /^\/broadcasts\/([^/]+)$/.exec(path);
  return b ? { kind: 'broadcast', name: decodeURIComponent(b[1]!) } : undefined;
}

/**
 * The preview UI as a Hono app: server-rendered pages, the email in a sandboxed iframe,
 * live reload over server-sent events, and the send-test button. No front-end build.
 */
export function createPreviewApp(opts: PreviewAppOptions): Hono {
  const { builder } = opts;
  const now = opts.now ?? (() => new Date());
  const notices = new Notices();
  const guard = new FormGuard();
  const app = new Hono();

  app.use(async (c, next) => {
    const host = hostName(c.req.header('host') ?? '');
    if (!isLoopbackHost(host) && !(opts.allowedHosts?.() ?? []).some((h) => hostName(h) === host)) {
      return c.text(
        `This preview answers only to localhost and the allowed hosts, not to Host "${host}". To reach it by that name, start it with --allowed-host ${host} (or list it in "allowedHosts" in coursemail.config.json).`,
        403,
      );
    }
    await next();
    // Routes mounted beside the preview (the public endpoints) may have set their own.
    if (!c.res.headers.has('Referrer-Policy')) c.header('Referrer-Policy', 'same-origin');
    c.header('X-Content-Type-Options', 'nosniff');
    if (!c.res.headers.has('Content-Security-Policy')) c.header('Content-Security-Policy', PAGE_CSP);
  });

  const render = (c: Context, title: string, body: SafeHtml, script = '', status: PageStatus = 200) =>
    c.html(
      page({ title, version: builder.version, body, projectProblems: builder.projectProblems, script, workerProblem: opts.dev?.workerProblem?.() }),
      status,
    );
  const notFound = (c: Context, what: string) =>
    render(
      c,
      'Not found',
      html`<h1>Not found</h1><p>${what} does not exist (any more). <a href="/">All series</a></p><p class="muted small">If you are creating it, this page reloads once it builds.</p>`,
      '',
      404,
    );
  /** An email's HTML as the sandboxed frame shows it, in the colour scheme asked for. */
  const frame = (c: Context, email: string) => {
    const scheme = c.req.query('scheme');
    c.header('Content-Security-Policy', FRAME_CSP);
    return c.html(frameDocument(email, isScheme(scheme) ? scheme : 'light'));
  };
  const sampleOf = (c: Context): SampleId => {
    const s = c.req.query('sample');
    return isSampleId(s) ? s : 'named';
  };

  // The preview's own forms: another site's POST is refused from its headers, and no body
  // is read past PREVIEW_BODY_BYTES (the public endpoints mounted beside keep their own rules).
  const ownPost = async (c: Context, next: () => Promise<void>) => {
    if (c.req.method !== 'POST') return next();
    if (!sameOriginPost(c)) return c.text('Refused: this action must be sent from the preview page itself (same origin).', 403);
    return limitBody(c, next);
  };
  const limitBody = bodyLimit({
    maxSize: PREVIEW_BODY_BYTES,
    onError: (c) => c.text(`Refused: a preview form is never over ${PREVIEW_BODY_BYTES / 1024} KB.`, 413),
  });
  app.use('/send-test', ownPost);
  app.use('/broadcasts/*', ownPost);

  app.get('/', async (c) => {
    const statuses = await statusesOf({ builder, hooks: opts.dev, now });
    if (c.req.query('part') === 'broadcasts') return c.html(seriesBroadcasts(builder.broadcasts, statuses, now()).value);
    return render(c, 'Series', seriesPage(builder, { statuses, signUp: opts.dev?.signUp, now: now() }), POLL_SCRIPT);
  });

  const messagePage = async (c: Context, ref: MessageRef | undefined) => {
    const msg = ref && resolveMessage(builder, ref);
    if (!msg || !builder.project) return notFound(c, c.req.path);
    const config = builder.project.config;
    // A broadcast's page says where it stands and leads to its actions (dev only: they need the store).
    const sending =
      ref?.kind === 'broadcast' && opts.dev
        ? sendingCard(
            ref.name,
            (await statusesOf({ builder, hooks: opts.dev, now }))?.get(ref.name),
            builder.broadcasts.get(ref.name),
            config.testAddress,
            now(),
          )
        : undefined;
    const body = emailPage(config, config.transport, msg, {
      sample: sampleOf(c),
      notice: notices.get(c.req.query('notice')),
      sending,
      claims: claimsOf(builder, msg),
    });
    return render(c, msg.built ? msg.built.message.subject : 'Problems', body, EMAIL_PAGE_SCRIPT + (sending ? POLL_SCRIPT : ''));
  };
  const messageFrame = (c: Context, ref: MessageRef | undefined) => {
    const msg = ref && resolveMessage(builder, ref);
    if (!msg?.built || !builder.project) return c.text('Not built', 404);
    return frame(c, fillMessage(msg.built.message, sampleRecipient(builder.project.config, sampleOf(c))).html);
  };
  const supportFragment = (c: Context, ref: MessageRef | undefined) => {
    const msg = ref && resolveMessage(builder, ref);
    return msg?.built ? c.html(clientSupportCard(msg.built.message).value) : c.text('Not built', 404);
  };
  const headersFragment = async (c: Context, ref: MessageRef | undefined) => {
    const msg = ref && resolveMessage(builder, ref);
    if (!msg?.built || !builder.project) return c.text('Not built', 404);
    return c.html((await headersPanel(builder.project.config, msg.built.message, sampleOf(c), now())).value);
  };
  app.get('/series/:id/:step', (c) => messagePage(c, seriesRef(c.req.param('id'), c.req.param('step'))));
  app.get('/series/:id/:step/frame', (c) => messageFrame(c, seriesRef(c.req.param('id'), c.req.param('step'))));
  app.get('/series/:id/:step/client-support', (c) => supportFragment(c, seriesRef(c.req.param('id'), c.req.param('step'))));
  app.get('/broadcasts/:name/client-support', (c) => supportFragment(c, { kind: 'broadcast', name: c.req.param('name') }));
  app.get('/series/:id/:step/headers', (c) => headersFragment(c, seriesRef(c.req.param('id'), c.req.param('step'))));
  app.get('/broadcasts/:name/headers', (c) => headersFragment(c, { kind: 'broadcast', name: c.req.param('name') }));
  app.get('/broadcasts/:name', (c) => messagePage(c, { kind: 'broadcast', name: c.req.param('name') }));
  app.get('/broadcasts/:name/frame', (c) => messageFrame(c, { kind: 'broadcast', name: c.req.param('name') }));

  const dev = opts.dev;
  const deliveryKind = dev?.deliveryRowId
    ? async (publicId: string) => {
        const row = dev.deliveryRowId!(publicId);
        return row ? dev.store.deliveries.getById(row) : null;
      }
    : undefined;
  app.get('/outbox', async (c) => render(c, 'Outbox', await outboxPage(builder.root, deliveryKind), OUTBOX_PAGE_SCRIPT));
  app.get('/outbox/:file', async (c) => {
    const mail = await readOutboxMessage(builder.root, c.req.param('file'));
    if (!mail) return notFound(c, `outbox/${c.req.param('file')}`);
    // With an HTML part, the email pages' toggles (width, colour scheme, tabs); without, tabs alone.
    return render(c, mail.subject ?? 'Message', outboxMessagePage(c.req.param('file'), mail), mail.html ? EMAIL_PAGE_SCRIPT : OUTBOX_PAGE_SCRIPT);
  });
  app.get('/outbox/:file/frame', async (c) => {
    const mail = await readOutboxMessage(builder.root, c.req.param('file'));
    return mail?.html ? frame(c, mail.html) : c.text('No HTML part', 404);
  });

  app.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      const send = (event: string, data: string) => void stream.writeSSE({ event, data }).catch(() => undefined);
      send('version', builder.version);
      const off = builder.onChange(send);
      // Keeps proxies and idle timeouts from closing a quiet stream.
      const ping = setInterval(() => void stream.writeSSE({ event: 'ping', data: '' }).catch(() => undefined), 15_000);
      await new Promise<void>((resolve) => stream.onAbort(resolve));
      off();
      clearInterval(ping);
    }),
  );

  broadcastRoutes(app, {
    builder,
    hooks: opts.dev,
    guard,
    notices,
    now,
    transport: opts.transport,
    render: (c, title, body, o) => render(c, title, body, o?.script, o?.status),
  });

  const courses = () => [...builder.series.values()].flatMap((v) => (v.built ? [v.built.course] : []));
  if (opts.dev)
    app.route(
      '/status',
      createStatusPage({
        store: opts.dev.store,
        clock: now,
        courses,
        reach: () => ({ transport: builder.project?.config.transport ?? 'outbox', webhooks: !!opts.dev?.webhooks }),
        version: () => builder.version,
      }),
    );
  else
    app.get('/status', (c) =>
      render(
        c,
        'Status',
        html`<h1>Status</h1><p class="card">Sending figures need the store: <code>coursemail dev</code> shows them here, <code>coursemail status</code> in the terminal.</p>`,
      ),
    );

  app.post('/send-test', async (c) => {
    const form = await c.req.parseBody();
    const path = typeof form.path === 'string' ? form.path : '';
    const sample: SampleId = isSampleId(form.sample) ? form.sample : 'named';
    const ref = pathRef(path);
    const msg = ref && resolveMessage(builder, ref);
    if (!msg || !builder.project) return notFound(c, path || 'That message');
    let notice: { ok: boolean; text: string };
    if (!msg.built) notice = { ok: false, text: 'Not sent: the message does not build (see the problems).' };
    else {
      // Made inside the try: a transport that cannot start (no RESEND_API_KEY, placeholder identity) is a notice, not a 500.
      let transport: Transport | undefined;
      try {
        transport = opts.transport();
        const { outcome, sent } = await sendTest({
          message: msg.built.message,
          config: builder.project.config,
          transport,
          now: now(),
          to: typeof form.to === 'string' ? form.to : undefined,
          sample,
          tags: msg.tags,
        });
        notice = { ok: true, text: `Sent “${sent.subject}” to ${sent.to} via ${transport.name} (${outcome.providerId}).` };
      } catch (err) {
        notice = { ok: false, text: actionError(err) };
      } finally {
        await transport?.close();
      }
    }
    const id = notices.add(notice);
    // Post/redirect/get: a live reload must never re-submit the form.
    return c.redirect(`${msg.path}?sample=${sample}&notice=${id}`, 303);
  });

  app.notFound((c) => notFound(c, c.req.path));
  return app;
}
