import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workerBundle } from '../../bin/worker-bundle.mjs';
import { loadBroadcast, startSend } from '../../src/broadcast/index.ts';
import { loadProject } from '../../src/build/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { startFakeResend } from '../support/fake-resend.ts';
import { REPO, tempProject } from '../support/project.ts';
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
  return new Promise<{ pid: number; code: number | null; out: string; err: string }>((resolve) => child.on('close', (code) => resolve({ pid: child.pid!, code, out, err })));
}

/**
 * Appends ~63 KB of plain prose to a Markdown file: one loop of 100 such messages needs more
 * than the default heap cap (44 MB + 4 MB a loop), or the 72 MB it was before, though the
 * email stays within Gmail's budget.
 */
function lengthen(file: string) {
  const paragraph = 'A long, plain paragraph about rest, sleep and the shape of a working week. '.repeat(12);
  appendFileSync(file, `\n\n${Array.from({ length: 70 }, () => paragraph).join('\n\n')}\n`);
}

/** The example broadcast copied into the project, lengthened when `long`. */
function withExampleBroadcast(root: string, long = false): string {
  cpSync(join(REPO, 'broadcasts'), join(root, 'broadcasts'), { recursive: true });
  if (long) lengthen(join(root, 'broadcasts/welcome-new-article.md'));
  return root;
}

/** Starts sending the example broadcast to every active subscriber, as `broadcast send` would. */
async function startExampleBroadcast(root: string, store: Store): Promise<void> {
  const project = await loadProject(root);
  expect((await startSend({ project, store }, await loadBroadcast(project, 'welcome-new-article'), { now: new Date() })).outcome).toBe('sending');
}

/** The heap the launcher started the thread again with, from its `heap:` line. */
function restartedWithHeapMb(out: string): number {
  const asked = /^heap: the largest messages to send \(lessons and broadcasts in flight\) need about (\d+) MB of heap; starting again with that/m.exec(out);
  expect(asked, out).not.toBeNull();
  return Number(asked![1]);
}

/** Packages the sending process must never load: the renderers, and tsx. */
const RENDERERS = /node_modules\/(react|react-dom|@react-email\/[^/]+|mjml[^/]*|html-to-text|marked|prismjs|tsx)\//;

describe('the `coursemail worker` process', () => {
  it('sends without tsx or a renderer loaded in it (Node’s own module log, for its pid)', { timeout: 90_000 }, async () => {
    const root = tempProject(); // the outbox transport
    const store = await openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });
    await seedDueLessons(store, 3);
    await store.close();
    // NODE_DEBUG logs every module Node loads, from every thread, each line prefixed with
    // the pid: the render child (which does load React) has a pid of its own.
    const run = await runWorker(root, { NODE_DEBUG: 'esm,module' });
    expect(run.code, run.err.slice(-2000)).toBe(0);
    expect(run.out).toMatch(/done: \d+ lessons scheduled, 3 sent, 0 failed/);
    const own = run.err.split('\n').filter((l) => l.startsWith(`ESM ${run.pid}:`) || l.startsWith(`MODULE ${run.pid}:`));
    // The log does show the worker thread's own loads (so an absence below means something).
    expect(own.some((l) => l.includes('node_modules/handlebars/'))).toBe(true);
    expect(own.some((l) => l.includes('node_modules/.cache/coursemail/worker-'))).toBe(true);
    expect(own.filter((l) => RENDERERS.test(l))).toEqual([]);
    // …while the child that rendered the lessons did load them.
    expect(run.err.split('\n').some((l) => !l.includes(` ${run.pid}:`) && RENDERERS.test(l))).toBe(true);
  });

  it('sends a broadcast it renders in a child process (the copies carry its subject)', { timeout: 90_000 }, async () => {
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
    expect(run.err).toMatch(/coursemail: Series "physician-coaching" does not build; nothing will be sent until it does:\n {2}- .*03-coaching-vs-therapy\.md.*password/);
    expect(run.out).not.toContain('sent');
  });

  it('refuses to start when its heap cap cannot hold the loops’ batches, with the figure to set', { timeout: 60_000 }, async () => {
    const run = await runWorker(tempProject(), { COURSEMAIL_WORKER_HEAP_MB: '32' }, ['--concurrency', '64']);
    expect(run.code).toBe(1);
    const need = /64 loops of 100 messages of up to \d+ KB need about (\d+) MB of heap, and the worker's is capped at (\d+) MB: set COURSEMAIL_WORKER_HEAP_MB=(\d+)/.exec(run.err);
    expect(need, run.err).not.toBeNull();
    // The cap it reports is the one the environment set (old space 32 MB, plus the young generation).
    expect(Number(need![2])).toBeLessThan(50);
    expect(need![1]).toBe(need![3]);
  });
  it('starts again with the heap it needs when its default cap is too small for the course’s largest lessons', { timeout: 90_000 }, async () => {
    const root = tempProject();
    lengthen(join(root, 'series/physician-coaching/01-what-coaching-is.md'));
    const store = await openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });
    await seedDueLessons(store, 3);
    await store.close();
    const run = await runWorker(root);
    expect(run.code, run.err.slice(-2000)).toBe(0);
    expect(restartedWithHeapMb(run.out)).toBeGreaterThan(90);
    // One restart, then the run as usual, in the same process.
    expect(run.out.match(/^worker .* sending what is due/gm)).toHaveLength(1);
    expect(run.out).toMatch(/done: \d+ lessons scheduled, 3 sent, 0 failed/);
    expect(readdirSync(join(root, 'outbox')).filter((f) => f.endsWith('.eml'))).toHaveLength(3);
  });

  it('sizes its heap at start for a broadcast in flight that is longer than every lesson', { timeout: 90_000 }, async () => {
    const root = withExampleBroadcast(tempProject(), true);
    const store = await openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });
    await seedDueLessons(store, 2);
    await startExampleBroadcast(root, store);
    await store.close();
    const run = await runWorker(root);
    expect(run.code, run.err.slice(-2000)).toBe(0);
    // The lessons alone fit the default cap; the broadcast's batches would not.
    expect(restartedWithHeapMb(run.out)).toBeGreaterThan(90);
    expect(run.out).toMatch(/done: \d+ lessons scheduled, 4 sent, 0 failed/);
  });

  it('sends a broadcast started while it runs, longer than its heap was sized for, in smaller batches: no crash, no restart', { timeout: 120_000 }, async () => {
    const root = withExampleBroadcast(resendProject(), true);
    const server = await startFakeResend({ requestsPerSecond: null, keepEmails: false });
    try {
      const store = await openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });
      await seedDueLessons(store, 150);
      await store.close();
      // The default cap, sized at start for the lessons alone.
      const w = spawnWorker({ root, resendUrl: server.url, name: 'sized', args: ['--idle-ms', '100'] });
      const state = () => `${server.received.length} received; out: ${w.out().slice(-600)}; err: ${w.err().slice(-1500)}`;
      await waitFor(() => server.received.length >= 150 || !w.running, 'the lessons', 60_000, state);
      expect(server.requests.map((r) => r.emails)).toEqual([100, 50]);

      const again = await openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });
      await startExampleBroadcast(root, again);
      await again.close();
      // 100 copies of it in one request would need ~200 MB of heap (the check's figure).
      await waitFor(() => server.received.length >= 300 || !w.running, 'the broadcast', 90_000, state);
      expect(w.running, state()).toBe(true);
      expect(await stopWorker(w)).toEqual({ code: 0, signal: null });
      expect(w.out()).not.toMatch(/^heap:/m);
      const copies = server.requests.slice(2).map((r) => r.emails);
      // The first copy alone (its size unknown until compiled), then as many as fit the heap.
      expect(copies[0]).toBe(1);
      expect(Math.max(...copies)).toBeGreaterThan(1);
      expect(Math.max(...copies)).toBeLessThan(100);
      expect(copies.reduce((a, b) => a + b, 0)).toBe(150);
      for (const n of server.countByDelivery().values()) expect(n).toBe(1);
    } finally {
      await killWorkers();
      await server.close();
    }
  });
});

describe('the worker bundle (bin/worker-bundle.mjs)', () => {
  it('is rebuilt when a source changes, reused when none did, and refuses an import that reaches the renderers', { timeout: 60_000 }, async () => {
    // A copy of src/ to edit: esbuild leaves packages external, so it needs no node_modules.
    const root = mkdtempSync(join(REPO, '.tmp', 'bundle-'));
    try {
      cpSync(join(REPO, 'src'), join(root, 'src'), { recursive: true });
      const cacheDir = join(root, 'cache');
      const first = await workerBundle({ root, cacheDir });
      expect(first.built).toBe(true);
      expect(await workerBundle({ root, cacheDir })).toEqual({ ...first, built: false });

      const command = join(root, 'src/cli/commands/worker.ts');
      writeFileSync(command, readFileSync(command, 'utf8').replace('sending what is due', 'sending what is due, edited'));
      const edited = await workerBundle({ root, cacheDir });
      expect(edited.built).toBe(true);
      expect(edited.key).not.toBe(first.key);
      expect(readFileSync(edited.path, 'utf8')).toContain('sending what is due, edited');

      appendFileSync(join(root, 'src/cli/worker-main.ts'), "\nimport '../build/index.ts';\n");
      await expect(workerBundle({ root, cacheDir })).rejects.toThrow(/must not load the renderers[\s\S]*src\/cli\/worker-main\.ts → src\/build\/index\.ts/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
