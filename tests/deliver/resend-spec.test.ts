import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadBroadcast, startSend } from '../../src/broadcast/index.ts';
import { loadProject } from '../../src/build/index.ts';
import { openStore } from '../../src/store/index.ts';
import { coursemail, writeBroadcast } from '../broadcast/support.ts';
import { startFakeResend, type FakeResend } from '../support/fake-resend.ts';
import { realIdentity, tempProject } from '../support/project.ts';

let server: FakeResend | undefined;
afterEach(async () => {
  // Rejects if any request broke Resend's OpenAPI document (see fake-resend.ts).
  await server?.close();
  server = undefined;
});

const SERIES = 'physician-coaching';
/** Readers named in five scripts: their names go into subjects and greetings. */
const NAMES = ['Мария', '李雷', 'فاطمة', 'अनन्या', 'Zoë Ångström'];

/** A project sending through Resend, its sender, a lesson subject and a broadcast subject not in ASCII. */
function project(): string {
  const root = tempProject({
    config: (c) => {
      realIdentity(c);
      c.transport = 'resend';
      c.resend = { requestsPerSecond: 1000 };
      c.sender = { name: 'Практика коучинга — 医師コーチング', email: 'coach@leecoaching.org' };
    },
  });
  const lesson = join(root, 'series', SERIES, '01-what-coaching-is.md');
  writeFileSync(lesson, readFileSync(lesson, 'utf8').replace(/^subject: .*$/m, 'subject: "Что такое коучинг — コーチングとは何か"'));
  writeBroadcast(root, 'novosti');
  const file = join(root, 'broadcasts/novosti.md');
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace(/^subject: .*$/m, 'subject: "Новости для {{#if firstName}}{{firstName}}{{else}}вас{{/if}} — 最新情報"'),
  );
  return root;
}

describe('every request coursemail sends to Resend conforms to Resend’s OpenAPI document', () => {
  it('lessons, a confirmation and a broadcast from the worker, and test sends, with non-ASCII names and subjects', { timeout: 180_000 }, async () => {
    const root = project();
    const now = new Date();
    const store = await openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });
    const readers = await store.subscribers.importBatch(
      NAMES.map((firstName, i) => ({ email: `reader${i}@example.org`, firstName, timezone: null, consentAt: now, consentSource: 'spec-test' })),
      { now, seriesId: SERIES },
    );
    const ids = readers.flatMap((r) => (r.outcome === 'imported' ? [r.id] : []));
    expect(ids).toHaveLength(NAMES.length);
    await store.deliveries.enqueue(
      ids.map((subscriberId) => ({
        kind: 'lesson',
        subscriberId,
        seriesId: SERIES,
        stepSlug: 'what-coaching-is',
        stepNumber: 1,
        dueAt: new Date(now.getTime() - 60_000),
      })),
      now,
    );
    const [pending] = await store.subscribers.importBatch(
      [{ email: 'pending@example.org', firstName: 'Ἀλέξανδρος', timezone: null, consentAt: null, consentSource: 'spec-test' }],
      { now, seriesId: SERIES },
    );
    expect(pending?.outcome).toBe('imported');
    await store.deliveries.enqueue([{ kind: 'confirm', subscriberId: (pending as { id: string }).id, seriesId: SERIES, dueAt: now }], now);
    const loaded = await loadProject(root);
    expect((await startSend({ project: loaded, store }, await loadBroadcast(loaded, 'novosti'), { now })).outcome).toBe('sending');
    await store.close();

    server = await startFakeResend({ requestsPerSecond: null });
    const runs = [
      ['worker', '--once'],
      ['send-test', '--series', SERIES, '--step', '1', '--to', 'author@example.org', '--sample', 'long'],
      ['send-test', '--series', SERIES, '--step', 'confirm', '--to', 'author@example.org'],
      ['broadcast', 'test', 'broadcasts/novosti.md', '--to', 'author@example.org'],
    ];
    for (const args of runs) {
      const run = await coursemail(root, server, args).done;
      expect(run.code, `${args.join(' ')}\n${run.err}`).toBe(0);
    }

    expect(server.specViolations).toEqual([]);
    const kinds = (email: { tags?: { name: string; value: string }[] } | undefined) => Object.fromEntries((email?.tags ?? []).map((t) => [t.name, t.value]));
    const emails = server.received.map((r) => r.email!);
    const ofKind = (kind: string) => emails.filter((e) => kinds(e).kind === kind);
    expect(ofKind('lesson')).toHaveLength(NAMES.length);
    expect(ofKind('confirm')).toHaveLength(1);
    expect(ofKind('broadcast')).toHaveLength(NAMES.length);
    expect(ofKind('test')).toHaveLength(3);
    // Every request was checked, and each payload kind went through it with its scripts intact.
    expect(server.specOperations.get('emails/send-batch')).toBe(server.requests.length);
    expect(ofKind('lesson').map((e) => e.subject)).toContain('Что такое коучинг — コーチングとは何か');
    expect(ofKind('broadcast').map((e) => e.subject)).toEqual(expect.arrayContaining(NAMES.map((n) => `Новости для ${n} — 最新情報`)));
    expect(ofKind('test').map((e) => e.subject)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\[TEST\] Что такое коучинг/), expect.stringMatching(/^\[TEST\] Новости для/)]),
    );
    // The confirmation never carries the typed name (a sign-up form must not relay text).
    expect(ofKind('confirm')[0]?.text).not.toContain('Ἀλέξανδρος');
    expect(new Set(emails.map((e) => e.from))).toEqual(new Set(['"Практика коучинга — 医師コーチング" <coach@leecoaching.org>']));
  });
});
