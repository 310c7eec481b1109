import { simpleParser, type ParsedMail } from 'mailparser';
import { composeMime, processSeed } from '../../deliver/index.ts';
import type { OutgoingMessage } from '../../send/transport.ts';

/**
 * Header name and value as a mail client shows them: unfolded, and RFC 2047 encoded
 * words (a subject with “quotes” or a dash goes out as `=?UTF-8?Q?…`) decoded.
 */
export function headerRows(mail: ParsedMail): [string, string][] {
  return mail.headerLines.map((h) => {
    const colon = h.line.indexOf(':');
    const raw = h.line
      .slice(colon + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    const decoded = mail.headers.get(h.key);
    const shown = !raw.includes('=?') ? raw : typeof decoded === 'string' ? decoded : ((decoded as { text?: string } | undefined)?.text ?? raw);
    return [h.line.slice(0, colon), shown];
  });
}

/**
 * The headers exactly as a transport writes them: composed by the deliver stage, then read
 * back. The parts are stubbed: no top-level header depends on their content (the boundary
 * comes from the delivery id), and composing 10 KB of quoted-printable is the slow part.
 */
export async function wireHeaders(m: OutgoingMessage): Promise<[string, string][]> {
  const raw = await composeMime({ ...m, html: '<p></p>', text: '-' }, processSeed());
  return headerRows(await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true }));
}
