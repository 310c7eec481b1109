import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { harness, linkIn, SERIES } from '../server/public/support.ts';
import { REPO } from '../support/project.ts';

const ADDRESS = 'Zelda.Quuxworth@Example.com';
const NAME = 'Zephyrine';

/** Every spelling of `text` a file might hold it in: any case, URL- and QP-encoded, base64 at each alignment, UTF-16. */
function spellings(text: string): { caseless: string[]; exact: Buffer[] } {
  const lower = text.toLowerCase();
  const caseless = [lower, encodeURIComponent(lower), lower.replace(/@/g, '=40'), lower.replace(/@/g, '&#64;')];
  const exact: Buffer[] = [];
  for (const variant of new Set([text, lower, text.toUpperCase()])) {
    for (let pad = 0; pad < 3; pad++) {
      // base64 of the text after `pad` bytes: drop the characters that depend on neighbours.
      const b64 = Buffer.from(`${'\0'.repeat(pad)}${variant}`).toString('base64');
      const start = Math.ceil((pad * 4) / 3) + (pad ? 1 : 0);
      exact.push(Buffer.from(b64.slice(start, Math.floor((pad + variant.length) / 3) * 4)));
    }
    exact.push(Buffer.from(variant, 'utf16le'));
  }
  return { caseless, exact };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/** Files under `dirs` that hold `text` in any spelling, with which spelling. */
function holding(dirs: string[], text: string): string[] {
  const { caseless, exact } = spellings(text);
  const found: string[] = [];
  for (const file of dirs.flatMap(filesUnder)) {
    const bytes = readFileSync(file);
    const folded = bytes.toString('latin1').toLowerCase();
    for (const c of caseless) if (folded.includes(c)) found.push(`${file}: ${c}`);
    for (const e of exact) if (e.length > 4 && bytes.includes(e)) found.push(`${file}: ${e.toString('latin1')}`);
  }
  return found;
}

it('after a forget, no byte under data/ or outbox/ holds the address or the name, in any case or encoding (SQLite, WAL included)', async () => {
  mkdirSync(join(REPO, '.tmp'), { recursive: true });
  const data = mkdtempSync(join(REPO, '.tmp', 'erasure-data-'));
  const store = await openStore({ sqlitePath: join(data, 'coursemail.sqlite') });
  const h = await harness({ store, limits: { burst: 100 } });
  const server = await h.listen();
  try {
    const post = (path: string, body: string) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
        body,
        redirect: 'manual',
      });
    // Someone else on the list, whose data must stay.
    await post(`/subscribe/${SERIES}`, new URLSearchParams({ email: 'other@example.com', first_name: 'Olga' }).toString());
    await post(`/subscribe/${SERIES}`, new URLSearchParams({ email: ADDRESS, first_name: NAME, timezone: 'America/Chicago' }).toString());
    await h.worker.runOnce();
    const confirmation = (await h.emails()).find((m) => (m.to && 'text' in m.to ? m.to.text : '').toLowerCase() === ADDRESS.toLowerCase())!;
    const link = new URL(linkIn(confirmation, 'confirm')).pathname;
    expect((await post(link, 'confirm=1')).status).toBe(200);
    await h.worker.runOnce();
    const prefs = new URL(linkIn((await h.emails()).at(-1)!, 'p')).pathname;
    expect((await post(prefs, `action=save&first_name=${NAME}`)).status).toBe(303);
    await post(prefs, 'action=unsubscribe');

    // Before: the address and the name are on disk, WAL included (so the search below can find them).
    expect(holding([data], ADDRESS).some((f) => f.includes('-wal'))).toBe(true);
    expect(holding([h.outbox], NAME).length).toBeGreaterThan(0);

    const forgotten = await post(prefs, 'action=forget&confirm=yes');
    expect(forgotten.status).toBe(200);
    expect(await forgotten.text()).toContain('Everything we held about you is deleted');
    expect(holding([data, h.outbox], ADDRESS)).toEqual([]);
    expect(holding([data, h.outbox], NAME)).toEqual([]);
    // What stays: the suppression hash, and everyone else.
    expect(await store.suppressions.isSuppressed(ADDRESS.toLowerCase())).toBe(true);
    expect(holding([data], 'other@example.com').length).toBeGreaterThan(0);
    expect((await h.emails()).map((m) => (m.to && 'text' in m.to ? m.to.text : ''))).toEqual(['other@example.com']);
  } finally {
    await server.close();
    await store.close();
    rmSync(data, { recursive: true, force: true });
  }
});
