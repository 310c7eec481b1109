const BULLET = /^\s*[•◦▪‣●·∙*+\-–]\s+/;
const NUMBERED = /^\s*(\d{1,3})[.)]\s+/;

/**
 * A title line is a paragraph of one short line (≤ 12 words, 90 characters) starting with a capital or digit, not a list item, not ending like
 * a sentence or a lead-in (`.`, `!`, `,`, `;`, `:`), with text after it. "What the evidence shows" is one; "The honest comparison:" is not.
 */
export function isTitleLine(paragraph: string[], hasNext: boolean): boolean {
  if (!hasNext || paragraph.length !== 1) return false;
  const line = (paragraph[0] as string).trim();
  if (line.length > 90 || line.split(/\s+/).length > 12) return false;
  if (!/^[\p{Lu}\p{N}"“‘']/u.test(line) || BULLET.test(line) || NUMBERED.test(line)) return false;
  return !/[.!,;:…]$/.test(line.replace(/["”’')\]]+$/, ''));
}

/**
 * The file's first line is the article's title when it is short, starts like a title and has
 * no final full stop (nor a lead-in `,` `;` `:`), even with the introduction on the very next
 * line, as long as that line starts a sentence rather than continuing a wrapped one.
 */
function titleFirstLine(paragraph: string[], hasNext: boolean): boolean {
  const line = (paragraph[0] as string).trim();
  const next = paragraph[1]?.trim();
  if (!hasNext && next === undefined) return false;
  if (line.length > 90 || line.split(/\s+/).length > 12) return false;
  if (!/^[\p{Lu}\p{N}"“‘']/u.test(line) || BULLET.test(line) || NUMBERED.test(line)) return false;
  if (/[.,;:…]$/.test(line.replace(/["”’')\]]+$/, ''))) return false;
  return next === undefined || (/^[\p{Lu}\p{N}"“‘']/u.test(next) && !/[.!?]\s/.test(line));
}

/** Text that must not turn into Markdown structure or raw HTML in a lesson. */
function escapeLine(line: string): string {
  return line.replace(/<(?=[A-Za-z/!?])/g, '\\<').replace(/^(\s*)([#>])/, '$1\\$2');
}

/**
 * Plain text → Markdown: blank-line paragraphs, title lines as headings (`#` when the file opens with one, `##` after), bullet lines as `- ` items.
 * Inline Markdown the author may have typed (links, emphasis) is kept as it is.
 */
export function textToMarkdown(text: string): string {
  const paragraphs: string[][] = [];
  let current: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim()) current.push(line.replace(/\s+$/, ''));
    else if (current.length) {
      paragraphs.push(current);
      current = [];
    }
  }
  if (current.length) paragraphs.push(current);

  const first = paragraphs[0];
  if (first && first.length > 1 && titleFirstLine(first, true)) paragraphs.splice(0, 1, [first[0] as string], first.slice(1));
  return paragraphs
    .map((para, i) => {
      if (i === 0 ? titleFirstLine(para, paragraphs.length > 1) : isTitleLine(para, i < paragraphs.length - 1))
        return `${i === 0 ? '#' : '##'} ${escapeLine((para[0] as string).trim())}`;
      if (BULLET.test(para[0] as string) || NUMBERED.test(para[0] as string)) {
        return para
          .map((line) => {
            const numbered = NUMBERED.exec(line);
            if (numbered) return `${numbered[1]}. ${escapeLine(line.slice(numbered[0].length))}`;
            if (BULLET.test(line)) return `- ${escapeLine(line.replace(BULLET, ''))}`;
            return `  ${escapeLine(line.trim())}`;
          })
          .join('\n');
      }
      return para.map((line) => escapeLine(line.trim())).join('\n');
    })
    .join('\n\n');
}
