import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSeries, loadProject, type Project } from '../../../src/build/index.ts';
import type { BuiltSeries } from '../../../src/build/build-series.ts';
import { createOutboxTransport } from '../../../src/deliver/index.ts';
import { sendTest } from '../../../src/send/test-send.ts';
import { FIXTURE } from '../../support/project.ts';
import { activeSubscriber, harness, token } from './support.ts';

let project: Project;
let built: BuiltSeries;
beforeAll(async () => {
  project = await loadProject(FIXTURE);
  built = (await buildSeries(project, 'physician-coaching')).built!;
});

/** A test send of `message` through the outbox, its links pointed at the harness's app. */
async function testSend(message: BuiltSeries['confirm']['message'], publicUrl: string) {
  const transport = createOutboxTransport({ dir: join(mkdtempSync(join(tmpdir(), 'coursemail-test-send-')), 'outbox') });
  const { sent } = await sendTest({ message, config: { ...project.config, publicUrl }, transport, now: new Date(), to: 'author@example.org' });
  const links = [...new Set([...sent.text.matchAll(/https?:\/\/[^\s)>"]+/g)].map((m) => m[0]))].filter((u) => u.startsWith(publicUrl));
  return { sent, links, path: (kind: string) => new URL(links.find((u) => u.includes(`/${kind}/`))!).pathname };
}

describe('links in a test send', () => {
  it('unsubscribe (GET, one-click POST) and preferences open a 200 page saying it was a test send; nothing changes', async () => {
    const h = await harness();
    const reader = await activeSubscriber(h);
    const { sent, path } = await testSend(built.steps[0]!.message, 'https://coach.example.com');
    const unsubscribe = path('u');
    const preferences = path('p');
    expect(sent.headers['List-Unsubscribe']).toBe(`<https://coach.example.com${unsubscribe}>`);

    for (const [url, init] of [
      [unsubscribe, {}],
      [unsubscribe, { method: 'POST', headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' }, body: 'confirm=1' }],
      [preferences, {}],
      [`${preferences}/data.json`, {}],
    ] as const) {
      const r = await h.app.request(url, init);
      expect(r.status, url).toBe(200);
      const page = await r.text();
      expect(page).toContain('<h1>This was a test send</h1>');
      expect(page).toContain('nothing was changed');
    }
    const oneClick = await h.app.request(unsubscribe, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect([oneClick.status, await oneClick.text()]).toEqual([200, 'This was a test send: nobody was unsubscribed.']);
    expect((await h.store.subscribers.getById(reader))!.status).toBe('active');
  });

  it('the confirmation test send’s confirm link says the same; a real reader’s links and a forged one still answer as before', async () => {
    const h = await harness();
    const { path } = await testSend(built.confirm.message, 'https://coach.example.com');
    const confirm = await h.app.request(path('confirm'));
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('confirms the sign-up of the reader it was sent to');

    const reader = await activeSubscriber(h);
    const real = await h.app.request(`/u/${token('unsubscribe', reader)}`);
    expect(real.status).toBe(200);
    expect(await real.text()).not.toContain('This was a test send');
    const forged = await h.app.request(`/u/${token('unsubscribe', reader).slice(0, -3)}abc`);
    expect(forged.status).toBe(400);
  });
});
