import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.ts';
import { COACH, signInPath, startConsole, type RunningConsole } from '../support/console.ts';
import { axe, overflowing } from '../support/page-checks.ts';
import { REPO } from '../support/project.ts';

/**
 * The coach's console at a phone's 375 px and a desktop's 1280 px, as phone-width.test.ts
 * checks the preview and public pages: nothing sticks out of the viewport, and axe-core
 * (WCAG 2.1 A/AA) finds nothing serious or critical. Screenshots go to tests/.artifacts/.
 */
const READERS = ['ann.lee@example.com', 'bob.stone@example.com', 'margaret.oconnell-whitfield@hospital-example.org'];
const WIDTHS = [375, 1280] as const;
const ARTIFACTS = join(REPO, 'tests/.artifacts');

let c: RunningConsole;
let browser: Browser;
let readerId: string;

beforeAll(async () => {
  [c, browser] = await Promise.all([
    startConsole({
      prefix: `project-${'deep'.repeat(16)}-`,
      readers: READERS.map((email, i) => ({
        email,
        firstName: ['Ann', 'Bob', 'Margaret'][i]!,
        timezone: 'America/Chicago',
        origin: { file: 'readers-exported-from-the-old-newsletter-tool-2026-11-30.csv', row: i + 2 },
      })),
    }),
    launchBrowser(),
  ]);
  readerId = (await c.store.subscribers.findByEmail(READERS[2]!))!.id;
});

afterAll(async () => {
  await browser?.close();
  await c?.close();
});

describe.each(WIDTHS)('the console at %i px', (width) => {
  let page: Page;
  beforeAll(async () => {
    page = await browser.newPage({ viewport: { width, height: 900 } });
  });
  afterAll(() => page.close());

  async function check(type: string): Promise<void> {
    // Fragments the page fetches after itself (client support, headers) are in place.
    await page.waitForFunction(() => !document.querySelector('[data-src]'), undefined, { timeout: 10_000 }).catch(() => undefined);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, `console-width-${width}-${type.replace(/\W+/g, '-')}.png`), fullPage: true });
    // Soft: a failing page does not stop the sign-in that the later pages need.
    expect.soft({ type, overflowing: await overflowing(page), axe: await axe(page) }).toEqual({ type, overflowing: [], axe: [] });
  }

  it('the sign-in page, its answer and the emailed link’s button page fit and pass axe; the button signs in', async () => {
    await page.goto(`${c.server.url}/admin/sign-in`);
    await check('sign-in');
    const before = new Set((await c.signInMails()).map((m) => m.file));
    await page.fill('input[name=email]', COACH);
    await page.click('button[type=submit]');
    await page.getByText('Check your inbox').waitFor();
    await check('sign-in sent');
    const fresh = await c.newSignInMails(before);
    expect(fresh).toHaveLength(1);
    await page.goto(c.server.url + signInPath(fresh[0]!.text));
    await check('sign-in link');
    await page.locator('[data-testid="sign-in"]').click();
    await page.waitForURL(new RegExp(`${c.server.url}/admin/$`));
  });

  it.each([
    ['series', '/admin/'],
    ['readers', '/admin/readers'],
    ['reader', '/admin/readers/:id'],
    ['audit log', '/admin/audit'],
    ['status', '/admin/status'],
    ['broadcasts', '/admin/broadcasts'],
  ])('the %s page fits the viewport and has no serious accessibility violation', async (type, path) => {
    await page.goto(`${c.server.url}${path.replace(':id', readerId)}`);
    expect(new URL(page.url()).pathname).toBe(path.replace(':id', readerId));
    await check(type);
  });

  it('the import page, and an import’s summary with its bad rows, fit the viewport and have no serious accessibility violation', async () => {
    await page.goto(`${c.server.url}/admin/import`);
    await check('import');
    const csv = [
      'email,first_name,timezone,consent',
      'new.reader@example.com,New,,yes',
      `${'x'.repeat(70)}@example.com,Long,,yes`,
      'z@example.com,Zed,Europe/Nowhere-In-Particular,',
      'y@example.com,Why,,not-a-date-or-yes',
    ].join('\n');
    await page
      .locator('[data-testid="import-file"]')
      .setInputFiles({ name: 'readers-exported-from-the-old-newsletter-tool-2026-11-30.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.locator('[data-testid="import-start"]').click();
    await page.locator('[data-testid="import-job"][data-state="done"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="bad-rows"] tbody tr').count()).toBe(3);
    await check('import summary');
  });
});
