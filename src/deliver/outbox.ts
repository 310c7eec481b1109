import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutgoingMessage, SendOutcome, Transport } from '../send/transport.ts';
import { composeMime, processSeed } from './mime.ts';
import { assertSendable, escapeId, refusals } from './outgoing.ts';

export interface OutboxOptions {
  /** Where the `.eml` files go; created if missing. Default `outbox`. */
  dir?: string;
  /** The store's Message-ID seed (`store.messageIdSeed()`); without it, one drawn for this process. */
  messageIdSeed?: string;
}

const SUFFIX = '.eml';

/** `20240310T080000.000Z`: sorts by time and has no `:`, which some file systems refuse. */
function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '');
}

/** `<stamp>-<delivery id>.eml` → the delivery id part, to find what an earlier run wrote. */
function idOf(file: string): string | undefined {
  const m = /^\d{8}T\d{6}\.\d{3}Z-(.+)\.eml$/.exec(file);
  return m?.[1];
}

/**
 * Writes each message as the RFC 5322 file SMTP would carry. A delivery written once is
 * never written again (a retry after a crash finds the earlier file), and each file
 * appears whole: it is written under a dot-name and renamed into place.
 */
export function createOutboxTransport(options: OutboxOptions = {}): Transport {
  const dir = options.dir ?? 'outbox';
  const seed = options.messageIdSeed ?? processSeed();
  let written: Promise<Map<string, string>> | undefined;

  const index = () =>
    (written ??= mkdir(dir, { recursive: true })
      .then(() => readdir(dir))
      .then((files) => {
        const byId = new Map<string, string>();
        for (const f of files) {
          const id = idOf(f);
          if (id !== undefined && !byId.has(id)) byId.set(id, f);
        }
        return byId;
      }));

  async function write(m: OutgoingMessage, byId: Map<string, string>): Promise<SendOutcome> {
    const id = escapeId(m.id);
    const existing = byId.get(id);
    if (existing) return { id: m.id, status: 'sent', providerId: existing };
    const file = `${stamp(m.date)}-${id}${SUFFIX}`;
    byId.set(id, file);
    const temp = join(dir, `.${file}.${randomBytes(4).toString('hex')}.part`);
    try {
      await writeFile(temp, await composeMime(m, seed));
      await rename(temp, join(dir, file));
    } catch (err) {
      byId.delete(id);
      await rm(temp, { force: true });
      return { id: m.id, status: 'retry', permanent: false, reason: `outbox write failed: ${(err as Error).message}` };
    }
    return { id: m.id, status: 'sent', providerId: file };
  }

  return {
    name: 'outbox',
    maxBatch: 100,
    check: refusals,
    async sendBatch(messages) {
      assertSendable(messages);
      const byId = await index();
      return Promise.all(messages.map((m) => write(m, byId)));
    },
    async close() {},
  };
}
