import type { Context, Hono } from 'hono';
import { awaitsConfirmation, freshLinkSeries, queueConfirmation, requestedSeries } from '../../signup/index.ts';
import { verifyToken } from '../../tokens/index.ts';
import { gateBody, gateOrigin, gateRate, markApplied, type PublicContext } from './context.ts';
import { respond } from './layout.ts';
import { alreadyConfirmed, brokenLink, checkInbox, confirmed, confirmPrompt, freshLinkOffer, lessonOneWhen, noLongerValid } from './pages.ts';

const SIGN_UP_AGAIN = 'This address is no longer subscribed. To join again, sign up from the course page.';

/**
 * `GET /confirm/:token` only shows a button, since mail scanners fetch every link and would otherwise confirm sign-ups nobody made.
 * `POST` with `confirm` activates and enrolls, consuming the token's nonce so a second press finds it used. Without `confirm` it mails a fresh link:
 * accepted for an expired or superseded link, as long as its signature is ours.
 */
export function confirmRoutes(app: Hono, ctx: PublicContext): void {
  const broken = (c: Context) => respond(c, ctx, 400, 'This link does not work', brokenLink(ctx.series), { script: true });
  const expired = (c: Context, token: string) =>
    respond(c, ctx, 410, 'This link has expired', freshLinkOffer(token, 'This link has expired', 'Confirmation links work for 7 days, and this one is older.'));
  const superseded = (c: Context, token: string) =>
    respond(
      c,
      ctx,
      409,
      'A newer link was sent',
      freshLinkOffer(token, 'A newer link was sent', 'This link was replaced by a newer confirmation email. Use the newest one, or ask for a fresh link.'),
    );
  const gone = (c: Context) => respond(c, ctx, 410, 'Link no longer valid', noLongerValid('We hold nothing for this link any more: the sign-up was deleted.'));
  const left = (c: Context) => respond(c, ctx, 410, 'Link no longer valid', noLongerValid(SIGN_UP_AGAIN));
  /** The link's subscriber and nonce while it is current (signed, unexpired, a nonce), else the page that says why not. */
  const current = (c: Context, token: string): { id: string; nonce: string } | Response => {
    const verified = verifyToken('confirm', token, ctx.secret, ctx.clock());
    if (!verified.ok) return verified.reason === 'expired' ? expired(c, token) : broken(c);
    const { s: id, n: nonce } = verified.payload;
    return nonce ? { id, nonce } : broken(c);
  };

  app.get('/confirm/:token', async (c) => {
    const token = c.req.param('token');
    const link = current(c, token);
    if (link instanceof Response) return link;
    const { id, nonce } = link;
    const subscriber = await ctx.store.subscribers.getById(id);
    if (!subscriber) return gone(c);
    if (subscriber.status === 'active') return respond(c, ctx, 200, 'Already confirmed', alreadyConfirmed());
    // Unsubscribed with a re-sign-up waiting: its link confirms like a first one.
    if (!awaitsConfirmation(subscriber)) return left(c);
    if (subscriber.confirmNonce !== nonce) return superseded(c, token);
    const seriesId = await requestedSeries(ctx.store.subscribers, id);
    const info = seriesId ? ctx.series.get(seriesId) : undefined;
    return respond(c, ctx, 200, 'Confirm your subscription', confirmPrompt(token, info?.title, lessonOneWhen(info, subscriber.timezone, ctx.clock())));
  });

  app.post('/confirm/:token', async (c) => {
    const origin = gateOrigin(c, ctx, false);
    if (!origin.ok) return origin.response;
    const body = await gateBody(c, ctx);
    if (!body.ok) return body.response;
    const token = c.req.param('token');
    // The button sends no email and needs a link we signed: not rate-limited, so a clinic
    // behind one address, signing up and confirming together, is never told to wait.
    if (body.value.fields.confirm) return activate(c, token);
    // A fresh link is an email sent: limited per client address.
    const rate = gateRate(c, ctx);
    if (!rate.ok) return rate.response;
    // Signature only (expiry ignored): whoever holds a link we signed may ask for a new one,
    // and it goes to the address on file, never to one given here.
    const verified = verifyToken('confirm', token, ctx.secret, new Date(0));
    if (!verified.ok) return broken(c);
    const now = ctx.clock();
    const subscriber = await ctx.store.subscribers.getById(verified.payload.s);
    if (!subscriber) return gone(c);
    if (subscriber.status === 'active') return respond(c, ctx, 200, 'Already confirmed', alreadyConfirmed());
    const seriesId = await freshLinkSeries(ctx.store.subscribers, subscriber);
    if (!seriesId) return left(c);
    const queued = await queueConfirmation(ctx.store.subscribers, {
      subscriberId: subscriber.id,
      seriesId,
      now,
      cooldownMinutes: ctx.limits.confirmCooldownMinutes,
      renewNonce: true,
    });
    if (queued) ctx.kick?.();
    return respond(c, ctx, 200, 'Check your inbox', checkInbox());
  });

  /** The button: activates and enrolls, consuming the nonce. */
  async function activate(c: Context, token: string): Promise<Response> {
    const link = current(c, token);
    if (link instanceof Response) return link;
    const { id, nonce } = link;
    const seriesId = await requestedSeries(ctx.store.subscribers, id);
    const now = ctx.clock();
    const result = await ctx.store.subscribers.activate(id, { now, seriesId, nonce });
    if (result.outcome === 'activated') markApplied(c);
    switch (result.outcome) {
      case 'activated': {
        ctx.kick?.();
        const info = seriesId ? ctx.series.get(seriesId) : undefined;
        return respond(c, ctx, 200, 'Subscription confirmed', confirmed(info?.title, lessonOneWhen(info, result.subscriber.timezone, now)));
      }
      case 'already-active':
        return respond(c, ctx, 200, 'Already confirmed', alreadyConfirmed());
      case 'used':
        if (result.subscriber.status === 'active') return respond(c, ctx, 409, 'Already confirmed', alreadyConfirmed());
        if (result.subscriber.status === 'pending' || result.subscriber.confirmNonce) return superseded(c, token);
        return left(c);
      case 'refused':
        return left(c);
      case 'not-found':
        return gone(c);
    }
  }
}
