import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDev, type RunningDev } from '../../src/server/dev/index.ts';
import { writeBroadcast } from '../broadcast/support.ts';
import { launchBrowser } from '../support/browser.ts';
import { startFakeResend, type FakeResend } from '../support/fake-resend.ts';
import { realIdentity, tempProject } from '../support/project.ts';
import { waitFor } from '../support/wait.ts';

const SERIES = 'physician-coaching';
const NO_KEY = /RESEND_API_KEY is not set: create an API key at resend\.com and export it, or use the outbox transport\./;

let browser: Browser;
let page: Page;
let dev: RunningDev | undefined;
let resend: FakeResend | undefined;

const resendProject = () =>
  tempProject({
    config: (c) => {
      realIdentity(c);
      c.transport = 'resend';
    },
  });

beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
});
afterEach(async () => {
  await dev?.close();
  await resend?.close();
  dev = resend = undefined;
});
afterAll(async () => {
  await browser?.close();
});

describe('provider and config errors reach the preview page', () => {
  it('"transport": "resend" with no key: a banner on every page, and each test send says why in the page, never a 500', async () => {
    const root = resendProject();
    writeBroadcast(root, 'news');
    dev = await startDev({ root, port: 0, env: {}, watch: false, log: () => undefined });
    const url = dev.url;

    await page.goto(`${url}/series/${SERIES}/1`);
    const banner = page.locator('[data-testid="worker-banner"]');
    await banner.waitFor();
    expect(await banner.innerText()).toMatch(/^The dev worker is not sending\. the resend transport cannot start: /);
    expect(await banner.innerText()).toMatch(NO_KEY);

    // The lesson page's button.
    expect(await page.locator('[data-testid="send-test"]').innerText()).toBe('Send test via resend');
    const [lessonAnswer] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/send-test')), page.locator('[data-testid="send-test"]').click()]);
    expect(lessonAnswer.status()).toBe(303);
    const notice = page.locator('[data-testid="notice"]');
    await notice.waitFor();
    expect(await notice.innerText()).toMatch(NO_KEY);
    expect(await page.content()).not.toContain('Internal Server Error');

    // The broadcast page's: confirm, then the same words.
    await page.goto(`${url}/broadcasts/news/test`);
    await page.locator('[data-testid="confirm-check"]').check();
    await page.locator('[data-testid="confirm-button"]').click();
    await page.waitForURL(/\/broadcasts\/news\?notice=/);
    expect(await page.locator('[data-testid="notice"]').innerText()).toMatch(NO_KEY);
    expect(await page.locator('[data-testid="worker-banner"]').innerText()).toMatch(NO_KEY);
  });

  it('a refused API key stops the dev worker: the banner says so and why; a test send shows Resend’s refusal in the page', { timeout: 60_000 }, async () => {
    resend = await startFakeResend({ requestsPerSecond: null, apiKey: 're_the_right_one' });
    const root = resendProject();
    dev = await startDev({ root, port: 0, env: { RESEND_API_KEY: 're_wrong', RESEND_BASE_URL: resend.url }, watch: false, idleMs: 50, log: () => undefined });
    const now = new Date();
    // One reader in the course: lesson 1 is due, so the worker's first request meets the refusal.
    await dev.store.subscribers.importBatch([{ email: 'reader@example.org', firstName: 'Maya', timezone: null, consentAt: now, consentSource: 'test' }], {
      now,
      seriesId: SERIES,
    });
    await waitFor(() => resend!.requests.length > 0, 'the worker’s first request', 30_000);

    const banner = page.locator('[data-testid="worker-banner"]');
    await waitFor(
      async () => {
        await page.goto(`${dev!.url}/`);
        return (await banner.count()) > 0;
      },
      'the banner',
      30_000,
    );
    expect(await banner.innerText()).toMatch(
      /stopped by the provider: Resend refused the API key \(403\): check RESEND_API_KEY\..*Restart coursemail dev to send again\./,
    );

    await page.goto(`${dev.url}/series/${SERIES}/2`);
    await page.locator('[data-testid="send-test"]').click();
    const notice = page.locator('[data-testid="notice"]');
    await notice.waitFor();
    expect(await notice.innerText()).toMatch(/^Resend refused the API key \(403\): check RESEND_API_KEY\./);
    expect(resend.received).toHaveLength(0);
  });
});
