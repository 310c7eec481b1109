import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/embedded-postgres.ts';
import { REPO, tempProject } from '../support/project.ts';
import { waitFor } from '../support/wait.ts';

const SERIES = 'physician-coaching';
const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

/** `coursemail dev` as its own process, without COURSEMAIL_SECRET; resolves once it listens. */
async function startDevProcess(root: string, port: number): Promise<{ out: () => string; stop: () => Promise<void> }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.COURSEMAIL_SECRET;
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [join(REPO, 'bin/coursemail.mjs'), 'dev', '--root', root, '--port', String(port), '--idle-ms', '100'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  await waitFor(
    () => out.includes('watching for changes') || child.exitCode !== null,
    'dev to listen',
    60_000,
    () => out,
  );
  expect(child.exitCode, out).toBeNull();
  return {
    out: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      running.delete(child);
    },
  };
}

/** The confirm link of the first message in the outbox (parsed: the .eml is quoted-printable). */
async function confirmLink(root: string): Promise<string | undefined> {
  const dir = join(root, 'outbox');
  for (const f of existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.eml')) : []) {
    const { text } = await simpleParser(readFileSync(join(dir, f)));
    const link = /http:\/\/127\.0\.0\.1:\d+\/confirm\/[\w-]+\.[\w-]+/.exec(text ?? '')?.[0];
    if (link) return link;
  }
  return undefined;
}

describe('dev without COURSEMAIL_SECRET keeps its secret under data/', () => {
  it('a link made before a restart still works after it, and the secret is announced once', { timeout: 120_000 }, async () => {
    const root = tempProject();
    const port = await freePort();
    const first = await startDevProcess(root, port);
    const url = `http://127.0.0.1:${port}`;
    const form = new URLSearchParams({ email: 'restart.reader@example.com', first_name: 'Ren', timezone: 'UTC', website: '' });
    expect((await fetch(`${url}/subscribe/${SERIES}`, { method: 'POST', body: form, headers: { Origin: url } })).status).toBe(200);
    await waitFor(async () => (await confirmLink(root)) !== undefined, 'the confirmation in the outbox', 30_000, first.out);
    const link = (await confirmLink(root))!;
    expect(await (await fetch(link)).text()).toContain('Yes, send me the course');
    await first.stop();
    expect(first.out()).toContain('kept in ');
    const file = join(root, 'data/dev-secret');
    expect(readFileSync(file, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(file).mode & 0o077).toBe(0);

    const second = await startDevProcess(root, port);
    const page = await (await fetch(link)).text();
    expect(page).not.toContain('This link does not work');
    expect(page).toContain('Yes, send me the course');
    await second.stop();
    // Said when made, not again at each start.
    expect(second.out()).not.toContain('COURSEMAIL_SECRET is not set');
  });
});
