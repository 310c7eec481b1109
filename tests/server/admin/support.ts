import { decodeHTML } from 'entities';
import { randomBytes } from 'node:crypto';
import { createConsoleApp } from '../../../src/server/admin/index.ts';
import { csrfToken, randomId, sha256 } from '../../../src/server/admin/secrets.ts';
import type { Store } from '../../../src/store/index.ts';

export const COACH = 'coach@example.com';
export const COURSE = { id: 'coaching', title: 'Coaching for physicians', steps: [] };

/**
 * The console's own routes over `store`, with a session for COACH made in the store as the
 * sign-in POST makes one (sign-in itself is tested in tests/hostile and tests/e2e). The
 * preview behind it is a stub: these tests never reach it.
 */
export async function signedInConsole(store: Store) {
  const secret = randomBytes(32).toString('hex');
  const logged: string[] = [];
  const app = createConsoleApp({
    store,
    config: { admins: [COACH], publicUrl: 'https://coach.example.com', sender: { name: 'Maya', email: 'maya@example.com' } } as never,
    secret,
    clock: () => new Date(),
    transport: () => {
      throw new Error('these tests send no mail');
    },
    preview: { fetch: () => new Response('the preview', { status: 418 }) },
    courses: () => [COURSE],
    log: (line) => logged.push(line),
  });
  const session = randomId();
  await store.admin.addSession(sha256(session), COACH, new Date());
  const csrf = csrfToken(secret, session);
  /** As the signed-in browser: its cookie, and its origin on a POST. */
  const request = (path: string, init: RequestInit = {}) =>
    app.fetch(
      new Request(`http://localhost${path}`, {
        ...init,
        headers: {
          Cookie: `coursemail_admin=${session}`,
          Accept: 'text/html',
          ...(init.method === 'POST' ? { Origin: 'http://localhost' } : {}),
          ...(init.headers as Record<string, string>),
        },
      }),
    );
  return { app, csrf, request, logged };
}

/** The text of each cell of each body row of the table with this data-testid. */
export function tableRows(markup: string, testid: string): string[][] {
  const table = new RegExp(`<table data-testid="${testid}">([\\s\\S]*?)</table>`).exec(markup)?.[1] ?? '';
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? '';
  const text = (cell: string) => decodeHTML(cell.replace(/<[^>]+>/g, '')).trim();
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((tr) => [...tr[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((td) => text(td[1]!)));
}
