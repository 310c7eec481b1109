import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDev, type RunningDev } from '../../src/server/dev/index.ts';
import { launchBrowser } from '../support/browser.ts';
import { tempProject } from '../support/project.ts';

/** The time-zone field on the sign-up form, in Chromium: with JavaScript and without, under the pages' CSP. */
const SERIES = 'physician-coaching';
let dev: RunningDev;
let browser: Browser;

beforeAll(async () => {
  [dev, browser] = await Promise.all([startDev({ root: tempProject(), port: 0, env: {}, watch: false, log: () => undefined }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await dev?.close();
});

/** A context with the given zone; records any CSP violation its pages report. */
async function context(opts: { timezoneId: string; javaScriptEnabled: boolean }): Promise<{ ctx: BrowserContext; violations: string[] }> {
  const ctx = await browser.newContext(opts);
  const violations: string[] = [];
  ctx.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  return { ctx, violations };
}

describe('the time-zone picker on the sign-up form', () => {
  it('preselects the browser’s zone with JavaScript, within the CSP, and lists every zone by its friendly name', async () => {
    const { ctx, violations } = await context({ timezoneId: 'Europe/Berlin', javaScriptEnabled: true });
    const page = await ctx.newPage();
    await page.goto(`${dev.url}/subscribe/${SERIES}`);
    const field = page.getByLabel('Time zone');
    expect(await field.inputValue()).toBe('Europe/Berlin');
    expect(await field.getAttribute('list')).toBe('tz-list');
    const names = await page.locator('#tz-list option').evaluateAll((os) => os.map((o) => `${(o as HTMLOptionElement).value}=${o.textContent}`));
    expect(names.length).toBeGreaterThan(300);
    expect(names).toContain('America/Chicago=Central Time — Chicago');
    expect(violations).toEqual([]);
    await ctx.close();
  });

  it('takes plain text without JavaScript, answers a wrong value with the closest zones, and takes a name picked from the list', async () => {
    const { ctx } = await context({ timezoneId: 'Asia/Tokyo', javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(`${dev.url}/subscribe/${SERIES}`);
    const field = page.getByLabel('Time zone');
    expect(await field.inputValue()).toBe('');
    await page.getByLabel('Email address').fill('picker@example.com');
    await field.fill('Central Time');
    await page.getByRole('button', { name: 'Send me the course' }).click();
    const error = page.locator('#tz-error');
    expect(await error.innerText()).toContain('Did you mean Central Time — Chicago (America/Chicago)');
    expect(await page.getByLabel('Email address').inputValue()).toBe('picker@example.com');
    expect(await dev.store.subscribers.findByEmail('picker@example.com')).toBeFalsy();
    // What the list shows, typed or picked, is accepted as the zone it names.
    await page.getByLabel('Time zone').fill('Central Time — Chicago');
    await page.getByRole('button', { name: 'Send me the course' }).click();
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
    expect((await dev.store.subscribers.findByEmail('picker@example.com'))?.timezone).toBe('America/Chicago');
    await ctx.close();
  });
});
