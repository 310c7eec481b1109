import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { configuredTransport } from '../../src/deliver/index.ts';
import { realIdentity, tempProject } from '../support/project.ts';

describe('configuredTransport', () => {
  const root = tempProject({ config: realIdentity });
  const config = loadConfig(root);

  it('builds the transport the config names', async () => {
    const made = [
      configuredTransport({ ...config, transport: 'outbox' }, root, {}),
      configuredTransport(
        { ...config, transport: 'smtp', smtp: { host: '127.0.0.1', port: 2525, secure: false, pool: true, rejectUnauthorized: true } },
        root,
        {},
      ),
      configuredTransport({ ...config, transport: 'resend' }, root, { RESEND_API_KEY: 're_test', RESEND_BASE_URL: 'http://127.0.0.1:9' }),
    ];
    expect(made.map((t) => t.name)).toEqual(['outbox', 'smtp', 'resend']);
    expect(made.map((t) => t.maxBatch)).toEqual([100, 50, 100]);
    await Promise.all(made.map((t) => t.close()));
  });

  it('says what is wrong with a missing smtp section', () => {
    expect(() => configuredTransport({ ...config, transport: 'smtp', smtp: undefined }, root, {})).toThrow(/has no "smtp" section/);
  });
});
