import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDev, type RunningDev } from '../../src/server/dev/index.ts';
import { launchBrowser } from '../support/browser.ts';
import { tempProject } from '../support/project.ts';
import { until } from '../support/wait.ts';

/**
 * When lesson 1 arrives, said the same way on the three surfaces a reader or coach sees: the
 * confirmation email, the confirm page (before and after the button) and the series timeline,
 * for a reader in Chicago confirming inside the 08:00–11:00 window and after it.
 */
const SERIES = 'physician-coaching';
const INSIDE = new Date('2026-12-01T14:30:00Z'); // 08:30 in Chicago
const AFTER = new Date('2026-12-01T16:30:00Z'); // 10:30 in Chicago: lesson 1 two hours later is past 11:00

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

/** A dev server on a clock the test sets; `firstDelay` rewrites lesson 1's delay. */
async function devWith(firstDelay?: string) {
  const root = tempProject();
  if (firstDelay) {
    const file = join(root, 'series', SERIES, '01-what-coaching-is.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^delay: .*$/m, `delay: ${firstDelay}`));
  }
  const clock = { now: INSIDE };
  const dev = await startDev({ root, port: 0, env: {}, watch: false, clock: () => clock.now, log: () => undefined });
  return { root, clock, dev };
}

/** Signs up, reads the confirmation email, opens its link in Chromium: both pages' words, and the email's. */
async function confirmAt(s: { root: string; clock: { now: Date }; dev: RunningDev }, email: string, at: Date) {
  s.clock.now = at;
  const form = new URLSearchParams({ email, first_name: '', timezone: 'America/Chicago', website: '' });
  expect((await fetch(`${s.dev.url}/subscribe/${SERIES}`, { method: 'POST', body: form, headers: { Origin: s.dev.url } })).status).toBe(200);
  const dir = join(s.root, 'outbox');
  const mails = await Promise.all((existsSync(dir) ? readdirSync(dir) : []).map((f) => simpleParser(readFileSync(join(dir, f)))));
  const known = new Set(mails.map((m) => m.messageId));
  // Wait for this reader's own message: the previous reader's lesson 1 may land meanwhile.
  const mail = await until('the confirmation email', async () => {
    const files = existsSync(dir) ? readdirSync(dir) : [];
    if (files.length <= known.size) return undefined;
    const all = await Promise.all(files.map((f) => simpleParser(readFileSync(join(dir, f)))));
    return all.find((m) => !known.has(m.messageId) && [m.to].flat()[0]?.text === email);
  });
  const link = /https?:\/\/\S+\/confirm\/[\w.-]+/.exec(mail.text ?? '')![0];
  const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
  await page.goto(link);
  const prompt = await page.locator('main').innerText();
  await page.getByRole('button', { name: 'Yes, send me the course' }).click();
  await page.getByRole('heading', { name: 'You are in' }).waitFor();
  const done = await page.locator('main').innerText();
  await page.close();
  return { email: (mail.text ?? '').replace(/\s+/g, ' '), prompt, done };
}

async function timelineFirstLesson(dev: RunningDev): Promise<string> {
  const page = await browser.newPage();
  await page.goto(`${dev.url}/`);
  const text = await page.locator(`[data-series="${SERIES}"] li[data-step="1"] .when small`).innerText();
  await page.close();
  return text;
}

describe('a first lesson with no delay', () => {
  let s: Awaited<ReturnType<typeof devWith>>;
  beforeAll(async () => {
    s = await devWith();
  });
  afterAll(() => s?.dev.close());

  it('is promised "at once" everywhere, inside the window and after it', async () => {
    expect(await timelineFirstLesson(s.dev)).toBe('at once when you confirm');
    for (const [email, at] of [
      ['inside@example.com', INSIDE],
      ['after@example.com', AFTER],
    ] as const) {
      const r = await confirmAt(s, email, at);
      expect(r.email).toContain('The first lesson arrives at once when you confirm.');
      expect(r.prompt).toContain('If you press it now, the first lesson arrives at once.');
      expect(r.done).toContain('the first lesson of Physician coaching is not therapy arrives at once.');
    }
    // And the Outbox says which is which: two confirmations, and lesson 1 for each reader.
    const kinds = async () => [...(await (await fetch(`${s.dev.url}/outbox`)).text()).matchAll(/data-col="kind">([^<]*)</g)].map((m) => m[1]).sort();
    expect(await until('lesson 1 for both', async () => ((await kinds()).length === 4 ? kinds() : undefined))).toEqual([
      'confirmation',
      'confirmation',
      'lesson 1',
      'lesson 1',
    ]);
  });
});

describe('a first lesson two hours after confirming', () => {
  let s: Awaited<ReturnType<typeof devWith>>;
  beforeAll(async () => {
    s = await devWith('2h');
  });
  afterAll(() => s?.dev.close());

  it('is promised for later today inside the window, and for tomorrow morning after it', async () => {
    const rule = '2 hours after you confirm, in the first send window between 8 and 11 am your time';
    expect(await timelineFirstLesson(s.dev)).toBe(rule);
    const inside = await confirmAt(s, 'inside@example.com', INSIDE);
    expect(inside.email).toContain(`The first lesson arrives ${rule}.`);
    expect(inside.prompt).toContain('If you press it now, the first lesson arrives later today between 8 and 11 am your time.');
    expect(inside.done).toContain('arrives later today between 8 and 11 am your time.');
    const after = await confirmAt(s, 'after@example.com', AFTER);
    expect(after.prompt).toContain('If you press it now, the first lesson arrives tomorrow between 8 and 11 am your time.');
    expect(after.done).toContain('arrives tomorrow between 8 and 11 am your time.');
    // The zone the promise was made in is the one the scheduler will use.
    const reader = await s.dev.store.subscribers.findByEmail('after@example.com');
    expect(reader?.timezone).toBe('America/Chicago');
  });
});
