import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoursemailError, type Problem } from '../shared/index.ts';
import type { CatalogData, CatalogEntryData } from './catalog-data.ts';

/** A broadcast file rendered and guarded in the child: `entry` only when there are no problems. */
export interface RenderedBroadcast {
  /** sha256 of the file's bytes when it was read; '' if it could not be read. */
  hash: string;
  entry?: CatalogEntryData;
  problems: Problem[];
}

export type ChildReply = { ok: true; data: unknown } | { ok: false; error: { code?: string; message: string; problems: Problem[] } };

/**
 * The package's root, found from this file: it runs from src/send/ under tsx and from the
 * worker bundle in node_modules/.cache/coursemail/, so a fixed relative path would not do.
 */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'src/send/render-child.ts')) && existsSync(join(dir, 'bin/run-ts.mjs'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`render-process: no coursemail package above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** Runs render-child.ts under tsx and returns its data; its problems become a CoursemailError, as in-process. */
async function runChild(args: string[]): Promise<unknown> {
  const pkg = packageRoot();
  const child = spawn(process.execPath, [join(pkg, 'bin/run-ts.mjs'), join(pkg, 'src/send/render-child.ts'), ...args], {
    // stderr is the caller's: a template's warnings show in the worker's log.
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => chunks.push(d));
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done, fail) => {
    child.once('error', fail);
    child.once('close', (code, signal) => done({ code, signal }));
  });
  const out = Buffer.concat(chunks).toString('utf8').trimEnd();
  let reply: ChildReply | undefined;
  try {
    reply = JSON.parse(out.slice(out.lastIndexOf('\n') + 1)) as ChildReply;
  } catch {
    reply = undefined;
  }
  if (!reply) throw new Error(`the render process (${args.slice(0, 1).join(' ')}) ended with ${exit.signal ?? `exit code ${exit.code}`} and no result`);
  if (reply.ok) return reply.data;
  const err = new CoursemailError(reply.error.code ?? 'render', reply.error.message);
  // The message already lists the problems (CoursemailError's format); keep them as data too.
  (err as { problems: Problem[] }).problems = reply.error.problems;
  throw err;
}

/** Every series of the project at `root` (or these), built in a child process; see catalog.ts's catalogData. */
export async function catalogDataInChild(root: string, seriesIds?: string[]): Promise<CatalogData> {
  return (await runChild(['catalog', resolve(root), ...(seriesIds ?? [])])) as CatalogData;
}

/** `broadcasts/<slug>.md` rendered and guarded in a child process. */
export async function renderBroadcastInChild(root: string, slug: string): Promise<RenderedBroadcast> {
  return (await runChild(['broadcast', resolve(root), slug])) as RenderedBroadcast;
}
