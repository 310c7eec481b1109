import type { LintWarning } from './types.ts';

/**
 * What inboxes show before cutting: about 60 characters of subject on a desktop list (a
 * phone shows fewer), and about 90 of preheader. Longer still sends; the end is just unseen.
 */
const SUBJECT_VISIBLE = 60;
const PREHEADER_VISIBLE = 90;

export function lintInbox(subject: string, preheader: string): LintWarning[] {
  const warnings: LintWarning[] = [];
  const len = (s: string) => [...s].length;
  if (len(subject) > SUBJECT_VISIBLE) {
    warnings.push({
      rule: 'subject-length',
      message: `subject is ${len(subject)} characters; inboxes show about ${SUBJECT_VISIBLE}, so “${[...subject].slice(SUBJECT_VISIBLE).join('')}” may be cut`,
    });
  }
  if (!preheader.trim()) warnings.push({ rule: 'preheader-length', message: 'no preheader: the inbox will show the first words of the body instead' });
  else if (len(preheader) > PREHEADER_VISIBLE) {
    warnings.push({
      rule: 'preheader-length',
      message: `preheader is ${len(preheader)} characters; inboxes show about ${PREHEADER_VISIBLE}, so “${[...preheader].slice(PREHEADER_VISIBLE).join('')}” may be cut`,
    });
  }
  return warnings;
}
