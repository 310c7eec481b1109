import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDev, type RunningDev } from '../../src/server/dev/index.ts';
import { REPO, realIdentity, tempProject } from '../support/project.ts';
import { freshDatabase } from '../support/databases.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';
import { newWebhookSecret } from '../support/svix.ts';
import { until } from '../support/wait.ts';

const SERIES = 'physician-coaching';
const LESSON_1 = join('series', SERIES, '01-what-coaching-is.md');
const EDITED = 'Lesson one, as saved a moment ago';

/** The .eml files in a project's outbox, oldest first. */
async function outbox(root: string): Promise<ParsedMail[]> {
  const dir = join(root, 'outbox');
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.eml'))
        .sort()
    : [];
  return Promise.all(files.map((f) => simpleParser(readFileSync(join(dir, f)))));
}

/**
 * A reader signs up on the form, the confirmation lands in the outbox (the sign-up kicks the
 * worker: no idle pause), its link opens a page with one button, and the reader presses it.
 */
async function signUpAndConfirm(dev: RunningDev, root: string, email: string, firstName: string): Promise<ParsedMail> {
  const form = new URLSearchParams({ email, first_name: firstName, timezone: 'America/Chicago', website: '' });
  const signUp = await fetch(`${dev.url}/subscribe/${SERIES}`, { method: 'POST', body: form, headers: { Origin: dev.url } });
  expect(signUp.status).toBe(200);
  expect(await signUp.text()).toContain('Check your inbox');
  const confirmation = await until('the confirmation email', async () => (await outbox(root)).find((m) => m.subject?.startsWith('Please confirm')));
  expect([confirmation.to].flat()[0]?.text).toBe(email);
  const link = /https?:\/\/\S+\/confirm\/[\w-]+\.[\w-]+/.exec(confirmation.text ?? '')?.[0];
  expect(link?.startsWith(`${dev.url}/confirm/`)).toBe(true);
  expect(await (await fetch(link!)).text()).toContain('Yes, send me the course');
  const confirmed = await fetch(link!, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: dev.url },
    body: 'confirm=1',
  });
  expect(confirmed.status).toBe(200);
  expect(await confirmed.text()).toContain('You are in');
  return confirmation;
}

describe('coursemail dev: sign up → confirmation in the outbox → confirm → lesson 1 in the outbox, one process', () => {
  let root: string;
  let dev: RunningDev;
  const log: string[] = [];
  const emails = () => outbox(root);

  beforeAll(async () => {
    root = tempProject();
    // No COURSEMAIL_SECRET, no DATABASE_URL: SQLite under data/ and a secret made and kept there.
    dev = await startDev({ root, port: 0, env: {}, log: (l) => log.push(l) });
  });
  afterAll(() => dev?.close());

  it('runs the flow end to end, sending the lesson as last saved, and /status counts it', async () => {
    expect(dev.info).toMatchObject({ secret: { source: 'made' }, transport: 'outbox', webhooks: false });
    expect(dev.info.database).toContain(join('data', 'coursemail.sqlite'));
    const home = await (await fetch(`${dev.url}/`)).text();
    expect(home).toContain(`href="/subscribe/${SERIES}"`);

    // A save while dev runs reaches the in-process worker's catalog, not only the preview.
    const file = join(root, LESSON_1);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^subject: .*$/m, `subject: "${EDITED}"`));
    await until('the rebuild', () => (dev.builder.series.get(SERIES)?.built?.steps[0]?.message.subject === EDITED ? true : undefined));

    const confirmation = await signUpAndConfirm(dev, root, 'newcomer@example.com', 'Nia');

    const lesson = await until('lesson 1', async () => (await emails()).find((m) => m.subject === EDITED));
    expect(lesson.text).toMatch(/^Hi Nia,$/m);
    expect(lesson.text).toContain(`${dev.url}/u/`);
    expect(lesson.text).toContain('988');
    expect((await emails()).map((m) => m.subject)).toEqual([confirmation.subject, EDITED]);

    const status = await (await fetch(`${dev.url}/status`)).text();
    const row = /<tr data-step="what-coaching-is">(.*?)<\/tr>/s.exec(status)?.[1] ?? '';
    expect(/data-col="sent">(\d+)</.exec(row)?.[1]).toBe('1');
    // Named as the series has it now, beside the four lessons nobody has reached yet.
    expect(row).toContain(`>${EDITED}</td>`);
    expect(status.match(/<tr data-step=/g)).toHaveLength(5);
    expect(status).toContain('<h2>Physician coaching is not therapy <span class="muted small">physician-coaching</span></h2>');
    expect(status).toMatch(/<span data-status="active">1 active<\/span>/);
    expect(log.filter((l) => l.startsWith('worker: 1 sent'))).toHaveLength(2);
    // No RESEND_WEBHOOK_SECRET: no webhook endpoint.
    expect((await fetch(`${dev.url}/webhooks/resend`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});

describe('coursemail dev on Postgres (DATABASE_URL set): the same flow, the same figures', () => {
  let root: string;
  let dev: RunningDev;
  beforeAll(async () => {
    root = tempProject();
    const { databaseUrl } = await freshDatabase('postgres');
    dev = await startDev({ root, port: 0, env: { DATABASE_URL: databaseUrl }, log: () => undefined });
  });
  afterAll(() => dev?.close());

  it('keeps readers and deliveries in Postgres, sends lesson 1 into the outbox, and /status counts it', async () => {
    expect(dev.info.database).toBe('Postgres (DATABASE_URL)');
    expect(existsSync(join(root, 'data', 'coursemail.sqlite'))).toBe(false);
    const confirmation = await signUpAndConfirm(dev, root, 'pg.reader@example.com', 'Pia');
    const lesson = await until('lesson 1', async () => (await outbox(root)).find((m) => m.subject === 'What physician coaching is, and what it is not'));
    expect(lesson.text).toMatch(/^Hi Pia,$/m);
    expect((await outbox(root)).map((m) => m.subject)).toEqual([confirmation.subject, lesson.subject]);
    const reader = await dev.store.subscribers.findByEmail('pg.reader@example.com');
    expect(reader).toMatchObject({ status: 'active', timezone: 'America/Chicago' });
    // The file lands before the worker records the send: /status counts it once recorded.
    const sent = async () => /<tr data-step="what-coaching-is">.*?data-col="sent">(\d+)</s.exec(await (await fetch(`${dev.url}/status`)).text())?.[1];
    expect(await until('status counts lesson 1', async () => ((await sent()) === '1' ? '1' : undefined))).toBe('1');
  });
});

describe('coursemail dev follows a transport change in the config, without a restart', () => {
  let root: string;
  let dev: RunningDev;
  let smtp: TestSmtpServer;
  const log: string[] = [];
  beforeAll(async () => {
    root = tempProject();
    [dev, smtp] = await Promise.all([startDev({ root, port: 0, env: {}, log: (l) => log.push(l) }), startSmtpServer()]);
  });
  afterAll(async () => {
    await dev?.close();
    await smtp?.close();
  });

  it('outbox, then SMTP once coursemail.config.json says so: the next message goes to the SMTP server', async () => {
    expect(dev.info.transport).toBe('outbox');
    const file = join(root, 'coursemail.config.json');
    const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    realIdentity(config);
    writeFileSync(file, JSON.stringify({ ...config, transport: 'smtp', smtp: { host: smtp.host, port: smtp.port } }, null, 2));
    await until('the config rebuild', () => (dev.builder.project?.config.transport === 'smtp' ? true : undefined));

    const form = new URLSearchParams({ email: 'smtp.reader@example.com', website: '' });
    expect((await fetch(`${dev.url}/subscribe/${SERIES}`, { method: 'POST', body: form, headers: { Origin: dev.url } })).status).toBe(200);
    const mail = await until('the confirmation at the SMTP server', () => smtp.messages.find((m) => m.to.includes('smtp.reader@example.com')));
    expect(mail.raw.toString('utf8')).toMatch(/^Subject: Please confirm/m);
    expect(await outbox(root)).toEqual([]);
    expect(log).toContain('worker: sending through smtp from now on (coursemail.config.json changed)');
  });
});

describe('coursemail dev as a process (what npm start runs)', () => {
  it('prints the URL, the sign-up link and the kept-secret note with no keys set, serves the webhook when its secret is set, and stops cleanly on SIGTERM', async () => {
    const root = tempProject();
    const env = { ...process.env };
    delete env.COURSEMAIL_SECRET;
    delete env.DATABASE_URL;
    env.RESEND_WEBHOOK_SECRET = newWebhookSecret();
    const child = spawn(process.execPath, [join(REPO, 'bin/coursemail.mjs'), 'dev', '--root', root, '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      // The webhook line is the last of the start-up lines: the pipe may hand them over in several reads.
      const url = await until('the start-up lines', () => /webhooks: (http:\/\/127\.0\.0\.1:\d+)\/webhooks\/resend/.exec(out)?.[1] ?? undefined, 60_000);
      expect(out).toContain(`coursemail dev: ${url}`);
      expect(out).toContain(`sign-up: ${url}/subscribe/${SERIES}`);
      expect(out).toContain('COURSEMAIL_SECRET is not set');
      expect((await fetch(`${url}/subscribe/${SERIES}`)).status).toBe(200);
      expect(out).toContain(`webhooks: ${url}/webhooks/resend`);
      expect((await fetch(`${url}/webhooks/resend`, { method: 'POST', body: '{}' })).status).toBe(401);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).toContain('stopped.');
      expect(err).toBe('');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
