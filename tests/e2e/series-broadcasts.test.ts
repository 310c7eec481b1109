import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDev, type RunningDev } from '../../src/server/dev/index.ts';
import { writeBroadcast } from '../broadcast/support.ts';
import { launchBrowser } from '../support/browser.ts';
import { tempProject } from '../support/project.ts';

const READERS = ['ana@example.com', 'bo@example.com', 'cy@example.com'];

let root: string;
let dev: RunningDev;
let browser: Browser;

beforeAll(async () => {
  root = tempProject();
  [dev, browser] = await Promise.all([startDev({ root, port: 0, env: {}, log: () => undefined }), launchBrowser()]);
  const now = new Date();
  await dev.store.subscribers.importBatch(
    READERS.map((email) => ({ email, firstName: null, timezone: null, consentAt: now, consentSource: 'test' })),
    { now, seriesId: null },
  );
});

afterAll(async () => {
  await browser?.close();
  await dev?.close();
});

describe("the series page's broadcast list, open in Chromium while things change", () => {
  it('shows a broadcast file added after it opened, then follows a send started in another tab to "sent", without reloading', async () => {
    const page = await browser.newPage();
    await page.goto(`${dev.url}/`);
    await page.locator('#live', { hasText: 'live reload on' }).waitFor();
    expect(await page.locator('[data-testid="broadcasts"]').count()).toBe(0);

    writeBroadcast(root, 'news');
    const row = page.locator('[data-testid="broadcasts"] li[data-broadcast="news"]');
    await row.waitFor({ timeout: 20_000 });
    expect(await row.getAttribute('data-state')).toBe('draft');
    expect(await row.locator('[data-testid="state"]').innerText()).toMatch(/^draft/);

    // From here the page must not reload: a mark on its window would be lost.
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    const other = await browser.newPage();
    await other.goto(`${dev.url}/broadcasts/news/send`);
    await other.locator('[data-testid="confirm-check"]').check();
    await other.locator('[data-testid="confirm-button"]').click();
    await other.waitForURL(/\/broadcasts\/news\?notice=/);

    await page.locator('[data-testid="broadcasts"] li[data-broadcast="news"][data-state="sent"]').waitFor({ timeout: 20_000 });
    expect(await row.locator('[data-testid="state"]').innerText()).toMatch(
      new RegExp(`^sent ${READERS.length}/${READERS.length} at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC`),
    );
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    await other.close();
    await page.close();
  });
});
