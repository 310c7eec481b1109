import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser } from '../../src/cli/commands/dev.ts';
import { buildSeries, loadProject } from '../../src/build/index.ts';
import { rebuildSeries } from '../../src/server/preview/incremental.ts';
import { planFor, startPreview, type RunningPreview } from '../../src/server/preview/index.ts';
import { isLoopbackHost, startHttpServer } from '../../src/server/http.ts';
import { CoursemailError } from '../../src/shared/index.ts';
import { chromiumExecutable, launchBrowser } from '../support/browser.ts';
import { REPO, runCli, tempProject } from '../support/project.ts';

const hello = new Hono().get('/', (c) => c.text('hello'));

/** GET with an arbitrary Host header (fetch does not let a caller set it). */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('binding', () => {
  it('knows loopback from every-interface and public addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', 'preview.localhost']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.20', '10.0.0.1', 'example.com', '']) expect(isLoopbackHost(h), h).toBe(false);
  });

  it('refuses a non-loopback host unless allowRemote is set explicitly', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.20']) {
      const attempt = startHttpServer(hello, { host, port: 0 });
      await expect(attempt).rejects.toBeInstanceOf(CoursemailError);
      await expect(attempt).rejects.toThrow(/Refusing to listen on .*--allow-remote/);
    }
    const server = await startHttpServer(hello, { host: '0.0.0.0', port: 0, allowRemote: true });
    try {
      expect(server.host).toBe('0.0.0.0');
      expect(await (await fetch(`http://127.0.0.1:${server.port}/`)).text()).toBe('hello');
    } finally {
      await server.close();
    }
  });

  it('binds 127.0.0.1 by default and says so when the port is taken', async () => {
    const first = await startHttpServer(hello, { port: 0 });
    try {
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await expect(startHttpServer(hello, { port: first.port })).rejects.toThrow(`Port ${first.port} on 127.0.0.1 is in use`);
    } finally {
      await first.close();
    }
  });

  it('coursemail dev refuses --host 0.0.0.0 without --allow-remote, before building anything', async () => {
    const root = tempProject();
    const before = readdirSync(root, { recursive: true }).sort();
    const { code, out, err } = await runCli(['dev', '--root', root, '--host', '0.0.0.0', '--port', '0']);
    expect(code).toBe(1);
    expect(err).toContain('Refusing to listen on 0.0.0.0');
    // Nothing was started: no database, no dev secret, not a line of the server's own output.
    expect(readdirSync(root, { recursive: true }).sort()).toEqual(before);
    expect(out).not.toContain('coursemail dev:');
  });
});

describe('the preview server', () => {
  let root: string;
  let preview: RunningPreview;
  beforeAll(async () => {
    root = tempProject();
    mkdirSync(join(root, 'broadcasts'));
    writeFileSync(
      join(root, 'broadcasts/holiday-note.md'),
      '---\nsubject: "A short note before the holidays"\npreheader: "No lesson this week; here is why."\nseries: physician-coaching\n---\n\nHello {{firstName}}, a short note.\n',
    );
    preview = await startPreview({ root, port: 0, watch: false });
  });
  afterAll(() => preview?.close());

  it('answers only to a localhost Host header (DNS rebinding), or to a host allowed by name; allowRemote widens only the bind', async () => {
    expect(await getWithHost(`${preview.url}/`, new URL(preview.url).host)).toBe(200);
    expect(await getWithHost(`${preview.url}/`, 'localhost')).toBe(200);
    expect(await getWithHost(`${preview.url}/`, 'attacker.example:80')).toBe(403);
    const open = await startPreview({ root, port: 0, watch: false, host: '127.0.0.1', allowRemote: true, allowedHosts: () => ['preview.example.org'] });
    try {
      expect(await getWithHost(`${open.url}/`, 'preview.example.org')).toBe(200);
      expect(await getWithHost(`${open.url}/`, 'PREVIEW.example.org:3000')).toBe(200);
      expect(await getWithHost(`${open.url}/`, 'attacker.example')).toBe(403);
    } finally {
      await open.close();
    }
  });

  it('takes extra routes (public endpoints, /status) behind the same Host check', async () => {
    const extended = await startPreview({
      root,
      port: 0,
      watch: false,
      extend: (app, builder) => app.get('/extra', (c) => c.text(`extra ${builder.series.size}`)),
    });
    try {
      expect(await (await fetch(`${extended.url}/extra`)).text()).toBe('extra 1');
      expect(await getWithHost(`${extended.url}/extra`, 'attacker.example')).toBe(403);
    } finally {
      await extended.close();
    }
  });

  it('serves the email to its iframe with scripts forbidden, and the page sandboxes the iframe without allow-scripts', async () => {
    const frame = await fetch(`${preview.url}/series/physician-coaching/1/frame`);
    expect(frame.headers.get('content-security-policy')).toContain("script-src 'none'");
    const page = await (await fetch(`${preview.url}/series/physician-coaching/1`)).text();
    const sandbox = /<iframe[^>]*sandbox="([^"]*)"/.exec(page)?.[1];
    expect(sandbox).toBeDefined();
    expect(sandbox).not.toContain('allow-scripts');
  });

  it('lists broadcast drafts and renders them with the footer', async () => {
    const list = await (await fetch(`${preview.url}/`)).text();
    expect(list).toContain('data-broadcast="holiday-note"');
    expect(list).toContain('A short note before the holidays');
    const frame = await (await fetch(`${preview.url}/broadcasts/holiday-note/frame?sample=anonymous`)).text();
    expect(frame).toContain('Hello , a short note.');
    expect(frame).toContain('988 Suicide &amp; Crisis Lifeline');
  });

  it('refuses outbox paths outside the outbox', async () => {
    writeFileSync(join(root, 'secret.eml'), 'Subject: secret\r\n\r\nsecret');
    mkdirSync(join(root, 'outbox'), { recursive: true });
    writeFileSync(join(root, 'outbox/ok.eml'), 'Subject: fine\r\nContent-Type: text/html\r\n\r\n<p>fine</p>');
    expect(await (await fetch(`${preview.url}/outbox/ok.eml`)).text()).toContain('fine');
    expect(await (await fetch(`${preview.url}/outbox/ok.eml/frame`)).text()).toBe('<p>fine</p>');
    expect((await fetch(`${preview.url}/outbox/..%2Fsecret.eml`)).status).toBe(404);
    expect((await fetch(`${preview.url}/outbox/%2E%2E%2Fsecret.eml/frame`)).status).toBe(404);
  });

  it('answers unknown pages with a 404 that still live-reloads', async () => {
    const res = await fetch(`${preview.url}/series/physician-coaching/42`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("new EventSource('/events')");
  });
});

describe('rebuilding after a save', () => {
  it('maps changed paths to the least rebuild: one series, the broadcasts, or everything', () => {
    const root = '/p';
    const emails = '/pkg/emails';
    expect(planFor(root, emails, ['/p/series/a/01-x.md', '/p/series/a/02-y.md'])).toEqual({ series: ['a'] });
    expect(planFor(root, emails, ['/p/series/b/series.yaml', '/p/broadcasts/n.md'])).toEqual({ series: ['b'], broadcasts: true });
    expect(planFor(root, emails, ['/p/coursemail.config.json'])).toEqual({ config: true });
    expect(planFor(root, emails, ['/pkg/emails/Layout.tsx', '/p/series/a/01-x.md'])).toEqual({ templates: true, series: ['a'] });
  });

  it('re-renders only the edited lesson, and the result equals a full build', async () => {
    const root = tempProject();
    const project = await loadProject(root);
    const before = (await buildSeries(project, 'physician-coaching')).built!;
    const file = join(root, 'series/physician-coaching/02-what-the-evidence-shows.md');
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace(/^delay: .*$/m, 'delay: 3d')
        .replace(/\n\n/, '\n\nA new opening line for the test.\n\n'),
    );
    const incremental = (await rebuildSeries(project, 'physician-coaching', before)).built!;
    const full = (await buildSeries(project, 'physician-coaching')).built!;
    const parts = (b: typeof full) => [
      ...b.steps.map((s) => [s.step.offsetMinutes, s.message.subject, s.message.html, s.message.text]),
      [b.confirm.message.html],
    ];
    expect(parts(incremental)).toEqual(parts(full));
    expect(incremental.steps[1]!.message.html).toContain('A new opening line for the test.');
    // Unchanged lessons are the very objects built before: nothing re-rendered them.
    expect(incremental.steps[0]!.message).toBe(before.steps[0]!.message);
    expect(incremental.steps[1]!.message).not.toBe(before.steps[1]!.message);
    expect(incremental.confirm).toBe(before.confirm);
  });

  it('falls back to a full build when the series title changes (every message shows it)', async () => {
    const root = tempProject();
    const project = await loadProject(root);
    const before = (await buildSeries(project, 'physician-coaching')).built!;
    const file = join(root, 'series/physician-coaching/series.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^title: .*$/m, 'title: A renamed course'));
    const after = (await rebuildSeries(project, 'physician-coaching', before)).built!;
    expect(after.steps.every((s) => s.message.html.includes('A renamed course'))).toBe(true);
    expect(after.confirm.message.subject).toBe('Please confirm: A renamed course');
  });
});

describe('--open', () => {
  const savedPath = process.env.PATH;
  afterAll(() => {
    process.env.PATH = savedPath;
  });

  it('opens the system browser when there is one, and is quietly false when there is none', async () => {
    const bin = mkdtempSync(join(REPO, '.tmp', 'bin-'));
    const log = join(bin, 'opened.txt');
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\necho "$1" > ${log}\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    process.env.PATH = bin;
    expect(await openBrowser('http://127.0.0.1:3000', 'linux')).toBe(true);
    for (let i = 0; i < 50 && !existsSync(log); i++) await new Promise((r) => setTimeout(r, 20));
    expect(readFileSync(log, 'utf8').trim()).toBe('http://127.0.0.1:3000');

    process.env.PATH = mkdtempSync(join(REPO, '.tmp', 'empty-'));
    expect(await openBrowser('http://127.0.0.1:3000', 'linux')).toBe(false);
    expect(await openBrowser('http://127.0.0.1:3000', 'darwin')).toBe(false);
  });
});

describe('the browser the e2e tests drive', () => {
  it('comes from the @sparticuz/chromium npm package when no other Chromium is configured', async () => {
    const { path, source } = await chromiumExecutable('@sparticuz/chromium');
    expect(source).toBe('@sparticuz/chromium');
    expect(existsSync(path)).toBe(true);
    const browser = await launchBrowser('@sparticuz/chromium');
    try {
      expect(browser.version()).toMatch(/^\d+\./);
      const page = await browser.newPage({ viewport: { width: 375, height: 600 } });
      await page.setContent('<p id="p" style="width:100%">x</p>');
      expect(await page.evaluate(() => document.getElementById('p')!.getBoundingClientRect().width)).toBeGreaterThan(300);
    } finally {
      await browser.close();
    }
  });
});
