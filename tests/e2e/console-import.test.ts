import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.ts';
import { COACH, holdImports, startConsole, type RunningConsole } from '../support/console.ts';
import { until } from '../support/wait.ts';

/**
 * The console's Import page in real Chromium: a CSV uploaded from the file picker, the
 * progress followed live by the page (the test holds the import's first write, so the page
 * is seen running without any timing), then the summary with the bad rows by line.
 */
const CSV = [
  'email,first_name,timezone,consent',
  'ann.lee@example.com,Ann,America/Chicago,yes',
  'bob at example.com,Bob,,yes',
  'cara.diaz@example.com,Cara,,',
  'dan@example.com,Dan,Mars/Base,yes',
].join('\n');

let c: RunningConsole;
let browser: Browser;
/** Releases for import writes the test holds; the console's store waits on each. */
let held: (() => void)[] = [];

beforeAll(async () => {
  [c, browser] = await Promise.all([
    startConsole({
      wrapStore: (store) => {
        const hold = holdImports(store);
        held = hold.waiting;
        return hold.held;
      },
    }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await c?.close();
});

describe('importing readers in the console, in Chromium', () => {
  it('uploads a CSV, follows the progress to the end without a reload, and shows the summary with each bad row’s line; the reader’s page and the audit log record it', async () => {
    const page = await browser.newPage();
    await c.signIn(page);
    await page.goto(`${c.server.url}/admin/readers`);
    await page.getByRole('link', { name: 'Import a CSV' }).click();
    await page.waitForURL(/\/admin\/import$/);
    expect(await page.locator('main').innerText()).toContain('Up to 10 MB per file');
    await page.locator('[data-testid="import-file"]').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    // The project's only course is chosen already, as the CLI picks the only series.
    expect(await page.locator('select[name=series]').inputValue()).toBe('physician-coaching');
    await page.locator('[data-testid="import-start"]').click();

    await page.waitForURL(/\/admin\/import\/[A-Za-z0-9_-]{43}$/);
    // Running: the import's one write is held.
    await until('the import’s write', () => (held.length === 1 ? true : undefined));
    expect(await page.locator('[data-testid="import-job"]').getAttribute('data-state')).toBe('running');
    expect(await page.locator('[data-testid="import-progress"]').innerText()).toMatch(/^0 of about 4 rows read \(\d+% of the file\), 0 imported, 0 bad…$/);
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    held.shift()!();

    // The page's own polling brings the end in.
    await page.locator('[data-testid="import-job"][data-state="done"]').waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    expect(await page.locator('[data-testid="import-progress"]').innerText()).toBe('Done: 4 rows read.');
    expect(await page.locator('progress').evaluate((p: HTMLProgressElement) => p.value === p.max)).toBe(true);
    expect(await page.locator('[data-testid="imported"]').innerText()).toBe(
      '2: 1 active and enrolled in physician-coaching, 1 pending (1 confirmation email queued)',
    );
    expect(await page.locator('[data-testid="bad-count"]').innerText()).toBe('2');
    const bad = await page
      .locator('[data-testid="bad-rows"] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
    expect(bad).toEqual([
      ['3', 'email', expect.stringMatching(/.+/)],
      ['5', 'timezone', expect.stringContaining('Mars/Base')],
    ]);

    // The reader's page: the import in their consent log, with the file and line.
    await page.goto(`${c.server.url}/admin/readers?q=cara`);
    await page.getByRole('link', { name: 'cara.diaz@example.com' }).click();
    expect(await page.locator('[data-testid="status"]').innerText()).toBe('pending');
    const log = await page.locator('[data-testid="consent-log"] tbody tr').allInnerTexts();
    expect(log).toEqual([expect.stringMatching(/imported\s+import:people\.csv\s+file: people\.csv; line 4; consent: to confirm$/)]);

    await page.goto(`${c.server.url}/admin/audit`);
    const audit = await page.locator('[data-testid="audit"] tbody tr').allInnerTexts();
    expect(audit.slice(0, 2)).toEqual([
      expect.stringMatching(
        new RegExp(
          `${COACH}\\s+readers\\.import\\s+people\\.csv: 4 rows read: 2 imported \\(1 active, 1 pending, 1 confirmation queued\\), 0 duplicates, 0 suppressed and 0 who had left skipped, 2 bad$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(`${COACH}\\s+readers\\.import\\s+people\\.csv \\(${Buffer.byteLength(CSV)} bytes, into physician-coaching\\): started$`),
      ),
    ]);
    await page.close();
  });
});
