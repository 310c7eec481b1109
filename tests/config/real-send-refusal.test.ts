import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startPreview } from '../../src/server/preview/index.ts';
import { writeBroadcast } from '../broadcast/support.ts';
import { runCli, tempProject } from '../support/project.ts';

const SERIES = 'physician-coaching';
const FIELDS = ['sender.email', 'postalAddress', 'publicUrl', 'siteUrl', 'consultationUrl', 'links.coaching-for-physicians'];

afterEach(() => vi.unstubAllEnvs());

/** The example config as shipped, but sending real email through `kind`. */
function exampleSendingThrough(kind: 'smtp' | 'resend'): string {
  const root = tempProject({
    config: (c) => {
      c.transport = kind;
      if (kind === 'smtp') c.smtp = { host: '127.0.0.1', port: 2525 };
    },
  });
  writeBroadcast(root, 'news');
  return root;
}

const outbox = (root: string) => (existsSync(join(root, 'outbox')) ? readdirSync(join(root, 'outbox')) : []);

describe('a real send refuses the example identity, naming each field', () => {
  for (const kind of ['smtp', 'resend'] as const) {
    it(`${kind}: worker, send-test, broadcast test and broadcast send all refuse`, { timeout: 60_000 }, async () => {
      vi.stubEnv('COURSEMAIL_SECRET', 'c'.repeat(40));
      vi.stubEnv('RESEND_API_KEY', 're_test');
      const root = exampleSendingThrough(kind);
      const runs = {
        worker: await runCli(['worker', '--once', '--root', root]),
        sendTest: await runCli(['send-test', '--root', root, '--series', SERIES, '--step', '1']),
        broadcastTest: await runCli(['broadcast', 'test', 'broadcasts/news.md', '--root', root]),
        broadcastSend: await runCli(['broadcast', 'send', 'broadcasts/news.md', '--yes', '--root', root]),
      };
      for (const [name, run] of Object.entries(runs)) {
        expect(run.code, name).not.toBe(0);
        expect(run.err, name).toContain(`a real send through ${kind} needs real ones`);
        for (const field of FIELDS) expect(run.err, `${name} names ${field}`).toContain(`[${field}]`);
        expect(run.err, name).toContain('Put your real postal address here');
      }
    });
  }

  it("the preview's send-test button refuses with resend, and says which fields", async () => {
    const root = exampleSendingThrough('resend');
    const preview = await startPreview({ root, port: 0, watch: false });
    try {
      const form = new URLSearchParams({ path: `/series/${SERIES}/1`, sample: 'named' });
      const res = await fetch(`${preview.url}/send-test`, { method: 'POST', body: form, headers: { Origin: preview.url }, redirect: 'manual' });
      expect(res.status).toBe(303);
      const page = await (await fetch(new URL(res.headers.get('location')!, preview.url))).text();
      expect(page).toContain('needs real ones');
      for (const field of ['sender.email', 'publicUrl']) expect(page).toContain(`[${field}]`);
    } finally {
      await preview.close();
    }
  });

  it('the outbox sends the example config as it is', { timeout: 60_000 }, async () => {
    const root = tempProject();
    const run = await runCli(['send-test', '--root', root, '--series', SERIES, '--step', '1']);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(outbox(root).filter((f) => f.endsWith('.eml'))).toHaveLength(1);
  });
});
