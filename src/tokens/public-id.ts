import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';

/**
 * Opaque public ids for the row ids in links and headers: one AES-256 block holding the
 * kind and the id, under a key derived from the signing secret. Outsiders see 22 random
 * characters (no order, no count); only this server maps one back, without a lookup table.
 */
export type PublicKind = 'subscriber' | 'delivery';

const KIND: Record<PublicKind, number> = { subscriber: 0x53, delivery: 0x44 };
const keys = new Map<string, Buffer>();

function keyFor(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createHmac('sha256', secret).update('coursemail public id v1').digest()));
  return key;
}

export function publicId(secret: string, kind: PublicKind, id: string): string {
  const block = Buffer.alloc(16);
  block[0] = KIND[kind];
  // Not a row id (the preview's sample links): id 0, which `rowIdOf` never returns.
  block.writeBigUInt64BE(/^[0-9]{1,15}$/.test(id) ? BigInt(id) : 0n, 1);
  const cipher = createCipheriv('aes-256-ecb', keyFor(secret), null).setAutoPadding(false);
  return Buffer.concat([cipher.update(block), cipher.final()]).toString('base64url');
}

/** The row id behind a public id of this kind, or null for anything else. */
export function rowIdOf(secret: string, kind: PublicKind, value: string): string | null {
  if (!/^[A-Za-z0-9_-]{22}$/.test(value)) return null;
  const bytes = Buffer.from(value, 'base64url');
  if (bytes.toString('base64url') !== value) return null;
  const decipher = createDecipheriv('aes-256-ecb', keyFor(secret), null).setAutoPadding(false);
  const block = Buffer.concat([decipher.update(bytes), decipher.final()]);
  if (block[0] !== KIND[kind] || block.subarray(9).some((b) => b !== 0)) return null;
  const id = block.readBigUInt64BE(1);
  return id > 0n ? String(id) : null;
}
