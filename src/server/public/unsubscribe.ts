import type { Context, Hono } from 'hono';
import { subscriberLinks, verifyToken } from '../../tokens/index.ts';
import { readLimited } from './body.ts';
import { markApplied, refusal, type PublicContext } from './context.ts';
import { respond } from './layout.ts';
import { alreadyUnsubscribed, brokenManageLink, unsubscribeConfirm, unsubscribed } from './pages.ts';

const ONE_CLICK = /List-Unsubscribe[\s\S]*One-Click/i;

/**
 * `GET /u/:token` shows one button and changes nothing (mail scanners fetch every link). `POST /u/:token` is RFC 8058 one-click: 200, no login, idempotent.
 * It accepts any content type and origin: providers post it from their servers, the signed token is the only credential,
 * and refusing an opt-out on a technicality is never the right answer.
 */
export function unsubscribeRoutes(app: Hono, ctx: PublicContext): void {
  app.get('/u/:token', async (c) => {
    const token = c.req.param('token');
    const verified = verifyToken('unsubscribe', token, ctx.secret, ctx.clock());
    if (!verified.ok) return respond(c, ctx, 400, 'This link does not work', brokenManageLink(ctx.config.sender.email));
    const subscriber = await ctx.store.subscribers.getById(verified.payload.s);
    if (!subscriber || (subscriber.status !== 'active' && subscriber.status !== 'pending')) return already(c, subscriber?.id);
    return respond(c, ctx, 200, 'Unsubscribe', unsubscribeConfirm(token));
  });

  app.post('/u/:token', async (c) => {
    const body = await readLimited(c, ctx.limits.bodyBytes);
    if (!body.ok) return refusal(c, ctx, body.status, body.status === 413 ? 'Too much data' : 'Bad request', body.message);
    const verified = verifyToken('unsubscribe', c.req.param('token'), ctx.secret, ctx.clock());
    if (!verified.ok) {
      if (ONE_CLICK.test(body.text)) return c.text('This unsubscribe link is not valid.', 400);
      return respond(c, ctx, 400, 'This link does not work', brokenManageLink(ctx.config.sender.email));
    }
    const id = verified.payload.s;
    // Null when the subscriber was erased: nothing left to stop, and still a success.
    const oneClick = ONE_CLICK.test(body.text) && !(c.req.header('accept') ?? '').includes('text/html');
    const result = await ctx.store.subscribers.unsubscribe(id, ctx.clock(), oneClick ? 'one-click' : 'unsubscribe-page');
    markApplied(c);
    if (oneClick) return c.text('Unsubscribed.', 200);
    // Only the press that unsubscribed leads on to the data page; a repeat is "already".
    if (!result?.changed) return already(c, result ? id : undefined);
    return respond(c, ctx, 200, 'Unsubscribed', unsubscribed(preferencesUrl(ctx, id)));
  });

  /** The course they were taking, to sign up again from; the list of courses otherwise. */
  async function already(c: Context, id: string | undefined) {
    const enrolled = id ? (await ctx.store.enrollments.listForSubscriber(id)).find((e) => ctx.series.has(e.seriesId)) : undefined;
    return respond(c, ctx, 200, 'Already unsubscribed', alreadyUnsubscribed(enrolled ? `/subscribe/${encodeURIComponent(enrolled.seriesId)}` : '/'));
  }
}

const preferencesUrl = (ctx: PublicContext, id: string) => subscriberLinks(ctx.config.publicUrl, ctx.secret, id).preferencesUrl;
