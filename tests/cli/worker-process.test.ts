import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBroadcast, startSend } from '../../src/broadcast/index.ts';
import { loadProject } from '../../src/build/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { startFakeResend } from '../support/fake-resend.ts';
import { FIXTURE, REPO, runCli, tempProject } from '../support/project.ts';
import { killWorkers, resendProject, SECRET, seedDueLessons, spawnWorker, stopWorker, waitFor } from '../support/worker-process.ts';

/** `node bin/coursemail.mjs worker --once --root ROOT` with the given extra environment. */
function runWorker(root: string, env: Record<string, string> = {}, args: string[] = []) {
  const child = spawn(process.execPath, [join(REPO, 'bin/coursemail.mjs'), 'worker', '--once', '--root', root, ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', COURSEMAIL_SECRET: SECRET, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise<{ pid: number; code: number | null; out: string; err: string }>((resolve) =>
    child.on('close', (code) => resolve({ pid: child.pid!, code, out, err })),
  );
}

/** `worker --once` in a process that then lists the rendering libraries it loaded (CommonJS ones register in Module._cache). */
function workerLoading(root: string) {
  const script = `const { main } = await import('./src/cli/main.ts');
const code = await main(['worker', '--once', '--root', ${JSON.stringify(root)}]);
const { default: Module } = await import('node:module');
console.log('LOADED ' + JSON.stringify(Object.keys(Module._cache).filter((k) => ['mjml-core', 'react-dom', '@react-email/render'].some((m) => k.includes('/node_modules/' + m + '/')))));
process.exitCode = code;`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO,
    env: { ...process.env, DATABASE_URL: '', COURSEMAIL_SECRET: SECRET, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise<{ code: number | null; out: string; err: string; renderers: string[] }>((resolve) =>
    child.on('close', (code) => resolve({ code, out, err, renderers: JSON.parse(/^LOADED (.*)$/m.exec(out)?.[1] ?? 'null') as string[] })),
  );
}

/**
 * Appends ~63 KB of plain prose to a Markdown file: a batch of 100 such messages is several
 * MB in flight, though the email stays within Gmail's budget.
 */
function lengthen(file: string) {
  const paragraph = 'A long, plain paragraph about rest, sleep and the shape of a working week. '.repeat(12);
  appendFileSync(file, `\n\n${Array.from({ length: 70 }, () => paragraph).join('\n\n')}\n`);
}

/** The example broadcast copied into the project, lengthened when `long`. */
function withExampleBroadcast(root: string, long = false): string {
  cpSync(join(FIXTURE, 'broadcasts'), join(root, 'broadcasts'), { recursive: true });
  if (long) lengthen(join(root, 'broadcasts/welcome-new-article.md'));
  return root;
}

/** Starts sending the example broadcast to every active subscriber, as `broadcast send` would. */
async function startExampleBroadcast(root: string, store: Store): Promise<void> {
  const project = await loadProject(root);
  expect((await startSend({ project, store }, await loadBroadcast(project, 'welcome-new-article'), { now: new Date() })).outcome).toBe('sending');
}

describe('the `coursemail worker` process', () => {
  it('started after `coursemail build` it sends from the build output without loading the renderers; output older than its sources is built again', {
    timeout: 120_000,
  }, async () => {
    const root = tempProject();
    const store = await openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });
    await seedDueLessons(store, 2);
    await store.close();
    const build = await runCli(['build', '--root', root]);
    expect(build.code, build.err).toBe(0);
    const fresh = await workerLoading(root);
    expect(fresh.out, fresh.err).toMatch(/done: \d+ lessons scheduled, 2 sent, 0 failed/);
    expect(fresh.err).not.toContain('building');
    expect(fresh.renderers).toEqual([]);

    // A lesson edited after the build: its output is stale, so this run builds the series itself.
    appendFileSync(join(root, 'series/physician-coaching/02-what-the-evidence-shows.md'), '\n\nOne more plain sentence.\n');
    const stale = await workerLoading(root);
    expect(stale.code, stale.err).toBe(0);
    expect(stale.err).toContain('building physician-coaching in this process: previews/ is missing or older than the sources (run `coursemail build`');
    expect(stale.renderers.length).toBeGreaterThan(0);
  });

  it('sends what is due and a broadcast from the message stored when it was started (the copies carry its subject)', { timeout: 90_000 }, async () => {
    const root = withExampleBroadcast(tempProject());
    const store = await openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });
    await seedDueLessons(store, 2);
    await startExampleBroadcast(root, store);
    await store.close();
    const sent = await runWorker(root);
    expect(sent.code, sent.err).toBe(0);
    expect(sent.out).toMatch(/done: \d+ lessons scheduled, 4 sent, 0 failed/);
    const subject = 'A new article: what a coaching conversation actually sounds like';
    const eml = readdirSync(join(root, 'outbox')).map((f) => readFileSync(join(root, 'outbox', f), 'utf8'));
    expect(eml.filter((m) => m.includes(`Subject: ${subject}`))).toHaveLength(2);
  });

  it('refuses to send while a series does not build, naming the file and the problem', { timeout: 60_000 }, async () => {
    const root = tempProject();
    appendFileSync(join(root, 'series/physician-coaching/03-coaching-vs-therapy.md'), '\n\nYour code is {{password}}.\n');
    const run = await runWorker(root);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(
      /coursemail: Series "physician-coaching" does not build; nothing will be sent until it does:\n {2}- .*03-coaching-vs-therapy\.md.*password/,
    );
    expect(run.out).not.toContain('sent');
  });

  it('sends a long broadcast started while it runs in batches sized by count, every copy once', { timeout: 120_000 }, async () => {
    const root = withExampleBroadcast(resendProject(), true);
    const server = await startFakeResend({ requestsPerSecond: null, keepEmails: false });
    try {
      const store = await openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });
      await seedDueLessons(store, 150);
      await store.close();
      const w = spawnWorker({ root, resendUrl: server.url, name: 'long', args: ['--idle-ms', '100'] });
      const state = () => `${server.received.length} received; out: ${w.out().slice(-600)}; err: ${w.err().slice(-1500)}`;
      await waitFor(() => server.received.length >= 150 || !w.running, 'the lessons', 60_000, state);
      const again = await openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });
      await startExampleBroadcast(root, again);
      await again.close();
      // ~63 KB a copy: a request of 100 is ~7 MB of JSON.
      await waitFor(() => server.received.length >= 300 || !w.running, 'the broadcast', 90_000, state);
      expect(w.running, state()).toBe(true);
      expect(await stopWorker(w)).toEqual({ code: 0, signal: null });
      expect(server.requests.map((r) => r.emails)).toEqual([100, 50, 100, 50]);
      for (const n of server.countByDelivery().values()) expect(n).toBe(1);
    } finally {
      await killWorkers();
      await server.close();
    }
  });

  it('sends a lesson edited while it runs as edited, and nothing while the edit does not build', { timeout: 120_000 }, async () => {
    const root = resendProject();
    const lesson = join(root, 'series/physician-coaching/01-what-coaching-is.md');
    const original = readFileSync(lesson, 'utf8');
    const server = await startFakeResend({ requestsPerSecond: null });
    const seed = async (first: number) => {
      const store = await openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });
      await seedDueLessons(store, 2, new Date(), first);
      await store.close();
    };
    try {
      await seed(0);
      const w = spawnWorker({ root, resendUrl: server.url, name: 'fresh', args: ['--idle-ms', '100'] });
      const state = () => `${server.received.length} received; out: ${w.out().slice(-600)}; err: ${w.err().slice(-1500)}`;
      await waitFor(() => server.received.length >= 2 || !w.running, 'the first lessons', 60_000, state);

      writeFileSync(lesson, `${original}\n\nA sentence added while the worker ran.\n`);
      await seed(2);
      await waitFor(() => server.received.length >= 4 || !w.running, 'the edited lessons', 60_000, state);
      const has = (i: number) => server.received[i]!.email!.html!.includes('A sentence added while the worker ran.');
      expect([0, 1, 2, 3].map(has)).toEqual([false, false, true, true]);

      writeFileSync(lesson, `${original}\n\nYour code is {{password}}.\n`);
      await seed(4);
      await waitFor(() => /pass failed: Series "physician-coaching" does not build/.test(w.err()) || !w.running, 'the refusal', 60_000, state);
      expect(server.received).toHaveLength(4);

      writeFileSync(lesson, original);
      await waitFor(() => server.received.length >= 6 || !w.running, 'the lessons once it builds again', 60_000, state);
      expect(await stopWorker(w)).toEqual({ code: 0, signal: null });
      expect(has(4) || has(5)).toBe(false);
      for (const n of server.countByDelivery().values()) expect(n).toBe(1);
    } finally {
      await killWorkers();
      await server.close();
    }
  });
});
