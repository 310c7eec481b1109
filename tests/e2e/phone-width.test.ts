import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDev, type RunningDev } from '../../src/server/dev/index.ts';
import { writeBroadcast } from '../broadcast/support.ts';
import { launchBrowser } from '../support/browser.ts';
import { axe, overflowing } from '../support/page-checks.ts';
import { REPO, tempProject } from '../support/project.ts';
import { until } from '../support/wait.ts';

/**
 * Every page type of the preview and of the public pages, at a phone's 375 px and a desktop's
 * 1280 px: nothing sticks out of the viewport, and axe-core (WCAG 2.1 A/AA) finds nothing
 * serious or critical. Screenshots go to tests/.artifacts/ for people to look at.
 */
const SERIES = 'physician-coaching';
const WIDTHS = [375, 1280] as const;
const ARTIFACTS = join(REPO, 'tests/.artifacts');

let root: string;
let dev: RunningDev;
let browser: Browser;
/** Page type → path on the dev server (public pages behind a signed link included). */
const pages = new Map<string, string>();

const outboxFiles = () =>
  existsSync(join(root, 'outbox'))
    ? readdirSync(join(root, 'outbox'))
        .filter((f) => f.endsWith('.eml'))
        .sort()
    : [];

beforeAll(async () => {
  // A long folder name, as on a CI machine whose checkout sits deep: pages that show a path
  // must wrap it rather than scroll sideways.
  root = tempProject({ prefix: `project-${'deep'.repeat(16)}-` });
  writeBroadcast(root, 'news');
  [dev, browser] = await Promise.all([startDev({ root, port: 0, env: {}, watch: false, log: () => undefined }), launchBrowser()]);
  const form = new URLSearchParams({ email: 'phone@example.com', first_name: 'Pat', timezone: 'America/Chicago', website: '' });
  expect((await fetch(`${dev.url}/subscribe/${SERIES}`, { method: 'POST', body: form, headers: { Origin: dev.url } })).status).toBe(200);
  const file = await until('the confirmation email', async () => outboxFiles()[0]);
  const text = (await simpleParser(readFileSync(join(root, 'outbox', file)))).text ?? '';
  const path = (re: RegExp) => new URL(re.exec(text)![0]).pathname;
  pages.set('series', '/');
  pages.set('lesson', `/series/${SERIES}/3`);
  pages.set('lesson, plain text', `/series/${SERIES}/3#tab=text`);
  pages.set('lesson, HTML source', `/series/${SERIES}/3#tab=source`);
  pages.set('confirmation email', `/series/${SERIES}/confirm`);
  pages.set('broadcasts', '/broadcasts');
  pages.set('broadcast', '/broadcasts/news');
  pages.set('outbox', '/outbox');
  pages.set('outbox message', `/outbox/${file}`);
  pages.set('status', '/status');
  pages.set('sign-up', `/subscribe/${SERIES}`);
  pages.set('confirm', path(/https?:\/\/\S+\/confirm\/[\w.-]+/));
  pages.set('preferences', path(/https?:\/\/\S+\/p\/[\w.-]+/));
  pages.set('unsubscribe', path(/https?:\/\/\S+\/u\/[\w.-]+/));
});

afterAll(async () => {
  await browser?.close();
  await dev?.close();
});

describe.each(WIDTHS)('at %i px', (width) => {
  let page: Page;
  beforeAll(async () => {
    page = await browser.newPage({ viewport: { width, height: 900 } });
  });
  afterAll(() => page.close());

  it.each([
    ...[
      'series',
      'lesson',
      'lesson, plain text',
      'lesson, HTML source',
      'confirmation email',
      'broadcasts',
      'broadcast',
      'outbox',
      'outbox message',
      'status',
      'sign-up',
      'confirm',
      'preferences',
      'unsubscribe',
    ],
  ])('the %s page fits the viewport and has no serious accessibility violation', async (type) => {
    await page.goto(`${dev.url}${pages.get(type)}`);
    // Fragments the page fetches after itself (client support, headers) are in place.
    await page.waitForFunction(() => !document.querySelector('[data-src]'), undefined, { timeout: 10_000 }).catch(() => undefined);
    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, `width-${width}-${type.replace(/\W+/g, '-')}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    // `UPDATE_DOCS=1`: the README's phone-width picture of the preview.
    if (process.env.UPDATE_DOCS && width === 375 && type === 'lesson') await page.screenshot({ path: join(REPO, 'docs', 'preview-phone.png') });
    expect({ overflowing: await overflowing(page), axe: await axe(page) }).toEqual({ overflowing: [], axe: [] });
    if (width === 375 && (type === 'lesson' || type === 'broadcast')) {
      // The email frame spans the width, the panels come below it.
      const [frame, aside] = await Promise.all([page.locator('.stage').boundingBox(), page.locator('aside').boundingBox()]);
      expect(frame!.width).toBeGreaterThan(width - 60);
      expect(aside!.y).toBeGreaterThanOrEqual(frame!.y + frame!.height);
    }
  });
});

it('the /status page lists the series with nothing sent, says "n/a with outbox" where the outbox cannot count, and has a legend', async () => {
  const status = await (await fetch(`${dev.url}/status`)).text();
  expect(status).toContain('<table class="status" data-series="physician-coaching">');
  expect(status.match(/<td class="n na" data-col="delivered">n\/a with outbox<\/td>/g)?.length).toBeGreaterThanOrEqual(6);
  expect(status).not.toMatch(/data-col="(delivered|bounced|complained)">0</);
  expect(status).toContain('data-testid="legend">sent: handed to the transport');
});

it('the Outbox names each message by kind: the confirmation here, read from the store by its delivery id', async () => {
  const outbox = await (await fetch(`${dev.url}/outbox`)).text();
  expect(outbox).toMatch(
    /<span class="from" data-col="to">phone@example.com<\/span>\s*<span class="inbox-line" data-col="subject"><span class="subject">Please confirm: Physician coaching is not therapy<\/span><\/span>\s*<span class="size" data-col="kind">confirmation<\/span>/,
  );
});
