import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDev, type RunningDev } from '../../src/server/dev/index.ts';
import { writeBroadcast } from '../broadcast/support.ts';
import { launchBrowser } from '../support/browser.ts';
import { tempProject } from '../support/project.ts';

const N = 4;
const READERS = Array.from({ length: N }, (_, i) => `reader${i}@example.com`);
const LATER = '2099-01-01T09:00:00.000Z';

let root: string;
let dev: RunningDev;
let browser: Browser;

const emails = async (): Promise<ParsedMail[]> => {
  const dir = join(root, 'outbox');
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.eml'))
        .sort()
    : [];
  return Promise.all(files.map((f) => simpleParser(readFileSync(join(dir, f)))));
};
const get = async (path: string) => {
  const r = await fetch(`${dev.url}${path}`);
  return { status: r.status, text: await r.text() };
};
const field = (page: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1];
/** Posts a form as the page does: its token in the action URL, the other fields in the body. */
const post = (path: string, { csrf, ...fields }: Record<string, string | undefined>, headers: Record<string, string> = { Origin: dev.url }) =>
  fetch(`${dev.url}${path}${csrf === undefined ? '' : `?csrf=${csrf}`}`, {
    method: 'POST',
    body: new URLSearchParams(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined)),
    headers,
    redirect: 'manual',
  });
/** The form a confirmation page carries, ticked: what a coach submits after reading it. */
const confirmed = async (path: string) => {
  const page = (await get(path)).text;
  const csrf = /data-testid="confirm-form"/.test(page) ? /action="[^"?]*\?csrf=([^"&]*)"/.exec(page)?.[1] : undefined;
  return { csrf, hash: field(page, 'hash'), broadcast: field(page, 'broadcast'), confirm: 'yes' };
};
/** The status column of a broadcast's row on /broadcasts. */
const stateOf = async (slug: string) => {
  const row = new RegExp(`<tr data-broadcast="${slug}" data-state="[^"]+">([\\s\\S]*?)</tr>`).exec((await get('/broadcasts')).text)?.[1] ?? '';
  return /<td data-testid="state">([^<]*)/.exec(row)?.[1]?.trim();
};

beforeAll(async () => {
  root = tempProject();
  writeBroadcast(root, 'news');
  writeBroadcast(root, 'later', { sendAt: LATER });
  [dev, browser] = await Promise.all([startDev({ root, port: 0, env: {}, watch: false, log: () => undefined }), launchBrowser()]);
  const now = new Date();
  // Active, in no series: only broadcasts reach them (no drip lessons in the outbox).
  await dev.store.subscribers.importBatch(
    READERS.map((email) => ({ email, firstName: null, timezone: null, consentAt: now, consentSource: 'test' })),
    { now, seriesId: null },
  );
});

afterAll(async () => {
  await browser?.close();
  await dev?.close();
});

describe('broadcasts in the preview of coursemail dev', () => {
  it('lists each draft with its status, on the broadcasts page and the series page', async () => {
    expect(await stateOf('news')).toBe('draft');
    expect(await stateOf('later')).toBe('draft');
    const home = (await get('/')).text;
    expect(home).toMatch(/<li data-broadcast="news" data-state="draft">/);
  });

  it('sends a test to the test address from its confirmation page; the outbox gets it', async () => {
    const page = await get('/broadcasts/news/test');
    expect(page.text).toMatch(/data-testid="confirm-subject">\[TEST\] News for/);
    expect(page.text).toContain('<b data-testid="confirm-count">1</b> (coach@example.com)');
    const r = await post('/broadcasts/news/test', await confirmed('/broadcasts/news/test'));
    expect(r.status).toBe(303);
    const mails = await emails();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toMatch(/^\[TEST\] News for Maya: news$/);
    expect([mails[0]!.to].flat()[0]?.text).toBe('coach@example.com');
    const after = await get(r.headers.get('location')!);
    expect(after.text).toMatch(/data-testid="notice">Sent “\[TEST\] News for Maya: news” to coach@example.com via outbox/);
    expect(await stateOf('news')).toBe('draft');
  });

  it('in a browser: send → the confirmation shows count and subject → confirm → the worker sends each reader one copy, status sent N/N', async () => {
    const page = await browser.newPage();
    await page.goto(`${dev.url}/broadcasts/news`);
    expect(await page.locator('[data-testid="broadcast-state"]').innerText()).toBe('draft');
    await page.locator('[data-testid="action-send"]').click();
    await page.locator('[data-testid="confirm-form"]').waitFor();
    expect(await page.locator('[data-testid="confirm-count"]').innerText()).toBe(String(N));
    expect(await page.locator('[data-testid="confirm-subject"]').innerText()).toBe('News for {{#if firstName}}{{firstName}}{{else}}you{{/if}}: news');
    await page.locator('[data-testid="confirm-check"]').check();
    await page.locator('[data-testid="confirm-button"]').click();
    await page.waitForURL(/\/broadcasts\/news\?notice=/);
    expect(await page.locator('[data-testid="notice"]').innerText()).toMatch(new RegExp(`^Started broadcast \\d+ to ${N} recipients`));
    // The card polls until the in-process worker has sent them all.
    await page.locator('[data-testid="broadcast-state"][data-state="sent"]').waitFor({ timeout: 20_000 });
    const sentLabel = new RegExp(`^sent ${N}/${N} at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC$`);
    expect(await page.locator('[data-testid="broadcast-state"]').innerText()).toMatch(sentLabel);
    // Nothing on the page still reads as a draft, or offers to send or resume it.
    expect(await page.locator('[data-testid="context"]').innerText()).not.toMatch(/draft/i);
    expect(await page.locator('[data-testid="action-send"]').count()).toBe(0);
    await page.close();

    const copies = (await emails()).filter((m) => m.subject === 'News for you: news');
    expect(copies.map((m) => [m.to].flat()[0]?.text).sort()).toEqual([...READERS].sort());
    expect(await stateOf('news')).toMatch(new RegExp(`^sent ${N}/${N} at \\d{4}-`));
    // Sending it again does nothing: the same content was sent in full.
    expect((await get('/broadcasts/news/send')).text).toMatch(/data-testid="nothing-to-do">Broadcast \d+ was already sent in full/);
  });

  it('refuses a POST without the token, with a foreign Origin, from another site, or without the ticked box; nothing is created', async () => {
    const form = await confirmed('/broadcasts/later/send');
    expect(form.csrf).toMatch(/^[\w-]{32}$/);
    const outcomes = [
      await post('/broadcasts/later/send', { ...form, csrf: undefined }),
      await post('/broadcasts/later/send', { ...form, csrf: 'x'.repeat(32) }),
      await post('/broadcasts/later/send', form, { Origin: 'http://evil.example' }),
      await post('/broadcasts/later/send', form, { Origin: 'null', 'Sec-Fetch-Site': 'cross-site' }),
      await post('/broadcasts/later/send', form, {}),
      await post('/broadcasts/later/cancel', form, { Origin: 'http://evil.example' }),
      await post('/broadcasts/news/test', form, { Origin: 'http://evil.example' }),
    ];
    expect(outcomes.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403, 403]);
    expect((await post('/broadcasts/later/send', { ...form, confirm: undefined })).status).toBe(400);
    expect((await fetch(`${dev.url}/broadcasts/later/send`, { method: 'GET' })).status).toBe(200);
    expect(await dev.store.broadcasts.getBySlug('later')).toBeNull();
  });

  it('schedules a broadcast, shows an edited file as refused (hash mismatch), and cancels it', async () => {
    const page = await get('/broadcasts/later/send');
    expect(page.text).toContain('Schedule for 2099-01-01 09:00 UTC');
    expect(page.text).toContain(`<b data-testid="confirm-count">${N}</b>`);
    const form = await confirmed('/broadcasts/later/send');
    expect((await post('/broadcasts/later/send', form)).status).toBe(303);
    expect(await stateOf('later')).toBe('scheduled 2099-01-01 09:00 UTC');

    const file = join(root, 'broadcasts/later.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace('A new article is out.', 'A new article is out, and a talk.'));
    const refused = await get('/broadcasts/later/send');
    expect(refused.status).toBe(409);
    expect(refused.text).toMatch(/data-testid="refusal"><h2>Refused: broadcasts\/later\.md has changed since broadcast \d+ was started/);
    expect(refused.text).not.toContain('data-testid="confirm-form"');
    expect((await get('/broadcasts/later')).text).toMatch(/data-testid="changed">broadcasts\/later\.md has changed since broadcast \d+ was started/);
    // A form confirmed before the edit is refused too: what was reviewed is not what is on disk.
    const stale = await post('/broadcasts/later/send', form);
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain('changed after you reviewed it');

    const cancel = await get('/broadcasts/later/cancel');
    expect(cancel.text).toMatch(/data-testid="confirm-subject">News for .*: later</);
    expect(cancel.text).toContain(`<b data-testid="confirm-count">${N}</b> would get it if it went now`);
    const before = (await emails()).length;
    expect((await post('/broadcasts/later/cancel', await confirmed('/broadcasts/later/cancel'))).status).toBe(303);
    expect(await stateOf('later')).toBe('cancelled before it went');
    expect((await dev.store.broadcasts.getBySlug('later'))?.status).toBe('cancelled');
    expect((await emails()).length).toBe(before);
  });
});
