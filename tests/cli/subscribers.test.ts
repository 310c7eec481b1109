import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openListRuntime } from '../../src/cli/commands/subscribers.ts';
import { openStore } from '../../src/store/index.ts';
import { REPO, runCli, tempProject } from '../support/project.ts';
import { newWebhookSecret, resendEvent, svixHeaders } from '../support/svix.ts';

const SERIES = 'physician-coaching';
const saved = { secret: process.env.COURSEMAIL_SECRET, db: process.env.DATABASE_URL };

beforeAll(() => {
  // The subscriber commands use the project's SQLite file, never a database from the environment.
  delete process.env.DATABASE_URL;
});
afterAll(() => {
  if (saved.db !== undefined) process.env.DATABASE_URL = saved.db;
});

const cli = (root: string, ...args: string[]) => runCli([...args, '--root', root]);
const store = (root: string) => openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });

const CSV = [
  '\uFEFFemail,first_name,timezone,consent',
  'ann@example.com,Ann,America/Chicago,yes',
  'not-an-address,Bob,,yes',
  '"cy@example.com","Cy, Jr.",Europe/London,2026-01-15',
  'dee@example.com,Dee,Mars/Olympus,yes',
  'ANN@example.com,Ann again,,yes',
  'eve@example.com,Eve,,',
  'fay@example.com,Fay,America/New_York,maybe',
  '',
].join('\r\n');

describe('coursemail subscribers import', () => {
  it('prints exact counts and each bad row with its line; exits 0; consented rows are active and enrolled, others pending with a confirmation queued', async () => {
    const root = tempProject();
    const file = join(root, 'list.csv');
    writeFileSync(file, CSV);
    const r = await cli(root, 'subscribers', 'import', file);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('7 rows read: 3 imported (2 active, 1 pending), 1 duplicates skipped, 0 suppressed skipped, 3 bad.');
    expect(r.out).toContain('1 confirmation emails queued');
    const bad = r.out.split('\n').filter((l) => l.startsWith('line '));
    expect(bad.map((l) => l.split(':')[0])).toEqual(['line 3', 'line 5', 'line 8']);
    expect(bad[0]).toContain('email');
    expect(bad[1]).toContain('timezone');
    expect(bad[2]).toContain('consent');
    const s = await store(root);
    try {
      const cy = (await s.subscribers.findByEmail('cy@example.com'))!;
      expect(cy).toMatchObject({ status: 'active', firstName: 'Cy, Jr.', timezone: 'Europe/London', consentSource: 'import:list.csv' });
      expect(await s.enrollments.get(cy.id, SERIES)).not.toBeNull();
      const eve = (await s.subscribers.findByEmail('eve@example.com'))!;
      expect(eve.status).toBe('pending');
      expect((await s.subscribers.dataHeld(eve.id))!.deliveries.map((d) => [d.kind, d.seriesId])).toEqual([['confirm', SERIES]]);
    } finally {
      await s.close();
    }
  });

  it('a file that cannot be read is a non-zero exit with the reason', async () => {
    const root = tempProject();
    const r = await cli(root, 'subscribers', 'import', join(root, 'missing.csv'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('Cannot read');
    expect(r.err).toContain('ENOENT');
    const header = await cli(root, 'subscribers', 'import', join(REPO, 'package.json'));
    expect(header.code).toBe(1);
    expect(header.err).toContain('"email" column');
  });

  it('forget erases, and a re-import of the address is refused as suppressed', async () => {
    const root = tempProject();
    const file = join(root, 'one.csv');
    writeFileSync(file, 'email,consent\nann@example.com,yes\n');
    expect((await cli(root, 'subscribers', 'import', file)).out).toContain('1 imported');
    const refused = await cli(root, 'subscribers', 'forget', 'ann@example.com');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('--yes');
    const forgot = await cli(root, 'subscribers', 'forget', 'Ann@Example.com', '--yes');
    expect(forgot.code).toBe(0);
    expect(forgot.out).toContain('erased');
    const again = await cli(root, 'subscribers', 'import', file);
    expect(again.out).toContain('0 imported (0 active, 0 pending), 0 duplicates skipped, 1 suppressed skipped, 0 bad.');
    const add = await cli(root, 'subscribers', 'add', 'ann@example.com', '--consent', 'phone call');
    expect(add.code).toBe(1);
    expect(add.err).toContain('suppressed');
    const s = await store(root);
    try {
      expect(await s.subscribers.findByEmail('ann@example.com')).toBeNull();
    } finally {
      await s.close();
    }
  });
});

describe('coursemail subscribers add | list | export | unsubscribe, enroll, embed', () => {
  it('add with --consent: active and enrolled; without: pending, confirmation queued; enroll refuses the pending one', async () => {
    const root = tempProject();
    const a = await cli(root, 'subscribers', 'add', 'ann@example.com', '--name', 'Ann', '--tz', 'america/chicago', '--consent', 'paper form 2026-03-01');
    expect(a.code, a.err).toBe(0);
    expect(a.out).toContain('active, enrolled in physician-coaching');
    const b = await cli(root, 'subscribers', 'add', 'bo@example.com');
    expect(b.out).toContain('pending; a confirmation email is queued');
    expect((await cli(root, 'subscribers', 'add', 'bad@@example.com')).code).toBe(1);
    expect((await cli(root, 'subscribers', 'add', 'x@example.com', '--tz', 'Nowhere/Land')).code).toBe(1);
    expect((await cli(root, 'subscribers', 'add', 'x@example.com', '--series', 'nope')).err).toContain('No series "nope"');

    const enrollPending = await cli(root, 'enroll', 'bo@example.com', '--series', SERIES);
    expect(enrollPending.code).toBe(1);
    expect(enrollPending.err).toContain('has not confirmed yet');
    const enrollAgain = await cli(root, 'enroll', 'ann@example.com', '--series', SERIES);
    expect(enrollAgain.out).toContain('already enrolled');

    const list = await cli(root, 'subscribers', 'list');
    expect(list.out).toMatch(/active\s+ann@example.com {2}Ann {2}America\/Chicago/);
    expect(list.out).toContain('total: 1 pending, 1 active, 0 unsubscribed');
    const onlyPending = await cli(root, 'subscribers', 'list', '--status', 'pending');
    expect(onlyPending.out).toContain('bo@example.com');
    expect(onlyPending.out).not.toContain('ann@example.com  ');
    expect((await cli(root, 'subscribers', 'list', '--status', 'gone')).code).toBe(1);
    const bare = await runCli(['subscribers']);
    expect(bare.code).toBe(2);
    expect(bare.err).toContain('Usage: coursemail subscribers <add|import|list|export|forget|unsubscribe>');

    const s = await store(root);
    try {
      const ann = (await s.subscribers.findByEmail('ann@example.com'))!;
      expect(ann).toMatchObject({ status: 'active', timezone: 'America/Chicago', consentSource: 'paper form 2026-03-01' });
      expect(ann.consentAt).not.toBeNull();
      expect(await s.enrollments.get(ann.id, SERIES)).not.toBeNull();
      const bo = (await s.subscribers.findByEmail('bo@example.com'))!;
      expect((await s.subscribers.dataHeld(bo.id))!.deliveries.map((d) => d.kind)).toEqual(['confirm']);
      // Where each reader is in the course: enrolled, nothing sent yet; then paused.
      expect(list.out).toMatch(/ann@example\.com .* physician-coaching 0\/5$/m);
      expect(list.out).toMatch(/bo@example\.com .* -$/m);
      await s.enrollments.pause(ann.id, SERIES, new Date());
    } finally {
      await s.close();
    }
    expect((await cli(root, 'subscribers', 'list')).out).toMatch(/ann@example\.com .* physician-coaching 0\/5 paused$/m);
  });

  it('export writes CSV or JSON of one or all (file mode 600); unsubscribe stops them', async () => {
    const root = tempProject();
    await cli(root, 'subscribers', 'add', 'ann@example.com', '--name', '=HYPERLINK("x")', '--consent', 'test');
    await cli(root, 'subscribers', 'add', 'bo@example.com', '--consent', 'test');
    const csv = await cli(root, 'subscribers', 'export');
    const lines = csv.out.split('\n');
    expect(lines[0]).toBe('id,email,first_name,timezone,status,consent_at,consent_source,created_at,updated_at,enrollments,messages,consent');
    expect(lines).toHaveLength(3);
    expect(csv.out).toContain(`'=HYPERLINK`);
    const out = join(root, 'ann.json');
    expect((await cli(root, 'subscribers', 'export', 'ann@example.com', '--format', 'json', '--out', out)).code).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8')) as { email: string; enrollments: { seriesId: string }[] }[];
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({ email: 'ann@example.com', enrollments: [{ seriesId: SERIES }] });
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect((await cli(root, 'subscribers', 'export', 'nobody@example.com')).code).toBe(1);

    const u = await cli(root, 'subscribers', 'unsubscribe', 'ann@example.com');
    expect(u.out).toContain('unsubscribed');
    expect((await cli(root, 'subscribers', 'unsubscribe', 'ann@example.com')).out).toContain('already unsubscribed');
    expect((await cli(root, 'subscribers', 'unsubscribe', 'nobody@example.com')).code).toBe(1);
  });

  it('embed prints a plain form posting to publicUrl/subscribe/SERIES, and says to list the site in allowedOrigins', async () => {
    const root = tempProject({ config: (c) => (c.publicUrl = 'https://courses.example.org') });
    const r = await cli(root, 'embed', SERIES);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`<form method="post" action="https://courses.example.org/subscribe/${SERIES}"`);
    for (const name of ['email', 'first_name', 'timezone', 'website']) expect(r.out).toContain(`name="${name}"`);
    expect(r.out).not.toMatch(/<script[^>]+src=/);
    expect(r.err).toContain('"allowedOrigins": ["https://example.com"]');
    const listed = tempProject({ config: (c) => (c.allowedOrigins = ['https://example.com']) });
    expect((await cli(listed, 'embed', SERIES)).err).not.toContain('allowedOrigins');
    expect((await cli(root, 'embed', 'nope')).code).toBe(1);
  });
});

describe('coursemail serve', () => {
  it('hands the public pages each series with its lessons and zone, so a reader’s page names lessons by number and subject', async () => {
    const rt = await openListRuntime(tempProject(), { ...process.env, DATABASE_URL: '' });
    try {
      const info = rt.series.get(SERIES)!;
      expect(info.timezone).toBe('America/New_York');
      expect(info.steps.map((s) => s.subject)).toHaveLength(5);
      expect(info.steps[0]).toMatchObject({ slug: 'what-coaching-is', subject: 'What physician coaching is, and what it is not' });
    } finally {
      await rt.close();
    }
  });

  it('needs COURSEMAIL_SECRET, then serves the sign-up page on loopback', async () => {
    const root = tempProject();
    delete process.env.COURSEMAIL_SECRET;
    const noSecret = await cli(root, 'serve', '--port', '0');
    expect(noSecret.code).toBe(1);
    expect(noSecret.err).toContain('COURSEMAIL_SECRET');
    expect((await cli(root, 'serve', '--host', '0.0.0.0')).err).toContain('Refusing to listen on 0.0.0.0');
    if (saved.secret !== undefined) process.env.COURSEMAIL_SECRET = saved.secret;

    const webhookSecret = newWebhookSecret();
    const env: NodeJS.ProcessEnv = { ...process.env, COURSEMAIL_SECRET: 'c'.repeat(40), RESEND_WEBHOOK_SECRET: webhookSecret };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, [join(REPO, 'bin/coursemail.mjs'), 'serve', '--port', '0', '--root', root], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /public endpoints on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
      });
      const page = await fetch(`${url}/subscribe/${SERIES}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Physician coaching is not therapy');
      const post = await fetch(`${url}/subscribe/${SERIES}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'served@example.com' }),
      });
      expect(post.status).toBe(202);
      // The webhook route is mounted beside the public ones: a signed event is taken, a forged one refused.
      const event = resendEvent('email.delivered', 'unknown-id');
      expect((await fetch(`${url}/webhooks/resend`, { method: 'POST', headers: svixHeaders(webhookSecret, event), body: event })).status).toBe(200);
      expect((await fetch(`${url}/webhooks/resend`, { method: 'POST', headers: svixHeaders(newWebhookSecret(), event), body: event })).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    const s = await store(root);
    try {
      expect((await s.subscribers.findByEmail('served@example.com'))!.status).toBe('pending');
    } finally {
      await s.close();
    }
  });
});
