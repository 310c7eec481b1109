import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeries } from '../../src/content/index.ts';
import { startPreview, type RunningPreview } from '../../src/server/preview/index.ts';
import { launchBrowser } from '../support/browser.ts';
import { REPO, tempProject } from '../support/project.ts';

/** Screenshots for people to look at; `UPDATE_DOCS=1` also refreshes the README's copies in docs/. */
const ARTIFACTS = join(REPO, 'tests/.artifacts');
async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  if (process.env.UPDATE_DOCS) copyFileSync(path, join(REPO, 'docs', `${name}.png`));
}

const SERIES = 'physician-coaching';
const LESSON_3 = `series/${SERIES}/03-coaching-vs-therapy.md`;

let root: string;
let preview: RunningPreview;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  root = tempProject();
  [preview, browser] = await Promise.all([startPreview({ root, port: 0 }), launchBrowser()]);
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

afterAll(async () => {
  await browser?.close();
  await preview?.close();
});

const frame = () => page.frameLocator('#email-frame');
const frameWidths = () =>
  page.evaluate(() => {
    const f = document.getElementById('email-frame') as HTMLIFrameElement;
    const doc = f.contentDocument!.documentElement;
    return { box: f.getBoundingClientRect().width, viewport: f.contentWindow!.innerWidth, content: doc.scrollWidth };
  });

describe('the series page', () => {
  it('lists the five lessons in order, with their day offsets, after the confirmation email', async () => {
    await page.goto(`${preview.url}/`);
    const rows = page.locator(`[data-series="${SERIES}"] li[data-kind="lesson"]`);
    expect(await rows.count()).toBe(5);
    expect(await rows.evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.day)))).toEqual([0, 2, 4, 7, 10]);
    expect(await rows.locator('.when').allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Day 0\b/), expect.stringMatching(/^Day 10\b/)]),
    );
    const { course } = loadSeries(root, SERIES, () => undefined);
    expect(await rows.locator('.subject').allInnerTexts()).toEqual(course!.steps.map((s) => s.subject));
    expect(await page.locator(`[data-series="${SERIES}"] li`).first().getAttribute('data-kind')).toBe('confirm');
    expect(await page.locator(`[data-series="${SERIES}"]`).innerText()).toContain('08:00–11:00, every day');
    await screenshot(page, 'preview-timeline');
  });
});

describe('an email page', () => {
  it('shows lesson 3 as a reader sees it: subject, footer with the 988 line, a green checklist', async () => {
    const { course } = loadSeries(root, SERIES, () => undefined);
    await page.goto(`${preview.url}/`);
    await page.locator(`[data-series="${SERIES}"] li[data-step="3"] a`).click();
    await page.waitForURL(/\/series\/physician-coaching\/3/);
    expect(await page.locator('[data-testid="subject"]').innerText()).toBe(course!.steps[2]!.subject);
    await frame().getByText('988 Suicide & Crisis Lifeline').waitFor();
    await frame().getByText('Hi Maya,').waitFor();
    const checks = page.locator('[data-testid="checklist"] li');
    expect(await checks.count()).toBe(10);
    expect(await checks.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.ok))).toEqual(Array(10).fill('true'));
    expect(await page.locator('[data-testid="size"] meter').getAttribute('value')).toMatch(/^\d+$/);
    const widths = await frameWidths();
    expect(widths.box).toBeGreaterThanOrEqual(600);
    await screenshot(page, 'preview-email-desktop');
  });

  it('is really 375 px wide on mobile, and the email fits without sideways scrolling', async () => {
    await page.locator('[data-width="mobile"]').click();
    await page.waitForFunction(() => document.getElementById('email-frame')!.getBoundingClientRect().width === 375);
    const widths = await frameWidths();
    expect(widths).toEqual({ box: 375, viewport: 375, content: 375 });
    await frame().getByText('988 Suicide & Crisis Lifeline').waitFor();
    await screenshot(page, 'preview-email-mobile');
  });

  it('fits every message of the course on a phone, for every sample reader: no sideways scrolling at 375 px', async () => {
    // The signed links are as long as a real subscriber's: the confirmation's copy-this-address
    // line once widened that email to ~1,100 px.
    const phone = await browser.newPage({ viewport: { width: 375, height: 800 } });
    try {
      const wide: string[] = [];
      for (const step of ['confirm', '1', '2', '3', '4', '5']) {
        for (const sample of ['named', 'anonymous', 'long']) {
          await phone.goto(`${preview.url}/series/${SERIES}/${step}/frame?sample=${sample}&scheme=light`);
          const width = await phone.evaluate(() => document.documentElement.scrollWidth);
          if (width > 375) wide.push(`${step} (${sample}): ${width} px`);
        }
      }
      expect(wide).toEqual([]);
    } finally {
      await phone.close();
    }
  });

  it('has a dark view (colour inversion inside the email document) that survives a reload', async () => {
    await page.locator('[data-scheme="invert"]').click();
    await page.waitForFunction(() =>
      (document.getElementById('email-frame') as HTMLIFrameElement).contentDocument?.querySelector('style[data-preview="invert"]'),
    );
    const filter = await page.evaluate(() => {
      const doc = (document.getElementById('email-frame') as HTMLIFrameElement).contentDocument!;
      return doc.defaultView!.getComputedStyle(doc.documentElement).filter;
    });
    expect(filter).toContain('invert(1)');
    expect(await page.locator('#scheme-explain').innerText()).toContain('inversion');
    await screenshot(page, 'preview-email-dark');
    await page.reload();
    expect(await page.locator('[data-scheme="invert"]').getAttribute('aria-pressed')).toBe('true');
    expect((await frameWidths()).box).toBe(375);
  });

  it('shows the plain-text part, the HTML source and the headers that will be sent', async () => {
    await page.goto(`${preview.url}/series/${SERIES}/3`);
    await page.locator('[data-tab="text"]').click();
    const text = await page.locator('[data-testid="plain-text"]').innerText();
    expect(text).toContain('Hi Maya,');
    expect(text).toContain('988 Suicide & Crisis Lifeline');
    expect(text).toMatch(/http:\/\/localhost:3000\/u\/\S+/);
    expect(text).not.toContain('{{');
    expect(await page.locator('[data-panel="preview"]').isHidden()).toBe(true);
    await page.locator('[data-tab="source"]').click();
    expect(await page.locator('[data-testid="html-source"]').innerText()).toMatch(/^<!DOCTYPE html/);
    await page.locator('[data-tab="headers"]').click();
    await page.locator('[data-testid="headers"] tr').first().waitFor();
    const headers = Object.fromEntries(
      await page
        .locator('[data-testid="headers"] tr')
        .evaluateAll((rows) => rows.map((r) => [r.querySelector('th')!.textContent, r.querySelector('td')!.textContent])),
    );
    expect(headers.From).toMatch(/^"?Physician Coaching Practice"? <coach@example\.com>$/);
    expect(headers.Subject).toBe('Coaching or therapy? They do different jobs');
    expect(headers['Message-ID']).toBeDefined();
    expect(headers['List-Unsubscribe']).toMatch(/^<http:\/\/localhost:3000\/u\/[\w-]+\.[\w-]+>$/);
    expect(text).toContain(headers['List-Unsubscribe']!.slice(1, -1));
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
  });

  it('re-fills the placeholders for each sample subscriber', async () => {
    await page.goto(`${preview.url}/series/${SERIES}/3`);
    await page.locator('[data-sample="anonymous"]').click();
    await frame().getByText('Hello,', { exact: true }).waitFor();
    expect(await frame().getByText('Maya').count()).toBe(0);
    await page.locator('[data-sample="long"]').click();
    await frame().getByText('Hi Alexandria-Konstantina Montgomery-Oyelaran,').waitFor();
  });

  it('shows lint and client-support advice, and the confirmation email is viewable too', async () => {
    await page.goto(`${preview.url}/series/${SERIES}/3`);
    // The sample links live under publicUrl, which is http in the shipped config.
    expect(await page.locator('[data-testid="lint"] li[data-rule="link-https"]').count()).toBeGreaterThan(0);
    // Client support for people: what will look different (open), what is harmless by design
    // (closed), in plain words and rendered Markdown, each feature linked to caniemail.
    const support = page.locator('[data-testid="client-support"]');
    await support.locator('details[data-group="harmless"]').waitFor({ state: 'attached' });
    expect(await support.locator('details[data-group="differs"]').getAttribute('open')).not.toBeNull();
    expect(await support.locator('details[data-group="harmless"]').getAttribute('open')).toBeNull();
    expect(await support.locator('details[data-group="differs"] summary').innerText()).toMatch(/^Will look different in .*Outlook for Windows/);
    expect(await support.locator('details[data-group="differs"] li[data-feature="border-radius"]').innerText()).toContain(
      'Outlook for Windows: Rounded corners (the button) show square.',
    );
    expect(await support.locator('details[data-group="harmless"] li[data-feature="color-scheme meta tag"]').count()).toBe(1);
    await support.locator('details[data-group="partial"] summary').click();
    const text = await support.innerText();
    expect(text).not.toMatch(/`|\]\(http/);
    expect(text).not.toContain('outlook.windows');
    expect(await support.locator('details[data-group="differs"] code').count()).toBeGreaterThan(0);
    expect(await support.locator('details[data-group="differs"] a[href^="https://www.caniemail.com/features/css-border-radius"]').count()).toBe(1);
    await page.goto(`${preview.url}/series/${SERIES}/confirm`);
    expect(await page.locator('[data-testid="subject"]').innerText()).toMatch(/^Please confirm/);
    await frame().getByText('988 Suicide & Crisis Lifeline').waitFor();
    expect(await page.locator('[data-testid="checklist"]').getAttribute('data-all-ok')).toBe('true');
  });
});

describe('live reload', () => {
  it('shows a lesson edit in the open page without a manual reload', async () => {
    await page.goto(`${preview.url}/series/${SERIES}/3`);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    const file = join(root, LESSON_3);
    const newSubject = `Coaching or therapy? Edited ${Date.now()}`;
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^subject: .*$/m, `subject: "${newSubject}"`));
    await page.locator('[data-testid="subject"]', { hasText: newSubject }).waitFor({ timeout: 10_000 });
    // The page reloaded by itself: the marker set before the edit is gone.
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBeUndefined();
    expect(preview.builder.last?.scope).toBe(`series ${SERIES}`);
  });

  it('shows a broken frontmatter as the error list, keeps serving, and recovers when it is fixed', async () => {
    await page.goto(`${preview.url}/series/${SERIES}/3`);
    const file = join(root, LESSON_3);
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace(/^delay: .*$/m, 'delay: next tuesday'));
    const problems = page.locator('[data-testid="problems"]');
    await problems.waitFor({ timeout: 10_000 });
    expect(await problems.innerText()).toMatch(/03-coaching-vs-therapy\.md:4: delay "next tuesday" is not a duration/);
    expect(await page.locator('#email-frame').count()).toBe(0);
    await page.goto(`${preview.url}/`);
    expect(await page.locator(`[data-series="${SERIES}"] [data-testid="problems"]`).innerText()).toContain('03-coaching-vs-therapy.md');
    await page.goto(`${preview.url}/series/${SERIES}/3`);
    writeFileSync(file, good);
    await page.locator('#email-frame').waitFor({ timeout: 10_000 });
    await frame().getByText('988 Suicide & Crisis Lifeline').waitFor();
    expect(await page.locator('[data-testid="problems"]').count()).toBe(0);
  });

  it('re-imports the templates when a file in emails/ changes, and everything is rebuilt', async () => {
    // A project with its own emails/: the shipped templates, wrapped so the lesson shows a
    // marker kept in a module two imports deep (as Layout.tsx is under Lesson.tsx).
    const own = tempProject();
    mkdirSync(join(own, 'emails'));
    writeFileSync(join(own, 'emails/marker.ts'), "export const MARKER = 'Template marker one';\n");
    writeFileSync(
      join(own, 'emails/index.ts'),
      [
        "import { createElement } from 'react';",
        `import * as shipped from '${join(REPO, 'emails/index.ts')}';`,
        "import { MARKER } from './marker.ts';",
        'export const { Broadcast, ConfirmSubscription, lessonMjml, broadcastMjml, confirmSubscriptionMjml } = shipped;',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: this line is source code written into a template file.
        'export const Lesson = (props: Parameters<typeof shipped.Lesson>[0]) => createElement(shipped.Lesson, { ...props, bodyHtml: `<p>${MARKER}</p>${props.bodyHtml}` });',
        '',
      ].join('\n'),
    );
    const second = await startPreview({ root: own, port: 0 });
    try {
      await page.goto(`${second.url}/series/${SERIES}/2`);
      await frame().getByText('Template marker one').waitFor();
      writeFileSync(join(own, 'emails/marker.ts'), "export const MARKER = 'Template marker two';\n");
      await frame().getByText('Template marker two').waitFor({ timeout: 15_000 });
      expect(second.builder.last?.scope).toBe('everything (templates re-imported)');
    } finally {
      await second.close();
    }
  });

  it('rebuilds everything when the config changes', async () => {
    await page.goto(`${preview.url}/`);
    const file = join(root, 'coursemail.config.json');
    const config = JSON.parse(readFileSync(file, 'utf8'));
    config.sender.name = 'Renamed Coaching Practice';
    writeFileSync(file, JSON.stringify(config, null, 2));
    await page.locator(`[data-series="${SERIES}"] .from`, { hasText: 'Renamed Coaching Practice' }).first().waitFor({ timeout: 10_000 });
    expect(preview.builder.last?.scope).toBe('everything');
  });

  it('picks up a broadcasts/ folder created while it runs', async () => {
    await page.goto(`${preview.url}/`);
    mkdirSync(join(root, 'broadcasts'));
    writeFileSync(
      join(root, 'broadcasts/spring-update.md'),
      '---\nsubject: "A spring update"\npreheader: "Two new things this month."\n---\n\n{{#if firstName}}Hi {{firstName}},{{else}}Hello,{{/if}} two new things.\n',
    );
    await page.locator('[data-broadcast="spring-update"]').waitFor({ timeout: 10_000 });
    await page.locator('[data-broadcast="spring-update"] a').click();
    await frame().getByText('Hi Maya, two new things.').waitFor();
    expect(await page.locator('[data-testid="checklist"]').getAttribute('data-all-ok')).toBe('true');
  });

  it('ran every page without a script error', () => {
    expect(pageErrors).toEqual([]);
  });
});
