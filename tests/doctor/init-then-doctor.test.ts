import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLocalDns, resendRecords, type LocalDns } from '../support/dns-server.ts';
import { startFakeResend, type FakeResend } from '../support/fake-resend.ts';
import { runCli, tempProject } from '../support/project.ts';
import { DOMAIN, INIT_FLAGS, doctor, emptyProject, stubReadyEnv } from './support.ts';

let resend: FakeResend;
let dns: LocalDns;
beforeAll(async () => {
  resend = await startFakeResend({ apiKey: 're_doctor_good', domains: [{ name: DOMAIN, status: 'verified' }] });
  dns = await startLocalDns(resendRecords(DOMAIN));
});
afterAll(async () => {
  await resend.close();
  await dns.close();
});
afterEach(() => vi.unstubAllEnvs());

describe('a fresh clone: init, then doctor', () => {
  it('init --non-interactive with real values, then doctor passes against a verified domain and good DNS', async () => {
    // A fresh clone: the example config is there, so init needs --force to replace it.
    const root = tempProject();
    const refused = await runCli(['init', '--root', root, '--non-interactive', ...INIT_FLAGS]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('--force');
    const init = await runCli(['init', '--root', root, '--non-interactive', '--force', ...INIT_FLAGS]);
    expect(init.err).toBe('');
    expect(init.code).toBe(0);
    const config = JSON.parse(readFileSync(join(root, 'coursemail.config.json'), 'utf8'));
    expect(config).toMatchObject({
      sender: { name: 'Dr. Jane Rivera Coaching', email: `jane@${DOMAIN}` },
      coach: { name: 'Jane Rivera', credentials: 'MD, PCC' },
      publicUrl: `https://mail.${DOMAIN}`,
      transport: 'resend',
    });
    const env = readFileSync(join(root, '.env.example'), 'utf8');
    const secret = /^COURSEMAIL_SECRET=([0-9a-f]{64})$/m.exec(env)?.[1];
    expect(secret).toBeDefined();
    for (const name of ['RESEND_API_KEY=', 'RESEND_WEBHOOK_SECRET=', 'DATABASE_URL=']) expect(env).toMatch(new RegExp(`^${name}$`, 'm'));

    stubReadyEnv(resend.url, dns.address);
    vi.stubEnv('COURSEMAIL_SECRET', secret!);
    const run = await doctor(root);
    expect(
      run.lines.filter((l) => l.startsWith('✗')),
      run.lines.join('\n'),
    ).toEqual([]);
    expect(run.code).toBe(0);
    for (const name of [
      'config: real values',
      'config: publicUrl',
      'COURSEMAIL_SECRET',
      'transport: resend',
      'Resend: API key',
      `Resend: ${DOMAIN}`,
      'RESEND_WEBHOOK_SECRET',
      'DNS: SPF',
      'DNS: DKIM',
      'DNS: DMARC',
      'database',
    ]) {
      expect(run.passed(name), `${name}\n${run.lines.join('\n')}`).toBe(true);
    }
    // The domains endpoint was asked through the SDK, with the key.
    expect(resend.requests.some((r) => r.path === '/domains' && r.apiKey === 're_doctor_good' && r.status === 200)).toBe(true);
  });

  it('against the example config, doctor fails and names each placeholder', async () => {
    const root = tempProject();
    stubReadyEnv(resend.url, dns.address);
    const run = await doctor(root);
    expect(run.code).toBe(1);
    const placeholders = run.lines.filter((l) => l.startsWith('✗ config: placeholder'));
    for (const field of ['sender.email', 'postalAddress', 'siteUrl', 'publicUrl', 'consultationUrl', 'links.coaching-for-physicians']) {
      expect(
        placeholders.some((l) => l.includes(`[${field}]`)),
        `${field}\n${placeholders.join('\n')}`,
      ).toBe(true);
    }
    expect(run.failed('config: publicUrl')).toBe(true);
    expect(run.failed('transport: outbox')).toBe(true);
  });

  it('init refuses to overwrite without --force, and names every bad flag at once', async () => {
    const root = emptyProject();
    expect((await runCli(['init', '--root', root, '--non-interactive', ...INIT_FLAGS])).code).toBe(0);
    const before = readFileSync(join(root, 'coursemail.config.json'), 'utf8');
    const again = await runCli(['init', '--root', root, '--non-interactive', ...INIT_FLAGS, '--sender-name', 'Someone Else']);
    expect(again.code).toBe(1);
    expect(again.err).toContain('--force');
    expect(readFileSync(join(root, 'coursemail.config.json'), 'utf8')).toBe(before);
    const forced = await runCli(['init', '--root', root, '--non-interactive', ...INIT_FLAGS, '--sender-name', 'Someone Else', '--force']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(readFileSync(join(root, 'coursemail.config.json'), 'utf8')).sender.name).toBe('Someone Else');

    const fresh = emptyProject();
    const bad = await runCli([
      'init',
      '--root',
      fresh,
      '--non-interactive',
      ...INIT_FLAGS,
      '--sender-email',
      'jane-at-nowhere',
      '--public-url',
      'http://mail.riveracoaching.net',
      '--postal-address',
      'Maine',
      '--transport',
      'pigeon',
      '--coach-name',
      'Jane {{x}}',
    ]);
    expect(bad.code).toBe(1);
    for (const flag of ['--sender-email', '--public-url', '--postal-address', '--transport', '--coach-name']) expect(bad.err).toContain(`[${flag}]`);
    expect(bad.err).toContain('coach name cannot contain { } < >');
    expect(bad.err).toContain('must start with https://');
    expect(bad.err).toContain('a full postal address is required');
    expect(existsSync(join(fresh, 'coursemail.config.json'))).toBe(false);
  });

  it('init with smtp asks for the server, and without a terminal it says to use --non-interactive', async () => {
    const root = emptyProject();
    const flags = INIT_FLAGS.map((f) => (f === 'resend' ? 'smtp' : f));
    const missing = await runCli(['init', '--root', root, '--non-interactive', ...flags]);
    expect(missing.err).toContain('[--smtp-host]');
    const ok = await runCli(['init', '--root', root, '--non-interactive', ...flags, '--smtp-host', 'smtp.postmarkapp.com', '--smtp-port', '587']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(readFileSync(join(root, 'coursemail.config.json'), 'utf8')).smtp).toEqual({ host: 'smtp.postmarkapp.com', port: 587 });
    const noTty = await runCli(['init', '--root', emptyProject()]);
    expect(noTty.code).toBe(1);
    expect(noTty.err).toContain('--non-interactive');
  });
});
