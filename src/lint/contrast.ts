import { colorInShorthand, contrastRatio, over, parseColor, toHex, type Rgba } from './color.ts';
import { fontPx, parseStyle, tokenize } from './html-tokens.ts';
import type { LintWarning } from './types.ts';

interface Frame {
  name: string;
  color: Rgba | undefined;
  background: Rgba | undefined;
  /** font-size in px, for WCAG's large-text allowance. */
  fontPx: number;
  bold: boolean;
  hidden: boolean;
}

const WHITE: Rgba = { r: 255, g: 255, b: 255, a: 1 };
const BLACK: Rgba = { r: 0, g: 0, b: 0, a: 1 };

/**
 * Text against its background, from inline `color` and `background-color` (or `bgcolor`)
 * inherited down the tree as a browser would. Warns below WCAG AA: 4.5:1, or 3:1 for large
 * text (24 px, or 18.66 px bold). A colour it cannot parse gives no verdict rather than a guess.
 */
export function lintContrast(html: string): LintWarning[] {
  const root: Frame = { name: '#root', color: BLACK, background: WHITE, fontPx: 16, bold: false, hidden: false };
  const stack: Frame[] = [root];
  const seen = new Map<string, LintWarning>();
  for (const t of tokenize(html)) {
    const top = stack[stack.length - 1] as Frame;
    if (t.type === 'open') {
      const style = parseStyle(t.attrs.style);
      const inherits = (v: string | undefined) => v === undefined || v === 'inherit' || v === 'initial' || v === 'unset';
      const bgValue = style.get('background-color') ?? style.get('background') ?? t.attrs.bgcolor;
      const ownBg = parseColor(style.get('background-color')) ?? colorInShorthand(style.get('background')) ?? parseColor(t.attrs.bgcolor);
      const background = inherits(bgValue)
        ? top.background
        : !ownBg
          ? undefined
          : ownBg.a >= 1
            ? ownBg
            : top.background
              ? over(ownBg, top.background)
              : undefined;
      const color = inherits(style.get('color')) ? top.color : parseColor(style.get('color'));
      const weight = style.get('font-weight');
      const frame: Frame = {
        name: t.name,
        color: color && background && color.a < 1 ? over(color, background) : color,
        background,
        fontPx: fontPx(style.get('font-size'), top.fontPx),
        bold: weight ? weight === 'bold' || Number(weight) >= 700 : top.bold || t.name === 'strong' || t.name === 'b' || /^h[1-6]$/.test(t.name),
        hidden: top.hidden || t.name === 'head' || style.get('display') === 'none' || style.get('opacity') === '0' || style.get('visibility') === 'hidden',
      };
      if (!t.selfClosing) stack.push(frame);
    } else if (t.type === 'close') {
      const at = stack.map((f) => f.name).lastIndexOf(t.name);
      if (at > 0) stack.length = at;
    } else if (!top.hidden && top.color && top.background && t.text.trim()) {
      const ratio = contrastRatio(top.color, top.background);
      const large = top.fontPx >= 24 || (top.bold && top.fontPx >= 18.66);
      const needed = large ? 3 : 4.5;
      if (ratio >= needed) continue;
      const key = `${toHex(top.color)}/${toHex(top.background)}`;
      if (seen.has(key)) continue;
      const sample = t.text.replace(/\s+/g, ' ').trim().slice(0, 40);
      seen.set(key, {
        rule: 'contrast',
        message: `text ${toHex(top.color)} on ${toHex(top.background)} has contrast ${ratio.toFixed(2)}:1, under ${needed}:1 (WCAG AA${large ? ', large text' : ''}), e.g. “${sample}”`,
      });
    }
  }
  return [...seen.values()];
}
