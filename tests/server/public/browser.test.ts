import { describe, expect, it } from 'vitest';
import { launchBrowser } from '../../support/browser.ts';
import { activeSubscriber, harness, SERIES, token } from './support.ts';

describe('in a real browser (headless Chromium)', () => {
  it('the CSP lets our one script and stylesheet run and blocks nothing else; the form sends the browser time zone', async () => {
    const h = await harness();
    const server = await h.listen();
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ timezoneId: 'Europe/Paris' });
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
      });
      await page.goto(`${server.url}/subscribe/${SERIES}`);
      expect(await page.inputValue('input[name=timezone]')).toBe('Europe/Paris');
      // The stylesheet applied: the honeypot is moved off-screen.
      expect(await page.$eval('.hp', (el) => getComputedStyle(el).position)).toBe('absolute');
      await page.fill('#email', 'browser@example.com');
      await page.fill('#first_name', 'Bea');
      await Promise.all([page.waitForURL(`${server.url}/subscribe/${SERIES}`), page.click('button[type=submit]')]);
      expect(await page.textContent('h1')).toBe('Check your inbox');
      expect(await h.store.subscribers.findByEmail('browser@example.com')).toMatchObject({ status: 'pending', firstName: 'Bea', timezone: 'Europe/Paris' });

      // The preferences page: the browser's own form posts pass the origin check.
      const id = await activeSubscriber(h, 'prefs@example.com');
      await page.goto(`${server.url}/p/${token('preferences', id)}`);
      await page.fill('#first_name', 'Pat');
      await Promise.all([page.waitForURL(/done=saved/), page.click('form:has(input[value=save]) button')]);
      expect(await page.textContent('[role=status]')).toBe('Saved.');
      expect((await h.store.subscribers.getById(id))!.firstName).toBe('Pat');
      expect(violations).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
