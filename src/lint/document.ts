import { tokenize } from './html-tokens.ts';
import type { LintWarning } from './types.ts';

/** Screen readers pick their voice and pronunciation from `<html lang>`. */
export function lintDocument(html: string): LintWarning[] {
  for (const t of tokenize(html)) {
    if (t.type === 'open' && t.name === 'html')
      return t.attrs.lang?.trim() ? [] : [{ rule: 'lang', message: '<html> has no lang attribute: screen readers may read the email in the wrong language' }];
  }
  return [{ rule: 'lang', message: 'no <html> element, so no lang attribute: screen readers may read the email in the wrong language' }];
}
