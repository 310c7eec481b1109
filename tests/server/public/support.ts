import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { loadProject } from '../../../src/build/index.ts';
import type { Config } from '../../../src/config/index.ts';
import { createOutboxTransport } from '../../../src/deliver/index.ts';
import { buildCatalog, Worker, type Catalog } from '../../../src/send/index.ts';
import { createPublicApp, type PublicLimits } from '../../../src/server/public/index.ts';
import { startHttpServer, type RunningServer } from '../../../src/server/http.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { signToken } from '../../../src/tokens/index.ts';
import { tempProject } from '../../support/project.ts';

export const SECRET = 'public-endpoints-test-secret-0123456789abcdef';
export const SERIES = 'physician-coaching';
export const LESSON_1 = 'What physician coaching is, and what it is not';

let shared: Promise<{ root: string; config: Config; catalog: Catalog }> | undefined;

/** One built project per test file: compiling the series is the slow part. */
function project() {
  shared ??= (async () => {
    const root = tempProject();
    const p = await loadProject(root);
    return { root, config: p.config, catalog: await buildCatalog(p) };
  })();
  return shared;
}

export interface Harness {
  store: Store;
  app: ReturnType<typeof createPublicApp>;
  config: Config;
  worker: Worker;
  outbox: string;
  now: Date;
  /** Moves the shared clock (the app, the worker and the rate limiter read it). */
  advance(minutes: number): void;
  /** Parsed .eml files in the outbox, oldest first. */
  emails(): Promise<ParsedMail[]>;
  /** Real socket: starts the app on 127.0.0.1 and points publicUrl at it. */
  listen(): Promise<RunningServer>;
  /** How many times the app woke the worker. */
  kicks: number;
}

export async function harness(opts: { store?: Store; limits?: Partial<PublicLimits>; config?: Partial<Config>; trustProxy?: boolean } = {}): Promise<Harness> {
  const { root, config: base, catalog } = await project();
  const store = opts.store ?? (await openStore({ sqlitePath: join(mkdtempSync(join(root, 'db-')), 'test.sqlite') }));
  const config: Config = { ...base, ...opts.config };
  const outbox = mkdtempSync(join(root, 'outbox-'));
  const h = {
    store,
    config,
    outbox,
    now: new Date('2026-12-02T01:30:00Z'),
    kicks: 0,
  } as Harness;
  h.advance = (minutes) => {
    h.now = new Date(h.now.getTime() + minutes * 60_000);
  };
  h.app = createPublicApp({
    store,
    config,
    secret: SECRET,
    clock: () => h.now,
    series: catalog.courses,
    kick: () => {
      h.kicks += 1;
    },
    limits: opts.limits,
    trustProxy: opts.trustProxy,
    outboxDir: outbox,
  });
  h.worker = new Worker({ store, transport: createOutboxTransport({ dir: outbox }), catalog, config, secret: SECRET, owner: 'test', clock: () => h.now });
  h.emails = async () =>
    Promise.all(
      readdirSync(outbox)
        .filter((f) => f.endsWith('.eml'))
        .sort()
        .map((f) => simpleParser(readFileSync(join(outbox, f)))),
    );
  h.listen = async () => {
    const server = await startHttpServer(h.app, { port: 0 });
    config.publicUrl = server.url;
    return server;
  };
  return h;
}

/** A form post as a browser on the same origin sends it. */
export function formPost(fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost', ...headers },
    body: new URLSearchParams(fields).toString(),
  };
}

/** A subscriber straight to active and enrolled (for the unsubscribe and preferences tests). */
export async function activeSubscriber(h: Harness, email = 'ana@example.com', firstName: string | null = 'Ana') {
  const r = await h.store.subscribers.createPending({ email, firstName, timezone: 'America/Chicago', consentSource: 'test', now: h.now });
  if (r.outcome === 'suppressed') throw new Error('suppressed');
  await h.store.subscribers.activate(r.subscriber.id, { now: h.now, seriesId: SERIES });
  return r.subscriber.id;
}

export const token = (purpose: 'unsubscribe' | 'preferences', id: string) => signToken(purpose, { s: id }, SECRET);

export const linkIn = (mail: ParsedMail, path: 'confirm' | 'u' | 'p') => {
  const m = new RegExp(`https?://[^\\s"<>]+/${path}/[\\w-]+\\.[\\w-]+`).exec(mail.text ?? '');
  if (!m) throw new Error(`no /${path}/ link in the email`);
  return m[0];
};
