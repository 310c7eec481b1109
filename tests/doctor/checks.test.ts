import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { nodeCheck } from '../../src/doctor/node-version.ts';
import { openStore } from '../../src/store/index.ts';
import { freshDatabase } from '../support/databases.ts';
import { resendRecords, startLocalDns, type LocalDns } from '../support/dns-server.ts';
import { freePort } from '../support/embedded-postgres.ts';
import { startFakeResend, type FakeResend } from '../support/fake-resend.ts';
import { runCli } from '../support/project.ts';
import { DOMAIN, INIT_FLAGS, doctor, emptyProject, stubReadyEnv } from './support.ts';

/**
 * Each doctor check fires on its fault and clears on the fix: every case starts from a
 * ready project (init's values, a verified domain, good DNS), breaks one thing, and
 * checks that line turns ✗ — while in the ready run the same line is ✓.
 */
let resend: FakeResend;
let dns: LocalDns;
let root: string;
const good = resendRecords(DOMAIN);

beforeAll(async () => {
  resend = await startFakeResend({ apiKey: 're_doctor_good', sendingOnlyKeys: ['re_sending_only'] });
  dns = await startLocalDns();
  root = emptyProject();
  expect((await runCli(['init', '--root', root, '--non-interactive', ...INIT_FLAGS])).code).toBe(0);
});
afterAll(async () => {
  await resend.close();
  await dns.close();
});
beforeEach(() => {
  stubReadyEnv(resend.url, dns.address);
  resend.setDomains([{ name: DOMAIN, status: 'verified' }]);
  dns.setTxt(good);
});
afterEach(() => vi.unstubAllEnvs());

function writeConfig(dir: string, change: (c: Record<string, any>) => void): void {
  const config: Record<string, any> = {
    sender: { name: 'Dr. Jane Rivera Coaching', email: `jane@${DOMAIN}` },
    postalAddress: '200 Harbor Road, Suite 4, Portland, ME 04101, USA',
    siteUrl: `https://${DOMAIN}`,
    publicUrl: `https://mail.${DOMAIN}`,
    consultationUrl: `https://${DOMAIN}/book`,
    transport: 'resend',
  };
  change(config);
  writeFileSync(join(dir, 'coursemail.config.json'), JSON.stringify(config));
}

it('the ready project passes every check', async () => {
  const run = await doctor(root);
  expect(run.code, run.lines.join('\n')).toBe(0);
  expect(run.lines.filter((l) => l.startsWith('✗'))).toEqual([]);
});

describe('each check fails on its fault, naming the fix', () => {
  // `readyLine`: the line that is ✓ in the ready run, when the fault changes the check's name.
  const cases: { check: string; fault: string; breakIt: () => void | Promise<void>; says: string; readyLine?: string }[] = [
    { check: 'config', fault: 'no config file', breakIt: () => rmSync(join(root, 'coursemail.config.json')), says: 'run `coursemail init`' },
    {
      check: 'config',
      fault: 'a config that breaks the schema',
      breakIt: () => writeConfig(root, (c) => (c.sender.email = 'jane-at-nowhere')),
      says: 'sender email must be a valid address',
    },
    {
      check: 'config: placeholder',
      fault: 'a sender on example.org',
      breakIt: () => writeConfig(root, (c) => (c.sender.email = 'me@mail.example.org')),
      says: '[sender.email]',
      readyLine: 'config: real values',
    },
    {
      check: 'config: publicUrl',
      fault: 'an http publicUrl',
      breakIt: () => writeConfig(root, (c) => (c.publicUrl = `http://mail.${DOMAIN}`)),
      says: 'is not https',
    },
    { check: 'COURSEMAIL_SECRET', fault: 'no secret', breakIt: () => vi.stubEnv('COURSEMAIL_SECRET', undefined), says: 'not set' },
    { check: 'COURSEMAIL_SECRET', fault: 'a short secret', breakIt: () => vi.stubEnv('COURSEMAIL_SECRET', 'short-secret'), says: 'only 12 characters' },
    { check: 'transport: resend', fault: 'no API key', breakIt: () => vi.stubEnv('RESEND_API_KEY', undefined), says: 'RESEND_API_KEY is not set' },
    {
      check: 'transport: smtp',
      fault: 'no SMTP login',
      breakIt: () => writeConfig(root, (c) => Object.assign(c, { transport: 'smtp', smtp: { host: 'smtp.postmarkapp.com', port: 587 } })),
      says: 'SMTP_USER and SMTP_PASS not set',
      readyLine: 'transport: resend',
    },
    {
      check: 'transport: outbox',
      fault: 'the outbox',
      breakIt: () => writeConfig(root, (c) => (c.transport = 'outbox')),
      says: 'reaches nobody',
      readyLine: 'transport: resend',
    },
    { check: 'Resend: API key', fault: 'a key Resend refuses', breakIt: () => vi.stubEnv('RESEND_API_KEY', 're_revoked'), says: 'invalid_api_key' },
    {
      check: `Resend: ${DOMAIN}`,
      fault: 'a pending domain',
      breakIt: () => resend.setDomains([{ name: DOMAIN, status: 'pending' }]),
      says: 'pending in Resend',
    },
    {
      check: `Resend: ${DOMAIN}`,
      fault: 'a domain not added',
      breakIt: () => resend.setDomains([{ name: 'other-practice.com', status: 'verified' }]),
      says: `add ${DOMAIN} at resend.com/domains`,
    },
    { check: 'RESEND_WEBHOOK_SECRET', fault: 'no webhook secret', breakIt: () => vi.stubEnv('RESEND_WEBHOOK_SECRET', undefined), says: 'is not set' },
    {
      check: 'DNS: SPF',
      fault: 'no SPF record',
      breakIt: () => dns.setTxt({ ...good, [`send.${DOMAIN}`]: [] }),
      says: `add TXT send.${DOMAIN} "v=spf1 include:amazonses.com ~all"`,
    },
    {
      check: 'DNS: SPF',
      fault: 'an SPF record for another provider',
      breakIt: () => dns.setTxt({ ...good, [`send.${DOMAIN}`]: ['v=spf1 include:_spf.google.com ~all'] }),
      says: 'does not authorise amazonses.com',
    },
    {
      check: 'DNS: SPF',
      fault: 'two SPF records',
      breakIt: () => dns.setTxt({ ...good, [`send.${DOMAIN}`]: ['v=spf1 include:amazonses.com ~all', 'v=spf1 -all'] }),
      says: 'merge them into one',
    },
    {
      check: 'DNS: DKIM',
      fault: 'no DKIM key',
      breakIt: () => dns.setTxt({ ...good, [`resend._domainkey.${DOMAIN}`]: ['not a key'] }),
      says: `no DKIM key at resend._domainkey.${DOMAIN}`,
    },
    {
      check: 'DNS: DKIM',
      fault: 'a stale key, not the one Resend signs with',
      breakIt: () => dns.setTxt({ ...good, [`resend._domainkey.${DOMAIN}`]: ['p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQColdkey'] }),
      says: 'not the one Resend signs with',
    },
    {
      check: 'DNS: DMARC',
      fault: 'no DMARC record',
      breakIt: () => dns.setTxt({ ...good, [`_dmarc.${DOMAIN}`]: [] }),
      says: `add TXT _dmarc.${DOMAIN} "v=DMARC1; p=none`,
    },
    {
      check: 'DNS: DMARC',
      fault: 'a DMARC record without a policy',
      breakIt: () => dns.setTxt({ ...good, [`_dmarc.${DOMAIN}`]: ['v=DMARC1; rua=mailto:x@riveracoaching.net'] }),
      says: 'has no valid policy',
    },
    {
      check: 'database',
      fault: 'an unreachable Postgres',
      breakIt: async () => vi.stubEnv('DATABASE_URL', `postgres://nobody:pw@127.0.0.1:${await freePort()}/coursemail`),
      says: 'could not be read',
    },
    {
      check: 'database',
      fault: 'a database behind on migrations',
      breakIt: () => {
        // A SQLite file that exists but was never migrated: every migration is pending.
        mkdirSync(join(root, 'data'), { recursive: true });
        writeFileSync(join(root, 'data/coursemail.sqlite'), '');
      },
      says: 'lacks',
    },
  ];
  for (const c of cases) {
    it(`${c.check}: ${c.fault}`, async () => {
      const ready = await doctor(root);
      expect(ready.passed(c.readyLine ?? c.check), ready.lines.join('\n')).toBe(true);
      await c.breakIt();
      try {
        const run = await doctor(root);
        expect(run.code).toBe(1);
        expect(run.failed(c.check), run.lines.join('\n')).toBe(true);
        expect(run.line(c.check)).toContain(c.says);
      } finally {
        writeConfig(root, () => {});
        rmSync(join(root, 'data'), { recursive: true, force: true });
      }
    });
  }
});

describe('and passes once fixed', () => {
  it('transport smtp with its login set', async () => {
    writeConfig(root, (c) => Object.assign(c, { transport: 'smtp', smtp: { host: 'smtp.postmarkapp.com', port: 587 } }));
    vi.stubEnv('SMTP_USER', 'jane');
    vi.stubEnv('SMTP_PASS', 'app-password');
    dns.setTxt({ [DOMAIN]: ['v=spf1 include:spf.mtasv.net ~all'], [`_dmarc.${DOMAIN}`]: ['v=DMARC1; p=none'] });
    try {
      const run = await doctor(root);
      expect(run.passed('transport: smtp'), run.lines.join('\n')).toBe(true);
      expect(run.passed('DNS: SPF')).toBe(true);
      expect(run.line('DNS: DKIM')?.startsWith('!')).toBe(true);
      // Resend's own checks are not asked of an SMTP sender.
      expect(run.line('RESEND_WEBHOOK_SECRET')).toBeUndefined();
      expect(run.code).toBe(0);
      dns.setTxt({ [`_dmarc.${DOMAIN}`]: ['v=DMARC1; p=none'] });
      const noSpf = await doctor(root);
      expect(noSpf.failed('DNS: SPF')).toBe(true);
      expect(noSpf.line('DNS: SPF')).toContain(`add TXT ${DOMAIN}`);
    } finally {
      writeConfig(root, () => {});
    }
  });

  it('a sending-only Resend key works, and the domain is left to check by hand (a warning, not a failure)', async () => {
    vi.stubEnv('RESEND_API_KEY', 're_sending_only');
    const run = await doctor(root);
    expect(run.passed('Resend: API key')).toBe(true);
    expect(run.line(`Resend: ${DOMAIN}`)).toMatch(/^! .*sending-only key/);
    expect(run.code).toBe(0);
  });

  it('the database: a migrated SQLite file and a migrated Postgres', async () => {
    const sqlitePath = join(root, 'data/coursemail.sqlite');
    await (await openStore({ sqlitePath })).close();
    try {
      const run = await doctor(root);
      expect(run.line('database')).toMatch(/^✓ database: .*coursemail\.sqlite is reachable and migrated/);
    } finally {
      rmSync(join(root, 'data'), { recursive: true, force: true });
    }
    const { databaseUrl } = await freshDatabase('postgres');
    vi.stubEnv('DATABASE_URL', databaseUrl);
    const pg = await doctor(root);
    expect(pg.line('database')).toMatch(/^✓ database: postgres:\/\/postgres:\*\*\*@.* is reachable and migrated/);
  });
});

describe('the Node line', () => {
  it('22 and 24 are supported, 20 works unsupported, others are refused', () => {
    expect(nodeCheck('v22.12.0').status).toBe('ok');
    expect(nodeCheck('v24.11.1').status).toBe('ok');
    expect(nodeCheck('v20.20.2')).toMatchObject({ status: 'warn', message: expect.stringContaining('works but is unsupported') });
    expect(nodeCheck('v18.20.0').status).toBe('fail');
    expect(nodeCheck('v23.3.0').status).toBe('fail');
  });
  it('doctor prints it first, and a warning does not fail the run', async () => {
    const run = await doctor(root);
    expect(run.lines[0]).toMatch(new RegExp(`^[✓!] Node.js: ${process.version.replace(/\./g, '\\.')}`));
  });
});
