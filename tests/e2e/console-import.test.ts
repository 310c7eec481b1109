import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { startHttpServer, type RunningServer } from '../../src/server/http.ts';
import { openServeApp } from '../../src/server/serve-app.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { launchBrowser } from '../support/browser.ts';
import { tempProject } from '../support/project.ts';
import { until, waitFor } from '../support/wait.ts';

/**
 * The console's Import page in real Chromium: a CSV uploaded from the file picker, the
 * progress followed live by the page (the test holds the import's first write, so the page
 * is seen running without any timing), then the summary with the bad rows by line.
 */
const COACH = 'coach@example.com';
const SECRET = randomBytes(32).toString('hex');
const CSV = ['email,first_name,timezone,consent', 'ann.lee@example.com,Ann,America/Chicago,yes', 'bob at example.com,Bob,,yes', 'cara.diaz@example.com,Cara,,', 'dan@example.com,Dan,Mars/Base,yes'].join('\n');

let root: string;
let store: Store;
let server: RunningServer;
let browser: Browser;
let closeApp: () => Promise<void>;
/** Releases for import writes the test holds; the console's store waits on each. */
const held: (() => void)[] = [];

beforeAll(async () => {
  root = tempProject({ config: (c) => void (c.admins = [COACH]) });
  store = await openStore({ sqlitePath: join(root, 'data', 'coursemail.sqlite') });
  const holding: Store = {
    ...store,
    subscribers: {
      ...store.subscribers,
      importBatch: async (...args: Parameters<Store['subscribers']['importBatch']>) => {
        await new Promise<void>((release) => held.push(release));
        return store.subscribers.importBatch(...args);
      },
    },
  };
  const app = await openServeApp({ root, store: holding, config: loadConfig(root), secret: SECRET, series: new Map(), console: { watch: false } });
  closeApp = app.close;
  [server, browser] = await Promise.all([startHttpServer(app, { port: 0 }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await closeApp?.();
  await store?.close();
});

async function signIn(page: Page): Promise<void> {
  const mails = async () => {
    const dir = join(root, 'outbox');
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')) : [];
    return (await Promise.all(files.map(async (f) => simpleParser(readFileSync(join(dir, f)))))).filter((m) => m.subject === 'Your coursemail sign-in link');
  };
  await page.goto(`${server.url}/admin/sign-in`);
  await page.fill('input[name=email]', COACH);
  await page.click('button[type=submit]');
  await waitFor(async () => (await mails()).length === 1, 'the sign-in mail', 10_000);
  await page.goto(server.url + new URL(/https?:\/\/\S+\/admin\/sign-in\/\S+/.exec((await mails())[0]!.text ?? '')![0]).pathname);
  await page.locator('[data-testid="sign-in"]').click();
  await page.waitForURL(new RegExp(`${server.url}/admin/$`));
}

describe('importing readers in the console, in Chromium', () => {
  it('uploads a CSV, follows the progress to the end without a reload, and shows the summary with each bad row’s line; the reader’s page and the audit log record it', async () => {
    const page = await browser.newPage();
    await signIn(page);
    await page.goto(`${server.url}/admin/readers`);
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
    expect(await page.locator('[data-testid="imported"]').innerText()).toBe('2: 1 active and enrolled in physician-coaching, 1 pending (1 confirmation email queued)');
    expect(await page.locator('[data-testid="bad-count"]').innerText()).toBe('2');
    const bad = await page.locator('[data-testid="bad-rows"] tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
    expect(bad).toEqual([
      ['3', 'email', expect.stringMatching(/.+/)],
      ['5', 'timezone', expect.stringContaining('Mars/Base')],
    ]);

    // The reader's page: the import in their consent log, with the file and line.
    await page.goto(`${server.url}/admin/readers?q=cara`);
    await page.getByRole('link', { name: 'cara.diaz@example.com' }).click();
    expect(await page.locator('[data-testid="status"]').innerText()).toBe('pending');
    const log = await page.locator('[data-testid="consent-log"] tbody tr').allInnerTexts();
    expect(log).toEqual([expect.stringMatching(/imported\s+import:people\.csv\s+file: people\.csv; line 4; consent: to confirm$/)]);

    await page.goto(`${server.url}/admin/audit`);
    const audit = await page.locator('[data-testid="audit"] tbody tr').allInnerTexts();
    expect(audit.slice(0, 2)).toEqual([
      expect.stringMatching(new RegExp(`${COACH}\\s+readers\\.import\\s+people\\.csv: 4 rows read: 2 imported \\(1 active, 1 pending, 1 confirmation queued\\), 0 duplicates, 0 suppressed and 0 who had left skipped, 2 bad$`)),
      expect.stringMatching(new RegExp(`${COACH}\\s+readers\\.import\\s+people\\.csv \\(${Buffer.byteLength(CSV)} bytes, into physician-coaching\\): started$`)),
    ]);
    await page.close();
  });
});
