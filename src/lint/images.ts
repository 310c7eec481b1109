import { parseStyle, tokenize } from './html-tokens.ts';
import type { LintWarning } from './types.ts';

/**
 * Images: clients block them by default, so the alt text is what most readers first see;
 * without dimensions the layout jumps (or Outlook shows them at full size) when they load.
 */
export function lintImages(html: string): LintWarning[] {
  const warnings: LintWarning[] = [];
  for (const t of tokenize(html)) {
    if (t.type !== 'open' || t.name !== 'img') continue;
    const src = t.attrs.src?.trim() ?? '';
    const name = src.length > 60 ? `…${src.slice(-57)}` : src || '(no src)';
    if (!('alt' in t.attrs)) warnings.push({ rule: 'image-alt', message: `image ${name} has no alt attribute (use alt="" only for decoration)` });
    if (!/^https:\/\//i.test(src)) {
      warnings.push({
        rule: 'image-src',
        message: /^data:/i.test(src)
          ? `image ${name.slice(0, 30)} is a data: URI: Gmail and Outlook do not show them`
          : `image ${name} is not an absolute https URL`,
      });
    }
    const style = parseStyle(t.attrs.style);
    const size = (dim: 'width' | 'height') => {
      const v = t.attrs[dim] ?? style.get(dim);
      return v && v !== 'auto' ? v : undefined;
    };
    const missing = (['width', 'height'] as const).filter((d) => !size(d));
    if (missing.length) warnings.push({ rule: 'image-size', message: `image ${name} has no ${missing.join(' or ')}: set the width and height attributes` });
  }
  return warnings;
}
