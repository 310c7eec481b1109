import { open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Enough of a file to hold its header section (our .eml headers are a few hundred bytes). */
const HEAD_BYTES = 64 * 1024;

/** The addresses in the `To:` header of an .eml file's header section, lower-cased. */
function recipients(head: string): string[] {
  const end = head.search(/\r?\n\r?\n/);
  const unfolded = (end === -1 ? head : head.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const to = /^to:(.*)$/im.exec(unfolded)?.[1] ?? '';
  return [...to.matchAll(/<([^<>\s]+)>|([^\s<>,"]+@[^\s<>,"]+)/g)].map((m) => (m[1] ?? m[2] ?? '').toLowerCase());
}

/**
 * Deletes the outbox's .eml files addressed to `email` (compared as the store compares,
 * case-insensitively), so an erased reader's messages are not left on disk or listed by the
 * preview. Returns how many went. A missing outbox holds nothing.
 */
export async function removeOutboxCopies(dir: string, email: string): Promise<number> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.eml'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  const address = email.trim().toLowerCase();
  let removed = 0;
  for (const f of files) {
    const path = join(dir, f);
    const handle = await open(path, 'r').catch(() => undefined);
    if (!handle) continue;
    let head: string;
    try {
      const buffer = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
      head = buffer.subarray(0, bytesRead).toString('latin1');
    } finally {
      await handle.close();
    }
    if (recipients(head).includes(address)) {
      await rm(path, { force: true });
      removed += 1;
    }
  }
  return removed;
}
