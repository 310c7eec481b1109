import { describe, expect, it } from 'vitest';
import { createTransport } from '../../src/deliver/index.ts';
import { CoursemailError } from '../../src/shared/index.ts';

describe('createTransport', () => {
  it('builds the transport the config names', async () => {
    const smtp = createTransport('smtp', { host: '127.0.0.1', port: 2525, env: {} });
    const resend = createTransport('resend', { apiKey: 're_test', baseUrl: 'http://127.0.0.1:9' });
    expect([createTransport('outbox', {}).name, smtp.name, resend.name]).toEqual(['outbox', 'smtp', 'resend']);
    expect([createTransport('outbox', {}).maxBatch, smtp.maxBatch, resend.maxBatch]).toEqual([100, 50, 100]);
    await smtp.close();
  });

  it('says what is wrong with an unknown kind or a missing smtp section', () => {
    expect(() => createTransport('pigeon' as never, {} as never)).toThrow(CoursemailError);
    expect(() => createTransport('pigeon' as never, {} as never)).toThrow(/Unknown transport "pigeon"/);
    expect(() => createTransport('smtp', undefined as never)).toThrow(/no smtp section/);
  });
});
