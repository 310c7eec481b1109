import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { startFakeResend, type FakeResend } from '../support/fake-resend.ts';
import { realIdentity, tempProject } from '../support/project.ts';
import { coursemail, duplicates, populate, recipientsOf, until, writeBroadcast, type Population } from './support.ts';

const n = (v: number) => v.toLocaleString('en-US');
let server: FakeResend | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A project sending through Resend (the fake server), its SQLite file holding 1,000 subscribers. */
async function setup(): Promise<{ root: string; pop: Population; broadcastRows: () => Promise<number> }> {
  const root = tempProject({
    config: (c) => {
      c.transport = 'resend';
      c.resend = { requestsPerSecond: 1000 };
      realIdentity(c);
    },
  });
  writeBroadcast(root, 'news');
  const sqlitePath = join(root, 'data/coursemail.sqlite');
  const store = await openStore({ sqlitePath });
  const pop = await populate(store, new Date());
  await store.close();
  server = await startFakeResend({ requestsPerSecond: null });
  const broadcastRows = async () => {
    const s = await openStore({ sqlitePath });
    try {
      return (await s.broadcasts.list()).length;
    } finally {
      await s.close();
    }
  };
  return { root, pop, broadcastRows };
}

describe('coursemail broadcast send, as a process', () => {
  it('--dry-run prints count, sample, subject, size and guard, and sends nothing; without --yes off a terminal it refuses', { timeout: 120_000 }, async () => {
    const { root, pop, broadcastRows } = await setup();
    const dry = await coursemail(root, server!, ['broadcast', 'send', 'broadcasts/news.md', '--dry-run']).done;
    expect(dry.err).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain(`recipients: ${n(pop.all.size)} `);
    expect(dry.out).toContain('subject:    News for {{#if firstName}}{{firstName}}{{else}}you{{/if}}: news');
    expect(dry.out).toMatch(/sample: {5}reader\d+@example\.com, /);
    expect(dry.out).toMatch(/size: {7}\d+\.\d KB of HTML/);
    expect(dry.out).toContain('guard:      ✓ all 10 checks pass');
    expect(dry.out).toContain('Dry run: nothing was sent.');

    const unconfirmed = await coursemail(root, server!, ['broadcast', 'send', 'broadcasts/news.md']).done;
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.err).toContain(`pass --yes to send “News for {{#if firstName}}{{firstName}}{{else}}you{{/if}}: news” to ${n(pop.all.size)} recipients`);

    expect(server!.requests).toHaveLength(0);
    expect(await broadcastRows()).toBe(0);
  });

  it('SIGKILL at ~50 %, an edit refused, then `send` again: every active subscriber once, no duplicates', { timeout: 180_000 }, async () => {
    const { root, pop } = await setup();
    const args = ['broadcast', 'send', 'broadcasts/news.md', '--yes', '--lease', '2'];
    // Slow answers, so the kill lands mid-way with a batch in flight.
    server!.setFaults({ delayMs: 250 });
    const first = coursemail(root, server!, args);
    await until(() => server!.received.length >= pop.all.size / 2, 90_000, 'half the copies');
    first.kill();
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const atKill = server!.received.length;
    expect(atKill).toBeLessThan(pop.all.size);
    server!.setFaults({});

    // Editing the file mid-send: refused, nothing more goes out.
    const file = join(root, 'broadcasts/news.md');
    const original = readFileSync(file);
    writeFileSync(file, `${original.toString()}\nP.S. One more thing.\n`);
    const edited = await coursemail(root, server!, args).done;
    expect(edited.code).toBe(1);
    expect(edited.err).toMatch(/Refused: broadcasts\/news\.md has changed since broadcast 1 was started \(\d+ of [\d,]+ sent\)\./);
    expect(edited.err).toContain('--force-new');
    await new Promise((r) => setTimeout(r, 300)); // the killed process's last request, if any, lands
    const beforeResume = server!.received.length;
    expect(beforeResume).toBeLessThan(pop.all.size);

    // Restored, the same command resumes where it stopped.
    writeFileSync(file, original);
    const resumed = await coursemail(root, server!, args).done;
    expect(resumed.err).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain('Resuming broadcast 1');
    expect(resumed.out).toMatch(/sent \(100 %\)/);
    expect(resumed.out).toContain(`Done: ${n(pop.all.size)} sent, 0 failed`);

    expect(server!.received).toHaveLength(pop.all.size);
    expect(duplicates(server!)).toBe(0);
    expect(new Set(recipientsOf(server!))).toEqual(pop.all);

    const status = await coursemail(root, server!, ['broadcast', 'status']).done;
    expect(status.out).toMatch(new RegExp(`^news\\s+sent\\s+broadcast 1: ${n(pop.all.size)}/${n(pop.all.size)} sent, 0 failed, 0 skipped$`, 'm'));
  });

  it('when the provider says stop (daily quota) the run ends, nothing is lost, and the next run finishes it', { timeout: 120_000 }, async () => {
    const { root, pop } = await setup();
    server!.setFaults({ dailyQuotaExceeded: true });
    const stopped = await coursemail(root, server!, ['broadcast', 'send', 'broadcasts/news.md', '--yes']).done;
    // The documented exit code for a provider's stop, and its one calm line.
    expect(stopped.code).toBe(3);
    expect(stopped.err).toContain('coursemail: stopped: Resend says the sending quota is spent: ');
    expect(stopped.err).not.toMatch(/\n\s+at .*:\d+:\d+/);
    expect(stopped.out).toContain(`Stopped: 0 sent, 0 failed, 0 skipped (left or cancelled during the send), ${n(pop.all.size)} still to go`);
    expect(server!.received).toHaveLength(0);

    server!.setFaults({});
    const resumed = await coursemail(root, server!, ['broadcast', 'send', 'broadcasts/news.md', '--yes']).done;
    expect(resumed.code).toBe(0);
    expect(new Set(recipientsOf(server!))).toEqual(pop.all);
    expect(duplicates(server!)).toBe(0);
  });
});
