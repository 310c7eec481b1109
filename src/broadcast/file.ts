import { createHash } from 'node:crypto';

/**
 * sha256 (hex) of a broadcast file's raw bytes (a BOM counts): a send is tied to exactly this
 * content. A module of its own, importing nothing that renders: the worker checks a file's
 * hash before asking a render process for it (messages.ts), and draft.ts hashes what it renders.
 */
export const contentHash = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
