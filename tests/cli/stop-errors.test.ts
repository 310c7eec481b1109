import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { startFakeResend, type FakeResend } from '../support/fake-resend.ts';
import { realIdentity, tempProject } from '../support/project.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';
import { built, deliveryRows, killWorkers, resendProject, seedDueLessons, spawnWorker } from '../support/worker-process.ts';

let resend: FakeResend | undefined;
let smtp: TestSmtpServer | undefined;
afterEach(async () => {
  await killWorkers();
  await resend?.close();
  await smtp?.close();
  resend = smtp = undefined;
});

const sqlite = (root: string) => ({ sqlitePath: join(root, 'data/coursemail.sqlite') });

/** Built (workers start after `coursemail build`) with `n` lessons due. */
async function seeded(root: string, n: number): Promise<string> {
  await built(root);
  const store = await openStore(sqlite(root));
  await seedDueLessons(store, n);
  await store.close();
  return root;
}

/** No stack frame, no "unexpected error", no bug-report plea: a stop is not a bug. */
function expectCalm(err: string) {
  expect(err).not.toMatch(/unexpected error|StopRunError|\n\s+at .*:\d+:\d+|report it/);
}

describe('a provider’s "stop" ends `coursemail worker` with one calm line and exit code 3', () => {
  it('Resend refuses the API key (403): one line naming RESEND_API_KEY, exit 3, every row still queued', { timeout: 90_000 }, async () => {
    resend = await startFakeResend({ requestsPerSecond: null, apiKey: 're_the_right_one' });
    const root = await seeded(resendProject(), 3);
    const w = spawnWorker({ root, resendUrl: resend.url, name: 'refused', args: ['--once'] });
    const { code } = await w.exited;

    expect(code, w.err()).toBe(3);
    const lines = w.err().trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^coursemail: stopped: Resend refused the API key \(403\): check RESEND_API_KEY\. .*the unsent deliveries stay queued\.$/),
    ]);
    expectCalm(w.err());
    const rows = await deliveryRows(sqlite(root));
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r).toMatchObject({ status: 'queued', leaseOwner: null });
    expect(resend.received).toHaveLength(0);
  });

  it('the SMTP server refuses the login (535): one line naming SMTP_USER and SMTP_PASS, exit 3, every row still queued', { timeout: 90_000 }, async () => {
    smtp = await startSmtpServer({ auth: { user: 'coach', pass: 'right' }, starttls: true });
    const { host, port } = smtp;
    const root = await seeded(
      tempProject({
        config: (c) => {
          realIdentity(c);
          c.transport = 'smtp';
          c.smtp = { host, port, rejectUnauthorized: false };
        },
      }),
      2,
    );
    const w = spawnWorker({ root, resendUrl: 'http://127.0.0.1:9', name: 'smtp', args: ['--once'], env: { SMTP_USER: 'coach', SMTP_PASS: 'wrong' } });
    const { code } = await w.exited;

    expect(code, w.err()).toBe(3);
    expect(w.err().trim().split('\n')).toEqual([
      expect.stringMatching(
        /^coursemail: stopped: The SMTP server at 127\.0\.0\.1:\d+ refused the login \(535 Invalid username or password\): check SMTP_USER and SMTP_PASS\. /,
      ),
    ]);
    expectCalm(w.err());
    for (const r of await deliveryRows(sqlite(root))) expect(r).toMatchObject({ status: 'queued', leaseOwner: null });
    expect(smtp.messages).toHaveLength(0);
  });

  it('a batch answer with fewer ids than emails: every row sent once, a warning names the batch key, exit 0', { timeout: 90_000 }, async () => {
    resend = await startFakeResend({ requestsPerSecond: null, faults: { missingIds: 1 } });
    const root = await seeded(resendProject(), 3);
    const w = spawnWorker({ root, resendUrl: resend.url, name: 'short', args: ['--once'] });
    const { code } = await w.exited;

    expect(code, w.err()).toBe(0);
    expect(w.out()).toMatch(/done: \d+ lessons scheduled, 3 sent, 0 failed, 0 to retry/);
    const rows = await deliveryRows(sqlite(root));
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    const key = rows[0]!.batchKey;
    expect(w.err()).toContain(`coursemail: warning: Resend accepted batch key ${key} but answered 2 ids for 3 messages`);
    expect(rows.filter((r) => r.providerId === null)).toHaveLength(1);
    expect(resend.requests).toHaveLength(1);
    expect([...resend.countByDelivery().values()]).toEqual([1, 1, 1]);
  });
});
