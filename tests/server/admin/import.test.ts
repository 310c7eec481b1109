import { expect, it } from 'vitest';
import { holdImports } from '../../support/console.ts';
import { forEachDatabase } from '../../support/databases.ts';
import { until } from '../../support/wait.ts';
import { COACH, COURSE, signedInConsole, tableRows } from './support.ts';

const CSV = [
  'email,first_name,timezone,consent',
  'ann@example.com,Ann,America/Chicago,yes',
  'not-an-address,Bob,,yes',
  'cara@example.com,Cara,Mars/Olympus,',
  'dan@example.com,Dan,,',
  'eve@example.com,Eve,,someday',
  'ann@example.com,Ann again,,yes',
  'gus@example.com,Gus,,2026-01-05',
].join('\n');

function upload(csv: string, name: string, series: string) {
  const form = new FormData();
  form.set('file', new File([csv], name, { type: 'text/csv' }));
  form.set('series', series);
  return { method: 'POST', body: form };
}

type Console = Awaited<ReturnType<typeof signedInConsole>>;

/** Uploads, follows the redirect to the job, and polls its card as the page does until it is no longer running. */
async function importAndWait(con: Console, csv: string, name = 'people.csv', series = COURSE.id) {
  const posted = await con.request(`/admin/import?console_csrf=${con.csrf}`, upload(csv, name, series));
  expect([posted.status, posted.status === 303 ? '' : await posted.text()]).toEqual([303, '']);
  const job = posted.headers.get('location')!;
  expect(job).toMatch(/^\/admin\/import\/[A-Za-z0-9_-]{43}$/);
  const card = await until('the import to finish', async () => {
    const r = await con.request(`${job}/card`);
    expect(r.status).toBe(200);
    const markup = await r.text();
    return /data-state="running"/.test(markup) ? undefined : markup;
  });
  return { job, card };
}

forEachDatabase((db) => {
  it('imports the good rows, lists every bad row by line, field and reason, and records the import in the consent and audit logs', async () => {
    const { store } = await db.fresh();
    const con = await signedInConsole(store);
    const { job, card } = await importAndWait(con, CSV);
    expect(card).toContain('data-state="done"');
    expect(tableRows(card, 'bad-rows')).toEqual([
      ['3', 'email', expect.stringMatching(/.+/)],
      ['4', 'timezone', expect.stringContaining('Mars/Olympus')],
      ['6', 'consent', '"someday" is neither yes/no nor a date (YYYY-MM-DD)'],
    ]);
    expect(tableRows(card, 'import-summary')).toEqual([
      ['Imported', `3: 2 active and enrolled in ${COURSE.id}, 1 pending (1 confirmation email queued)`],
      ['Skipped', '1: 1 already on the list, 0 suppressed (bounced, complained or forgotten), 0 marked as having left'],
      ['Bad rows', '3'],
    ]);
    // The page itself shows the same card, and the script that follows it.
    const page = await (await con.request(job)).text();
    expect(tableRows(page, 'bad-rows').map((r) => r[0])).toEqual(['3', '4', '6']);
    expect(page).toContain('data-poll=');

    // As the CLI imports: active and enrolled with consent, pending with a confirmation queued.
    const ann = await store.subscribers.findByEmail('ann@example.com');
    const dan = await store.subscribers.findByEmail('dan@example.com');
    expect([ann?.status, dan?.status, await store.subscribers.findByEmail('cara@example.com')]).toEqual(['active', 'pending', null]);
    expect((await store.enrollments.get(ann!.id, COURSE.id))?.status).toBe('active');
    const danHeld = (await store.subscribers.dataHeld(dan!.id))!;
    expect(danHeld.deliveries.map((d) => [d.kind, d.status])).toEqual([['confirm', 'queued']]);
    expect(danHeld.consent.map((e) => [e.event, e.detail])).toEqual([
      ['imported', { source: 'import:people.csv', file: 'people.csv', row: 5, consent: 'to confirm' }],
    ]);
    const gus = (await store.subscribers.dataHeld((await store.subscribers.findByEmail('gus@example.com'))!.id))!;
    expect(gus.consent).toEqual([
      { event: 'imported', at: new Date('2026-01-05T00:00:00Z'), detail: { source: 'import:people.csv', file: 'people.csv', row: 8, consent: 'given' } },
    ]);

    const { entries } = await store.admin.auditLog({ limit: 10, offset: 0 });
    expect(entries.map((e) => [e.actor, e.action, e.detail])).toEqual([
      [
        COACH,
        'readers.import',
        'people.csv: 7 rows read: 3 imported (2 active, 1 pending, 1 confirmation queued), 1 duplicates, 0 suppressed and 0 who had left skipped, 3 bad',
      ],
      [COACH, 'readers.import', `people.csv (${Buffer.byteLength(CSV)} bytes, into ${COURSE.id}): started`],
    ]);

    // Every bad row, as CSV, for a file with more than the page lists.
    const bad = await con.request(`${job}/bad.csv`);
    expect(await bad.text()).toBe(
      'line,field,reason\n' +
        tableRows(card, 'bad-rows')
          .map((r) => r.map((v) => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(','))
          .join('\n') +
        '\n',
    );
  });

  it('shows the rows read while the import runs, batch by batch, then the summary', async () => {
    const { store } = await db.fresh();
    const { held, waiting } = holdImports(store);
    const con = await signedInConsole(held);
    // Three batches of up to 1000 rows, and a file over the 256 KB other console forms may send.
    const rows = Array.from(
      { length: 2500 },
      (_, i) => `reader-${String(i).padStart(5, '0')}@example.com,Reader,,yes,${'a note the import ignores '.repeat(4)}`,
    );
    const csv = ['email,first_name,timezone,consent,notes', ...rows].join('\n');
    expect(Buffer.byteLength(csv)).toBeGreaterThan(256 * 1024);
    const posted = await con.request(`/admin/import?console_csrf=${con.csrf}`, upload(csv, 'big.csv', COURSE.id));
    expect(posted.status).toBe(303);
    const job = posted.headers.get('location')!;
    const progress = async () => /data-testid="import-progress">([^<]*)</.exec(await (await con.request(`${job}/card`)).text())![1]!;

    await until('the first batch', () => (waiting.length === 1 ? true : undefined));
    expect(await progress()).toMatch(/^0 of about 2500 rows read \(\d+% of the file\), 0 imported, 0 bad…$/);
    waiting.shift()!();
    await until('the second batch', () => (waiting.length === 1 ? true : undefined));
    expect(await progress()).toMatch(/^\d+ of about 2500 rows read \(\d+% of the file\), 1000 imported, 0 bad…$/);
    waiting.shift()!();
    await until('the third batch', () => (waiting.length === 1 ? true : undefined));
    expect(await progress()).toMatch(/, 2000 imported, 0 bad…$/);
    waiting.shift()!();
    const card = await until('the import to finish', async () => {
      const markup = await (await con.request(`${job}/card`)).text();
      return markup.includes('data-state="done"') ? markup : undefined;
    });
    expect(/data-testid="import-progress">([^<]*)</.exec(card)![1]).toBe('Done: 2500 rows read.');
    expect(card).toContain('data-live="false"');
    expect(tableRows(card, 'import-summary')[0]).toEqual(['Imported', `2500: 2500 active and enrolled in ${COURSE.id}, 0 pending`]);
  });

  it('a file that is not a reader list fails with the reason, audited; the import form and its limits are enforced', async () => {
    const { store } = await db.fresh();
    const con = await signedInConsole(store);
    const { card } = await importAndWait(con, 'name;mail\nAnn;ann@example.com\n', 'semicolons.csv');
    expect(card).toContain('data-state="failed"');
    expect(card).toContain('The first line of the CSV must be a header naming an &quot;email&quot; column.');
    expect(card).toMatch(/separated by &quot;;&quot;: save the file as comma-separated CSV/);
    expect((await store.admin.auditLog({ limit: 1, offset: 0 })).entries[0]!.detail).toMatch(
      /^semicolons\.csv: failed after 0 rows, 0 imported: The first line of the CSV/,
    );

    // Without the session's token, or from another site: refused before the body is read.
    const noToken = await con.request('/admin/import', upload(CSV, 'people.csv', COURSE.id));
    expect(noToken.status).toBe(403);
    const crossSite = await con.request(`/admin/import?console_csrf=${con.csrf}`, {
      ...upload(CSV, 'people.csv', COURSE.id),
      headers: { Origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    // Over the page's stated 10 MB: 413, by the declared length.
    const huge = await con.request(`/admin/import?console_csrf=${con.csrf}`, {
      method: 'POST',
      body: 'x',
      headers: { 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': String(10 * 1024 * 1024 + 1) },
    });
    expect(huge.status).toBe(413);
    // No file, or a course that does not exist: the form again, saying why.
    const none = await con.request(`/admin/import?console_csrf=${con.csrf}`, upload('', 'empty.csv', COURSE.id));
    expect([none.status, /data-testid="import-problem">([^<]*)</.exec(await none.text())?.[1]]).toEqual([400, 'Choose a CSV file that is not empty.']);
    const other = await con.request(`/admin/import?console_csrf=${con.csrf}`, upload(CSV, 'people.csv', 'nope'));
    expect([other.status, /data-testid="import-problem">([^<]*)</.exec(await other.text())?.[1]]).toEqual([
      400,
      'There is no course &quot;nope&quot; any more: choose one of the list.',
    ]);
    expect(await store.subscribers.findByEmail('ann@example.com')).toBeNull();
    expect((await store.admin.auditLog({ limit: 10, offset: 0 })).total).toBe(2);
    // The form says what the limit is.
    expect(await (await con.request('/admin/import')).text()).toContain('Up to 10 MB per file');
  });
});
