import { CoursemailError } from '../shared/index.ts';

/**
 * Turns the article's bytes into text, refusing what is not a UTF-8 text file: a NUL byte
 * means binary (images, PDFs, Word files), and an invalid byte sequence means another encoding.
 * Checking before any parsing keeps a wrong file from becoming a course of garbage.
 */
export function decodeArticle(bytes: Uint8Array, fileName: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new CoursemailError('draft.encoding', `${fileName} is UTF-16 text; save it as UTF-8 and run again.`);
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    throw new CoursemailError(
      'draft.binary',
      `${fileName} is a binary file (a NUL byte at offset ${nul}), not an article. Export it as Markdown, HTML or plain text.`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CoursemailError(
      'draft.encoding',
      `${fileName} is not valid UTF-8 (is it binary, or saved in another encoding such as Windows-1252?). Save it as UTF-8 and run again.`,
    );
  }
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}
