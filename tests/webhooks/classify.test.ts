import { describe, expect, it } from 'vitest';
import { classifyResendEvent } from '../../src/server/webhooks/index.ts';

const at = new Date('2026-11-22T23:41:12Z');

/** The email.bounced example from resend.com/docs/webhooks/emails/bounced. */
const documentedBounce = {
  type: 'email.bounced',
  created_at: '2026-11-22T23:41:12.126Z',
  data: {
    broadcast_id: '8b146471-e88e-4322-86af-016cd36fd216',
    created_at: '2026-11-22T23:41:11.894Z',
    email_id: '56761188-7520-42d8-8898-ff6fc54ce618',
    from: 'Acme <onboarding@resend.dev>',
    to: ['delivered@resend.dev'],
    subject: 'Sending this example',
    bounce: {
      message: "The recipient's email address is on the suppression list because it has a recent history of producing hard bounces.",
      subType: 'Suppressed',
      type: 'Permanent',
    },
    tags: { category: 'confirm_email' },
  },
};

const withBounce = (type: string | undefined) => ({
  ...documentedBounce,
  data: { ...documentedBounce.data, bounce: type === undefined ? undefined : { ...documentedBounce.data.bounce, type } },
});
const effect = (payload: unknown) => {
  const c = classifyResendEvent('msg_1', payload, at);
  return c.kind === 'apply' ? c.event.effect : c.kind;
};

describe('classifyResendEvent', () => {
  it('the documented permanent bounce suppresses, keyed by svix-id, on the email id', () => {
    expect(classifyResendEvent('msg_1', documentedBounce, at)).toEqual({
      kind: 'apply',
      emailId: '56761188-7520-42d8-8898-ff6fc54ce618',
      event: {
        eventId: 'msg_1',
        type: 'email.bounced',
        providerId: '56761188-7520-42d8-8898-ff6fc54ce618',
        at,
        effect: 'bounce',
        reason: `Permanent/Suppressed: ${documentedBounce.data.bounce.message}`,
      },
    });
  });

  it('only a permanent bounce suppresses: transient is a delay, undetermined or missing changes nothing', () => {
    expect(effect(withBounce('permanent'))).toBe('bounce');
    expect(effect(withBounce('Transient'))).toBe('delayed');
    expect(effect(withBounce('Undetermined'))).toBe('none');
    expect(effect(withBounce(undefined))).toBe('none');
  });

  it('maps the other email events', () => {
    const ev = (type: string, extra = {}) => ({ type, data: { email_id: 'e1', ...extra } });
    expect(effect(ev('email.sent'))).toBe('none');
    expect(effect(ev('email.delivered'))).toBe('delivered');
    expect(effect(ev('email.delivery_delayed'))).toBe('delayed');
    expect(effect(ev('email.complained'))).toBe('complaint');
    expect(effect(ev('email.suppressed', { suppressed: { message: 'x', type: 'y' } }))).toBe('bounce');
    const failed = classifyResendEvent('m', ev('email.failed', { failed: { reason: 'reached_daily_quota' } }), at);
    expect(failed.kind === 'apply' && failed.event).toMatchObject({ effect: 'failed', reason: 'reached_daily_quota' });
  });

  it('opens, clicks and non-email events are ignored; a payload that is not an event is invalid', () => {
    expect(effect({ type: 'email.opened', data: { email_id: 'e1' } })).toBe('ignore');
    expect(effect({ type: 'email.clicked', data: { email_id: 'e1', click: {} } })).toBe('ignore');
    expect(effect({ type: 'contact.created', data: {} })).toBe('ignore');
    expect(effect(['email.bounced'])).toBe('invalid');
    expect(effect({ data: {} })).toBe('invalid');
    expect(effect(null)).toBe('invalid');
  });

  it('an email event without an email id is applied to nothing (the store answers unknown)', () => {
    const c = classifyResendEvent('m', { type: 'email.bounced', data: { bounce: { type: 'Permanent' } } }, at);
    expect(c.kind === 'apply' && c.event.providerId).toBeNull();
  });
});
