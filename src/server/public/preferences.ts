import type { Context, Hono } from 'hono';
import { exportSubscribers, forgetSubscriber, nameProblem, readTimezone, sanitizeName } from '../../subscribers/index.ts';
import { verifyToken } from '../../tokens/index.ts';
import { gateBody, gateOrigin, markApplied, refusal, type PublicContext } from './context.ts';
import { respond } from './layout.ts';
import { brokenManageLink } from './pages.ts';
import { forgottenPage, isNotice, nothingHeld, preferencesPage, type NoticeId } from './preferences-page.ts';

/**
 * `GET/POST /p/:token`, every footer's `{{preferencesUrl}}`: name and time zone, pause/resume, unsubscribe, see everything held, delete it.
 * Form posts redirect back (303) so a reload never repeats them; JSON posts get JSON.
 */
export function preferencesRoutes(app: Hono, ctx: PublicContext): void {
  /** The reader the link names and what is held about them, or the page saying why there is none. */
  const held = async (c: Context) => {
    const verified = verifyToken('preferences', c.req.param('token') ?? '', ctx.secret, ctx.clock());
    if (!verified.ok) return respond(c, ctx, 400, 'This link does not work', brokenManageLink(ctx.config.sender.email));
    const data = await ctx.store.subscribers.dataHeld(verified.payload.s);
    return data ? { id: verified.payload.s, data } : respond(c, ctx, 410, 'Nothing held', nothingHeld());
  };

  app.get('/p/:token', async (c) => {
    const h = await held(c);
    if (h instanceof Response) return h;
    const done = c.req.query('done');
    return respond(c, ctx, 200, 'Your preferences', preferencesPage(c.req.param('token'), h.data, ctx.series, { notice: isNotice(done) ? done : undefined }), {
      script: true,
    });
  });

  app.get('/p/:token/data.json', async (c) => {
    const h = await held(c);
    if (h instanceof Response) return h;
    let json = '';
    for await (const chunk of exportSubscribers(ctx.store, { email: h.data.subscriber.email, format: 'json' })) json += chunk;
    c.header('Content-Disposition', 'attachment; filename="my-data.json"');
    return c.body(json, 200, { 'Content-Type': 'application/json; charset=utf-8' });
  });

  app.post('/p/:token', async (c) => {
    const origin = gateOrigin(c, ctx, false);
    if (!origin.ok) return origin.response;
    const body = await gateBody(c, ctx);
    if (!body.ok) return body.response;
    const h = await held(c);
    if (h instanceof Response) return h;
    const { id, data } = h;
    const { fields, kind } = body.value;
    const token = c.req.param('token');
    const now = ctx.clock();
    const done = (notice: NoticeId) => (kind === 'json' ? c.json({ ok: true, done: notice }) : c.redirect(`/p/${token}?done=${notice}`, 303));
    const invalid = (error: string, typed: { firstName?: string; timezone?: string } = {}) =>
      kind === 'json'
        ? c.json({ ok: false, error }, 400)
        : respond(c, ctx, 400, 'Your preferences', preferencesPage(token, data, ctx.series, { error, ...typed }), { script: true });

    switch (fields.action) {
      case 'save': {
        // Only the fields sent change: a JSON client may set the name alone.
        const patch: { firstName?: string | null; timezone?: string | null } = {};
        if (fields.timezone !== undefined) {
          const zone = readTimezone(fields.timezone);
          if ('problem' in zone)
            return invalid(`Time zone: ${zone.problem.message}`, { firstName: fields.first_name ?? '', timezone: fields.timezone.slice(0, 64) });
          patch.timezone = zone.timezone;
        }
        if (fields.first_name !== undefined) {
          patch.firstName = sanitizeName(fields.first_name);
          const bad = nameProblem(patch.firstName);
          if (bad) return invalid(`First name: ${bad}.`, { firstName: fields.first_name.slice(0, 100), timezone: fields.timezone?.slice(0, 64) });
        }
        await ctx.store.subscribers.update(id, patch, now);
        markApplied(c);
        return done('saved');
      }
      case 'pause':
      case 'resume': {
        const enrolled = data.enrollments.find((e) => e.seriesId === fields.series && e.status === 'active');
        if (!enrolled) return invalid('That course is not one you are taking.');
        if (fields.action === 'pause') await ctx.store.enrollments.pause(id, enrolled.seriesId, now);
        else await ctx.store.enrollments.resume(id, enrolled.seriesId, now);
        markApplied(c);
        if (fields.action === 'resume') ctx.kick?.();
        return done(fields.action === 'pause' ? 'paused' : 'resumed');
      }
      case 'unsubscribe':
        await ctx.store.subscribers.unsubscribe(id, now, 'preferences-page');
        markApplied(c);
        return done('unsubscribed');
      case 'forget':
        if (fields.confirm !== 'yes') return invalid('To delete your data, tick the box that says you understand, then press the button again.');
        await forgetSubscriber(ctx.store, data.subscriber.email, now, { outboxDir: ctx.outboxDir });
        markApplied(c);
        return kind === 'json' ? c.json({ ok: true, done: 'forgotten' }) : respond(c, ctx, 200, 'Deleted', forgottenPage());
      default:
        return refusal(c, ctx, 400, 'Bad request', 'Unknown action: use save, pause, resume, unsubscribe or forget.');
    }
  });
}
