import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsedMail } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/index.ts';
import { subscriberLinks } from '../../src/tokens/index.ts';
import { launchBrowser } from '../support/browser.ts';
import { COACH, startConsole, type RunningConsole } from '../support/console.ts';
import { axe, overflowing } from '../support/page-checks.ts';
import { REPO } from '../support/project.ts';
import { waitFor } from '../support/wait.ts';

/**
 * The broadcast editor in the console, in Chromium: write a broadcast beside its live
 * preview, save it, test-send it to the signed-in coach, send it to 3 readers (the worker
 * beside the console sends), and read both in the audit log. Then its pages at 375 px.
 */
const READERS = ['ann.lee@example.com', 'bob.stone@example.com', 'cara.diaz@example.com'];
const ARTIFACTS = join(REPO, 'tests/.artifacts');

let c: RunningConsole;
let config: Config;
let browser: Browser;
let draftPath: string;

const toOf = (m: ParsedMail) => [m.to].flat()[0]?.text;

beforeAll(async () => {
  [c, browser] = await Promise.all([
    // A long folder name, as console-width's: a path shown on a page must still fit 375 px.
    startConsole({
      prefix: `project-${'deep'.repeat(16)}-`,
      readers: READERS.map((email, i) => ({ email, firstName: ['Ann', 'Bob', 'Cara'][i]!, timezone: null })),
    }),
    launchBrowser(),
  ]);
  config = loadConfig(c.root);
});

afterAll(async () => {
  await browser?.close();
  await c?.close();
});

/** The footer every copy carries, in the plain-text part. */
function expectFooter(m: ParsedMail): void {
  expect(m.text).toContain(config.postalAddress);
  expect(m.text).toMatch(/988/);
  expect(m.text).toMatch(/unsubscribe/i);
}

describe('the console’s broadcast editor in Chromium', () => {
  let page: Page;
  beforeAll(async () => {
    page = await browser.newPage();
    await c.signIn(page);
  });
  afterAll(() => page.close());

  it('writes a broadcast beside its live preview, test-sends it to the coach, sends it to the 3 readers (the worker sends), and the audit log shows both', {
    timeout: 120_000,
  }, async () => {
    await page.getByRole('link', { name: 'Drafts', exact: true }).first().click();
    await page.waitForURL(/\/admin\/drafts$/);
    await page.locator('[data-testid="new-draft"]').click();
    await page.waitForURL(/\/admin\/drafts\/new$/);

    await page.fill('input[name=slug]', 'spring-note');
    await page.fill('input[name=subject]', 'Spring news for {{#if firstName}}{{firstName}}{{else}}you{{/if}}');
    await page.fill('input[name=preheader]', 'A short note from the coach, nothing to do.');
    await page.fill(
      'textarea[name=body]',
      '{{#if firstName}}Hi {{firstName}},{{else}}Hello,{{/if}}\n\nA **new article** is out: ten minutes, read it when you can.',
    );
    // The preview is the email as rendered and filled for the sample reader, footer and all.
    const subject = page.locator('[data-testid="preview-subject"]');
    await subject.waitFor();
    await waitFor(
      async () => (await subject.innerText()) === 'Spring news for Maya',
      'the live preview of the subject',
      15_000,
      () => subject.innerText(),
    );
    const frame = page.frameLocator('#email-frame');
    await frame.getByText('new article').first().waitFor();
    expect(await frame.locator('body').innerText()).toContain(config.postalAddress);
    expect(await page.locator('[data-testid="checklist"]').getAttribute('data-all-ok')).toBe('true');
    // Typing again updates it.
    await page.fill('input[name=subject]', 'Spring notes for {{#if firstName}}{{firstName}}{{else}}you{{/if}}');
    await waitFor(
      async () => (await subject.innerText()) === 'Spring notes for Maya',
      'the preview to follow the edit',
      15_000,
      () => subject.innerText(),
    );

    await page.locator('[data-testid="save"]').click();
    await page.waitForURL(/\/admin\/drafts\/\d+\?done=Saved/);
    draftPath = new URL(page.url()).pathname;
    expect((await c.store.broadcastDrafts.getBySlug('spring-note'))?.subject).toBe('Spring notes for {{#if firstName}}{{firstName}}{{else}}you{{/if}}');
    expect(await page.locator('[data-testid="draft-state"]').getAttribute('data-state')).toBe('draft');

    // A test to the signed-in coach, with the footer.
    await page.locator('[data-testid="action-test"]').click();
    await page.locator('[data-testid="confirm-form"]').waitFor();
    expect(await page.locator('[data-testid="confirm-subject"]').innerText()).toBe('[TEST] Spring notes for {{#if firstName}}{{firstName}}{{else}}you{{/if}}');
    await page.locator('[data-testid="confirm-check"]').check();
    await page.locator('[data-testid="confirm-button"]').click();
    await page.waitForURL(/\/admin\/drafts\/\d+\?done=/);
    expect(await page.locator('[data-testid="notice"]').innerText()).toMatch(/^Sent “\[TEST\] Spring notes for Maya” to coach@example.com via outbox/);
    const tests = (await c.mails()).filter((m) => m.subject === '[TEST] Spring notes for Maya');
    expect(tests.map(toOf)).toEqual([COACH]);
    expectFooter(tests[0]!);

    // The send: the count and subject to confirm, then the worker beside the console sends.
    await page.locator('[data-testid="action-send"]').click();
    await page.locator('[data-testid="confirm-form"]').waitFor();
    expect(await page.locator('[data-testid="confirm-count"]').innerText()).toBe('3');
    expect(await page.locator('[data-testid="confirm-subject"]').innerText()).toBe('Spring notes for {{#if firstName}}{{firstName}}{{else}}you{{/if}}');
    await page.locator('[data-testid="confirm-check"]').check();
    await page.locator('[data-testid="confirm-button"]').click();
    await page.waitForURL(/\/admin\/drafts\/\d+\?done=/);
    expect(await page.locator('[data-testid="notice"]').innerText()).toMatch(/^Started broadcast \d+ to 3 recipients/);
    // No file was written: the worker takes the message from the draft in the database.
    expect(existsSync(join(c.root, 'broadcasts', 'spring-note.md'))).toBe(false);
    const worker = await c.runWorker();
    expect([worker.code, worker.err]).toEqual([0, '']);
    const copies = (await c.mails()).filter((m) => m.subject?.startsWith('Spring notes for '));
    expect(copies.map((m) => [toOf(m), m.subject]).sort()).toEqual([
      ['ann.lee@example.com', 'Spring notes for Ann'],
      ['bob.stone@example.com', 'Spring notes for Bob'],
      ['cara.diaz@example.com', 'Spring notes for Cara'],
    ]);
    for (const m of copies) {
      expectFooter(m);
      const reader = (await c.store.subscribers.findByEmail(toOf(m)!))!;
      expect(m.text).toContain(subscriberLinks(config.publicUrl, c.secret, reader.id).unsubscribeUrl);
    }
    await page.reload();
    expect(await page.locator('[data-testid="draft-state"]').getAttribute('data-state')).toBe('sent');

    // The broadcasts list shows it beside the file broadcasts, as written in the console (no file).
    await page.goto(`${c.server.url}/admin/broadcasts`);
    expect(await page.locator('[data-broadcast="spring-note"]').innerText()).toMatch(
      /spring-note \(written in the console\)[\s\S]*Spring notes for[\s\S]*sent 3\/3/,
    );

    await page.goto(`${c.server.url}/admin/audit`);
    const rows = await page
      .locator('[data-testid="audit"] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-action'), tr.querySelectorAll('td')[3]?.textContent ?? '']));
    expect(rows.map(([a]) => a)).toEqual(['broadcast.send', 'broadcast.test', 'draft.create', 'sign-in']);
    expect(rows[0]![1]).toMatch(/^draft “spring-note”: Started broadcast \d+ to 3 recipients/);
    expect(rows[1]![1]).toBe('draft “spring-note”: “[TEST] Spring notes for Maya” to coach@example.com');
  });

  it('exports the draft to broadcasts/<slug>.md, the file the CLI reads, never over a file unless asked; edited after its send, it goes again only as a new broadcast', {
    timeout: 120_000,
  }, async () => {
    await page.goto(c.server.url + draftPath);
    await page.locator('[data-testid="export"]').click();
    await page.waitForURL(/\?done=/);
    expect(await page.locator('[data-testid="notice"]').innerText()).toBe('Exported to broadcasts/spring-note.md.');
    const file = readFileSync(join(c.root, 'broadcasts', 'spring-note.md'), 'utf8');
    expect(file).toMatch(/^---\nsubject: /);
    expect(file).toContain('A **new article** is out');
    await page.fill('textarea[name=body]', 'Edited after the export.');
    await page.locator('[data-testid="save"]').click();
    await page.waitForURL(/\?done=Saved/);
    await page.locator('[data-testid="export"]').click();
    await page.waitForURL(/\?failed=/);
    expect(await page.locator('[data-testid="notice"]').innerText()).toMatch(/^Not exported: broadcasts\/spring-note\.md exists and differs/);
    expect(readFileSync(join(c.root, 'broadcasts', 'spring-note.md'), 'utf8')).toBe(file);

    // Edited after it was sent: a send is refused as the CLI refuses it, and goes only as a new broadcast.
    await page.locator('[data-testid="action-send"]').click();
    expect(await page.locator('[data-testid="refusal"]').innerText()).toMatch(/has changed since/);
    await page.locator('[data-testid="send-new"]').click();
    expect(await page.locator('[data-testid="confirm-count"]').innerText()).toBe('3');
    await page.locator('[data-testid="confirm-check"]').check();
    await page.locator('[data-testid="confirm-button"]').click();
    await page.waitForURL(/\?done=/);
    expect(await page.locator('[data-testid="notice"]').innerText()).toMatch(/^Started broadcast \d+ to 3 recipients/);
    const worker = await c.runWorker();
    expect([worker.code, worker.err]).toEqual([0, '']);
    // The file still holds the first version; the worker sends the draft's, which is what was confirmed.
    const edited = (await c.mails()).filter((m) => m.text?.includes('Edited after the export.'));
    expect(edited.map(toOf).sort()).toEqual(READERS);
  });
});

describe.each([375, 1280] as const)('the editor’s pages at %i px', (width) => {
  let page: Page;
  beforeAll(async () => {
    page = await browser.newPage({ viewport: { width, height: 900 } });
    await c.signIn(page);
  });
  afterAll(() => page.close());

  it.each([
    ['drafts', () => '/admin/drafts'],
    ['new draft', () => '/admin/drafts/new'],
    ['draft', () => draftPath],
    ['test confirmation', () => `${draftPath}/test`],
    ['send confirmation', () => `${draftPath}/send`],
  ])('the %s page fits the viewport and has no serious accessibility violation', async (type, path) => {
    await page.goto(c.server.url + path());
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, `console-broadcast-${width}-${type.replace(/\W+/g, '-')}.png`), fullPage: true });
    expect({ type, overflowing: await overflowing(page), axe: await axe(page) }).toEqual({ type, overflowing: [], axe: [] });
  });
});
