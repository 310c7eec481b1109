import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createResendTransport } from '../../src/deliver/index.ts';
import type { Store } from '../../src/store/index.ts';
import type { FakeResend } from '../support/fake-resend.ts';
import { REPO, writeFile } from '../support/project.ts';
import { waitFor } from '../support/wait.ts';

export const SECRET = 'b'.repeat(40);
export const SERIES = 'physician-coaching';

/** Who a population of subscribers holds, and who a broadcast must reach. */
export interface Population {
  /** Active and not suppressed: every broadcast without `series` reaches exactly these. */
  all: Set<string>;
  /** The same, per series they are enrolled in. */
  bySeries: Map<string, Set<string>>;
  named: Map<string, string>;
}

/**
 * `size` subscribers: 60 % in the coaching series, 30 % in another course, 10 % in none;
 * some unsubscribed, some bounced, some never confirmed, some active but suppressed by hand.
 */
export async function populate(store: Store, now: Date, size = 1000): Promise<Population> {
  const rows = Array.from({ length: size }, (_, i) => {
    const series = i % 10 < 6 ? SERIES : i % 10 < 9 ? 'other-course' : null;
    const fate = i % 13 === 0 ? 'unsubscribed' : i % 17 === 0 ? 'bounced' : i % 29 === 0 ? 'pending' : i % 31 === 0 ? 'suppressed' : 'active';
    return { email: `reader${i}@example.com`, firstName: i % 3 === 0 ? null : `Reader${i}`, series, fate };
  });
  for (const series of [SERIES, 'other-course', null]) {
    const group = rows.filter((r) => r.series === series);
    for (let i = 0; i < group.length; i += 200) {
      const page = group.slice(i, i + 200);
      await store.subscribers.importBatch(
        page.map((r) => ({ email: r.email, firstName: r.firstName, timezone: null, consentAt: r.fate === 'pending' ? null : now, consentSource: 'test' })),
        { now, seriesId: series },
      );
    }
  }
  const pop: Population = { all: new Set(), bySeries: new Map(), named: new Map() };
  for (const r of rows) {
    const id = (await store.subscribers.findByEmail(r.email))!.id;
    if (r.fate === 'unsubscribed') await store.subscribers.unsubscribe(id, now);
    if (r.fate === 'bounced') await store.subscribers.markBounced(id, now);
    if (r.fate === 'suppressed') await store.suppressions.add(r.email, 'manual', now);
    if (r.fate !== 'active') continue;
    pop.all.add(r.email);
    if (r.series) pop.bySeries.set(r.series, (pop.bySeries.get(r.series) ?? new Set()).add(r.email));
    if (r.firstName) pop.named.set(r.email, r.firstName);
  }
  return pop;
}

export function writeBroadcast(root: string, slug: string, opts: { series?: string; sendAt?: string; body?: string } = {}): void {
  const front = [
    '---',
    `subject: "News for {{#if firstName}}{{firstName}}{{else}}you{{/if}}: ${slug}"`,
    'preheader: "A short note from the coach, nothing to do."',
  ];
  if (opts.series) front.push(`series: ${opts.series}`);
  if (opts.sendAt) front.push(`sendAt: "${opts.sendAt}"`);
  front.push('---', '');
  writeFile(
    root,
    `broadcasts/${slug}.md`,
    [...front, '{{#if firstName}}Hi {{firstName}},{{else}}Hello,{{/if}}', '', opts.body ?? 'A new article is out.', ''].join('\n'),
  );
}

export const resendTo = (server: FakeResend) => createResendTransport({ apiKey: 're_test', baseUrl: server.url, requestsPerSecond: null });

export const recipientsOf = (server: FakeResend) => server.received.map((r) => [r.email?.to].flat()[0] as string);

export { duplicates } from '../support/fake-resend.ts';

export interface Child {
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>;
  kill(): void;
  out(): string;
}

/** The real CLI in its own process, against the project's SQLite file and the fake Resend server. */
export function coursemail(root: string, server: FakeResend, args: string[]): Child {
  const env: NodeJS.ProcessEnv = { ...process.env, COURSEMAIL_SECRET: SECRET, RESEND_API_KEY: 're_test', RESEND_BASE_URL: server.url };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [join(REPO, 'bin/coursemail.mjs'), ...args, '--root', root], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return {
    done: new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out, err }))),
    kill: () => child.kill('SIGKILL'),
    out: () => out,
  };
}

/** `waitFor` polling every 10 ms: the kill tests act at a count of copies, which moves fast. */
export const until = (check: () => boolean, timeoutMs: number, what: string): Promise<void> => waitFor(check, what, timeoutMs, undefined, 10);
