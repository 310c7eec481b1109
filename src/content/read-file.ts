import { readFileSync, statSync } from 'node:fs';
import type { Problem } from '../shared/index.ts';

/**
 * Largest lesson or series file read. A lesson renders to an email that Gmail clips past
 * ~100 KB of HTML, so anything near this is a mistake (a pasted export, a binary file): it
 * is refused before it is read, and the parser never sees it.
 */
export const MAX_CONTENT_BYTES = 256 * 1024;

/**
 * Reads a content file as UTF-8 text, or says why it cannot be used: not a regular file,
 * unreadable, too large, binary (NUL bytes) or not UTF-8 (with the line of the first bad
 * byte). Never throws: the caller collects problems so every file is reported in one run.
 */
export function readContentFile(path: string, file: string): { text: string } | { problem: Problem } {
  const problem = (code: string, message: string, line?: number): { problem: Problem } => ({ problem: { code, file, line, message } });
  let bytes: Buffer;
  try {
    const st = statSync(path);
    if (!st.isFile()) return problem('file.type', `${st.isDirectory() ? 'a directory' : 'not a regular file'}, where a text file is expected`);
    if (st.size > MAX_CONTENT_BYTES) {
      return problem(
        'file.size',
        `the file is ${Math.ceil(st.size / 1024)} KB; the limit is ${MAX_CONTENT_BYTES / 1024} KB (an email past ~100 KB is clipped by Gmail)`,
      );
    }
    bytes = readFileSync(path);
  } catch (err) {
    return problem('file.read', `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) return problem('file.binary', 'binary data (NUL bytes), not a text file', lineAt(bytes, nul));
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return problem('file.encoding', 'not UTF-8 text: save the file as UTF-8', lineAt(bytes, firstInvalidUtf8(bytes)));
  }
}

function lineAt(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = bytes.indexOf(10); i !== -1 && i < offset; i = bytes.indexOf(10, i + 1)) line += 1;
  return line;
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // Lines are decoded one by one: a newline byte never sits inside a multi-byte sequence.
  let start = 0;
  while (start < bytes.length) {
    const end = bytes.indexOf(10, start);
    const stop = end === -1 ? bytes.length : end;
    try {
      decoder.decode(bytes.subarray(start, stop));
    } catch {
      return start;
    }
    start = stop + 1;
  }
  return 0;
}
