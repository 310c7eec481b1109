import type { Context, Hono } from 'hono';
import { queueConfirmation } from '../../signup/index.ts';
import { normalizeEmail, nameProblem, readTimezone, sanitizeName } from '../../subscribers/index.ts';
import { clientHash, gateBody, gateOrigin, gateRate, refusal, type PublicContext } from './context.ts';
import { respond } from './layout.ts';
import { checkOrigin, corsHeaders } from './origin.ts';
import { CHECK_INBOX, checkInbox, FIELDS, subscribePage } from './pages.ts';

/**
 * `GET/POST /subscribe/:series`. Whatever happens to the address — new, pending, active,
 * unsubscribed, suppressed, or a bot's honeypot — the answer is the same bytes: the form
 * must not tell anyone who is on the list.
 */
export function subscribeRoutes(app: Hono, ctx: PublicContext): void {
  const seriesOf = (c: Context) => {
    const id = c.req.param('series') ?? '';
    const info = ctx.series.get(id);
    return info ? { id, info } : undefined;
  };
  const unknownSeries = (c: Context) => refusal(c, ctx, 404, 'No such course', 'There is no course at this address. Check the link you followed.');

  app.get('/subscribe/:series', (c) => {
    const s = seriesOf(c);
    if (!s) return unknownSeries(c);
    return respond(c, ctx, 200, s.info.title, subscribePage(s.id, s.info), { script: true });
  });

  // A JSON post from the author's own site is preflighted; a plain form post is not.
  app.on('OPTIONS', '/subscribe/:series', (c) => {
    const verdict = checkOrigin(c, ctx.config);
    if (!verdict.ok || verdict.crossOrigin === null) return c.body(null, 403);
    return c.body(null, 204, corsHeaders(verdict.crossOrigin, true));
  });

  app.post('/subscribe/:series', async (c) => {
    const origin = gateOrigin(c, ctx, true);
    if (!origin.ok) return origin.response;
    if (origin.value.crossOrigin) for (const [k, v] of Object.entries(corsHeaders(origin.value.crossOrigin, false))) c.header(k, v);
    const s = seriesOf(c);
    if (!s) return unknownSeries(c);
    const rate = gateRate(c, ctx);
    if (!rate.ok) return rate.response;
    const body = await gateBody(c, ctx);
    if (!body.ok) return body.response;
    const { fields, kind } = body.value;
    const answer = () => (kind === 'json' ? c.json({ ok: true, message: CHECK_INBOX }, 202) : respond(c, ctx, 200, 'Check your inbox', checkInbox()));

    // A person never sees the honeypot; a bot fills every field. Same answer, nothing kept.
    if ((fields[FIELDS.honeypot] ?? '') !== '') return answer();

    const email = normalizeEmail(fields[FIELDS.email]);
    if ('problem' in email) {
      // Saying the address is malformed reveals nothing about who is subscribed.
      const message = `Please check the email address: ${email.problem.message}.`;
      if (kind === 'json') return c.json({ ok: false, error: message, field: 'email' }, 400);
      const state = { email: (fields[FIELDS.email] ?? '').slice(0, 254), firstName: (fields[FIELDS.firstName] ?? '').slice(0, 100), error: message };
      return respond(c, ctx, 400, s.info.title, subscribePage(s.id, s.info, state), { script: true });
    }
    const firstName = sanitizeName(fields[FIELDS.firstName]);
    const badName = nameProblem(firstName);
    if (badName) {
      const message = `Please check the first name: ${badName}.`;
      if (kind === 'json') return c.json({ ok: false, error: message, field: 'first_name' }, 400);
      const state = { email: (fields[FIELDS.email] ?? '').slice(0, 254), firstName: (fields[FIELDS.firstName] ?? '').slice(0, 100), error: message };
      return respond(c, ctx, 400, s.info.title, subscribePage(s.id, s.info, state), { script: true });
    }
    const zone = readTimezone(fields[FIELDS.timezone]);
    // A person who typed a zone we do not know is told, with the closest ones; a script's
    // strange value (JSON) falls back to the course's zone and never blocks.
    if ('problem' in zone && kind !== 'json') {
      const state = {
        email: (fields[FIELDS.email] ?? '').slice(0, 254),
        firstName: (fields[FIELDS.firstName] ?? '').slice(0, 100),
        timezone: (fields[FIELDS.timezone] ?? '').slice(0, 64),
        timezoneError: zone.problem.message,
      };
      return respond(c, ctx, 400, s.info.title, subscribePage(s.id, s.info, state), { script: true });
    }
    const now = ctx.clock();
    const result = await ctx.store.subscribers.createPending({
      email: email.email,
      firstName,
      timezone: 'problem' in zone ? null : zone.timezone,
      consentSource: origin.value.crossOrigin ? `embed:${s.id}@${origin.value.crossOrigin}` : `form:${s.id}`,
      clientHash: clientHash(c, ctx),
      now,
    });
    if (result.outcome === 'created' || result.outcome === 'pending' || result.outcome === 'reopened') {
      const sign = { subscriberId: result.subscriber.id, seriesId: s.id, now, cooldownMinutes: ctx.limits.confirmCooldownMinutes };
      if (await queueConfirmation(ctx.store.subscribers, sign)) ctx.kick?.();
    }
    return answer();
  });
}
