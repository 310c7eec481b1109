import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSeries, loadProject } from '../../src/build/index.ts';
import { createOutboxTransport } from '../../src/deliver/index.ts';
import { startPreview, type RunningPreview } from '../../src/server/preview/index.ts';
import { sendTest } from '../../src/send/test-send.ts';
import { CoursemailError } from '../../src/shared/index.ts';
import { launchBrowser } from '../support/browser.ts';
import { runCli, tempProject } from '../support/project.ts';

const SERIES = 'physician-coaching';
const PUBLIC = 'https://course.example.com';

let root: string;
let preview: RunningPreview;
let browser: Browser;
let page: Page;

const outbox = () =>
  existsSync(join(root, 'outbox'))
    ? readdirSync(join(root, 'outbox'))
        .filter((f) => f.endsWith('.eml'))
        .sort()
    : [];
const readEml = async (file: string) => simpleParser(readFileSync(join(root, 'outbox', file)));

beforeAll(async () => {
  root = tempProject({ config: (c) => (c.publicUrl = PUBLIC) });
  [preview, browser] = await Promise.all([startPreview({ root, port: 0 }), launchBrowser()]);
  page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await preview?.close();
});

describe('send test from the email page', () => {
  it('writes the filled lesson to the outbox, subject marked [TEST], with one-click unsubscribe headers', async () => {
    await page.goto(`${preview.url}/series/${SERIES}/3`);
    const subject = await page.locator('[data-testid="subject"]').innerText();
    await page.locator('[data-testid="send-test"]').click();
    const notice = page.locator('[data-testid="notice"]');
    await notice.waitFor();
    expect(await notice.innerText()).toMatch(/^Sent “\[TEST\] .*” to coach@example\.com via outbox \(.*\.eml\)\.$/);
    expect(outbox()).toHaveLength(1);
    const mail = await readEml(outbox()[0]!);
    expect(mail.subject).toBe(`[TEST] ${subject}`);
    const unsubscribe = mail.headerLines.find((h) => h.key === 'list-unsubscribe')!.line.replace(/\r?\n\s+/g, ' ');
    expect(unsubscribe).toMatch(new RegExp(`^List-Unsubscribe: <${PUBLIC}/u/[\\w-]+\\.[\\w-]+>$`));
    expect(mail.text).toContain(unsubscribe.slice('List-Unsubscribe: <'.length, -1));
    expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(mail.html).toContain('988 Suicide &amp; Crisis Lifeline');
  });

  it('shows the sent message in the outbox as a reader sees it, headers included', async () => {
    await page.goto(`${preview.url}/outbox`);
    const row = page.locator('[data-testid="outbox"] li');
    expect(await row.count()).toBe(1);
    expect(await row.innerText()).toContain('[TEST] ');
    // A person's columns: time, recipient, subject, kind (no file name).
    const cols = Object.fromEntries(
      await row
        .locator('[data-col]')
        .evaluateAll((els) => els.map((e) => [(e as HTMLElement).dataset.col, (e as HTMLElement).innerText.replace(/\s+/g, ' ').trim()])),
    );
    expect(cols).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/),
      to: 'coach@example.com',
      subject: expect.stringMatching(/^\[TEST\] Coaching or therapy\?/),
      kind: 'test',
    });
    expect(await row.innerText()).not.toContain('.eml');
    await row.locator('a').click();
    await page.frameLocator('#email-frame').getByText('988 Suicide & Crisis Lifeline').waitFor();
    await page.locator('[data-tab="headers"]').click();
    const headers = await page.locator('[data-testid="headers"]').innerText();
    expect(headers).toMatch(/List-Unsubscribe-Post\s+List-Unsubscribe=One-Click/);
    expect(headers).toMatch(/Subject\s+\[TEST\] Coaching or therapy\?/);
    // The same views as the email pages: on a phone (it fits, with its real signed links) and dark.
    await page.locator('[data-tab="preview"]').click();
    await page.locator('[data-width="mobile"]').click();
    await page.waitForFunction(() => document.getElementById('email-frame')!.getBoundingClientRect().width === 375);
    await page.frameLocator('#email-frame').getByText('988 Suicide & Crisis Lifeline').waitFor();
    expect(await page.evaluate(() => (document.getElementById('email-frame') as HTMLIFrameElement).contentDocument!.documentElement.scrollWidth)).toBe(375);
    expect(await page.locator('[data-scheme]').allInnerTexts()).toEqual(['Light', 'Dark (inverted, as Gmail does)', "Dark (the email's own dark styles)"]);
    await page.locator('[data-scheme="invert"]').click();
    await page.waitForFunction(() =>
      (document.getElementById('email-frame') as HTMLIFrameElement).contentDocument?.querySelector('style[data-preview="invert"]'),
    );
    expect(page.url()).toMatch(/#width=mobile&tab=preview&scheme=invert$/);
  });

  it('updates an open Outbox page when a new message lands there', async () => {
    await page.goto(`${preview.url}/outbox`);
    const rows = page.locator('[data-testid="outbox"] li');
    const before = await rows.count();
    const { code } = await runCli(['send-test', '--root', root, '--series', SERIES, '--step', '4']);
    expect(code).toBe(0);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="outbox"] li').length === n + 1, before, { timeout: 10_000 });
    expect(await rows.first().innerText()).toContain('[TEST] Why the records distinction matters');
  });

  it('refuses a cross-origin POST (another site open in the browser cannot send mail)', async () => {
    const before = outbox().length;
    const form = new URLSearchParams({ path: `/series/${SERIES}/3`, sample: 'named', to: 'victim@example.com' });
    const evil = await fetch(`${preview.url}/send-test`, { method: 'POST', body: form, headers: { Origin: 'http://evil.example' }, redirect: 'manual' });
    expect(evil.status).toBe(403);
    const crossSite = await fetch(`${preview.url}/send-test`, {
      method: 'POST',
      body: form,
      headers: { Origin: 'null', 'Sec-Fetch-Site': 'cross-site' },
      redirect: 'manual',
    });
    expect(crossSite.status).toBe(403);
    const bare = await fetch(`${preview.url}/send-test`, { method: 'POST', body: form, redirect: 'manual' });
    expect(bare.status).toBe(403);
    const legit = new URLSearchParams({ path: `/series/${SERIES}/3`, sample: 'named', to: 'friend@example.com' });
    const same = await fetch(`${preview.url}/send-test`, { method: 'POST', body: legit, headers: { Origin: preview.url }, redirect: 'manual' });
    expect(same.status).toBe(303);
    expect(outbox().length).toBe(before + 1);
    const recipients = await Promise.all(outbox().map(async (f) => (await readEml(f)).to));
    const text = JSON.stringify(recipients);
    expect(text).toContain('friend@example.com');
    expect(text).not.toContain('victim@example.com');
  });

  it('says why when the transport refuses (one-click unsubscribe over plain http on a public host)', async () => {
    const httpRoot = tempProject({ config: (c) => (c.publicUrl = 'http://course.example.com') });
    const second = await startPreview({ root: httpRoot, port: 0, watch: false });
    // A page of its own: the shared one may still be on the outbox page, which reloads itself when a message lands.
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    try {
      await page.goto(`${second.url}/series/${SERIES}/1`);
      await page.locator('[data-testid="send-test"]').click();
      const notice = page.locator('[data-testid="notice"]');
      await notice.waitFor();
      expect(await notice.innerText()).toMatch(/List-Unsubscribe.*https/);
      expect(existsSync(join(httpRoot, 'outbox')) ? readdirSync(join(httpRoot, 'outbox')).filter((f) => f.endsWith('.eml')) : []).toEqual([]);
    } finally {
      await page.close();
      await second.close();
    }
  });
});

describe('coursemail send-test', () => {
  it('sends lesson N (or the confirmation) to the test address through the outbox', async () => {
    const before = outbox();
    const { code, out } = await runCli(['send-test', '--root', root, '--series', SERIES, '--step', '2', '--sample', 'anonymous']);
    expect(code).toBe(0);
    expect(out).toMatch(/^Sent “\[TEST\] What the trials of physician coaching found” to coach@example\.com via outbox: .*\.eml$/);
    const added = outbox().filter((f) => !before.includes(f));
    expect(added).toHaveLength(1);
    const mail = await readEml(added[0]!);
    expect(mail.text).toMatch(/^Hello,$/m);
    expect(mail.headers.get('x-coursemail-delivery')).toMatch(/^test-/);

    const confirm = await runCli(['send-test', '--root', root, '--series', SERIES, '--step', 'confirm', '--to', 'other@example.com']);
    expect(confirm.code).toBe(0);
    expect(confirm.out).toContain('“[TEST] Please confirm: Physician coaching is not therapy” to other@example.com');
  });

  it('names the valid steps when the step does not exist', async () => {
    const { code, err } = await runCli(['send-test', '--root', root, '--series', SERIES, '--step', '9']);
    expect(code).toBe(1);
    expect(err).toContain('--step must be 1–5 or "confirm"');
  });

  it('refuses a message that fails the compliance guard once filled, and sends nothing', async () => {
    const project = await loadProject(root);
    const { built } = await buildSeries(project, SERIES);
    const good = built!.steps[0]!.message;
    const withoutCrisisLine = {
      ...good,
      html: good.html.replaceAll('988lifeline.org', 'our website'),
      text: good.text.replaceAll('988lifeline.org', 'our website'),
    };
    const dir = join(root, 'outbox-guard');
    const attempt = sendTest({ message: withoutCrisisLine, config: project.config, transport: createOutboxTransport({ dir }), now: new Date() });
    await expect(attempt).rejects.toThrow(CoursemailError);
    await expect(attempt).rejects.toThrow(/crisis line incomplete: “988lifeline\.org” in HTML/);
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });
});
