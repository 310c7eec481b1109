import { describe, expect, it } from 'vitest';
import { freshLinkSeries, queueConfirmation, type SignUp, type SignUpStore } from '../../src/signup/index.ts';

/** A port that records what it was asked and holds one stored intent. */
function port(intent: string | null) {
  const asked: Parameters<SignUpStore['requestConfirmation']>[] = [];
  const store: SignUpStore = {
    signUpIntent: async () => (intent ? { seriesId: intent } : null),
    requestConfirmation: async (...args) => {
      asked.push(args);
      return true;
    },
  };
  return { store, asked };
}

describe('the sign-up stage', () => {
  it('asks the store to stay quiet for the cooldown before now, and passes the series and fresh-link flag on', async () => {
    const { store, asked } = port(null);
    const now = new Date('2026-12-02T01:30:00Z');
    expect(await queueConfirmation(store, { subscriberId: '7', seriesId: 'coaching', now, cooldownMinutes: 10, renewNonce: true })).toBe(true);
    expect(asked).toEqual([['7', { seriesId: 'coaching', now, renewNonce: true, quietSince: new Date('2026-12-02T01:20:00Z') }]]);
  });

  it('a fresh link is for the stored series while the sign-up waits for its button, and for nothing once it does not', async () => {
    const { store } = port('coaching');
    const reader = (status: SignUp['status'], confirmNonce: string | null): SignUp => ({ id: '7', status, confirmNonce });
    expect(await freshLinkSeries(store, reader('pending', 'n'))).toBe('coaching');
    expect(await freshLinkSeries(store, reader('unsubscribed', 'n'))).toBe('coaching');
    expect(await freshLinkSeries(store, reader('unsubscribed', null))).toBeNull();
    expect(await freshLinkSeries(store, reader('active', null))).toBeNull();
    expect(await freshLinkSeries(store, reader('bounced', 'n'))).toBeNull();
  });
});
