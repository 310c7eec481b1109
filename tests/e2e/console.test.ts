import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.ts';
import { COACH, signInPath, startConsole, type RunningConsole } from '../support/console.ts';

const READERS = ['ann.lee@example.com', 'bob.stone@example.com', 'cara.diaz@example.com'];

let c: RunningConsole;
let browser: Browser;

beforeAll(async () => {
  [c, browser] = await Promise.all([
    startConsole({ readers: READERS.map((email, i) => ({ email, firstName: ['Ann', 'Bob', 'Cara'][i]!, timezone: null })) }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await c?.close();
});

describe('the console in Chromium', () => {
  // A deadline, not a speed check: the worker process builds every series before it sends.
  it('test-sends a broadcast, then sends it to the 3 readers (the worker beside it sends), audited', { timeout: 90_000 }, async () => {
    const page = await browser.newPage();
    await c.signIn(page);
    await page.goto(`${c.server.url}/admin/broadcasts/news`);
    expect(await page.locator('[data-testid="broadcast-state"]').innerText()).toBe('draft');
    await page.locator('[data-testid="action-test"]').click();
    await page.locator('[data-testid="confirm-form"]').waitFor();
    await page.locator('[data-testid="confirm-check"]').check();
    await page.locator('[data-testid="confirm-button"]').click();
    await page.waitForURL(/\/admin\/broadcasts\/news\?notice=/);
    expect(await page.locator('[data-testid="notice"]').innerText()).toMatch(/^Sent “\[TEST\] News for Maya: news” to coach@example.com via outbox/);

    await page.locator('[data-testid="action-send"]').click();
    await page.locator('[data-testid="confirm-form"]').waitFor();
    expect(await page.locator('[data-testid="confirm-count"]').innerText()).toBe('3');
    await page.locator('[data-testid="confirm-check"]').check();
    await page.locator('[data-testid="confirm-button"]').click();
    await page.waitForURL(/\/admin\/broadcasts\/news\?notice=/);
    expect(await page.locator('[data-testid="notice"]').innerText()).toMatch(/^Started broadcast \d+ to 3 recipients/);
    const worker = await c.runWorker();
    expect([worker.code, worker.err]).toEqual([0, '']);
    const copies = (await c.mails()).filter((m) => m.subject?.startsWith('News for') && m.subject.endsWith(': news'));
    expect(copies.map((m) => [m.to].flat()[0]?.text).sort()).toEqual([...READERS].sort());
    await page.reload();
    await page.locator('[data-testid="broadcast-state"][data-state="sent"]').waitFor({ timeout: 20_000 });

    await page.goto(`${c.server.url}/admin/audit`);
    const actions = await page.locator('[data-testid="audit"] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')));
    expect(actions).toEqual(['broadcast.send', 'broadcast.test', 'sign-in']);
    await page.close();
  });

  it('signs in through the emailed link (button, then POST), shows status, finds a reader and unsubscribes them, and the audit log says so', async () => {
    const page = await browser.newPage();
    await page.goto(`${c.server.url}/admin/status`);
    // No session: sent to sign in.
    await page.waitForURL(/\/admin\/sign-in$/);
    const before = new Set((await c.signInMails()).map((m) => m.file));
    await page.fill('input[name=email]', COACH);
    await page.click('button[type=submit]');
    await page.getByText('Check your inbox').waitFor();
    const fresh = await c.newSignInMails(before);
    expect(fresh).toHaveLength(1);
    const mail = fresh[0]!;
    expect([mail.to].flat()[0]?.text).toBe(COACH);
    // Opening the link only shows the button; pressing it posts, and signs in.
    await page.goto(c.server.url + signInPath(mail.text));
    await page.locator('[data-testid="sign-in"]').click();
    await page.waitForURL(new RegExp(`${c.server.url}/admin/$`));
    expect(await page.locator('[data-testid="sign-out"]').count()).toBe(1);
    // Every link on the preview's page stays inside the console.
    const hrefs = await page.locator('a[href^="/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    expect(hrefs.length).toBeGreaterThan(3);
    expect(hrefs.filter((h) => !h.startsWith('/admin/'))).toEqual([]);

    await page.getByRole('link', { name: 'Status', exact: true }).first().click();
    await page.waitForURL(/\/admin\/status$/);
    expect(await page.locator('h1').first().innerText()).toMatch(/Status/);
    expect(await page.content()).toMatch(/complaint/i);

    await page.goto(`${c.server.url}/admin/readers`);
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
    expect((await c.store.subscribers.findByEmail('bob.stone@example.com'))?.status).toBe('unsubscribed');

    await page.goto(`${c.server.url}/admin/readers?status=unsubscribed`);
    expect(await page.locator('[data-testid="readers"] tbody tr').allInnerTexts()).toEqual([expect.stringContaining('bob.stone@example.com')]);

    await page.getByRole('link', { name: 'Audit log' }).first().click();
    const rows = await page.locator('[data-testid="audit"] tbody tr').allInnerTexts();
    expect(rows[0]).toMatch(new RegExp(`${COACH}\\s+reader\\.unsubscribe\\s+bob\\.stone@example\\.com: \\d+ queued cancelled`));
    expect(rows.at(-1)).toMatch(new RegExp(`${COACH}\\s+sign-in`));

    // Sign out: the same cookie no longer opens anything.
    await page.locator('[data-testid="sign-out"]').click();
    await page.waitForURL(/\/admin\/sign-in$/);
    await page.goto(`${c.server.url}/admin/readers`);
    await page.waitForURL(/\/admin\/sign-in$/);
    await page.close();
  });
});
