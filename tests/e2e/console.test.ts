import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { startHttpServer, type RunningServer } from '../../src/server/http.ts';
import { openServeApp } from '../../src/server/serve-app.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { writeBroadcast } from '../broadcast/support.ts';
import { launchBrowser } from '../support/browser.ts';
import { tempProject } from '../support/project.ts';
import { waitFor } from '../support/wait.ts';

const COACH = 'coach@example.com';
const READERS = ['ann.lee@example.com', 'bob.stone@example.com', 'cara.diaz@example.com'];

let root: string;
let store: Store;
let server: RunningServer;
let browser: Browser;
let closeApp: () => Promise<void>;

const mails = async () => {
  const dir = join(root, 'outbox');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')) : [];
  return Promise.all(files.map(async (f) => simpleParser(readFileSync(join(dir, f)))));
};

beforeAll(async () => {
  root = tempProject({ config: (c) => void (c.admins = [COACH]) });
  writeBroadcast(root, 'news');
  store = await openStore({ sqlitePath: join(root, 'data', 'store.sqlite') });
  const now = new Date();
  await store.subscribers.importBatch(
    READERS.map((email, i) => ({ email, firstName: ['Ann', 'Bob', 'Cara'][i]!, timezone: null, consentAt: now, consentSource: 'test' })),
    { now, seriesId: null },
  );
  const app = await openServeApp({ root, store, config: loadConfig(root), secret: randomBytes(32).toString('hex'), series: new Map(), console: { watch: false } });
  closeApp = app.close;
  [server, browser] = await Promise.all([startHttpServer(app, { port: 0 }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await closeApp?.();
  await store?.close();
});

describe('the console in Chromium', () => {
  it('signs in through the emailed link (button, then POST), shows status, finds a reader and unsubscribes them, and the audit log says so', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/admin/status`);
    // No session: sent to sign in.
    await page.waitForURL(/\/admin\/sign-in$/);
    await page.fill('input[name=email]', COACH);
    await page.click('button[type=submit]');
    await page.getByText('Check your inbox').waitFor();

    await waitFor(async () => (await mails()).some((m) => m.subject === 'Your coursemail sign-in link'), 'the sign-in mail', 10_000);
    const mail = (await mails()).find((m) => m.subject === 'Your coursemail sign-in link')!;
    expect([mail.to].flat()[0]?.text).toBe(COACH);
    const link = new URL(/https?:\/\/\S+\/admin\/sign-in\/\S+/.exec(mail.text ?? '')![0]);
    // Opening the link only shows the button; pressing it posts, and signs in.
    await page.goto(server.url + link.pathname);
    await page.locator('[data-testid="sign-in"]').click();
    await page.waitForURL(new RegExp(`${server.url}/admin/$`));
    expect(await page.locator('[data-testid="sign-out"]').count()).toBe(1);
    // Every link on the preview's page stays inside the console.
    const hrefs = await page.locator('a[href^="/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    expect(hrefs.length).toBeGreaterThan(3);
    expect(hrefs.filter((h) => !h.startsWith('/admin/'))).toEqual([]);

    await page.getByRole('link', { name: 'Status', exact: true }).first().click();
    await page.waitForURL(/\/admin\/status$/);
    expect(await page.locator('h1').first().innerText()).toMatch(/Status/);
    expect(await page.content()).toMatch(/complaint/i);

    await page.goto(`${server.url}/admin/readers`);
    expect(await page.locator('[data-testid="readers"] tbody tr').count()).toBe(3);
    await page.fill('input[name=q]', 'BOB');
    await page.click('form[role=search] button');
    await page.waitForURL(/q=BOB/);
    expect(await page.locator('[data-testid="readers"] tbody tr').count()).toBe(1);
    await page.getByRole('link', { name: 'bob.stone@example.com' }).click();
    expect(await page.locator('[data-testid="status"]').innerText()).toBe('active');
    await page.locator('[data-testid="unsubscribe"]').click();
    await page.locator('[data-testid="notice"]').waitFor();
    expect(await page.locator('[data-testid="status"]').innerText()).toBe('unsubscribed');
    expect((await store.subscribers.findByEmail('bob.stone@example.com'))?.status).toBe('unsubscribed');

    await page.goto(`${server.url}/admin/readers?status=unsubscribed`);
    expect(await page.locator('[data-testid="readers"] tbody tr').allInnerTexts()).toEqual([expect.stringContaining('bob.stone@example.com')]);

    await page.getByRole('link', { name: 'Audit log' }).first().click();
    const rows = await page.locator('[data-testid="audit"] tbody tr').allInnerTexts();
    expect(rows[0]).toMatch(new RegExp(`${COACH}\\s+reader\\.unsubscribe\\s+bob\\.stone@example\\.com: 0 queued cancelled`));
    expect(rows.at(-1)).toMatch(new RegExp(`${COACH}\\s+sign-in`));

    // Sign out: the same cookie no longer opens anything.
    await page.locator('[data-testid="sign-out"]').click();
    await page.waitForURL(/\/admin\/sign-in$/);
    await page.goto(`${server.url}/admin/readers`);
    await page.waitForURL(/\/admin\/sign-in$/);
    await page.close();
  });
});
