import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { Page } from 'playwright-core';
import { loadConfig } from '../../src/config/index.ts';
import { startHttpServer, type RunningServer } from '../../src/server/http.ts';
import { openServeApp, type ServeAppOptions } from '../../src/server/serve-app.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { writeBroadcast } from '../broadcast/support.ts';
import { REPO, tempProject } from './project.ts';
import { built } from './worker-process.ts';
import { waitFor } from './wait.ts';

export const COACH = 'coach@example.com';
export const SIGN_IN_SUBJECT = 'Your coursemail sign-in link';

/** A message in the project's outbox/, with its file name. */
export type OutboxMail = ParsedMail & { file: string };

export interface ConsoleOptions {
  /** Who may sign in (default the coach); empty: serve has no console. */
  admins?: string[];
  /** More config, applied after `admins`. */
  config?: (c: Record<string, unknown>) => void;
  /** The temporary project folder's name prefix (see tempProject). */
  prefix?: string;
  /** Active readers in no series, imported before the server starts. */
  readers?: { email: string; firstName: string | null; timezone: string | null; origin?: { file: string; row: number } }[];
  /** openServeApp's options beyond the project's own (clock, trustProxy, log, the console's limits). */
  serve?: Partial<Omit<ServeAppOptions, 'root' | 'store' | 'config' | 'secret' | 'series'>>;
  /** The store the app is given, made from the real one (see holdImports); `readers` and RunningConsole.store stay on the real one. */
  wrapStore?: (store: Store) => Store;
}

type ServeApp = Awaited<ReturnType<typeof openServeApp>>;

export interface RunningConsole {
  root: string;
  secret: string;
  store: Store;
  app: ServeApp;
  server: RunningServer;
  /** Every message in outbox/, by file name. */
  mails(): Promise<OutboxMail[]>;
  signInMails(): Promise<OutboxMail[]>;
  /** The sign-in mails whose files are not in `before`, once `count` of them have landed. */
  newSignInMails(before: Set<string>, count?: number, state?: () => string): Promise<OutboxMail[]>;
  /** Signs a browser page in as the coach: asks for a link, opens it, presses its button. */
  signIn(page: Page): Promise<void>;
  /** `coursemail build` then `coursemail worker --once` beside the console, as on the server: the console starts a send, the worker sends. */
  runWorker(): Promise<{ code: number | null; err: string }>;
  close(): Promise<void>;
}

/** The path of the sign-in link in a mail's text (`/admin/sign-in/…`). */
export function signInPath(text: string | undefined): string {
  return new URL(/https?:\/\/\S+\/admin\/sign-in\/\S+/.exec(text ?? '')![0]).pathname;
}

/**
 * `store` with each subscribers.importBatch held until the test calls the release it pushes
 * onto `waiting`: a running import's progress, seen without timing.
 */
export function holdImports(store: Store): { held: Store; waiting: (() => void)[] } {
  const waiting: (() => void)[] = [];
  const held: Store = {
    ...store,
    subscribers: {
      ...store.subscribers,
      importBatch: async (...args: Parameters<Store['subscribers']['importBatch']>) => {
        await new Promise<void>((release) => waiting.push(release));
        return store.subscribers.importBatch(...args);
      },
    },
  };
  return { held, waiting };
}

/**
 * `coursemail serve` with the coach's console, as the console tests need it: a temporary
 * project with the coach as admin and a `news` broadcast, its store at data/coursemail.sqlite
 * (where `coursemail worker` finds it), the server on a free port, and the outbox to read.
 */
export async function startConsole(opts: ConsoleOptions = {}): Promise<RunningConsole> {
  const secret = randomBytes(32).toString('hex');
  const root = tempProject({
    prefix: opts.prefix,
    config: (c) => {
      const admins = opts.admins ?? [COACH];
      if (admins.length) c.admins = admins;
      opts.config?.(c);
    },
  });
  writeBroadcast(root, 'news');
  const store = await openStore({ sqlitePath: join(root, 'data', 'coursemail.sqlite') });
  if (opts.readers?.length) {
    const now = new Date();
    await store.subscribers.importBatch(
      opts.readers.map((r) => ({ ...r, consentAt: now, consentSource: 'test' })),
      { now, seriesId: null },
    );
  }
  const app = await openServeApp({
    root,
    store: opts.wrapStore?.(store) ?? store,
    config: loadConfig(root),
    secret,
    series: new Map(),
    console: { watch: false },
    ...opts.serve,
  });
  const server = await startHttpServer(app, { port: 0 });

  const mails = async (): Promise<OutboxMail[]> => {
    const dir = join(root, 'outbox');
    const files = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.eml'))
          .sort()
      : [];
    return Promise.all(files.map(async (file) => Object.assign(await simpleParser(readFileSync(join(dir, file))), { file })));
  };
  const signInMails = async () => (await mails()).filter((m) => m.subject === SIGN_IN_SUBJECT);
  const newSignInMails = async (before: Set<string>, count = 1, state?: () => string) => {
    const fresh = async () => (await signInMails()).filter((m) => !before.has(m.file));
    await waitFor(async () => (await fresh()).length >= count, count === 1 ? 'the sign-in mail' : `${count} sign-in mail(s)`, 10_000, state);
    return fresh();
  };
  return {
    root,
    secret,
    store,
    app,
    server,
    mails,
    signInMails,
    newSignInMails,
    async signIn(page) {
      await page.goto(`${server.url}/admin/sign-in`);
      const before = new Set((await signInMails()).map((m) => m.file));
      await page.fill('input[name=email]', COACH);
      await page.click('button[type=submit]');
      const [mail] = await newSignInMails(before);
      await page.goto(server.url + signInPath(mail!.text));
      await page.locator('[data-testid="sign-in"]').click();
      await page.waitForURL(new RegExp(`${server.url}/admin/$`));
    },
    async runWorker() {
      // As on the server: `coursemail build` on deploy, so the worker reads previews/ and renders nothing.
      await built(root);
      const child = spawn(process.execPath, [join(REPO, 'bin/coursemail.mjs'), 'worker', '--once', '--root', root], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: '', COURSEMAIL_SECRET: secret, NO_COLOR: '1' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      return new Promise((resolve) => child.on('close', (code) => resolve({ code, err })));
    },
    async close() {
      await server.close();
      await app.close();
      await store.close();
    },
  };
}
